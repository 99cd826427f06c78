// The parallel branch and bound gives the same certified result, node counts
// and certificate for every thread count (its batches do not depend on it).
#include <doctest/doctest.h>

#include "lipschitz/lipschitz.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"

using namespace rl;

namespace {

// The certificate is compared only when asked: its exact canonical check costs
// far more than the search.
LipschitzOptions parallel_options(Norm norm, std::size_t d, unsigned threads, bool certificate) {
  LipschitzOptions o;
  o.norm = norm;
  o.domain.lo.assign(d, Rational(-1));
  o.domain.hi.assign(d, Rational(1));
  o.rel_gap = Rational(1, 1000000);
  o.node_limit = 3000;
  o.threads = threads;
  o.want_certificate = certificate;
  return o;
}

}  // namespace

TEST_CASE("lipschitz branch and bound: identical results and certificates for 1, 2 and 3 threads") {
  const std::vector<std::vector<std::size_t>> shapes{{2, 12, 1}, {3, 8, 8, 1}, {4, 10, 10, 2}, {3, 6, 6, 6, 3}};
  const Norm norms[] = {Norm::L2, Norm::L1, Norm::Linf};
  const int nets = rl::test::scaled(10);
  int searched = 0;
  for (int n = 0; n < nets; ++n) {
    const auto& shape = shapes[std::size_t(n) % shapes.size()];
    Network net = random_network(shape, 900 + std::uint64_t(n));
    const Norm norm = norms[n % 3];
    const bool certificate = n < 2;
    CAPTURE(n);
    LipschitzResult one = lipschitz_bound(net, parallel_options(norm, shape[0], 1, certificate));
    CHECK(one.lower <= one.upper);
    searched += one.nodes > 1 && one.lower > 0;
    for (unsigned t : {2u, 3u}) {
      CAPTURE(t);
      LipschitzResult r = lipschitz_bound(net, parallel_options(norm, shape[0], t, certificate));
      CHECK(r.lower == one.lower);
      CHECK(r.upper == one.upper);
      CHECK(r.status == one.status);
      CHECK(r.nodes == one.nodes);
      CHECK(r.leaves == one.leaves);
      CHECK(r.vertices == one.vertices);
      CHECK(r.certificate.dump() == one.certificate.dump());
    }
  }
  // The comparison means something only if the searches branched and found witnesses.
  CHECK(searched >= (nets + 1) / 2);
}
