// Clopper-Pearson bounds, coverage, and the Monte Carlo concentration check.
#include <doctest/doctest.h>

#include <random>

#include "arith/verdict.hpp"
#include "prob/clopper_pearson.hpp"
#include "prob/concentration_mc.hpp"
#include "prob/coordinate_tail.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;

namespace {

// P(Bin(n, p) >= k), exactly.
Rational binomial_upper_tail(std::uint64_t k, std::uint64_t n, const Rational& p) {
  Rational sum = 0;
  Integer binom = 1;
  for (std::uint64_t j = 0; j <= n; ++j) {
    Rational term = Rational(binom);
    for (std::uint64_t a = 0; a < j; ++a) term *= p;
    for (std::uint64_t a = 0; a < n - j; ++a) term *= 1 - p;
    if (j >= k) sum += term;
    binom = binom * Integer(n - j) / Integer(j + 1);
  }
  return sum;
}

}  // namespace

TEST_CASE("prob mc: Clopper-Pearson bounds match the published 95% table values") {
  // Two-sided 95% (2.5% per side): (k, n) -> [lower, upper] to 4 decimals.
  struct Row { std::uint64_t k, n; double lo, hi; };
  const Rational alpha(1, 40);
  for (Row r : {Row{0, 10, 0.0, 0.3085}, Row{5, 10, 0.1871, 0.8129}, Row{1, 20, 0.0013, 0.2487},
                Row{10, 100, 0.0490, 0.1762}, Row{50, 100, 0.3983, 0.6017}}) {
    double lo = rational_to_double(clopper_pearson_lower(r.k, r.n, alpha));
    double hi = rational_to_double(clopper_pearson_upper(r.k, r.n, alpha));
    CHECK(lo == doctest::Approx(r.lo).epsilon(0).scale(1).epsilon(6e-5));
    CHECK(hi == doctest::Approx(r.hi).epsilon(0).scale(1).epsilon(6e-5));
  }
}

TEST_CASE("prob mc: Clopper-Pearson bounds are conservative by the exact binomial tail") {
  std::mt19937_64 rng(11);
  for (std::size_t i = 0; i < test::scaled(20); ++i) {
    std::uint64_t n = 5 + rng() % 30, k = rng() % (n + 1);
    Rational alpha(1, 20 + rng() % 200);
    Rational lo = clopper_pearson_lower(k, n, alpha), hi = clopper_pearson_upper(k, n, alpha);
    CHECK(lo <= hi);
    if (k > 0) CHECK(binomial_upper_tail(k, n, lo) <= alpha);               // P(Bin >= k) at lo
    if (k < n) CHECK(1 - binomial_upper_tail(k + 1, n, hi) <= alpha);       // P(Bin <= k) at hi
  }
}

TEST_CASE("prob mc: 90% Clopper-Pearson intervals cover a known p at least at the stated rate") {
  std::mt19937_64 rng(12);
  const std::size_t reps = test::scaled(300);
  const std::uint64_t n = 200;
  const double p = 0.07;
  std::size_t covered = 0;
  for (std::size_t r = 0; r < reps; ++r) {
    std::uint64_t k = 0;
    std::bernoulli_distribution coin(p);
    for (std::uint64_t j = 0; j < n; ++j) k += coin(rng);
    Rational lo = clopper_pearson_lower(k, n, Rational(1, 20)), hi = clopper_pearson_upper(k, n, Rational(1, 20));
    Rational pq = rational_from_double(p);
    covered += (lo <= pq && pq <= hi);
  }
  // Coverage >= 0.90; allow 3 binomial standard deviations below.
  double rate = static_cast<double>(covered) / reps;
  CHECK(rate >= 0.90 - 3 * std::sqrt(0.09 / reps));
}

TEST_CASE("prob mc: intervals contain the exact sphere tail, are reproducible across thread counts, and certify the violation") {
  Measure m = measure_parse("sphere", 40, "test");
  TestFunction phi = test_function_parse("coordinate", 40, "test");
  ConcentrationBound b;
  b.c = constant_parse("1/sqrt(40)", "test");
  b.d = 40;
  McOptions o;
  o.samples = test::scaled(40000);
  o.seed = 7;
  o.threads = 1;
  std::vector<Rational> grid{Rational(1, 10), Rational(1, 5), Rational(3, 10), Rational(2, 5)};
  McResult one = concentration_check_mc(m, phi, b, grid, o);
  o.threads = 2;
  McResult two = concentration_check_mc(m, phi, b, grid, o);
  for (std::size_t k = 0; k < grid.size(); ++k) {
    CHECK(one.points[k].count_inner == two.points[k].count_inner);
    CHECK(one.points[k].count_outer == two.points[k].count_outer);
    Interval exact = sphere_abs_tail(40, grid[k], 128);
    CHECK(one.points[k].lower <= exact.upper());
    CHECK(exact.lower() <= one.points[k].upper);
  }
  CHECK(one.mean_known);  // x_1 is odd and the sphere symmetric: E x_1 = 0 exactly
  // At d = 100, t = 1/5, the exact tail 0.0449 exceeds 2e^-4 = 0.0366 by more than the CI width.
  Measure m100 = measure_parse("sphere", 100, "test");
  ConcentrationBound b100;
  b100.c = constant_parse("1/10", "test");
  b100.d = 100;
  o.samples = 60000;
  McResult v = concentration_check_mc(m100, test_function_parse("coordinate", 100, "test"), b100, {Rational(1, 5)}, o);
  CHECK(v.verdict == Verdict::Violated);
  CHECK(v.samples_per_second > 0);
}

TEST_CASE("prob mc: on the cube the mean is estimated and both it and the tails cover the exact values") {
  // [0, 1/4]^16: E x_1 = 1/8 and P(|x_1 - 1/8| > t) = 1 - 8t.
  Measure m = measure_parse("cube", 16, "test");
  ConcentrationBound b;
  b.c = constant_parse("1", "test");
  b.d = 16;
  McOptions o;
  o.samples = test::scaled(40000);
  o.seed = 3;
  std::vector<Rational> grid{Rational(1, 40), Rational(1, 16), Rational(1, 10)};
  McResult r = concentration_check_mc(m, test_function_parse("coordinate", 16, "test"), b, grid, o);
  CHECK(!r.mean_known);
  CHECK(r.mean_lower <= Rational(1, 8));
  CHECK(Rational(1, 8) <= r.mean_upper);
  for (std::size_t k = 0; k < grid.size(); ++k) {
    Rational exact = 1 - 8 * grid[k];
    CHECK(r.points[k].lower <= exact);
    CHECK(exact <= r.points[k].upper);
  }
}
