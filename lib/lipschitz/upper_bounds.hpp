// Upper bounds on the Lipschitz constant of a LipProblem's network g.
//
// Semantics (each is >= the exact constant, by outward rounding):
// - lipschitz_upper_product: prod_k ||W_k|| over the layers (ReLU is
//   1-Lipschitz coordinatewise in every lp norm); l1/linf layer norms are exact
//   rational sums, l2 layer norms are certified by interval LDL^T (skipped,
//   for the Frobenius and magnitude bounds, once `out_of_time`). Valid on any
//   domain, fixed coordinates dropped. A layer whose double spectral bound
//   overflows uses its Frobenius norm instead (exact, see below).
// - lipschitz_upper_magnitude: prod_k N(|W_k|), N the exact l1/linf norm or,
//   for l2, the Frobenius norm (>= || |W| ||_2 >= ||W||_2), rounded up to a
//   rational exactly (no floating point, so it never overflows). It bounds L on
//   any domain, and every vertex Jacobian and the magnitude of every Clarke
//   enclosure of any sub-box: those are entrywise <= |W_L| ... |W_1| and the
//   norms are monotone on non-negative matrices. The engine reports it when a
//   double bound overflows.
// - lipschitz_upper_clarke: on a box with IBP bounds b, the norm of the interval
//   enclosure of the Clarke Jacobian (free columns). Every Jacobian of g at a
//   differentiable point of the box lies in it, and L = sup of those norms.
// - lipschitz_upper_vertex: the largest norm over the 2^u "vertex" Jacobians,
//   u = neurons that IBP leaves unstable on the box, each unstable D_ii in {0,1}
//   and stable ones fixed, skipping the patterns that an exclusion proved on a
//   box containing this one matches (pattern_region.hpp: none is the pattern of
//   a point of the box). The Jacobian at any differentiable point of the box is
//   one of the others, so the maximum bounds L over the box. Each vertex
//   Jacobian is an outward DInterval enclosure, so the bound is rigorous. It
//   also returns the largest vertices with their patterns, so that a caller
//   can exclude them and take the next: every vertex not listed is <= rest.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "lipschitz/pattern_region.hpp"
#include "lipschitz/problem.hpp"

namespace rl {

Rational lipschitz_upper_product(const LipProblem& p, const std::function<bool()>& out_of_time = {});
Rational lipschitz_upper_magnitude(const LipProblem& p);

// A search's bound as a rational: the double itself, or the magnitude product
// when the double overflowed. The product, a pass over every weight in exact
// rationals, is computed on first use (most searches never overflow) and
// once, whichever thread asks.
class MagnitudeFallback {
 public:
  explicit MagnitudeFallback(const LipProblem& p) : p_(p) {}
  const Rational& magnitude() const;
  Rational operator()(double bound) const { return std::isfinite(bound) ? rational_from_double(bound) : magnitude(); }

 private:
  const LipProblem& p_;
  mutable std::once_flag once_;
  mutable Rational magnitude_;
};

double lipschitz_upper_clarke(const LipProblem& p, const BoxBounds& b);

struct VertexBound {
  double upper = 0;                                  // >= every vertex not excluded
  std::vector<std::pair<double, HiddenPattern>> top;  // the largest vertex bounds, descending
  double rest = 0;                                   // >= every vertex not excluded and not in top
  std::uint64_t vertices = 0;
};
// top_count >= 1 vertices are listed (fewer when there are fewer). A vertex
// whose cheap bound (l2 with a vector output: min of Frobenius and
// sqrt(||J||_1 ||J||_inf), plus the walk's error) is at most `floor` is not
// listed and gets no certified norm: it counts in rest with that bound.
VertexBound lipschitz_upper_vertex(const LipProblem& p, const BoxBounds& b,
                                   const std::vector<PatternExclusion>& excluded = {}, std::size_t top_count = 1,
                                   double floor = -1.0);

}  // namespace rl
