// fast_preactivation_bounds (the search's float pre-activation bounds) against
// the generic preactivation_bounds<FloatArith> it reimplements: the same
// algorithm, so the same bounds up to float rounding, on random networks,
// boxes and split states.
#include <doctest/doctest.h>

#include "bounds/optimize.hpp"
#include "net/eval.hpp"
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
    random_double_box(rng, net.input_dim, lo, hi);
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

namespace test_fast_outer {

// The hidden pre-activations at x (float forward pass).
NeuronValues preactivations(const Network& net, std::vector<double> v) {
  NeuronValues z;
  for (std::size_t k = 0; k + 1 < net.layers.size(); ++k) {
    z.emplace_back(net.layers[k].out_dim());
    layer_affine_double(net.layers[k], v.data(), z.back().data());
    v = z.back();
    for (double& x : v) x = std::fmax(x, 0.0);
  }
  return z;
}

bool satisfies(const NeuronValues& z, const StateMatrix& states) {
  for (std::size_t k = 0; k < z.size(); ++k)
    for (std::size_t j = 0; j < z[k].size(); ++j)
      if ((states[k][j] > 0 && z[k][j] < 0) || (states[k][j] < 0 && z[k][j] > 0)) return false;
  return true;
}

}  // namespace test_fast_outer

// A child node (a sub-box, one more split) bounded from its parent's bounds:
// inside the parent's, and still enclosing every sampled point of the child's
// region (float, so up to rounding).
TEST_CASE("fast_preactivation_bounds from a parent's bounds stays inside them and encloses the child's points") {
  using namespace test_fast_outer;
  Rng rng(11);
  std::size_t points = 0, tighter = 0;
  for (int c = 0; c < 200; ++c) {
    Network net = random_small_network(rng);
    std::vector<double> lo, hi;
    random_double_box(rng, net.input_dim, lo, hi);
    StateMatrix parent_states = free_states(net);
    PreBounds parent = fast_preactivation_bounds(net, lo, hi, parent_states);
    std::vector<double> clo = lo, chi = hi;
    const std::size_t i = static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(lo.size()) - 1));
    (uniform(rng, 0, 1) == 0 ? chi : clo)[i] = 0.5 * lo[i] + 0.5 * hi[i];
    StateMatrix states = parent_states;
    const std::size_t k = static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(states.size()) - 1));
    states[k][static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(states[k].size()) - 1))] = uniform(rng, 0, 1) == 0 ? -1 : 1;
    PreBounds child = fast_preactivation_bounds(net, clo, chi, states, &parent);
    PreBounds fresh = fast_preactivation_bounds(net, clo, chi, states);
    if (child.empty) continue;
    for (std::size_t l = 0; l < child.lo.size(); ++l)
      for (std::size_t j = 0; j < child.lo[l].size(); ++j) {
        REQUIRE(child.lo[l][j] >= parent.lo[l][j]);
        REQUIRE(child.hi[l][j] <= parent.hi[l][j]);
        tighter += child.hi[l][j] - child.lo[l][j] < fresh.hi[l][j] - fresh.lo[l][j] - 1e-9;
      }
    for (int s = 0; s < 50; ++s) {
      std::vector<double> x;
      for (std::size_t d = 0; d < clo.size(); ++d) x.push_back(clo[d] + (chi[d] - clo[d]) * static_cast<double>(uniform(rng, 0, 64)) / 64);
      NeuronValues z = preactivations(net, x);
      if (!satisfies(z, states)) continue;
      ++points;
      for (std::size_t l = 0; l < z.size(); ++l)
        for (std::size_t j = 0; j < z[l].size(); ++j) {
          const double tol = 1e-9 * (1 + std::fabs(z[l][j]));
          CHECK(z[l][j] >= child.lo[l][j] - tol);
          CHECK(z[l][j] <= child.hi[l][j] + tol);
        }
    }
  }
  MESSAGE(points << " points checked; " << tighter << " bounds tighter than the child's own");
  CHECK(points > 1000);
}
