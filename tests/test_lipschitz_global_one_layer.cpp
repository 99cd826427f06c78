// The global one-hidden-layer search without a certificate (empty partial
// patterns refuted only when their bound matters) against the same search
// with one (every empty partial pattern refuted by a verified Motzkin
// certificate), and against exact slopes at random points.
#include <doctest/doctest.h>

#include <random>

#include "lipschitz/lipschitz.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "net/eval.hpp"
#include "net/random_network.hpp"
#include "test_lipschitz_support.hpp"
#include "test_scale.hpp"

using namespace rl;
using namespace rl::test;

namespace {

// A degenerate variant: a duplicate neuron, a zero row and a parallel hyperplane.
Network degenerate_one_layer(Network net) {
  Layer& l = net.layers[0];
  l.weights[1] = l.weights[0];
  l.bias[1] = l.bias[0];
  for (Rational& w : l.weights[2]) w = 0;
  for (std::size_t c = 0; c < l.weights[3].size(); ++c) l.weights[3][c] = 2 * l.weights[0][c];
  network_finalize(net);
  return net;
}

}  // namespace

TEST_CASE("lipschitz global one hidden layer: the same pair with and without certificate, above every sampled slope") {
  std::mt19937_64 rng(31);
  std::uniform_int_distribution<int> dim(1, 4), width(4, 16), outs(1, 2);
  std::normal_distribution<double> g(0.0, 3.0);
  const Norm norms[] = {Norm::L2, Norm::L1, Norm::Linf};
  const int cases = rl::test::scaled(16);
  for (int n = 0; n < cases; ++n) {
    const std::size_t d = std::size_t(dim(rng)), k = std::size_t(width(rng));
    Network net = random_network({d, k, std::size_t(outs(rng))}, 700 + std::uint64_t(n));
    if (n % 4 == 0) net = degenerate_one_layer(net);
    const Norm norm = norms[n % 3];
    CAPTURE(n);
    LipschitzOptions o;
    o.norm = norm;
    o.domain.global = true;
    o.threads = 1;
    LipschitzResult plain = lipschitz_bound(net, o);
    o.want_certificate = true;
    LipschitzResult cert = lipschitz_bound(net, o);
    REQUIRE(plain.status == SearchStatus::Converged);
    REQUIRE(cert.status == SearchStatus::Converged);
    CHECK(plain.lower == cert.lower);
    CHECK(plain.upper <= cert.lower * (1 + o.rel_gap));
    CHECK(cert.upper <= plain.lower * (1 + o.rel_gap));
    CHECK(plain.nodes <= cert.nodes);  // with a certificate, an unrefuted empty pattern is searched further
    const double upper = rational_to_double(plain.upper) * (1 + 1e-12);
    for (int s = 0; s < 50; ++s) {
      std::vector<Rational> x;
      for (std::size_t i = 0; i < d; ++i) x.push_back(rational_from_double(g(rng)));
      CHECK(exact_slope_at(net, x, norm) <= upper);
    }
  }
}
