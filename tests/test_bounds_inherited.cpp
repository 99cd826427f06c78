// preactivation_bounds' `inherited` layers: after a ReLU split in layer k,
// the search and the checker take layers 0..k from the parent's bounds
// instead of recomputing them. Recomputing gives the parent's bounds exactly
// (each is the parent's own computation on the same inputs, intersected with
// its result), so the shortcut changes no bound and no search tree: checked
// here bit for bit, in outward arithmetic, down random chains of splits.
#include <doctest/doctest.h>

#include "bounds/linear_bounds.hpp"
#include "soundness/soundness_support.hpp"

// A named namespace: the unity build puts this file beside others with helpers of the same names.
namespace test_bounds_inherited {

using namespace rl;
using namespace rl::bounds;
using namespace rl::soundness;

bool same_bounds(const PreBounds& a, const PreBounds& b) {
  return a.empty == b.empty && a.lo == b.lo && a.hi == b.hi && a.in_lo == b.in_lo && a.in_hi == b.in_hi;
}

// A random unsplit neuron of the node: {layer, neuron}, or none when every one is split.
std::optional<std::pair<std::size_t, std::size_t>> unsplit_neuron(Rng& rng, const StateMatrix& states) {
  std::vector<std::pair<std::size_t, std::size_t>> free;
  for (std::size_t k = 0; k < states.size(); ++k)
    for (std::size_t j = 0; j < states[k].size(); ++j)
      if (states[k][j] == 0) free.push_back({k, j});
  if (free.empty()) return std::nullopt;
  return free[static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(free.size()) - 1))];
}

TEST_CASE("bounds inherited below a ReLU split equal the bounds recomputed from the parent's, bit for bit") {
  Rng rng(23);
  std::size_t relu_children = 0, input_children = 0, layers_inherited = 0;
  for (int c = 0; c < 200; ++c) {
    Network net = random_small_network(rng);
    std::vector<double> lo, hi;
    random_double_box(rng, net.input_dim, lo, hi);
    StateMatrix states = free_states(net);
    PreBounds parent = preactivation_bounds<OutwardArith>(net, lo, hi, states);
    for (int depth = 0; depth < 6 && !parent.empty; ++depth) {
      std::size_t inherited = 0;
      auto neuron = unsplit_neuron(rng, states);
      if (uniform(rng, 0, 3) == 0 || !neuron) {  // an input split: nothing inherited
        const std::size_t i = static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(lo.size()) - 1));
        (uniform(rng, 0, 1) == 0 ? hi : lo)[i] = 0.5 * lo[i] + 0.5 * hi[i];
        ++input_children;
      } else {
        states[neuron->first][neuron->second] = uniform(rng, 0, 1) == 0 ? -1 : 1;
        inherited = neuron->first + 1;
        ++relu_children;
        layers_inherited += inherited;
      }
      PreBounds shortcut = preactivation_bounds<OutwardArith>(net, lo, hi, states, &parent, inherited);
      PreBounds recomputed = preactivation_bounds<OutwardArith>(net, lo, hi, states, &parent);
      REQUIRE(same_bounds(shortcut, recomputed));
      parent = recomputed;
    }
  }
  MESSAGE(relu_children << " ReLU-split children (" << layers_inherited << " layers inherited), " << input_children
                        << " input-split children");
  CHECK(relu_children > 300);
  CHECK(layers_inherited > relu_children);
  CHECK(input_children > 100);
}

}  // namespace test_bounds_inherited
