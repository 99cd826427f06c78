// Untrusted float Jacobians, for the searches of the benchmark.
//
// Semantics: float_jacobian(net, x) is the Jacobian of the linear piece whose
// activation pattern a round-to-nearest forward pass finds at x (inputs are
// not clamped: callers stay inside the clamp box). top_right_singular_vector
// is a power-iteration estimate. Neither is a bound.
#pragma once
#include <vector>

#include "bench_norms.hpp"
#include "net/network.hpp"

namespace rl::bench {

DenseMatrix float_jacobian(const Network& net, const std::vector<double>& x);
std::vector<double> top_right_singular_vector(const DenseMatrix& j);

}  // namespace rl::bench
