// Shared pieces of the soundness campaign: the size knob, random rationals and
// networks, and the enclosure check every family goes through.
//
// Size: rl::test::scaled(n) (the sanitizer build runs a tenth), times the
// environment variable ROBUSTLAW_SOUNDNESS_SCALE when set, e.g.
//   ROBUSTLAW_SOUNDNESS_SCALE=500 ./build/tests/robustlaw_tests -tc="soundness*"
// for a local run of millions of networks.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "arith/interval.hpp"
#include "net/eval.hpp"
#include "net/network.hpp"
#include "test_scale.hpp"

namespace rl::soundness {

inline std::size_t soundness_cases(std::size_t normal) {
  std::size_t n = rl::test::scaled(normal);
  if (const char* factor = std::getenv("ROBUSTLAW_SOUNDNESS_SCALE")) {
    long f = std::atol(factor);
    if (f > 1) n *= static_cast<std::size_t>(f);
  }
  return n;
}

using Rng = std::mt19937_64;

inline long uniform(Rng& rng, long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng); }

// p / q with |p| <= num, 1 <= q <= den.
inline Rational random_rational(Rng& rng, long num, long den) {
  return Rational(Integer(uniform(rng, -num, num)), Integer(uniform(rng, 1, den)));
}

// A dense layer of random small rationals; about one weight in six is zero.
inline std::pair<RationalMatrix, std::vector<Rational>> random_layer(Rng& rng, std::size_t out, std::size_t in) {
  RationalMatrix w(out, std::vector<Rational>(in));
  std::vector<Rational> b(out);
  for (auto& row : w)
    for (auto& v : row) v = uniform(rng, 0, 5) == 0 ? Rational(0) : random_rational(rng, 20, 8);
  for (auto& v : b) v = random_rational(rng, 10, 4);
  return {w, b};
}

// Input dimension 1..4, one to three hidden layers of width 1..6, 1..3 outputs.
inline Network random_small_network(Rng& rng) {
  std::size_t d = static_cast<std::size_t>(uniform(rng, 1, 4));
  std::size_t hidden = static_cast<std::size_t>(uniform(rng, 1, 3));
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  std::size_t width = d;
  for (std::size_t k = 0; k <= hidden; ++k) {
    std::size_t out = static_cast<std::size_t>(k == hidden ? uniform(rng, 1, 3) : uniform(rng, 1, 6));
    layers.push_back(random_layer(rng, out, width));
    width = out;
  }
  return network_from_layers(d, std::move(layers), "random");
}

inline std::vector<Rational> random_point(Rng& rng, std::size_t d) {
  std::vector<Rational> x(d);
  for (auto& v : x) v = random_rational(rng, 30, 10);
  return x;
}

// A box in doubles around a random point, of half-width 1/8 to 2 in each coordinate.
inline void random_double_box(Rng& rng, std::size_t d, std::vector<double>& lo, std::vector<double>& hi) {
  lo.clear();
  hi.clear();
  for (const Rational& x : random_point(rng, d)) {
    double r = static_cast<double>(uniform(rng, 1, 16)) / 8;
    lo.push_back(rational_to_double(x) - r);
    hi.push_back(rational_to_double(x) + r);
  }
}

inline bool dinterval_is_wellformed(const DInterval& v) {
  return !std::isnan(v.lo) && !std::isnan(v.hi) && v.lo <= v.hi && v.lo != INFINITY && v.hi != -INFINITY;
}

// What one point-in-box check saw, for the campaign's counters.
struct PointReport {
  bool ibp_decided_sign = false;   // some output enclosure excluded 0
  bool ibp_overflowed = false;     // some enclosure reached +-infinity
};

// For x in [lo, hi]: every pre-activation of the exact trace at x lies in the
// DInterval bound propagation over the box, no enclosure is NaN or inverted,
// and the MPFI forward passes at 53 and `prec` bits contain the exact outputs
// and overlap each other.
inline PointReport soundness_check_point(const Network& net, const std::vector<Rational>& x, const std::vector<Rational>& lo,
                                         const std::vector<Rational>& hi, mpfr_prec_t prec = 128) {
  PointReport report;
  ExactTrace trace = net_trace_exact(net, x);
  BoxBounds ibp = net_ibp(net, dbox_from_rationals(lo, hi));
  REQUIRE(ibp.preactivations.size() == trace.preactivations.size());
  for (std::size_t k = 0; k < trace.preactivations.size(); ++k)
    for (std::size_t i = 0; i < trace.preactivations[k].size(); ++i) {
      const DInterval& z = ibp.preactivations[k][i];
      INFO("layer " << k << " neuron " << i << " exact " << trace.preactivations[k][i].str() << " enclosure [" << z.lo << ", " << z.hi << "]");
      REQUIRE(dinterval_is_wellformed(z));
      REQUIRE(z.contains(trace.preactivations[k][i]));
      report.ibp_overflowed |= std::isinf(z.lo) || std::isinf(z.hi);
    }
  for (const DInterval& y : ibp.output()) report.ibp_decided_sign |= y.lo > 0 || y.hi < 0;

  std::vector<Interval> box53, box_hi;
  for (std::size_t i = 0; i < x.size(); ++i) {
    box53.emplace_back(lo[i], hi[i], 53);
    box_hi.emplace_back(lo[i], hi[i], prec);
  }
  std::vector<Interval> y53 = net_eval_interval(net, box53), yhi = net_eval_interval(net, box_hi);
  for (std::size_t i = 0; i < trace.output().size(); ++i) {
    INFO("output " << i << " exact " << trace.output()[i].str());
    REQUIRE(y53[i].contains(trace.output()[i]));
    REQUIRE(yhi[i].contains(trace.output()[i]));
    REQUIRE(y53[i].lower() <= yhi[i].upper());
    REQUIRE(yhi[i].lower() <= y53[i].upper());
  }
  return report;
}

// The point box {x}.
inline PointReport soundness_check_at(const Network& net, const std::vector<Rational>& x, mpfr_prec_t prec = 128) {
  return soundness_check_point(net, x, x, x, prec);
}

// A random box around x: each side gets a radius 0 (a degenerate side) or a small rational.
inline PointReport soundness_check_around(Rng& rng, const Network& net, const std::vector<Rational>& x) {
  std::vector<Rational> lo = x, hi = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (uniform(rng, 0, 3) == 0) continue;
    lo[i] -= Rational(Integer(uniform(rng, 0, 8)), Integer(uniform(rng, 1, 16)));
    hi[i] += Rational(Integer(uniform(rng, 0, 8)), Integer(uniform(rng, 1, 16)));
  }
  return soundness_check_point(net, x, lo, hi);
}

}  // namespace rl::soundness
