// The certified optimal variance proxy and the subgaussian lemmas.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <random>

#include "arith/verdict.hpp"
#include "prob/subgaussian_checks.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;

namespace {

// Memoized: several cases need the same proxies.
ProxyResult proxy_of(const std::string& name, mpfr_prec_t prec = 128) {
  static std::map<std::pair<std::string, mpfr_prec_t>, ProxyResult> cache;
  auto key = std::make_pair(name, prec);
  auto it = cache.find(key);
  if (it == cache.end())
    it = cache.emplace(key, variance_proxy({{distribution_parse(name, "test"), Rational(1)}}, Rational(1, 10000000000LL),
                                           20000, prec)).first;
  return it->second;
}

}  // namespace

TEST_CASE("prob subgaussian: Kearns-Saul and the symmetric cases are enclosed") {
  for (const char* name : {"bernoulli:1/10", "bernoulli:1/100", "bernoulli:3/10", "bernoulli:7/10", "bernoulli:1/2",
                           "rademacher", "uniform", "gaussian"}) {
    ProxyResult r = proxy_of(name);
    Interval closed = variance_proxy_closed_form(distribution_parse(name, "test"), 128);
    INFO(name);
    CHECK(r.lower <= closed.upper());
    CHECK(closed.lower() <= r.upper);
    CHECK(r.upper - r.lower <= r.lower * Rational(1, 1000000000));
  }
  ProxyResult ks = proxy_of("bernoulli:1/10");
  CHECK(rational_to_double(ks.lower) == doctest::Approx(0.182047845325).epsilon(1e-11));
  CHECK(proxy_of("rademacher").upper == 1);
}

// Audit: p <= 5e-9 (or >= 1 - 1e-9) once stopped with "interval endpoint is
// not finite": Lambda = 4 / min(p, 1-p) made e^Lambda overflow MPFR.
// Down to 1e-300: the envelope of K'' then has about 45 000 pieces, whose
// ends once grew by 7 bits each (exact powers of 65/64): p = 1e-100 took
// 7.9 s and 1e-300 had not ended after 60 s; with ends rounded up to 64
// bits they take 0.2 s and 0.7 s.
TEST_CASE("prob subgaussian: Kearns-Saul at p down to 1e-300 and up to 1 - 1e-12") {
  // (1 - 2p) / (2 log((1-p)/p)) at p = 5e-9, by mpmath at 60 digits.
  const Rational at_5e_9 = rational_parse("0.0261590716995822727674");
  for (const char* name : {"bernoulli:5e-9", "bernoulli:1e-12", "bernoulli:1e-30", "bernoulli:1e-100", "bernoulli:1e-300", "bernoulli:0.999999999", "bernoulli:0.999999999999"}) {
    INFO(name);
    ProxyResult r = proxy_of(name);
    Interval closed = variance_proxy_closed_form(distribution_parse(name, "test"), 128);
    CHECK(r.lower <= closed.upper());
    CHECK(closed.lower() <= r.upper);
    CHECK(r.upper - r.lower <= r.lower * Rational(1, 1000000000));
  }
  ProxyResult small = proxy_of("bernoulli:5e-9");
  CHECK(small.lower <= at_5e_9 + rational_pow10(-21));
  CHECK(at_5e_9 - rational_pow10(-21) <= small.upper);
  // The log-MGF itself at |lambda| far past e^lambda's range: K(l) ~ (1 - p) l for large l, ~ -p l for very negative l.
  const Distribution x = distribution_parse("bernoulli:5e-9", "test");
  for (const Rational& l : {Rational(800000000), Rational(-800000000)}) {
    Interval k = log_mgf(x, Interval(l, 128));
    CHECK(k.lower() >= 0);
    CHECK(k.upper() <= rational_abs(l));
    CHECK(k.width() < Rational(1, 1000000));
  }
}

TEST_CASE("prob subgaussian: the sup bounds every ratio, and two precisions agree") {
  std::mt19937_64 rng(21);
  for (const char* name : {"bernoulli:1/10", "uniform", "rademacher", "bernoulli:9/20"}) {
    std::vector<ScaledVariable> one{{distribution_parse(name, "test"), Rational(1)}};
    ProxyResult hi = proxy_of(name, 128), lo = proxy_of(name, 64);
    CHECK(hi.lower <= lo.upper);
    CHECK(lo.lower <= hi.upper);
    for (std::size_t i = 0; i < test::scaled(200); ++i) {
      Rational l(static_cast<long>(rng() % 200001) - 100000, 1000);
      if (l == 0) continue;
      Interval v = variance_proxy_ratio(one, l);
      CHECK(v.lower() <= hi.upper);
      // Against a double evaluation of the closed form (untrusted reference).
      double ld = rational_to_double(l), k;
      const Distribution x = distribution_parse(name, "test");
      if (x.kind == DistributionKind::Rademacher) k = std::log(std::cosh(ld));
      else if (x.kind == DistributionKind::Uniform) k = std::log(std::sinh(std::fabs(ld)) / std::fabs(ld));
      else { double p = rational_to_double(x.p); k = std::log(1 - p + p * std::exp(ld)) - p * ld; }
      if (std::fabs(ld) < 300) CHECK(rational_to_double(v.lower()) == doctest::Approx(2 * k / (ld * ld)).epsilon(1e-9));
    }
  }
}

TEST_CASE("prob subgaussian: Lemma 2 by the MGF product, including non-identical terms") {
  const Rational tol(1, 10000000);  // coarser: sums cost one evaluation per term
  // Identical: the mean of n copies has proxy exactly proxy/n.
  Distribution b = distribution_parse("bernoulli:1/10", "test");
  ProxyResult single = proxy_of("bernoulli:1/10");
  for (int n : {2, 3}) {
    std::vector<ScaledVariable> terms(n, ScaledVariable{b, Rational(1, n)});
    ProxyResult mean = variance_proxy(terms, tol, 20000);
    CHECK(mean.lower <= single.upper / n);
    CHECK(single.lower / n <= mean.upper);
  }
  // Non-identical: sup of a sum <= sum of sups, so mean proxy <= sum proxy_i / n^2.
  std::vector<std::string> names{"rademacher", "bernoulli:1/10", "uniform"};
  std::vector<ScaledVariable> terms;
  Rational sum_upper = 0;
  for (const auto& n : names) {
    terms.push_back({distribution_parse(n, "test"), Rational(1, 3)});
    sum_upper += proxy_of(n).upper;
  }
  ProxyResult mean = variance_proxy(terms, tol, 20000);
  CHECK(mean.lower <= sum_upper / 9);
  CHECK(mean.upper < Rational(1, 3));  // Lemma 2 with c = 1: c^2/n = 1/3, with room to spare
}

TEST_CASE("prob subgaussian: Lemma 1 holds with the optimal proxy and fails below it where the tail shows it") {
  for (const char* name : {"rademacher", "uniform", "bernoulli:1/10", "gaussian"}) {
    Distribution x = distribution_parse(name, "test");
    Lemma1Check ok = lemma1_check(x, proxy_of(name).upper, 128);
    INFO(name);
    CHECK(ok.result.verdict == Verdict::Holds);
  }
  // Rademacher: P(|X| >= 1) = 1 > 2 exp(-1/(2 sigma^2)) when sigma^2 < 1/(2 log 2).
  Lemma1Check bad = lemma1_check(distribution_parse("rademacher", "test"), Rational(1, 2), 128);
  CHECK(bad.result.verdict == Verdict::Violated);
  // Hoeffding's lemma: every bounded proxy <= (b - a)^2 / 4.
  for (const char* name : {"rademacher", "uniform", "bernoulli:1/10", "bernoulli:1/1000"}) {
    Distribution x = distribution_parse(name, "test");
    CHECK(verdict_of(proxy_of(name).lower, proxy_of(name).upper, *x.range() * *x.range() / 4) == Verdict::Holds);
  }
}
