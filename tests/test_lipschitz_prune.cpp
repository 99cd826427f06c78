// Pruning a piece's search by a lower bound certified elsewhere
// (LipschitzOptions::prune_lower, used by the distributed search): the upper
// bound stays sound whatever lower bound is given, and with the true best
// lower bound of the whole box the pieces combine to a converged pair.
#include <doctest/doctest.h>

#include "lipschitz/lipschitz.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"

using namespace rl;

namespace {

LipschitzOptions half_box(std::size_t d, bool left) {
  LipschitzOptions o;
  o.norm = Norm::L2;
  o.domain.lo.assign(d, Rational(-1));
  o.domain.hi.assign(d, Rational(1));
  (left ? o.domain.hi : o.domain.lo)[0] = 0;
  o.rel_gap = Rational(1, 1000000);
  o.node_limit = 4000;
  o.threads = 1;
  return o;
}

}  // namespace

TEST_CASE("lipschitz prune_lower: sound upper for any given lower bound, fewer nodes, combined pair converges") {
  const int nets = rl::test::scaled(8);
  int fewer = 0;
  for (int n = 0; n < nets; ++n) {
    CAPTURE(n);
    Network net = random_network({3, 10, 10, 1}, 4000 + std::uint64_t(n));
    LipschitzResult left = lipschitz_bound(net, half_box(3, true));
    LipschitzResult right = lipschitz_bound(net, half_box(3, false));
    REQUIRE(left.status == SearchStatus::Converged);
    REQUIRE(right.status == SearchStatus::Converged);
    const Rational best = std::max(left.lower, right.lower);
    for (bool prune_left : {true, false}) {
      LipschitzOptions o = half_box(3, prune_left);
      const LipschitzResult& plain = prune_left ? left : right;
      o.prune_lower = best;
      LipschitzResult pruned = lipschitz_bound(net, o);
      CHECK(pruned.status == SearchStatus::Converged);
      // Still an upper bound on the piece's constant, which is at least the unpruned lower.
      CHECK(pruned.upper >= plain.lower);
      CHECK(pruned.lower <= pruned.upper);
      CHECK(pruned.upper <= best * (1 + o.rel_gap));
      CHECK(pruned.nodes <= plain.nodes);
      fewer += pruned.nodes < plain.nodes;
      // A lower bound far above the truth stops the search at the root: the
      // root's bound, which is still sound.
      o.prune_lower = Rational(1000000);
      LipschitzResult root = lipschitz_bound(net, o);
      CHECK(root.nodes == 1);
      CHECK(root.upper >= plain.upper);
      CHECK(root.status == SearchStatus::Converged);
    }
  }
  CHECK(fewer > 0);
}
