// Untrusted: choosing the slopes, split multipliers and atom weights that
// make a node's bound smallest (alpha-CROWN / beta-CROWN style projected
// gradient), in double arithmetic. What it finds is only a suggestion; the
// bound that counts is recomputed with OutwardArith (by the search before it
// records a leaf, and again by the checker).
//
// The bounded function for a conjunction of atoms g_i >= 0 (rows of the
// network's output) is sum_i lambda_i g_i with lambda on the simplex: if its
// upper bound on the node is < 0, no point of the node meets every atom.
#pragma once
#include <vector>

#include "bounds/linear_bounds.hpp"

namespace rl::bounds {

struct RelaxationChoice {
  std::vector<double> lambda;  // per output row of the network (0 off the conjunction)
  NeuronValues alpha;          // per hidden neuron, in [0, 1]
  NeuronValues beta;           // per hidden neuron, >= 0 (used on split neurons)
};

struct OptimizedBound {
  double upper = kInfinity;     // float bound with `choice`
  RelaxationChoice choice;
  std::vector<double> corner;   // an input point maximizing the relaxation (an attack start)
};

struct OptimizeOptions {
  int iterations = 20;
  double alpha_rate = 0.2, beta_rate = 0.05, lambda_rate = 0.1;
  bool use_beta = true;
  double stop_below = 0;  // stop once the bound is below this (proven with margin)
};

// preactivation_bounds<FloatArith> computed faster for the search: the same
// skeleton (preactivation_bounds_tightened), with each layer's relaxation
// (gate, chord, slope) worked out once per layer instead of once per bounded
// neuron and layer. Agrees with the generic version up to float rounding (a
// test compares them); untrusted like every float bound (the proof
// recomputes with OutwardArith). `outer`: as for preactivation_bounds (in
// the search, the parent node's bounds; in a deep node they fix most neurons).
PreBounds fast_preactivation_bounds(const Network& net, std::vector<double> in_lo, std::vector<double> in_hi, const StateMatrix& states,
                                    const PreBounds* outer = nullptr);

// The default relaxation for the conjunction `rows` (CROWN slopes, uniform lambda, beta 0).
RelaxationChoice default_choice(const Network& net, const PreBounds& pb, const std::vector<std::size_t>& rows);

// Projected-gradient (Adam) descent of the conjunction's bound from `start`.
OptimizedBound optimize_bound(const Network& net, const PreBounds& pb, const StateMatrix& states, const std::vector<std::size_t>& rows,
                              const RelaxationChoice& start, const OptimizeOptions& options);

}  // namespace rl::bounds
