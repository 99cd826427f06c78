// Soundness campaign, exact versus enclosures: the DInterval bound propagation
// and the MPFI forward pass must contain the exact rational outputs (and every
// exact pre-activation) on random networks and on adversarial families built
// to break floating point: float traps, degenerate geometry, huge and tiny
// magnitudes, and coincidences.
#include <cfloat>

#include "soundness_support.hpp"

using namespace rl;
using namespace rl::soundness;

TEST_CASE("soundness: random networks, enclosures contain the exact trace at random points and boxes") {
  Rng rng(20261126);
  const std::size_t n = soundness_cases(3000);
  std::size_t decided = 0;
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_small_network(rng);
    auto x = random_point(rng, net.input_dim);
    decided += soundness_check_at(net, x).ibp_decided_sign;
    soundness_check_around(rng, net, x);
  }
  MESSAGE(n << " random networks; the point enclosure decided a sign in " << decided);
  CHECK(decided > n / 2);  // point boxes are tight: a vacuous enclosure would decide nothing
}

// Float traps. y0 = relu(x + B) - relu(B) - relu(x)/2 with B = m 2^e and
// 0 < x < ulp(B)/2: exactly y0 = x/2 > 0, but in float64 x + B rounds to B and
// y0 = -x/2 < 0. y1 = 0, so the exact argmax is 0 and the float argmax is 1.
// A positive factor scales the y0 row so the trap is not one fixed network.
TEST_CASE("soundness: float traps, enclosures follow the exact sign and argmax, not float64") {
  Rng rng(7);
  const std::size_t n = soundness_cases(2000);
  for (std::size_t c = 0; c < n; ++c) {
    long e = uniform(rng, 53, 400);
    Rational B = Rational(Integer(uniform(rng, 1, 1L << 40) * 2 + 1)) * rational_pow2(e);
    // ulp(B) >= 2^(e-52+bits(m)-1) > 2^(e-52); x < 2^(e-54) <= ulp(B)/4.
    Rational x = Rational(Integer(uniform(rng, 1, 1000)), Integer(uniform(rng, 1001, 3000))) * rational_pow2(e - 54);
    Rational scale = Rational(Integer(uniform(rng, 1, 50)), Integer(uniform(rng, 1, 50)));
    RationalMatrix w1{{Rational(1)}, {Rational(0)}, {Rational(1)}};
    std::vector<Rational> b1{B, B, Rational(0)};
    RationalMatrix w2{{scale, -scale, -scale / 2}, {Rational(0), Rational(0), Rational(0)}};
    Network net = network_from_layers(1, {{w1, b1}, {w2, {Rational(0), Rational(0)}}}, "float trap");

    std::vector<Rational> exact = net_eval_exact(net, {x});
    REQUIRE(exact[0] == scale * x / 2);
    REQUIRE(exact[0] > exact[1]);
    std::vector<double> approx = net_eval_double(net, {rational_to_double(x)});
    REQUIRE(approx[0] < approx[1]);  // the trap springs in float64

    soundness_check_at(net, {x});
    // With enough bits the interval verdict is decided, and it is the exact one.
    Network margin = network_output_difference(net, 0, 1);
    std::vector<Interval> y = net_eval_interval(margin, {Interval(x, e + 128)});
    CHECK(y[0].is_positive());
  }
  MESSAGE(n << " float traps, each wrong in float64 and decided correctly by MPFI");
}

// Degenerate geometry: every hidden hyperplane passes through one rational
// point c (so at c all pre-activations are exactly 0 and c is on every ReLU
// boundary), plus dead neurons (zero rows with a negative bias) that the
// propagation must see as off on every box.
TEST_CASE("soundness: degenerate geometry, hyperplanes through one point and dead neurons") {
  Rng rng(11);
  const std::size_t n = soundness_cases(1500);
  std::size_t dead_seen = 0, dead_total = 0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t d = static_cast<std::size_t>(uniform(rng, 1, 4));
    std::vector<Rational> center = random_point(rng, d);
    auto [w1, b1] = random_layer(rng, static_cast<std::size_t>(uniform(rng, 2, 6)), d);
    std::vector<bool> dead(w1.size(), false);
    for (std::size_t i = 0; i < w1.size(); ++i) {
      if (i > 0 && uniform(rng, 0, 3) == 0) {  // neuron 0 stays live, so c is on a ReLU boundary
        dead[i] = true;
        for (auto& v : w1[i]) v = 0;
        b1[i] = -Rational(Integer(uniform(rng, 1, 9)), Integer(uniform(rng, 1, 9)));
        continue;
      }
      b1[i] = 0;
      for (std::size_t j = 0; j < d; ++j) b1[i] -= w1[i][j] * center[j];  // w_i . (x - c)
    }
    auto [w2, b2] = random_layer(rng, static_cast<std::size_t>(uniform(rng, 1, 3)), w1.size());
    for (auto& v : b2) v = 0;  // layer 2 also vanishes at c, where layer 1 is all zero
    Network net = network_from_layers(d, {{w1, b1}, {w2, b2}}, "degenerate");

    ExactTrace at_center = net_trace_exact(net, center);
    CHECK_FALSE(at_center.is_interior());
    soundness_check_at(net, center);
    soundness_check_around(rng, net, center);
    auto x = random_point(rng, d);
    std::vector<Rational> lo = center, hi = center;
    for (std::size_t i = 0; i < d; ++i) (x[i] < center[i] ? lo[i] : hi[i]) = x[i];
    soundness_check_point(net, x, lo, hi);  // the box from x to c
    BoxBounds ibp = net_ibp(net, dbox_from_rationals(lo, hi));
    for (std::size_t i = 0; i < w1.size(); ++i)
      if (dead[i]) {
        ++dead_total;
        dead_seen += ibp.preactivations[0][i].hi < 0;
      }
  }
  CHECK(dead_seen == dead_total);
  MESSAGE(n << " degenerate networks, " << dead_total << " dead neurons, all seen as off");
}

namespace {

// A double-valued rational with a random binary exponent in [lo_exp, hi_exp].
Rational random_magnitude(Rng& rng, int lo_exp, int hi_exp) {
  double m = std::ldexp(static_cast<double>(uniform(rng, 1, (1L << 52) - 1)), -52);
  double v = std::ldexp(m, static_cast<int>(uniform(rng, lo_exp, hi_exp)));
  return rational_from_double(uniform(rng, 0, 1) ? v : -v);
}

}  // namespace

// Huge and tiny magnitudes: inputs near 1e+-300, weights up to 2^1000 and
// subnormal weights. Products overflow double and underflow to subnormals:
// the propagation must widen to infinity rather than lose the value, and never
// produce NaN.
TEST_CASE("soundness: huge and tiny magnitudes, overflow and subnormals stay enclosed") {
  Rng rng(13);
  const std::size_t n = soundness_cases(1500);
  std::size_t overflowed = 0;
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_small_network(rng);
    for (Layer& l : net.layers) {
      for (auto& row : l.weights)
        for (auto& v : row) {
          long kind = uniform(rng, 0, 3);
          if (kind == 0) v = random_magnitude(rng, 900, 1000);
          else if (kind == 1) v = Rational(Integer(uniform(rng, -5, 5))) * rational_pow2(-1074);  // subnormal
          else if (kind == 2) v = random_magnitude(rng, -1074, -1000);
        }
      if (uniform(rng, 0, 1)) l.bias[0] = random_magnitude(rng, -1074, 1023);
    }
    network_finalize(net);
    std::vector<Rational> x(net.input_dim);
    for (auto& v : x) v = uniform(rng, 0, 1) ? random_magnitude(rng, 990, 1010) : random_magnitude(rng, -1010, -990);
    overflowed += soundness_check_at(net, x).ibp_overflowed;
    soundness_check_around(rng, net, x);
  }
  CHECK(overflowed > 0);  // the family does reach the overflow path
  MESSAGE(n << " networks with magnitudes from 2^-1074 to 2^2000; " << overflowed << " enclosures overflowed to infinity");
}

TEST_CASE("soundness: values beyond the double range convert to enclosing intervals") {
  Rng rng(17);
  const std::size_t n = soundness_cases(2000);
  for (std::size_t c = 0; c < n; ++c) {
    // 10^k for k up to 400 lies beyond DBL_MAX; 10^-k below the least subnormal.
    Rational big = rational_pow10(uniform(rng, 300, 400)) * Rational(Integer(uniform(rng, 1, 99)));
    Rational tiny = Rational(Integer(uniform(rng, 1, 99))) / rational_pow10(uniform(rng, 300, 400));
    for (const Rational& q : {big, Rational(-big), tiny, Rational(-tiny)}) {
      DInterval v = DInterval::from_rational(q);
      REQUIRE(dinterval_is_wellformed(v));
      REQUIRE(v.contains(q));
    }
  }
}

// Coincidences: two outputs with identical rows tie exactly everywhere; their
// margin network is identically 0, so every enclosure of it contains 0.
TEST_CASE("soundness: coincidences, tied outputs and point boxes") {
  Rng rng(19);
  const std::size_t n = soundness_cases(1500);
  for (std::size_t c = 0; c < n; ++c) {
    Network net = random_small_network(rng);
    Layer& last = net.layers.back();
    last.weights.push_back(last.weights.front());
    last.bias.push_back(last.bias.front());
    network_finalize(net);
    std::size_t twin = last.out_dim() - 1;
    auto x = random_point(rng, net.input_dim);
    std::vector<Rational> y = net_eval_exact(net, x);
    REQUIRE(y[0] == y[twin]);
    soundness_check_at(net, x);
    soundness_check_around(rng, net, x);
    Network margin = network_output_difference(net, 0, twin);
    BoxBounds ibp = net_ibp(margin, dbox_from_rationals(x, x));
    CHECK(ibp.output()[0].contains(Rational(0)));
    CHECK_FALSE(net_eval_interval(margin, {x.begin(), x.end()})[0].is_positive());
  }
}
