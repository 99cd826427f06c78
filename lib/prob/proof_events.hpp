// The events of the seed's proof of Theorem 1 (§1.3, (4)-(7)) simulated with
// rigorous intervals and compared with the Hoeffding bounds the proof uses.
//
// Model: x_i ~ the measure, noise z_i = a R_i (Rademacher) or z_i ~ U[-a, a]
// (E z = 0, sigma^2 = a^2 or a^2/3, |z| <= a), signal g(x) = x_1, and a test
// function h (1-Lipschitz). With eps' = eps/10:
//   A   = { (1/n) sum z_i^2 >= sigma^2 - eps' }           (4)
//   B   = { (1/n) sum z_i g(x_i) >= -eps' }               (5)
//   C_h = { (1/n) sum h(x_i) z_i <= eps' }                (6)
//   D   = { |(1/n) sum z_i| < eps' }  (7), with |E h| <= 1 (footnote 15)
// Hoeffding bounds on the failure probabilities, for ranges of width w:
// exp(-2 n eps'^2 / w^2) (one-sided), twice that for D; w = a^2 for A,
// 2 a G for B and 2 a H for C_h with G, H bounds on |g|, |h| (bounded
// measures only), 2a for D. Each failure probability gets a Clopper-Pearson
// interval from `trials` independent data sets; Bonferroni over the four.
// A stop request (EventsSetup::stop, see mc_stop.hpp) is seen every few
// points; the data set it interrupts is dropped, and the intervals are those
// of the whole data sets simulated (`trials` of each estimate, possibly 0,
// which gives [0, 1]), at the same confidence.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arith/verdict.hpp"
#include "prob/mc_stop.hpp"
#include "prob/measure.hpp"
#include "prob/test_function.hpp"

namespace rl {

struct EventsSetup {
  Measure measure;
  TestFunction h;
  Rational h_sup = 1;          // sup |h| on the support (bounded measures)
  std::string noise = "uniform";  // "uniform" or "rademacher"
  Rational amplitude = 1;      // a
  Rational epsilon = 1;
  std::uint64_t n = 100, trials = 1000, seed = 1;
  Rational confidence = Rational(99, 100);
  McStop stop;
};

struct EventEstimate {
  std::string name;
  std::uint64_t failures = 0, trials = 0;  // failed data sets out of those simulated
  Rational lower, upper;               // P(failure) in [lower, upper]
  std::optional<Rational> hoeffding;   // upper bound on P(failure) from the proof (rounded up)
  Verdict verdict = Verdict::Inconclusive;  // of P(failure) <= hoeffding
};

std::vector<EventEstimate> proof_events_simulate(const EventsSetup& s);

}  // namespace rl
