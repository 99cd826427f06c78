// Forward passes and Jacobians of a Network.
//
// Semantics (the exact passes are in net/eval_exact.hpp):
// - net_eval_interval / net_ibp return enclosures: for every x in the box,
//   f(x) (and each pre-activation) lies in the returned intervals.
// - net_eval_double is plain floating point, for untrusted searches only.
// - net_jacobian_enclosure encloses the Clarke generalized Jacobian over a box:
//   stable neurons contribute 0 or 1, unstable ones [0, 1].
#pragma once
#include <vector>

#include "arith/dinterval.hpp"
#include "arith/interval.hpp"
#include "net/eval_exact.hpp"
#include "net/network.hpp"

namespace rl {

std::vector<double> net_eval_double(const Network& net, const std::vector<double>& x);

// z_i = bias_i + sum_j W_ij v_j (plain doubles) for every row of the layer,
// z holding out_dim entries. Each row is summed from j = 0 up, as a plain
// loop would (so results are bit for bit the same), but four rows at a time:
// independent running sums do not wait on each other's additions, which
// makes the 784 x 256 layers of mnistfc several times faster.
void layer_affine_double(const Layer& l, const double* v, double* z);
std::vector<Interval> net_eval_interval(const Network& net, const std::vector<Interval>& box);

using DBox = std::vector<DInterval>;

struct BoxBounds {
  DBox raw_input;                      // the box as given
  DBox input;                          // the box after the clamp
  std::vector<DBox> preactivations;    // per layer; the last is the output
  const DBox& output() const { return preactivations.back(); }
  std::size_t unstable_count() const;
};

// Interval bound propagation with the fast outward-rounded type.
BoxBounds net_ibp(const Network& net, const DBox& box);

struct IntervalMatrix {
  std::size_t rows = 0, cols = 0;
  std::vector<DInterval> entries;  // row-major
  DInterval& at(std::size_t r, std::size_t c) { return entries[r * cols + c]; }
  const DInterval& at(std::size_t r, std::size_t c) const { return entries[r * cols + c]; }
};

// Encloses the Jacobian of f at every point of the box where f is
// differentiable (hence every element of the Clarke Jacobian, their convex hull).
IntervalMatrix net_jacobian_enclosure(const Network& net, const BoxBounds& bounds);

// Box helpers.
DBox dbox_from_rationals(const std::vector<Rational>& lo, const std::vector<Rational>& hi);

}  // namespace rl
