// A ReLU network as a test function for Definitions 2 and 6: phi = f / U,
// where U is a certified upper bound on the global l2 Lipschitz constant of
// the scalar network f (lipschitz_bound), so phi is 1-Lipschitz.
#pragma once
#include <string>

#include "prob/test_function.hpp"

namespace rl {

// spec is FILE or FILE#k (output k). Throws InputError naming `where` when
// the file cannot be loaded, its input size is not d, or the output is not
// scalar. f is evaluated in double (net_eval_double); 1/U is rounded to the
// nearest double, a relative error of 2^-53 that the Monte Carlo threshold
// margin absorbs.
TestFunction network_test_function(const std::string& spec, std::size_t d, const std::string& where);

}  // namespace rl
