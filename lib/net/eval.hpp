// Forward passes and Jacobians of a Network.
//
// Semantics:
// - net_eval_exact is the exact real-valued function on rational inputs.
// - net_eval_interval / net_ibp return enclosures: for every x in the box,
//   f(x) (and each pre-activation) lies in the returned intervals.
// - net_eval_double is plain floating point, for untrusted searches only.
// - net_jacobian_exact(pattern) is the exact Jacobian of the affine piece
//   selected by the pattern; it equals the true Jacobian at any x where every
//   pre-activation is non-zero with the pattern's signs (and inputs lie strictly
//   inside the clamp box where it is active).
// - net_jacobian_enclosure encloses the Clarke generalized Jacobian over a box:
//   stable neurons contribute 0 or 1, unstable ones [0, 1].
#pragma once
#include <cstdint>
#include <vector>

#include "arith/dinterval.hpp"
#include "arith/interval.hpp"
#include "net/network.hpp"

namespace rl {

// Activation state of every hidden neuron (1 active, 0 inactive) and of every
// input under the clamp (1 passes through, 0 clipped). Empty input_active = all 1.
struct ActivationPattern {
  std::vector<std::vector<std::uint8_t>> active;
  std::vector<std::uint8_t> input_active;
};

// Exact values along a forward pass: pre-activations of every layer.
struct ExactTrace {
  std::vector<Rational> clamped_input;
  std::vector<std::vector<Rational>> preactivations;  // one vector per layer; the last is the output
  std::vector<int> clamp_state;  // per input: -1 below lo, +1 above hi, 0 strictly inside, 2 on a bound
  const std::vector<Rational>& output() const { return preactivations.back(); }
  // True when no hidden pre-activation is 0 and no input sits on a clamp bound:
  // then x is interior to one linear region and the Jacobian is exact there.
  bool is_interior() const;
  ActivationPattern pattern() const;
};

ExactTrace net_trace_exact(const Network& net, const std::vector<Rational>& x);
std::vector<Rational> net_eval_exact(const Network& net, const std::vector<Rational>& x);
std::vector<double> net_eval_double(const Network& net, const std::vector<double>& x);
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

// Exact rational Jacobian (outputs x inputs) of the piece selected by pattern.
RationalMatrix net_jacobian_exact(const Network& net, const ActivationPattern& pattern);

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
