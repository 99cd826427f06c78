// The exact reference of the linear-relaxation bound (bounds/linear_bounds.hpp).
//
// linear_spec_upper_exact(net, pb, states, row, alpha, beta) is the bound
// that bounds::spec_upper encloses, computed in exact rationals: back-
// substitution of row . z_top through every layer with the exact weights,
// the same gates (relu_gate on pb and the split states), on an unstable
// neuron with coefficient m >= 0 the chord slope s that chord<OutwardArith>
// picks and its exact intercept t = max(0, -s lo, hi - s hi), with m < 0 the
// recorded slope alpha, and +-beta on a split neuron. The sign test uses the
// exact coefficient, so the relaxation is valid whatever rounding did.
//
// Contract: for any sound bounds pb of the node (every hidden pre-activation
// of every point of the region lies in [pb.lo, pb.hi], the clamped input in
// [pb.in_lo, pb.in_hi]), any alpha in [0, 1] and beta >= 0, the result is an
// upper bound of row . f(x) over the region. Empty when a bound it needs is
// infinite. The checker uses it where the outward-rounded bound is not
// conclusive; tests use it as the reference of the outward one.
#pragma once
#include <optional>
#include <vector>

#include "arith/rational.hpp"
#include "bounds/linear_bounds.hpp"

namespace rl {

std::optional<Rational> linear_spec_upper_exact(const Network& net, const bounds::PreBounds& pb, const bounds::StateMatrix& states,
                                                const std::vector<double>& row, const bounds::NeuronValues& alpha,
                                                const bounds::NeuronValues& beta);

}  // namespace rl
