// fast_preactivation_bounds (the search's float pre-activation bounds) against
// the generic preactivation_bounds<FloatArith> it reimplements: the same
// algorithm, so the same bounds up to float rounding, on random networks,
// boxes and split states.
#include <doctest/doctest.h>

#include "bounds/optimize.hpp"
#include "soundness/soundness_support.hpp"

using namespace rl;
using namespace rl::bounds;
using namespace rl::soundness;

TEST_CASE("fast_preactivation_bounds equals preactivation_bounds<FloatArith> up to rounding") {
  Rng rng(7);
  std::size_t compared = 0, empty = 0;
  for (int c = 0; c < 300; ++c) {
    Network net = random_small_network(rng);
    std::vector<double> lo, hi;
    for (const Rational& x : random_point(rng, net.input_dim)) {
      double r = static_cast<double>(uniform(rng, 1, 16)) / 8;
      lo.push_back(rational_to_double(x) - r);
      hi.push_back(rational_to_double(x) + r);
    }
    StateMatrix states = free_states(net);
    for (auto& layer : states)
      for (auto& s : layer) s = static_cast<std::int8_t>(uniform(rng, 0, 5) == 0 ? uniform(rng, -1, 1) : 0);
    PreBounds a = fast_preactivation_bounds(net, lo, hi, states);
    PreBounds b = preactivation_bounds<FloatArith>(net, lo, hi, states);
    REQUIRE(a.empty == b.empty);
    empty += a.empty;
    REQUIRE(a.lo.size() == b.lo.size());
    for (std::size_t k = 0; k < a.lo.size(); ++k)
      for (std::size_t j = 0; j < a.lo[k].size(); ++j) {
        const double scale = 1e-9 * (1 + std::fabs(b.lo[k][j]) + std::fabs(b.hi[k][j]));
        CHECK(std::fabs(a.lo[k][j] - b.lo[k][j]) <= scale);
        CHECK(std::fabs(a.hi[k][j] - b.hi[k][j]) <= scale);
        ++compared;
      }
  }
  MESSAGE(compared << " pre-activation bounds compared, " << empty << " empty nodes");
  CHECK(compared > 1000);
  CHECK(empty > 0);
}
