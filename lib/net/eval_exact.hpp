// Exact forward passes and Jacobians of a Network: the part of lib/net/eval
// that the trusted checker uses (robustlaw_check).
//
// Semantics:
// - net_eval_exact is the exact real-valued function on rational inputs.
// - net_jacobian_exact(pattern) is the exact Jacobian of the affine piece
//   selected by the pattern; it equals the true Jacobian at any x where every
//   pre-activation is non-zero with the pattern's signs (and inputs lie strictly
//   inside the clamp box where it is active).
#pragma once
#include <cstdint>
#include <vector>

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

// Exact rational Jacobian (outputs x inputs) of the piece selected by pattern.
RationalMatrix net_jacobian_exact(const Network& net, const ActivationPattern& pattern);

// Throws InputError (naming the network's source) unless x has n = input_dim coordinates.
void net_check_input_dim(const Network& net, std::size_t n);

}  // namespace rl
