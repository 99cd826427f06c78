// The proof's events simulated against exact values and Hoeffding bounds.
#include <doctest/doctest.h>

#include "arith/verdict.hpp"
#include "prob/proof_events.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;

TEST_CASE("prob events: D's failure interval contains the exact binomial probability; bounds hold") {
  EventsSetup s;
  s.measure = measure_parse("sphere", 10, "test");
  s.h = test_function_parse("coordinate", 10, "test");
  s.noise = "rademacher";
  s.amplitude = 1;
  s.epsilon = 1;
  s.n = 50;
  s.trials = test::scaled(3000);
  std::vector<EventEstimate> ev = proof_events_simulate(s);
  REQUIRE(ev.size() == 4);
  // D fails iff |sum z_i| >= 5 with z_i = +-1, i.e. K <= 22 or K >= 28 for K ~ Bin(50, 1/2).
  Rational p = 0;
  Integer binom = 1;
  for (int k = 0; k <= 50; ++k) {
    if (k <= 22 || k >= 28) p += Rational(binom);
    binom = binom * Integer(50 - k) / Integer(k + 1);
  }
  p /= Rational(Integer(1) << 50);
  CHECK(ev[3].lower <= p);
  CHECK(p <= ev[3].upper);
  // Rademacher noise: z_i^2 = 1 = sigma^2, so A never fails.
  CHECK(ev[0].failures == 0);
  for (const auto& e : ev) {
    REQUIRE(e.hoeffding);
    CHECK(e.verdict == Verdict::Holds);
  }
  // Reproducible: the same seed gives the same counts.
  std::vector<EventEstimate> again = proof_events_simulate(s);
  for (int e = 0; e < 4; ++e) CHECK(again[e].failures == ev[e].failures);
}
