// A ReLU network as a test function for Definitions 2 and 6: phi = f / U,
// where U is a certified upper bound on the global l2 Lipschitz constant of
// the scalar network f (lipschitz_bound), so phi is 1-Lipschitz.
#pragma once
#include <string>

#include "prob/test_function.hpp"

namespace rl {

// spec is FILE or FILE#k (output k). Throws InputError naming `where` when
// the file cannot be loaded, its input size is not d, or the output is not
// scalar. phi is f times the double s <= 1/U (1/U rounded down), so it is
// 1-Lipschitz exactly; eval encloses f(x) by outward double intervals (net_ibp
// on the point x) and multiplies by s outward.
TestFunction network_test_function(const std::string& spec, std::size_t d, const std::string& where);

}  // namespace rl
