// The Lipschitz margin argument and the certified radius it gives.
//
// Semantics: with m_j = f_C(x) - f_j(x) (exact) and L_j(r) an upper bound of
// the Lipschitz constant of f_C - f_j on the ball B(x, r) in the given norm
// (the dual norm of an enclosure of the Clarke gradient of the margin network
// f_C - f_j over the box [x - r, x + r], which holds the ball), the claim at
// radius r is proven when m_j > L_j(r) * r for every j != C, compared exactly
// in rationals. margin_certified_radius returns a radius proven this way,
// found by bisection (the largest one it reached).
#pragma once
#include <atomic>
#include <vector>

#include "robustness/property.hpp"

namespace rl {

struct MarginProblem {
  std::vector<Rational> center;
  std::size_t label = 0;
  Norm norm = Norm::Linf;
  std::vector<std::size_t> others;   // j != C
  std::vector<Network> differences;  // f_C - f_j
  std::vector<Rational> margins;     // m_j, exact
};

MarginProblem margin_problem(const Network& net, const std::vector<Rational>& x, std::size_t label, Norm norm);

// Exact margins at x and the argument at radius r.
bool margin_proves(const MarginProblem& p, const Rational& r);

// The largest radius proven by margin_proves reached by bisection (0 when none).
Rational margin_certified_radius(const MarginProblem& p, const std::atomic<bool>* stop = nullptr, int iterations = 40);

}  // namespace rl
