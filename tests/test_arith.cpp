// Arithmetic: exact parsing, directed decimal output, and enclosures checked
// two ways (exact rational vs MPFI at two precisions vs the fast double type).
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>

#include "arith/decimal.hpp"
#include "arith/dinterval.hpp"
#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "arith/rational_double.hpp"

using namespace rl;

TEST_CASE("rational_parse reads decimals, scientific and fractions exactly") {
  CHECK(rational_parse("5.40062e-02") == Rational(Integer(540062), Integer(10000000)));
  CHECK(rational_parse("-3/7") == Rational(Integer(-3), Integer(7)));
  CHECK(rational_parse("+1E3") == Rational(1000));
  CHECK(rational_parse(" 0.125 ") == Rational(Integer(1), Integer(8)));
  CHECK(rational_parse("-0") == Rational(0));
  CHECK(rational_parse("1.5e+00/3") == Rational(Integer(1), Integer(2)));
  CHECK(rational_parse(".5") == Rational(Integer(1), Integer(2)));
  CHECK(rational_parse("7.") == Rational(7));
}

TEST_CASE("rational_parse reads random decimal literals exactly, short and long mantissas") {
  // Short mantissas (< 10^19) take a path that cancels 2s and 5s instead of a
  // gcd; long ones the general path. Both against m * 10^e built directly.
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 30);
    std::string m;
    for (int k = 0; k < digits; ++k) m.push_back(static_cast<char>('0' + rng() % 10));
    const int point = static_cast<int>(rng() % (digits + 1));
    const long exponent = static_cast<long>(rng() % 61) - 30;
    const bool negative = rng() % 2 == 1;
    std::string text = (negative ? "-" : "") + m.substr(0, point) + "." + m.substr(point);
    if (point == 0 && rng() % 2) text = (negative ? "-" : "") + m;
    const long scale = text.find('.') == std::string::npos ? 0 : digits - point;
    if (rng() % 2) text += "e" + std::to_string(exponent);
    const long e = (text.find('e') == std::string::npos ? 0 : exponent) - scale;
    const Rational expected = Rational(Integer(m.find_first_not_of('0') == std::string::npos ? "0" : m.substr(m.find_first_not_of('0')))) *
                              rational_pow10(e) * (negative ? -1 : 1);
    INFO(text);
    const Rational got = rational_parse(text);
    REQUIRE(got == expected);
    // Canonical: numerator and denominator coprime, denominator positive.
    mpq_srcptr q = got.backend().data();
    Integer g;
    mpz_gcd(g.backend().data(), mpq_numref(q), mpq_denref(q));
    REQUIRE(g == 1);
    REQUIRE(mpz_sgn(mpq_denref(q)) > 0);
  }
}

TEST_CASE("rational_common_denominator: the least common denominator and exact numerators") {
  std::mt19937_64 rng(41);
  // Denominators that repeat (the recent-quotient cache) and that do not.
  const long dens[] = {1, 2, 3, 10, 100, 1024, 7, 1000000007, 625, 999983};
  std::uniform_int_distribution<int> pick(0, 9), count(0, 40);
  std::uniform_int_distribution<long> num(-1000000, 1000000);
  for (int t = 0; t < 2000; ++t) {
    std::vector<Rational> qs(std::size_t(count(rng)));
    for (Rational& q : qs) q = Rational(Integer(num(rng)), Integer(dens[pick(rng)])) * (pick(rng) == 0 ? Rational(Integer(dens[pick(rng)])) : 1);
    std::vector<const Rational*> ptrs;
    for (const Rational& q : qs) ptrs.push_back(&q);
    std::vector<Integer> numerators;
    const Integer d = rational_common_denominator(ptrs, numerators);
    Integer lcm = 1;
    for (const Rational& q : qs) lcm = boost::multiprecision::lcm(lcm, boost::multiprecision::denominator(q));
    REQUIRE(d == lcm);
    REQUIRE(numerators.size() == qs.size());
    for (std::size_t i = 0; i < qs.size(); ++i) REQUIRE(Rational(numerators[i], d) == qs[i]);
  }
}

TEST_CASE("rational_parse refuses what is not a number") {
  for (const char* bad : {"", "nan", "NaN", "inf", "-inf", "1e", "1.2.3", "abc", "1/0", "--1", "0x10", "1e+", "/", "1,5", "e5"})
    CHECK_THROWS_AS(rational_parse(bad), InputError);
}

TEST_CASE("float and double convert to their exact dyadic values") {
  CHECK(rational_from_double(0.1) == Rational(Integer("3602879701896397"), Integer("36028797018963968")));
  CHECK(rational_from_float(0.1f) == Rational(Integer(13421773), Integer(134217728)));
  CHECK(rational_from_double(-0.0) == 0);
  CHECK(rational_from_double(std::numeric_limits<double>::denorm_min()) == rational_pow2(-1074));
  CHECK(rational_from_double(std::numeric_limits<double>::max()) ==
        Rational(Integer("179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368")));
  CHECK_THROWS_AS(rational_from_double(std::nan("")), InputError);
  CHECK_THROWS_AS(rational_from_double(INFINITY), InputError);
}

// Two methods, one value: rational_from_double (GMP's exact conversion)
// against the double's bit fields read directly, on random bit patterns
// (subnormals, both signs, every exponent).
TEST_CASE("rational_from_double agrees with the double's bit fields on random bit patterns") {
  std::mt19937_64 rng(20261203);
  int subnormals = 0;
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = rng();
    if (i % 4 == 0) bits &= ~(std::uint64_t(0x7ff) << 52);  // exponent field 0: subnormal (or zero)
    const double x = std::bit_cast<double>(bits);
    if (!std::isfinite(x)) continue;
    const std::uint64_t field = (bits >> 52) & 0x7ff, fraction = bits & ((std::uint64_t(1) << 52) - 1);
    subnormals += field == 0;
    // x = (-1)^s * significand * 2^(e - 1075), significand = 2^52 + fraction (normal) or fraction (subnormal).
    const Integer significand(field == 0 ? fraction : fraction | (std::uint64_t(1) << 52));
    Rational expected = Rational(significand) * rational_pow2(field == 0 ? -1074 : static_cast<long>(field) - 1075);
    if (bits >> 63) expected = -expected;
    INFO("bits " << bits);
    REQUIRE(rational_from_double(x) == expected);
  }
  CHECK(subnormals > 4000);
}

TEST_CASE("rational_to_double is the nearest double on random values") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (int i = 0; i < 2000; ++i) {
    double x = u(rng);
    CHECK(rational_to_double(rational_from_double(x)) == x);
    // A rational strictly between x and its successor rounds to one of them.
    Rational mid = (rational_from_double(x) * 3 + rational_from_double(std::nextafter(x, INFINITY))) / 4;
    CHECK(rational_to_double(mid) == x);
  }
}

// A random rational of the kinds networks hold: decimals k / 10^m (text
// files), fractions of random integers, and values near the ends of the
// double range (subnormal, overflowing), both signs.
Rational network_like_rational(std::mt19937_64& rng) {
  const int kind = static_cast<int>(rng() % 4);
  const Integer num(static_cast<std::int64_t>(rng() >> (rng() % 60)) * (rng() % 2 ? 1 : -1));
  if (kind == 0) return Rational(num) / rational_pow10(static_cast<long>(rng() % 20));
  if (kind == 1) return Rational(num, Integer(static_cast<std::int64_t>(1 + (rng() >> (rng() % 62)))));
  const long e = kind == 2 ? -1000 - static_cast<long>(rng() % 120) : 1000 + static_cast<long>(rng() % 60);
  return Rational(num) / Rational(num == 0 ? 1 : 3) * rational_pow2(e);
}

TEST_CASE("directed and nearest conversions to double bracket random rationals exactly") {
  // The MPFR fast paths against the exact definition: the double below (above)
  // q is <= q (>= q) with no double strictly between; the nearest is as close
  // as both neighbours; outside the normal range the fast paths decline.
  std::mt19937_64 rng(11);
  int fast = 0, declined = 0;
  for (int i = 0; i < 20000; ++i) {
    const Rational q = network_like_rational(rng);
    INFO("q = " << q.str());
    double down = 0, up = 0;
    const bool has_down = rational_round_down_normal(q, down), has_up = rational_round_up_normal(q, up);
    if (has_down) {
      REQUIRE(rational_from_double(down) <= q);
      if (std::isfinite(next_up(down))) REQUIRE(rational_from_double(next_up(down)) > q);
    }
    if (has_up) {
      REQUIRE(rational_from_double(up) >= q);
      if (std::isfinite(next_down(up))) REQUIRE(rational_from_double(next_down(up)) < q);
    }
    const double lim = std::numeric_limits<double>::min();
    if (has_down && has_up) ++fast;
    else {
      ++declined;
      CHECK((abs(q) < rational_from_double(lim) || abs(q) > rational_from_double(std::numeric_limits<double>::max())));
    }
    const double nearest = rational_to_double(q);
    if (std::isfinite(nearest)) {
      const Rational gap = abs(rational_from_double(nearest) - q);
      if (std::isfinite(next_up(nearest))) CHECK(gap <= abs(rational_from_double(next_up(nearest)) - q));
      if (std::isfinite(next_down(nearest))) CHECK(gap <= abs(rational_from_double(next_down(nearest)) - q));
    }
    double also_nearest = 0;
    const DInterval box = DInterval::from_rational(q, also_nearest);
    CHECK(box.contains(q));
    CHECK(also_nearest == nearest);
    if (has_down && has_up) CHECK((box.lo == down && box.hi == up));
  }
  CHECK(fast > 8000);
  CHECK(declined > 2000);
}

TEST_CASE("conversions of n / d with n and d below 2^53 (the quotient fast path) match the exact definition") {
  // Decimals of a few digits (.nnet weights), exact quotients, numerators and
  // denominators near 2^53, both signs: down, up and nearest with its side.
  std::mt19937_64 rng(13);
  int inexact = 0;
  for (int i = 0; i < 20000; ++i) {
    const int bits_n = 1 + static_cast<int>(rng() % 53), bits_d = 1 + static_cast<int>(rng() % 53);
    const std::int64_t n = static_cast<std::int64_t>(rng() >> (64 - bits_n)) * (rng() % 2 ? 1 : -1);
    std::int64_t d = static_cast<std::int64_t>(rng() >> (64 - bits_d));
    if (d == 0) d = 1;
    const Rational q = i % 4 == 0 ? Rational(Integer(n % 1000000), Integer(1)) / rational_pow10(static_cast<long>(rng() % 16))
                                  : Rational(Integer(n), Integer(d));
    INFO("q = " << q.str());
    double down = 0, up = 0, nearest = 0;
    int side = 2;
    REQUIRE(rational_round_down_normal(q, down));
    REQUIRE(rational_round_up_normal(q, up));
    REQUIRE(rational_round_nearest_normal(q, nearest, side));
    REQUIRE(rational_from_double(down) <= q);
    REQUIRE(rational_from_double(next_up(down)) > q);
    REQUIRE(rational_from_double(up) >= q);
    REQUIRE(rational_from_double(next_down(up)) < q);
    REQUIRE((nearest == down || nearest == up));
    const Rational gap = abs(rational_from_double(nearest) - q);
    REQUIRE(gap <= abs(rational_from_double(nearest == down ? up : down) - q));
    const Rational exact = rational_from_double(nearest);
    REQUIRE(side == (exact > q ? 1 : (exact < q ? -1 : 0)));
    if (side != 0) ++inexact;
  }
  CHECK(inexact > 10000);
}

TEST_CASE("decimal_round rounds outward") {
  Rational third(Integer(1), Integer(3));
  CHECK(decimal_lower(third, 5) == "0.33333");
  CHECK(decimal_upper(third, 5) == "0.33334");
  CHECK(decimal_lower(-third, 5) == "-0.33334");
  CHECK(decimal_upper(-third, 5) == "-0.33333");
  CHECK(decimal_lower(Rational(12345), 3) == "12300");
  CHECK(decimal_upper(Rational(12345), 3) == "12400");
  CHECK(decimal_upper(Rational(Integer(1), Integer(1000000000)), 3) == "1e-9");
  CHECK(decimal_lower(Rational(0), 3) == "0");
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<long> num(-1000000000, 1000000000), den(1, 1000000), exps(-40, 40);
  for (int i = 0; i < 3000; ++i) {
    Rational q = Rational(Integer(num(rng)), Integer(den(rng))) * rational_pow10(exps(rng));
    int digits = 1 + static_cast<int>(i % 25);
    Rational lo = rational_parse(decimal_lower(q, digits)), hi = rational_parse(decimal_upper(q, digits));
    REQUIRE(lo <= q);
    REQUIRE(q <= hi);
    if (q != 0) CHECK(rational_abs(hi - lo) <= rational_abs(q) * rational_pow10(2 - digits));
  }
}

// Past MPFR's exponent range (an interval's upper bound that underflowed to
// 2^(-2^30), as Lemma 1's at sigma = 1e-8): one digit, still outward.
// log10 2^(2^30) = 323 228 496.7...
TEST_CASE("decimal_round rounds outward beyond MPFR's exponent range") {
  const auto exponent_of = [](const std::string& s, const std::string& prefix) {
    REQUIRE(s.rfind(prefix, 0) == 0);
    return std::stol(s.substr(prefix.size()));
  };
  const Rational tiny = rational_pow2(-(1L << 30)), huge = rational_pow2(1L << 30);
  const long up = exponent_of(decimal_upper(tiny), "1e-"), down = exponent_of(decimal_lower(tiny), "1e-");
  CHECK(up <= 323228496);    // 10^-up >= 2^-(2^30)
  CHECK(down >= 323228497);  // 10^-down <= 2^-(2^30)
  CHECK(down - up <= 5);
  const long hup = exponent_of(decimal_upper(huge), "1e+"), hdown = exponent_of(decimal_lower(huge), "1e+");
  CHECK(hup >= 323228497);
  CHECK(hdown <= 323228496);
  CHECK(exponent_of(decimal_upper(-tiny), "-1e-") >= 323228497);  // -10^-e >= -2^-(2^30)
  CHECK(exponent_of(decimal_lower(-tiny), "-1e-") <= 323228496);
}

namespace {

Rational random_rational(std::mt19937_64& rng) {
  std::uniform_int_distribution<long> num(-1000000, 1000000), den(1, 100000);
  return Rational(Integer(num(rng)), Integer(den(rng)));
}

}  // namespace

TEST_CASE("MPFI enclosures contain exact rational results at two precisions and overlap") {
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 3000; ++i) {
    Rational a = random_rational(rng), b = random_rational(rng);
    if (b == 0) b = 1;
    for (mpfr_prec_t prec : {24, 200}) {
      Interval ia(a, prec), ib(b, prec);
      REQUIRE((ia + ib).contains(a + b));
      REQUIRE((ia - ib).contains(a - b));
      REQUIRE((ia * ib).contains(a * b));
      REQUIRE((ia / ib).contains(a / b));
      REQUIRE(interval_relu(ia).contains(a < 0 ? Rational(0) : a));
      REQUIRE(interval_sqr(ia).contains(a * a));
    }
    // Transcendental results: the two precisions must overlap, and the
    // 200-bit one must be much narrower than the 24-bit one.
    Rational pos = rational_abs(a) + 1;
    Interval lo24 = interval_log(Interval(pos, 24)), lo200 = interval_log(Interval(pos, 200));
    REQUIRE(lo24.contains(lo200));
    Interval s24 = interval_sqrt(Interval(pos, 24)), s200 = interval_sqrt(Interval(pos, 200));
    REQUIRE(s24.contains(s200));
    // sqrt(pos)^2 must enclose pos.
    REQUIRE(interval_sqr(s200).contains(pos));
    Interval e24 = interval_exp(Interval(a / 100000, 24)), e200 = interval_exp(Interval(a / 100000, 200));
    REQUIRE(e24.contains(e200));
    REQUIRE(interval_log(e200).contains(a / 100000));
  }
}

TEST_CASE("interval hull, intersection and sign tests") {
  Interval a(Rational(-1), Rational(2)), b(Rational(1), Rational(3));
  CHECK(interval_hull(a, b).contains(Rational(3)));
  CHECK(interval_hull(a, b).contains(Rational(-1)));
  Interval c = interval_intersect(a, b);
  CHECK(c.lower() == 1);
  CHECK(c.upper() == 2);
  CHECK(c.is_positive());
  CHECK(a.contains_zero());
  CHECK(!a.is_positive());
  CHECK((-b).is_negative());
  CHECK_THROWS(interval_intersect(Interval(Rational(0), Rational(1)), Interval(Rational(2), Rational(3))));
  CHECK_THROWS(Interval(Rational(1), Rational(0)));
  CHECK_THROWS(interval_log(a));
  CHECK_THROWS(a / a);
  Interval pi = interval_pi(100);
  CHECK(pi.contains(rational_parse("3.14159265358979323846264338327950288")));
}

TEST_CASE("the fast double interval encloses exact results and agrees with MPFI") {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(-1e3, 1e3);
  for (int i = 0; i < 5000; ++i) {
    Rational a = random_rational(rng), b = random_rational(rng);
    Rational c = random_rational(rng), d = random_rational(rng);
    DInterval ia = DInterval::from_rational(a), ib = DInterval::from_rational(b);
    REQUIRE(ia.contains(a));
    REQUIRE((ia + ib).contains(a + b));
    REQUIRE((ia - ib).contains(a - b));
    REQUIRE((ia * ib).contains(a * b));
    // Interval-interval products: the exact endpoint products are enclosed.
    Rational lo1 = a < c ? a : c, hi1 = a < c ? c : a, lo2 = b < d ? b : d, hi2 = b < d ? d : b;
    DInterval x = DInterval::from_rationals(lo1, hi1), y = DInterval::from_rationals(lo2, hi2);
    DInterval p = x * y;
    for (const Rational& s : {lo1, hi1})
      for (const Rational& t : {lo2, hi2}) REQUIRE(p.contains(s * t));
    // The same product in MPFI lies inside the double enclosure.
    Interval m = Interval(lo1, hi1, 53) * Interval(lo2, hi2, 53);
    REQUIRE(p.contains(m.lower()));
    REQUIRE(p.contains(m.upper()));
    REQUIRE(dinterval_relu(x).contains(hi1 < 0 ? Rational(0) : hi1));
    REQUIRE(dinterval_sqr(x).contains(lo1 * lo1));
  }
  // Overflow widens to infinity rather than wrapping or producing NaN.
  DInterval big{1e308, 1e308};
  CHECK(std::isinf((big + big).hi));
  CHECK((big + big).lo >= 1e308);
  DInterval w = DInterval::whole() * DInterval::point(0);
  CHECK(!std::isnan(w.lo));
  CHECK(!std::isnan(w.hi));
  CHECK(next_up(0.0) > 0);
  CHECK(next_down(0.0) < 0);
  CHECK(sqrt_up(2.0) * sqrt_up(2.0) >= 2.0);
  CHECK(sqrt_down(2.0) * sqrt_down(2.0) <= 2.0);
}
