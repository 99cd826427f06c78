// The functions phi tested in Definitions 2 and 6, with their Lipschitz
// constants in l2 (exact L^2):
//   coordinate : x_1                      L = 1
//   norm       : ||x||_2                  L = 1
//   linear:a.. : sum_i a_i x_i            L = ||a||_2 (missing a_i are 0)
//   max, min   : max_i x_i, min_i x_i     L = 1
// Networks are added by network_function.hpp.
//
// Evaluation: eval(x) is an outward enclosure of the exact real phi(x) at the
// double point x (outward-rounded double intervals, DInterval), so a Monte
// Carlo comparison of phi(x) with a threshold is decided soundly at any
// magnitude of phi: no absolute slack is involved.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "arith/dinterval.hpp"
#include "arith/rational.hpp"

namespace rl {

struct TestFunction {
  std::string name;
  Rational lipschitz_squared = 1;
  std::string lipschitz_source;  // why L is what it is
  bool odd = false;              // phi(-x) = -phi(x): E phi = 0 under a symmetric measure
  std::function<DInterval(const std::vector<double>& x)> eval;
};

// Throws InputError naming `where` on an unknown name or bad coefficients.
TestFunction test_function_parse(const std::string& spec, std::size_t d, const std::string& where);

}  // namespace rl
