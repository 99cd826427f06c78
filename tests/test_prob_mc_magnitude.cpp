// Monte Carlo comparisons of phi at large |phi| (audit item: an absolute slack
// of 1e-9 around a double phi is below the rounding error once |phi| ~ 1e7).
// phi = a x_1 + b x_2 with a = 100000000.3 and b = -100000000.1, neither a
// double: the coefficients and the products round by up to ~1e-8 while phi
// itself may be small (x_1 ~ x_2), far below that error in ulps.
#include <doctest/doctest.h>

#include "prob/concentration_mc.hpp"
#include "prob/measure_samples.hpp"
#include "prob/sampler.hpp"

using namespace rl;

namespace {

const Rational kA = rational_parse("100000000.3"), kB = rational_parse("-100000000.1");
const char* const kPhi = "linear:100000000.3,-100000000.1";

Rational exact_phi(const std::vector<double>& x) { return kA * rational_from_double(x[0]) + kB * rational_from_double(x[1]); }
double double_phi(const std::vector<double>& x) { return rational_to_double(kA) * x[0] + rational_to_double(kB) * x[1]; }

// The points measure_function_samples draws for a single-component measure, in order.
std::vector<std::vector<double>> drawn_points(MeasureKind kind, std::size_t d, std::uint64_t n, std::uint64_t seed,
                                              std::uint64_t stream) {
  std::vector<std::vector<double>> out;
  for (std::uint64_t first = 0; first < n; first += kSamplerBlock) {
    std::mt19937_64 rng = sampler_stream(seed, stream, first / kSamplerBlock);
    for (std::uint64_t i = first; i < std::min(n, first + kSamplerBlock); ++i) {
      std::vector<double> x;
      sampler_draw(kind, d, rng, x);
      out.push_back(x);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("prob mc magnitude: event decisions at |phi| ~ 1e8 agree with exact arithmetic; the old 1e-9 slack did not") {
  const TestFunction phi = test_function_parse(kPhi, 3, "test");
  const Rational old_margin = Rational(1, 1000000000);
  std::size_t old_wrong = 0, checked = 0;
  for (const std::vector<double>& x : drawn_points(MeasureKind::Sphere, 3, 20000, 5, 2)) {
    const Rational exact = exact_phi(x);
    const DInterval v = phi.eval(x);
    REQUIRE(v.contains(exact));
    // Thresholds just above and just below |phi|, E phi taken as 0.
    for (const Rational& gap : {Rational(5, 1000000000), Rational(-5, 1000000000)}) {
      const Rational t = rational_abs(exact) + gap;
      if (t <= 0) continue;
      const McThresholds th = McThresholds::around(0, 0, t);
      const bool inner = exact > t || exact < -t;  // the exact event |phi - 0| > t
      CHECK((!th.certainly_inner(v) || inner));     // never counted in when it is out
      CHECK((th.possibly_outer(v) || !inner));      // never counted out when it is in
      ++checked;
      // The old rule: the double product against t + 1e-9 rounded up.
      const double old_v = double_phi(x);
      const bool old_inner = old_v > DInterval::from_rational(t + old_margin).hi ||
                             old_v < DInterval::from_rational(-t - old_margin).lo;
      old_wrong += old_inner && !inner;
    }
  }
  CHECK(checked > 10000);
  // The old slack counted samples into the inner event that are not in it: its lower bound was unsound.
  CHECK(old_wrong > 0);
}

TEST_CASE("prob mc magnitude: stored Monte Carlo samples enclose phi exactly at |phi| ~ 1e8") {
  const Measure sphere = measure_parse("sphere", 3, "test");
  const TestFunction phi = test_function_parse(kPhi, 3, "test");
  const auto [a, b] = measure_function_support(sphere, phi, "test");
  const std::vector<DInterval> samples = measure_function_samples(sphere, phi, 5000, 11, 3);
  const std::vector<std::vector<double>> points = drawn_points(MeasureKind::Sphere, 3, 5000, 11, 3);
  REQUIRE(samples.size() == points.size());
  std::size_t outside_old = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Rational exact = exact_phi(points[i]);
    CHECK(samples[i].contains(exact));
    CHECK(rational_from_double(samples[i].lo) >= a);
    CHECK(rational_from_double(samples[i].hi) <= b);
    // The old store, [v - 1e-9, v + 1e-9] around the double product, misses the exact value.
    const double v = double_phi(points[i]);
    outside_old += !DInterval{next_down(v - 1e-9), next_up(v + 1e-9)}.contains(exact);
  }
  CHECK(outside_old > 0);
}

TEST_CASE("prob mc magnitude: the Monte Carlo check of a x_1 at a = 1e8 covers the exact sphere tail") {
  // On S^2, x_1 is U[-1, 1]: P(|a x_1| > t) = 1 - t / a.
  const Measure sphere = measure_parse("sphere", 3, "test");
  const TestFunction phi = test_function_parse("linear:100000000.3", 3, "test");
  ConcentrationBound b;
  b.c = constant_parse("1", "test");
  b.d = 3;
  b.lipschitz_squared = phi.lipschitz_squared;
  McOptions o;
  o.samples = 20000;
  o.threads = 1;
  const std::vector<Rational> grid = {kA / 4, kA / 2};
  McResult r = concentration_check_mc(sphere, phi, b, grid, o);
  REQUIRE(r.points.size() == 2);
  for (const McPoint& p : r.points) {
    const Rational exact = 1 - p.t / kA;
    CHECK(p.lower <= exact);
    CHECK(exact <= p.upper);
    CHECK(p.upper - p.lower < Rational(1, 20));
  }
}
