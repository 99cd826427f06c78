// A ReLU network as a test function for Definitions 2 and 6: phi = f / U,
// where U is a certified upper bound on the global l2 Lipschitz constant of
// the scalar network f (lipschitz_bound), so phi is 1-Lipschitz.
#pragma once
#include <string>

#include "prob/test_function.hpp"

namespace rl {

// Throws InputError naming `where` when the file cannot be loaded, its input
// size is not d, or its output is not scalar.
TestFunction network_test_function(const std::string& path, std::size_t d, const std::string& where);

}  // namespace rl
