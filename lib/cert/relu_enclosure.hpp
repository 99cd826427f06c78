// Enclosures of a ReLU network's pre-activations on a box and of its
// Jacobians on a set of activation states, and the operator-norm tests the
// Lipschitz checker applies to them.
//
// Pre-activations. preactivation_intervals_exact is interval propagation in
// exact rationals: per layer (the output layer last), an interval containing
// every pre-activation on the box. preactivation_states_decide gives the
// hidden states of those exact intervals (lo >= 0 active, else hi <= 0
// inactive, else unstable) from a double evaluation of the same formula that
// encloses each exact end point; nullopt when an end point is too close to 0
// to tell, and then only the exact intervals can.
//
// Jacobians. states[k][i] says what the derivative of hidden neuron i of layer
// k may be: 0 (inactive), 1 (active) or 2 (anything in [0, 1]); the output
// layer is linear. The interval evaluation of W_L D_{L-1} ... D_0 W_0 (inputs
// that are not `free` get a zero column) is an interval matrix, outputs x
// inputs, that contains every such product with D_k[i] in its neuron's set.
// - jacobian_enclosure_exact computes it in exact rationals: with no state 2
//   it is the point matrix of the exact Jacobian of the pattern.
// - jacobian_enclosure_ends runs the same evaluation in doubles: each end
//   point of each exact entry lies in the DInterval of the same name (every
//   step rounded outward, arith/dinterval.hpp, from the enclosures of the
//   exact weights, Layer::weights_i; the exact weight's sign picks the end
//   points, as in the exact evaluation).
//
// The tests of ||A|| <= u (operator norm l1, l2 or linf). The exact ones
// decide it. The *_decide ones are given end-point enclosures and answer
// Holds or Violated only where the exact test on the exact matrix answers
// true or false; Inconclusive otherwise, and then only the exact test can tell.
#pragma once
#include <optional>
#include <vector>

#include "arith/dinterval.hpp"
#include "arith/rational.hpp"
#include "arith/verdict.hpp"
#include "net/network.hpp"

namespace rl {

enum class OperatorNorm { L1, L2, Linf };

struct RInterval {
  Rational lo, hi;
};
// Enclosures of the two end points of an exact interval.
struct EndEnclosures {
  DInterval lo, hi;
};

using RMatrix = std::vector<std::vector<Rational>>;
template <class T>
using Grid = std::vector<std::vector<T>>;
// Per hidden layer and neuron: 0 inactive, 1 active, 2 unstable.
using NeuronStates = std::vector<std::vector<int>>;

Grid<RInterval> preactivation_intervals_exact(const Network& g, const std::vector<RInterval>& box);
std::optional<NeuronStates> preactivation_states_decide(const Network& g, const std::vector<RInterval>& box);

Grid<RInterval> jacobian_enclosure_exact(const Network& g, const NeuronStates& states, const std::vector<bool>& free);
Grid<EndEnclosures> jacobian_enclosure_ends(const Network& g, const NeuronStates& states, const std::vector<bool>& free);

// ||A|| <= u, exactly (l2: u^2 I - A^T A, or A A^T when smaller, is positive
// semidefinite, decided in integers by fraction-free elimination).
bool norm_at_most(const RMatrix& a, OperatorNorm norm, const Rational& u);

// The interval Clarke test: ||M|| <= u for the magnitude matrix M_rc =
// max(|lo_rc|, |hi_rc|) of the exact enclosure, which bounds the norm of
// every matrix in it.
RMatrix magnitude_matrix(const Grid<RInterval>& m);
Verdict magnitude_norm_decide(const Grid<EndEnclosures>& m, OperatorNorm norm, const Rational& u);

// ||A|| <= u for a point matrix A (a vertex pattern's Jacobian) given by the
// enclosures of its entries (lo and hi enclose the same point). In l2 it keeps
// the signs: ||C|| - ||A - C||_F <= ||A|| <= ||C|| + ||A - C||_F, C the midpoints.
Verdict point_norm_decide(const Grid<EndEnclosures>& a, OperatorNorm norm, const Rational& u);

}  // namespace rl
