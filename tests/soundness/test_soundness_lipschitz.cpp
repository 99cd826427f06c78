// Soundness campaign for the Lipschitz engine against exact brute force: on
// networks of one input, the piecewise-linear knots computed exactly
// (soundness_brute_1d.hpp) give the true constant L on [a, b], and every
// certified pair must satisfy lower <= L <= upper. The families are the
// adversarial ones: float traps in both directions, degenerate geometry,
// extreme magnitudes, identically-zero margins and single-point boxes.
#include "lipschitz/lipschitz.hpp"
#include "soundness_brute_1d.hpp"
#include "soundness_support.hpp"

using namespace rl;
using namespace rl::soundness;

namespace {

// With engine box-hybrid the tuning forces both kinds of pieces: a piece
// with more than one unstable neuron is halved, and a search stops after 2
// nodes (then its piece is halved too, and the halves get twice the budget).
LipschitzResult lipschitz_on(const Network& net, const Rational& a, const Rational& b,
                             LipschitzOptions::Engine engine = LipschitzOptions::Engine::Auto) {
  LipschitzOptions o;
  o.engine = engine;
  o.hybrid.max_unstable = 1;
  o.hybrid.piece_nodes = 2;
  o.norm = Norm::L2;
  o.domain.lo = {a};
  o.domain.hi = {b};
  o.threads = 1;
  // Soundness holds at any stopping point; where L = 0 the relative gap never
  // closes, so a node limit keeps those cases short.
  o.node_limit = 2000;
  o.time_limit_seconds = 5;
  return lipschitz_bound(net, o);
}

// lower <= L <= upper with L from brute force; returns whether the pair converged to L.
bool check_against_brute_force(const Network& net, const Rational& a, const Rational& b,
                               LipschitzOptions::Engine engine = LipschitzOptions::Engine::Auto) {
  Rational L = a == b ? Rational(0) : brute_1d_lipschitz(net, a, b);
  LipschitzResult r = lipschitz_on(net, a, b, engine);
  INFO("L = " << L.str() << ", certified [" << r.lower.str() << ", " << r.upper.str() << "], status " << search_status_name(r.status)
       << ", lower by " << r.lower_method << ", upper by " << r.upper_method);
  REQUIRE(r.lower <= L);
  REQUIRE(L <= r.upper);
  return r.lower == L || (L > 0 && (r.upper - r.lower) / L <= Rational(1) / Rational(1000000));
}

Network random_scalar_1d(Rng& rng) {
  std::size_t hidden = static_cast<std::size_t>(uniform(rng, 1, 3));
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  std::size_t width = 1;
  for (std::size_t k = 0; k <= hidden; ++k) {
    std::size_t out = k == hidden ? 1 : static_cast<std::size_t>(uniform(rng, 1, 6));
    layers.push_back(random_layer(rng, out, width));
    width = out;
  }
  return network_from_layers(1, std::move(layers), "random 1-d");
}

std::pair<Rational, Rational> random_interval(Rng& rng) {
  Rational a = random_rational(rng, 30, 10), b = random_rational(rng, 30, 10);
  if (b < a) std::swap(a, b);
  if (a == b) b += 1;
  return {a, b};
}

}  // namespace

TEST_CASE("soundness: the 1-d brute force is exact (knots agree with exact evaluation)") {
  Rng rng(23);
  for (std::size_t c = 0; c < soundness_cases(300); ++c) {
    Network net = random_scalar_1d(rng);
    auto [a, b] = random_interval(rng);
    Knots k = brute_1d(net, a, b);
    for (std::size_t s = 0; s < k.x.size(); ++s) {
      REQUIRE(net_eval_exact(net, {k.x[s]})[0] == k.values[s][0]);
      if (s + 1 < k.x.size()) {  // affine between knots: the midpoint value is the mean
        Rational mid = (k.x[s] + k.x[s + 1]) / 2;
        REQUIRE(net_eval_exact(net, {mid})[0] == (k.values[s][0] + k.values[s + 1][0]) / 2);
      }
    }
  }
}

TEST_CASE("soundness: Lipschitz bounds contain the brute-force constant on random 1-d networks") {
  Rng rng(29);
  const std::size_t n = soundness_cases(300);
  std::size_t converged = 0;
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_scalar_1d(rng);
    auto [a, b] = random_interval(rng);
    converged += check_against_brute_force(net, a, b);
  }
  MESSAGE(n << " random 1-d networks; " << converged << " certified pairs met the exact constant");
  CHECK(converged > n * 9 / 10);
}

// The same with activation branching on the box forced (engine
// box-activation: box rows in the strict systems, neurons fixed by their
// ranges), on random intervals and on short ones (most neurons stable).
TEST_CASE("soundness: Lipschitz by activation branching on the box contains the brute-force constant (1-d)") {
  Rng rng(31);
  const std::size_t n = soundness_cases(300);
  std::size_t converged = 0;
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_scalar_1d(rng);
    auto [a, b] = random_interval(rng);
    if (c % 2) b = a + (b - a) / 64;
    CAPTURE(c);
    converged += check_against_brute_force(net, a, b, LipschitzOptions::Engine::BoxActivation);
  }
  MESSAGE(n << " random 1-d networks; " << converged << " certified pairs met the exact constant");
  CHECK(converged > n * 9 / 10);
}

// The same with input splits above activation branching forced (engine
// box-hybrid, one unstable neuron at most on a searched piece, short
// searches): the pieces' bounds, pruned by each other's lower bounds, combine
// into the pair for the interval.
TEST_CASE("soundness: Lipschitz by input splits above activation branching contains the brute-force constant (1-d)") {
  Rng rng(53);
  const std::size_t n = soundness_cases(300);
  std::size_t converged = 0, split = 0;
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_scalar_1d(rng);
    auto [a, b] = random_interval(rng);
    if (c % 2) b = a + (b - a) / 64;
    CAPTURE(c);
    converged += check_against_brute_force(net, a, b, LipschitzOptions::Engine::BoxHybrid);
    split += lipschitz_on(net, a, b, LipschitzOptions::Engine::BoxHybrid).pieces > 1;
  }
  MESSAGE(n << " random 1-d networks; " << converged << " certified pairs met the exact constant; " << split << " split the interval");
  CHECK(converged > n * 9 / 10);
  CHECK(split * 10 > n);  // the others converge at the root (few neurons: its vertex bound is exact)
}

// On all of R: beyond the outermost knot every neuron is affine and keeps its
// sign, so the constant over an interval that holds every knot (and a margin)
// is the global one. The search is the region enumeration (one hidden layer)
// or activation branching (more); zero weights and biases make dead and
// identically-zero neurons.
TEST_CASE("soundness: global Lipschitz constants on R contain the brute-force constant") {
  Rng rng(43);
  const std::size_t n = soundness_cases(200);
  const Rational far = rational_pow2(128), inner = rational_pow2(64);
  std::size_t converged = 0;
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_scalar_1d(rng);
    const Knots k = brute_1d(net, -far, far);
    REQUIRE(k.x.size() >= 2);
    if (k.x.size() > 2) REQUIRE((rational_abs(k.x[1]) < inner && rational_abs(k.x[k.x.size() - 2]) < inner));
    const Rational L = brute_1d_lipschitz(net, -far, far);
    LipschitzOptions o;
    o.norm = Norm::L2;
    o.domain.global = true;
    o.threads = 1;
    o.lipsdp = LipschitzOptions::Lipsdp::Off;
    o.time_limit_seconds = 5;
    const LipschitzResult r = lipschitz_bound(net, o);
    INFO("case " << c << ": L = " << L.str() << ", certified [" << r.lower.str() << ", " << r.upper.str() << "], status "
                 << r.status << ", upper by " << r.upper_method);
    REQUIRE(r.lower <= L);
    REQUIRE(L <= r.upper);
    converged += r.lower == L || (L > 0 && (r.upper - r.lower) / L <= Rational(1) / Rational(1000000));
  }
  MESSAGE(n << " random 1-d networks on R; " << converged << " certified pairs met the exact constant");
  CHECK(converged > n * 9 / 10);
}

// y = s (relu(x + B) - relu(B)) - t x on [0, w] with w far below ulp(B): in
// float64 x + B == B, so the first term vanishes. t = s: exactly L = 0 while
// float64 sees slope s. t = 0: exactly L = s while float64 sees a constant.
TEST_CASE("soundness: Lipschitz float traps, the certified pair brackets the exact constant") {
  Rng rng(31);
  const std::size_t n = soundness_cases(200);
  for (std::size_t c = 0; c < n; ++c) {
    long e = uniform(rng, 53, 300);
    Rational B = Rational(Integer(uniform(rng, 1, 1L << 40) * 2 + 1)) * rational_pow2(e);
    Rational w = Rational(Integer(uniform(rng, 1, 1000)), Integer(1000)) * rational_pow2(e - 56);
    Rational s = Rational(Integer(uniform(rng, 1, 50)), Integer(uniform(rng, 1, 50)));
    bool zero = c % 2 == 0;
    RationalMatrix w1{{Rational(1)}, {Rational(0)}, {Rational(1)}};
    RationalMatrix w2{{s, -s, zero ? Rational(-s) : Rational(0)}};
    Network net = network_from_layers(1, {{w1, {B, B, Rational(0)}}, {w2, {Rational(0)}}}, "lipschitz trap");
    REQUIRE(brute_1d_lipschitz(net, 0, w) == (zero ? Rational(0) : s));
    check_against_brute_force(net, 0, w);
    LipschitzResult r = lipschitz_on(net, 0, w);
    if (zero) CHECK(r.lower == 0);
    else CHECK(r.upper >= s);
  }
}

// Every hidden hyperplane passes through c (z_i = w_i (x - c)), some neurons are
// dead, and the box has c inside or as an endpoint.
TEST_CASE("soundness: Lipschitz on degenerate geometry, hyperplanes through one point and dead neurons") {
  Rng rng(37);
  const std::size_t n = soundness_cases(200);
  for (std::size_t c = 0; c < n; ++c) {
    Rational center = random_rational(rng, 20, 5);
    auto [w1, b1] = random_layer(rng, static_cast<std::size_t>(uniform(rng, 2, 6)), 1);
    for (std::size_t i = 0; i < w1.size(); ++i) {
      if (i > 0 && uniform(rng, 0, 3) == 0) { w1[i][0] = 0; b1[i] = -1; continue; }
      b1[i] = -w1[i][0] * center;
    }
    auto [w2, b2] = random_layer(rng, 1, w1.size());
    Network net = network_from_layers(1, {{w1, b1}, {w2, b2}}, "degenerate 1-d");
    Rational r = Rational(Integer(uniform(rng, 1, 20)), Integer(uniform(rng, 1, 7)));
    switch (c % 3) {
      case 0: check_against_brute_force(net, center - r, center + r); break;
      case 1: check_against_brute_force(net, center, center + r); break;
      default: check_against_brute_force(net, center - r, center); break;
    }
  }
}

namespace {

// Inputs of size 2^E with E = +-300 and first-layer weights scaled by 2^F.
void check_magnitudes(Rng& rng, long f_lo, long f_hi) {
  Network net = random_scalar_1d(rng);
  long E = uniform(rng, 0, 1) ? 300 : -300;
  long F = uniform(rng, f_lo, f_hi);
  for (auto& row : net.layers.front().weights) row[0] *= rational_pow2(F);
  network_finalize(net);
  auto [a, b] = random_interval(rng);
  check_against_brute_force(net, a * rational_pow2(E), b * rational_pow2(E));
}

}  // namespace

TEST_CASE("soundness: Lipschitz with extreme magnitudes inside the double range") {
  Rng rng(41);
  for (std::size_t c = 0; c < soundness_cases(200); ++c) check_magnitudes(rng, -400, 400);
}

// Bounds that overflow double: the engine falls back to the exact product of
// the layers' magnitude norms (status "unbounded-in-double"), still a pair.
TEST_CASE("soundness: Lipschitz with magnitudes that overflow double") {
  Rng rng(47);
  for (std::size_t c = 0; c < soundness_cases(20); ++c) check_magnitudes(rng, 700, 760);
}

// A margin between two identical outputs is identically 0 (L = 0), and a box
// that is a single point has L = 0 whatever the network.
TEST_CASE("soundness: Lipschitz on coincidences, tied outputs and single-point boxes") {
  Rng rng(43);
  const std::size_t n = soundness_cases(200);
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_scalar_1d(rng);
    Layer& last = net.layers.back();
    last.weights.push_back(last.weights.front());
    last.bias.push_back(last.bias.front());
    network_finalize(net);
    Network margin = network_output_difference(net, 0, 1);
    auto [a, b] = random_interval(rng);
    check_against_brute_force(margin, a, b);
    CHECK(lipschitz_on(margin, a, b).lower == 0);
    LipschitzResult point = lipschitz_on(net, a, a);
    CHECK(point.lower == 0);
    CHECK(point.upper >= 0);
  }
}
