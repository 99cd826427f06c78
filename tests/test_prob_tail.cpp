// Exact coordinate tails and the concentration verdicts built on them.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "arith/verdict.hpp"
#include "prob/concentration_exact.hpp"
#include "prob/coordinate_tail.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;

namespace {

Rational random_t(std::mt19937_64& rng) {
  std::uniform_int_distribution<long> num(1, 9999);
  return Rational(num(rng), 10000);
}

Interval asin_interval(const Interval& x) {
  Interval r(x.precision());
  mpfi_asin(r.raw(), x.raw());
  return r;
}

ConcentrationBound def2(std::size_t d, const std::string& c) {
  ConcentrationBound b;
  b.form = ConcentrationForm::Definition2;
  b.c = constant_parse(c, "test");
  b.d = d;
  return b;
}

}  // namespace

TEST_CASE("prob tail: d = 3, X_1 is uniform on [-1, 1], so P(|X_1| > t) = 1 - t") {
  std::mt19937_64 rng(3);
  for (std::size_t i = 0; i < test::scaled(50); ++i) {
    Rational t = random_t(rng);
    CHECK(sphere_abs_tail_exact(3, t) == 1 - t);
    CHECK(sphere_abs_tail_arb(3, t, 128).contains(1 - t));
  }
}

TEST_CASE("prob tail: d = 2 and d = 4 against the arcsin closed forms") {
  std::mt19937_64 rng(4);
  for (std::size_t i = 0; i < test::scaled(30); ++i) {
    Rational t = random_t(rng);
    Interval ti(t, 200), pi = interval_pi(200), one(Rational(1), 200), two = Interval::from_int(2, 200);
    // d = 2: X_1 = cos(theta): P = 1 - (2/pi) arcsin t.
    Interval d2 = one - two / pi * asin_interval(ti);
    // d = 4: density (2/pi) sqrt(1 - s^2): P = 1 - (2/pi)(t sqrt(1 - t^2) + arcsin t).
    Interval d4 = one - two / pi * (ti * interval_sqrt(one - ti * ti) + asin_interval(ti));
    Interval a2 = sphere_abs_tail_arb(2, t, 128), a4 = sphere_abs_tail_arb(4, t, 128);
    CHECK_NOTHROW(interval_intersect(a2, d2));
    CHECK_NOTHROW(interval_intersect(a4, d4));
    CHECK(a2.width() < Rational(1, 1000000000));
  }
}

TEST_CASE("prob tail: odd d, the exact rational lies in the Arb enclosures at two precisions") {
  std::mt19937_64 rng(5);
  for (std::size_t i = 0; i < test::scaled(60); ++i) {
    std::size_t d = 3 + 2 * (rng() % 60);
    Rational t = random_t(rng);
    Rational exact = sphere_abs_tail_exact(d, t);
    Interval lo = sphere_abs_tail_arb(d, t, 64), hi = sphere_abs_tail_arb(d, t, 192);
    CHECK(lo.contains(exact));
    CHECK(hi.contains(exact));
    CHECK(hi.width() <= lo.width());
  }
}

TEST_CASE("prob tail: even d, Arb at two precisions agree; large d tends to the Gaussian limit") {
  std::mt19937_64 rng(6);
  for (std::size_t i = 0; i < test::scaled(30); ++i) {
    std::size_t d = 2 + 2 * (rng() % 500);
    Rational t = random_t(rng);
    CHECK_NOTHROW(interval_intersect(sphere_abs_tail_arb(d, t, 64), sphere_abs_tail_arb(d, t, 256)));
  }
  // sqrt(d) X_1 -> N(0, 1): at d = 20000, P(|X_1| > x/sqrt d) is within 1e-3 of erfc(x/sqrt 2).
  for (int x4 = 1; x4 <= 12; ++x4) {
    Rational x(x4, 4);
    Interval sphere = sphere_abs_tail(20000, x / 141, 128);  // sqrt(20000) ~ 141.42
    Interval gauss = gaussian_abs_tail(20000, x / 141, 128);
    CHECK(rational_abs(sphere.upper() - gauss.lower()) < Rational(1, 1000));
  }
}

TEST_CASE("prob tail: mixtures are the weighted sums of their components") {
  Measure mix = measure_parse("mixture:1/4*sphere+3/4*gaussian", 50, "test");
  Measure s = measure_parse("sphere", 50, "test"), g = measure_parse("gaussian", 50, "test");
  for (int k = 1; k < 10; ++k) {
    Rational t(k, 20);
    Interval expect = Interval(Rational(1, 4)) * coordinate_deviation_tail(s, t, 128) +
                      Interval(Rational(3, 4)) * coordinate_deviation_tail(g, t, 128);
    CHECK_NOTHROW(interval_intersect(expect, coordinate_deviation_tail(mix, t, 128)));
  }
  // The cube: |X_1 - 1/(2 sqrt d)| is uniform on [0, 1/(2 sqrt d)]; d = 100: P = 1 - 20 t.
  Measure cube = measure_parse("cube", 100, "test");
  CHECK(coordinate_deviation_tail(cube, Rational(1, 40), 128).contains(Rational(1, 2)));
  CHECK(coordinate_deviation_tail(cube, Rational(1, 10), 128).upper() == 0);
}

TEST_CASE("prob tail: the seed's 1/sqrt(d) is violated (certified) for d >= 10, sqrt(2/(d-1)) holds") {
  for (std::size_t d : {10, 11, 30, 100, 1000}) {
    Measure m = measure_parse("sphere", d, "test");
    CoordinateCheck bad = concentration_check_coordinate(m, def2(d, "1/sqrt(" + std::to_string(d) + ")"), std::nullopt, 64, 128);
    CHECK(bad.result.verdict == Verdict::Violated);
    REQUIRE(bad.result.witness);
    CHECK(bad.result.witness->tail.lower() > bad.result.witness->bound.upper());
    CHECK(sphere_abs_tail_arb(d, bad.result.witness->t, 96).lower() > bad.result.witness->bound.upper());
    CoordinateCheck good = concentration_check_coordinate(m, def2(d, "sqrt(2/" + std::to_string(d - 1) + ")"), std::nullopt, 64, 128);
    CHECK(good.result.verdict == Verdict::Holds);
    CHECK(good.result.failed_cells == 0);
  }
  // docs/math.md: at d = 100, t sqrt(d) = 2: 0.044935 > 2e^-4 = 0.036631.
  Measure m = measure_parse("sphere", 100, "test");
  CoordinateCheck one = concentration_check_coordinate(m, def2(100, "1/10"), Rational(1, 5), 64, 128);
  CHECK(one.result.verdict == Verdict::Violated);
  CHECK(one.result.points[0].tail.contains(Rational(449347252126, 10000000000000)) == false);
  CHECK(one.result.points[0].tail.lower() > Rational(44934, 1000000));
  CHECK(one.result.points[0].tail.upper() < Rational(44936, 1000000));
}

TEST_CASE("prob tail: staircase verdicts agree with a dense brute-force scan (d = 3)") {
  std::mt19937_64 rng(7);
  Measure m = measure_parse("sphere", 3, "test");
  for (std::size_t i = 0; i < test::scaled(20); ++i) {
    Rational c(300 + rng() % 900, 1000);  // c in [0.3, 1.2)
    ConcentrationBound b = def2(3, rational_to_string(c));
    CoordinateCheck r = concentration_check_coordinate(m, b, std::nullopt, 32, 128);
    // Brute force in doubles on 20001 points: 1 - t vs 2 exp(-t^2/c^2).
    double cd = rational_to_double(c), worst = -1;
    for (int k = 0; k <= 20000; ++k) {
      double t = k / 20000.0;
      worst = std::max(worst, (1 - t) - 2 * std::exp(-t * t / (cd * cd)));
    }
    if (worst > 1e-6) CHECK(r.result.verdict == Verdict::Violated);
    if (worst < -1e-6) CHECK(r.result.verdict == Verdict::Holds);
  }
}

TEST_CASE("prob tail: least c sqrt(d) for x_1 encloses docs/math.md's values") {
  struct Case { std::size_t d; double value; };
  for (Case k : {Case{10, 1.0106}, Case{100, 1.2202}}) {
    CriticalConstant r = concentration_find_c(measure_parse("sphere", k.d, "test"), ConcentrationForm::Definition2,
                                               Rational(1, 1000000), 128);
    Interval scaled = r.c * interval_sqrt(Interval(Rational(k.d)));
    CHECK(rational_to_double(scaled.lower()) > k.value - 1e-4);
    CHECK(rational_to_double(scaled.upper()) < k.value + 1e-4);
    CHECK(scaled.width() < Rational(1, 10000));
  }
}

// Audit: the Gaussian least c came out as [0.982, 1] sqrt(2/d), though it is sqrt(2/d) exactly.
TEST_CASE("prob tail: the Gaussian least c is exactly the t -> infinity limit, in both forms") {
  for (std::size_t d : {2, 100, 12345}) {
    CriticalConstant two = concentration_find_c(measure_parse("gaussian", d, "test"), ConcentrationForm::Definition2,
                                                Rational(1, 1000000), 256);
    CHECK(two.c.lower() * two.c.lower() <= Rational(2) / Rational(d));
    CHECK(Rational(2) / Rational(d) <= two.c.upper() * two.c.upper());
    CHECK(two.c.width() < two.c.lower() * rational_pow10(-70));
    CriticalConstant iso = concentration_find_c(measure_parse("gaussian", d, "test"), ConcentrationForm::Isoperimetry,
                                                Rational(1, 1000000), 256);
    CHECK(iso.c.lower() == 1);
    CHECK(iso.c.upper() == 1);
    // No t beats the limit: the critical c at sample points stays below it.
    for (const Rational& t : {Rational(1, 10), Rational(1), Rational(5)}) {
      Interval tail = coordinate_deviation_tail(measure_parse("gaussian", d, "test"), t / 10, 256);
      CHECK(concentration_critical_c(ConcentrationForm::Definition2, d, 1, t / 10, tail, 256).upper() <= two.c.upper());
    }
  }
}

namespace prob_tail_stop {

// A stop raised before the (k+1)-th poll: the staircase polls before every new evaluation but the first.
StaircaseStop after_polls(std::size_t k, std::size_t& polls) {
  return [k, &polls] { return ++polls > k; };
}

}  // namespace prob_tail_stop

TEST_CASE("prob tail: find-c stopped after k evaluations still encloses the least c of the complete run") {
  const Measure m = measure_parse("sphere", 101, "test");
  const CriticalConstant full = concentration_find_c(m, ConcentrationForm::Definition2, Rational(1, 1000000), 128);
  REQUIRE_FALSE(full.stopped);
  for (std::size_t k : {0, 1, 5, 40, 150, 190, 191, 192, 193, 250, 400}) {
    std::size_t polls = 0;
    const CriticalConstant part = concentration_find_c(m, ConcentrationForm::Definition2, Rational(1, 1000000), 128,
                                                       prob_tail_stop::after_polls(k, polls));
    INFO("k = " << k << ", evaluations " << part.evaluations << " of " << full.evaluations);
    CHECK(part.stopped == (k + 1 < full.evaluations));
    if (part.stopped) CHECK(part.evaluations == k + 1);
    // The least c lies in both enclosures.
    CHECK(part.c.lower() <= full.c.upper());
    CHECK(full.c.lower() <= part.c.upper());
    CHECK(part.c.lower() <= part.c.upper());
  }
}

TEST_CASE("prob tail: a stopped grid check is inconclusive, never holds, and a violation reached first stands") {
  const std::size_t d = 100;
  const Measure m = measure_parse("sphere", d, "test");
  const ConcentrationBound holds = def2(d, "sqrt(2/99)"), violated = def2(d, "1/sqrt(100)");
  const CoordinateCheck full = concentration_check_coordinate(m, holds, std::nullopt, 64, 128);
  REQUIRE(full.result.verdict == Verdict::Holds);
  const std::size_t evaluations = full.result.points.size();
  const CoordinateCheck full_violated = concentration_check_coordinate(m, violated, std::nullopt, 64, 128);
  REQUIRE(full_violated.result.verdict == Verdict::Violated);
  const std::size_t to_violation = full_violated.result.points.size();  // the pass ends at the first violation
  REQUIRE(to_violation > 4);
  for (std::size_t k : {0, 3, 20, 100, 150, 400}) {
    std::size_t polls = 0;
    const CoordinateCheck h = concentration_check_coordinate(m, holds, std::nullopt, 64, 128, prob_tail_stop::after_polls(k, polls));
    INFO("k = " << k);
    CHECK(h.result.stopped == (k + 1 < evaluations));
    CHECK(h.result.verdict == (h.result.stopped ? Verdict::Inconclusive : Verdict::Holds));
    if (h.result.stopped) CHECK(h.result.points.size() == k + 1);
    polls = 0;
    const CoordinateCheck v = concentration_check_coordinate(m, violated, std::nullopt, 64, 128, prob_tail_stop::after_polls(k, polls));
    // The violation (near t = 0.2) ends the grid pass, so a stop after it is never polled.
    CHECK(v.result.verdict == (v.result.stopped ? Verdict::Inconclusive : Verdict::Violated));
    CHECK(v.result.stopped == (k + 1 < to_violation));
    if (v.result.verdict == Verdict::Violated) {
      REQUIRE(v.result.witness);
      CHECK(v.result.witness->tail.lower() > v.result.witness->bound.upper());
    }
  }
}
