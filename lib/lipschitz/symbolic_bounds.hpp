// Pre-activation bounds on a box by symbolic (linear) interval propagation.
//
// Semantics: returns bounds B with B.preactivations[k][i] containing the exact
// pre-activation of neuron i of layer k at every x in the box, and never wider
// than net_ibp's (they are intersected). Each neuron carries two linear forms
// L(x) <= value <= U(x) valid on the box; ReLU of an unstable neuron is relaxed
// by the chord above (relu(t) <= lambda (t - l) on [l, u], lambda >= u/(u-l))
// and by 0 or the identity below. Coefficients and constants are summed in
// doubles and their rounding error (at most 1.01 (n+4) u sum |w c| per sum,
// u = 2^-53, plus (n+1) 2^-1074 for underflow) is moved into the constant term,
// a coefficient's weighted by max |x_k| on the box; biases enter by their
// enclosures, concretizations use outward rounding, and a form that overflows
// becomes the trivial one. Requires p.vertex_float_ok (weights in the normal
// range), else it returns net_ibp's bounds.
#pragma once
#include <memory>

#include "lipschitz/problem.hpp"

namespace rl {

BoxBounds lipschitz_symbolic_bounds(const LipProblem& p, const DBox& box);

// The same on E (lipschitz_problem_dbox), kept by the problem until its box
// changes: the engine choice and the activation search's root both read it.
std::shared_ptr<const BoxBounds> lipschitz_root_symbolic_bounds(const LipProblem& p);

}  // namespace rl
