// Monte Carlo MGF intervals (Hoeffding / empirical Bernstein): coverage of
// the exact MGF, agreement of the two methods, 1/sqrt(n) widths, sound sums,
// and the sample-file reader.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "arith/error.hpp"
#include "prob/distribution_sampler.hpp"
#include "prob/measure_samples.hpp"
#include "prob/mgf_monte_carlo.hpp"
#include "prob/sample_file.hpp"
#include "prob/sampler.hpp"
#include "test_scale.hpp"

using namespace rl;

namespace {

std::vector<DInterval> draw(const Distribution& x, std::uint64_t n, std::uint64_t seed) {
  std::vector<DInterval> out;
  for (double v : distribution_draw(x, n, seed, 3, "test")) out.push_back(DInterval::point(v));
  return out;
}

MgfMcOptions options_for(const Distribution& x, const Rational& confidence, std::size_t points) {
  MgfMcOptions o;
  auto s = *distribution_support(x);
  o.a = s.first;
  o.b = s.second;
  o.center = distribution_mean(x);
  o.lambda_max = Rational(8) / (o.b - o.a);
  o.points = points;
  o.confidence = confidence;
  return o;
}

bool contains(const Rational& lo, const Rational& hi, const Interval& exact) {
  return lo <= exact.lower() && exact.upper() <= hi;
}

}  // namespace

TEST_CASE("prob mgf mc: simultaneous intervals cover the exact MGF at least at the stated rate") {
  // Each run: 2K intervals per method, all required to hold; the failure
  // rate must be <= delta within 3 binomial standard deviations.
  const std::size_t runs = test::scaled(150);
  const Rational confidence(4, 5);
  for (const char* name : {"rademacher", "uniform", "bernoulli:1/10"}) {
    Distribution x = distribution_parse(name, "test");
    MgfMcOptions o = options_for(x, confidence, 4);
    std::vector<Interval> exact;
    for (const Rational& l : mgf_mc_grid(o)) exact.push_back(interval_exp(log_mgf(x, Interval(l, 128))));
    std::size_t failures = 0, method_failures = 0;
    for (std::size_t run = 0; run < runs; ++run) {
      MgfMcResult r = mgf_monte_carlo(draw(x, 1500, 1000 + run), o, "test");
      bool ok = true, methods_ok = true;
      for (std::size_t i = 0; i < r.points.size(); ++i) {
        const MgfMcPoint& p = r.points[i];
        ok = ok && contains(p.lower, p.upper, exact[i]);
        methods_ok = methods_ok && contains(p.hoeffding_lower, p.hoeffding_upper, exact[i]) &&
                     contains(p.bernstein_lower, p.bernstein_upper, exact[i]);
        // The two methods' intervals overlap (their intersection is reported).
        CHECK(p.lower <= p.upper);
      }
      failures += !ok;
      method_failures += !methods_ok;
    }
    const double delta = 0.2, limit = delta * runs + 3 * std::sqrt(runs * delta * (1 - delta));
    INFO(name << ": " << failures << " / " << runs << " runs missed");
    CHECK(static_cast<double>(failures) <= limit);
    CHECK(static_cast<double>(method_failures) <= limit);
  }
}

TEST_CASE("prob mgf mc: a 2% shift of the truth is detected, so the coverage test can fail") {
  Distribution x = distribution_parse("uniform", "test");
  MgfMcOptions o = options_for(x, Rational(99, 100), 4);
  MgfMcResult r = mgf_monte_carlo(draw(x, 200000, 7), o, "test");
  const MgfMcPoint& p = r.points[4];  // lambda = 1: E e^X = sinh(1), half-width ~ 0.6%
  REQUIRE(p.lambda == 1);
  Interval exact = interval_exp(log_mgf(x, Interval(p.lambda, 128)));
  CHECK(contains(p.lower, p.upper, exact));
  CHECK_FALSE(contains(p.lower, p.upper, exact * Interval(Rational(102, 100), 128)));
}

TEST_CASE("prob mgf mc: widths shrink like 1/sqrt(n); Bernstein wins on small variance, Hoeffding on Rademacher") {
  for (const char* name : {"rademacher", "uniform", "bernoulli:1/100"}) {
    Distribution x = distribution_parse(name, "test");
    MgfMcOptions o = options_for(x, Rational(99, 100), 4);
    MgfMcResult small = mgf_monte_carlo(draw(x, 5000, 11), o, "test");
    MgfMcResult large = mgf_monte_carlo(draw(x, 20000, 12), o, "test");
    for (std::size_t i = 0; i < small.points.size(); ++i) {
      const MgfMcPoint &s = small.points[i], &l = large.points[i];
      INFO(name << " lambda " << rational_to_double(s.lambda));
      const double h = rational_to_double(s.hoeffding_half / l.hoeffding_half);
      const double b = rational_to_double(s.bernstein_half / l.bernstein_half);
      CHECK(std::fabs(h - 2) < 1e-9);  // Hoeffding: exactly sqrt(4)
      CHECK(b > 1.8);
      CHECK(b < 3.2);  // a 1/sqrt(n) term plus a 1/n term: the ratio is in [2, 4]
      if (x.kind == DistributionKind::Bernoulli) CHECK(s.narrower == "empirical-bernstein");
      if (x.kind == DistributionKind::Rademacher) CHECK(s.narrower == "hoeffding");
    }
  }
}

TEST_CASE("prob mgf mc: sums are sound (constant samples) and samples outside the support are refused") {
  MgfMcOptions o;
  o.a = 0;
  o.b = 1;
  o.center = Rational(1, 3);  // not a double: the enclosures must still hold
  o.lambda_max = 5;
  o.points = 5;
  std::vector<DInterval> same(3000, DInterval::from_rational(Rational(3, 10)));
  MgfMcResult r = mgf_monte_carlo(same, o, "test");
  for (const MgfMcPoint& p : r.points) {
    Interval truth = interval_exp(Interval(p.lambda * (Rational(3, 10) - Rational(1, 3)), 256));
    CHECK(p.mean_lower <= truth.lower());
    CHECK(truth.upper() <= p.mean_upper);
    CHECK(rational_to_double(p.mean_upper - p.mean_lower) < 1e-9);  // rounding only
    CHECK(rational_to_double(p.variance_upper) < 1e-8);
    CHECK(contains(p.lower, p.upper, truth));
  }
  std::vector<DInterval> bad = same;
  bad[17] = DInterval::point(1.0000000001);
  CHECK_THROWS_AS(mgf_monte_carlo(bad, o, "test"), InputError);
  CHECK_THROWS_AS(mgf_monte_carlo({DInterval::point(0.5)}, o, "test"), InputError);
  o.lambda_max = 400;
  CHECK_THROWS_AS(mgf_monte_carlo(same, o, "test"), InputError);
}

TEST_CASE("prob mgf mc: the sample file is read exactly, with comments, and bad lines are named") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string path = (dir / ("robustlaw-samples-" + std::to_string(getpid()) + ".csv")).string();
  { std::ofstream(path) << "# x\n0.1\n\n-3/7, ignored\n1e-3\n1\n"; }
  std::vector<DInterval> s = sample_file_read(path, -1, 1).samples;
  REQUIRE(s.size() == 4);
  CHECK(s[0].contains(Rational(1, 10)));
  CHECK(s[1].contains(Rational(-3, 7)));
  CHECK(s[1].lo < s[1].hi);  // -3/7 is no double: an outward interval
  CHECK(s[3].lo == 1.0);
  CHECK_THROWS_WITH_AS(sample_file_read(path, 0, 1), doctest::Contains(":4"), InputError);
  { std::ofstream(path) << "0.5\nabc\n"; }
  CHECK_THROWS_WITH_AS(sample_file_read(path, 0, 1), doctest::Contains(":2"), InputError);
  std::filesystem::remove(path);
  CHECK_THROWS_AS(sample_file_read(path, 0, 1), InputError);
}

TEST_CASE("prob mgf mc: x_1 on S^2 is U[-1, 1] (Archimedes), and its Monte Carlo MGF covers sinh(l)/l") {
  Measure sphere = measure_parse("sphere", 3, "test");
  TestFunction x1 = test_function_parse("coordinate", 3, "test");
  auto [a, b] = measure_function_support(sphere, x1, "test");
  CHECK(a < -1);
  CHECK(b > 1);
  CHECK(b - 1 < Rational(1, 1000000));
  MgfMcOptions o;
  o.a = a;
  o.b = b;
  o.center = 0;
  o.lambda_max = 4;
  o.points = 4;
  o.confidence = Rational(4, 5);
  Distribution uniform = distribution_parse("uniform", "test");
  const std::size_t runs = test::scaled(30);
  std::size_t failures = 0;
  for (std::size_t run = 0; run < runs; ++run) {
    MgfMcResult r = mgf_monte_carlo(measure_function_samples(sphere, x1, 3000, 50 + run, 3), o, "test");
    bool ok = true;
    for (const MgfMcPoint& p : r.points) ok = ok && contains(p.lower, p.upper, interval_exp(log_mgf(uniform, Interval(p.lambda, 128))));
    failures += !ok;
  }
  CHECK(static_cast<double>(failures) <= 0.2 * runs + 3 * std::sqrt(runs * 0.16));
  // The Gaussian is unbounded: no support, no interval.
  CHECK_THROWS_AS(measure_function_support(measure_parse("gaussian", 3, "test"), x1, "test"), InputError);
  // Mixture components are drawn i.i.d. with the given weights: the norm is
  // exactly 1 on the sphere and at most 1 on the cube.
  Measure mix = measure_parse("mixture:1/4*sphere+3/4*cube", 4, "test");
  TestFunction norm = test_function_parse("norm", 4, "test");
  std::vector<DInterval> s = measure_function_samples(mix, norm, 20000, 9, 3);
  std::size_t on_sphere = 0;
  for (const DInterval& v : s) on_sphere += v.contains(1.0);
  CHECK(std::fabs(on_sphere / 20000.0 - 0.25) < 0.02);
}

TEST_CASE("prob mgf mc: a stop while the sample file is read keeps its first block, in order") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string path = (dir / ("robustlaw-samples-stop-" + std::to_string(getpid()) + ".csv")).string();
  const std::uint64_t lines = 3 * kSamplerBlock + 7;
  {
    std::ofstream out(path);
    for (std::uint64_t i = 0; i < lines; ++i) out << i % 1000 << "/1000\n";
  }
  std::atomic<bool> raised{true};
  McStop stop;
  stop.flag = &raised;
  const SampleFileRead cut = sample_file_read(path, 0, 1, SIZE_MAX, stop);
  CHECK(cut.stopped);
  REQUIRE(cut.samples.size() == kSamplerBlock);
  for (std::uint64_t i = 0; i < kSamplerBlock; i += 997) CHECK(cut.samples[i].contains(Rational(long(i % 1000), 1000)));
  const SampleFileRead whole = sample_file_read(path, 0, 1);
  CHECK_FALSE(whole.stopped);
  CHECK(whole.samples.size() == lines);
  std::filesystem::remove(path);
}
