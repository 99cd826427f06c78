// The cheap baselines of the benchmark table, on an l2 box.
//
// Semantics:
// - product: the product of the layers' spectral norms, each certified by an
//   interval LDL^T (rigorous upper bound on the Lipschitz constant, any domain);
// - clarke: the l2 norm bound of the interval enclosure of the Clarke Jacobian
//   over the box (net_ibp + net_jacobian_enclosure; rigorous upper bound);
// - sampled: the largest float Jacobian norm at random points of the box
//   (an untrusted float estimate from below);
// - stability: on each piece of the grid that cuts every side of the box into
//   `parts` equal parts, the hidden neurons that the verification engine's
//   linear-relaxation bounds (bounds/linear_bounds.hpp, outward rounding)
//   leave unstable; the worst and mean counts over the pieces.
#pragma once
#include <cstdint>
#include <vector>

#include "arith/rational.hpp"
#include "net/network.hpp"

namespace rl::bench {

struct BaselineValue {
  double value = 0;
  double seconds = 0;
};

BaselineValue baseline_product(const Network& net);
BaselineValue baseline_clarke(const Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi);
BaselineValue baseline_sampled(const Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                               std::uint64_t samples, std::uint64_t seed);

struct StabilityCount {
  std::size_t neurons = 0, pieces = 0, worst_unstable = 0;
  double mean_unstable = 0, seconds = 0;
};

StabilityCount baseline_stability(const Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                                  std::size_t parts);

}  // namespace rl::bench
