// Symbolic interval propagation: linear lower and upper bounds on every
// neuron as functions of the input over a box.
//
// Semantics: symbolic_output_upper(net, box)[k] >= f_k(x) for every x in the
// box. Each neuron z carries forms l(x) <= z(x) <= u(x) whose coefficients are
// outward double intervals (the true form lies in them). A ReLU whose concrete
// bounds [lo, hi] straddle 0 gets the upper form lambda (u(x) - lo) with
// lambda >= hi / (hi - lo) (the chord: relu(z) <= lambda (z - lo) for z in
// [lo, hi]) and the lower form l(x) when hi > -lo (relu(z) >= z), else 0. A clamped input that the box does not
// keep inside the clamp range becomes the constant interval of its values.
#pragma once
#include <vector>

#include "net/eval.hpp"

namespace rl {

std::vector<double> symbolic_output_upper(const Network& net, const DBox& box);

}  // namespace rl
