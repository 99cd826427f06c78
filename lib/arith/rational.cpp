#include "arith/rational.hpp"
#include "arith/rational_double.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <gmp.h>
#include <mpfr.h>

#include "arith/error.hpp"

namespace rl {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

[[noreturn]] void reject(std::string_view text, const std::string& where, const char* why) {
  throw InputError(where, "'" + std::string(text.substr(0, 64)) + "' is not a number: " + why);
}

// (-1)^negative m 10^e in lowest terms, m > 0. No gcd: a denominator 10^k has
// only the prime factors 2 and 5, so cancelling those from m leaves the
// fraction reduced (networks in text files hold thousands of such numbers).
static_assert(sizeof(unsigned long) == sizeof(unsigned long long), "GMP's ui functions take the whole mantissa");
// 5^k for the k < 28 that fit an unsigned long, the denominators of short decimals.
constexpr std::array<unsigned long, 28> kPowers5 = [] {
  std::array<unsigned long, 28> p{};
  p[0] = 1;
  for (std::size_t k = 1; k < p.size(); ++k) p[k] = 5 * p[k - 1];
  return p;
}();

Rational decimal_from_small(unsigned long long m, long e, bool negative) {
  Rational r;
  mpq_ptr q = r.backend().data();
  if (e >= 0) {
    mpz_ui_pow_ui(mpq_numref(q), 10, static_cast<unsigned long>(e));
    mpz_mul_ui(mpq_numref(q), mpq_numref(q), m);
  } else {
    const unsigned long k = static_cast<unsigned long>(-e);
    const unsigned long twos = std::min<unsigned long>(static_cast<unsigned long>(std::countr_zero(m)), k);
    m >>= twos;
    unsigned long fives = 0;
    while (fives < k && m % 5 == 0) { m /= 5; ++fives; }
    mpz_set_ui(mpq_numref(q), m);
    if (k - fives < kPowers5.size()) mpz_set_ui(mpq_denref(q), kPowers5[k - fives]);
    else mpz_ui_pow_ui(mpq_denref(q), 5, k - fives);
    mpz_mul_2exp(mpq_denref(q), mpq_denref(q), k - twos);
  }
  if (negative) mpq_neg(q, q);
  return r;
}

// Reads an optionally signed decimal or scientific literal.
Rational parse_decimal(std::string_view text, const std::string& where) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  unsigned long long small = 0;  // the first 19 significant digits (all of them when significant <= 19)
  std::size_t significant = 0;    // digits from the first non-zero one
  long scale = 0;                 // value = mantissa * 10^(-scale)
  bool seen_point = false, seen_digit = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c)) {
      seen_digit = true;
      if (seen_point) ++scale;
      if (significant > 0 || c != '0') {
        if (++significant <= 19) small = small * 10 + static_cast<unsigned long long>(c - '0');
      }
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  const std::string_view mantissa = s.substr(0, i);
  if (!seen_digit) reject(text, where, "no digits");
  long exponent = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') reject(text, where, "unexpected character");
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    if (i == s.size()) reject(text, where, "empty exponent");
    for (; i < s.size(); ++i) {
      if (!is_digit(s[i])) reject(text, where, "unexpected character in exponent");
      if (exponent > 100000000) reject(text, where, "exponent out of range");
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  if (significant == 0) return Rational(0);
  // With at most 100000 mantissa digits, a power of ten beyond 10^+-200000
  // leaves more digits than kMaxValueBits allows: refuse before computing it.
  if (exponent - scale > 200000 || exponent - scale < -200000) reject(text, where, "exponent out of range");
  if (significant <= 19) return decimal_from_small(small, exponent - scale, negative);  // < 10^19 < 2^64
  std::string digits;  // without leading zeros, which Boost would read as octal
  for (char c : mantissa)
    if (is_digit(c) && (!digits.empty() || c != '0')) digits.push_back(c);
  Rational value = Rational(Integer(digits)) * rational_pow10(exponent - scale);
  return negative ? Rational(-value) : value;
}

}  // namespace

Rational rational_pow10(long e) {
  if (e > 1000000 || e < -1000000) throw InputError("exponent", "10^" + std::to_string(e) + " out of range");
  Integer p;
  mpz_ui_pow_ui(p.backend().data(), 10, static_cast<unsigned long>(e < 0 ? -e : e));
  return e >= 0 ? Rational(p) : Rational(Integer(1), p);
}

Rational rational_pow2(long e) {
  Integer p(1);
  mpz_mul_2exp(p.backend().data(), p.backend().data(), static_cast<mp_bitcnt_t>(e < 0 ? -e : e));
  return e >= 0 ? Rational(p) : Rational(Integer(1), p);
}

// Every accepted value must print back (rational_to_string) within the
// 100000-character limit of rational_parse: 300000 bits of numerator plus
// denominator are at most 90310 decimal digits.
constexpr std::size_t kMaxValueBits = 300000;

Rational rational_parse(std::string_view raw, const std::string& where) {
  std::string_view text = trim(raw);
  if (text.empty()) reject(raw, where, "empty");
  if (text.size() > 100000) reject(raw, where, "longer than 100000 characters");
  size_t slash = text.find('/');
  Rational value;
  if (slash == std::string_view::npos) {
    value = parse_decimal(text, where);
  } else {
    Rational num = parse_decimal(trim(text.substr(0, slash)), where);
    Rational den = parse_decimal(trim(text.substr(slash + 1)), where);
    if (den == 0) reject(raw, where, "zero denominator");
    value = num / den;
  }
  mpq_srcptr p = value.backend().data();
  if (mpz_sizeinbase(mpq_numref(p), 2) + mpz_sizeinbase(mpq_denref(p), 2) > kMaxValueBits)
    reject(raw, where, "more than 90000 digits");
  return value;
}

std::vector<Rational> rational_parse_list(std::string_view text, const std::string& where) {
  std::vector<Rational> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    out.push_back(rational_parse(item, where + " item " + std::to_string(out.size() + 1)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Rational rational_from_double(double x) {
  if (!std::isfinite(x)) throw InputError("float value", std::isnan(x) ? "NaN is not a number" : "infinity is not a finite number");
  // mpq_set_d is exact for every finite double, subnormals included (GMP
  // manual, "Rational Conversions"), and builds the canonical form without
  // the gcd that a product num * 2^e would cost: loading a network converts
  // every weight several times.
  Rational r;
  mpq_set_d(r.backend().data(), x);
  return r;
}

Rational rational_from_float(float x) { return rational_from_double(static_cast<double>(x)); }

std::string rational_to_string(const Rational& q) { return q.str(); }

bool rational_is_double(const Rational& q, double& out) {
  mpq_srcptr p = q.backend().data();
  // num / 2^e with |num| < 2^53 and a normal result is a double: mpq_get_d
  // (which truncates) returns it exactly. Network weights read from float32
  // or float64 data are all of this form.
  if (mpz_sizeinbase(mpq_numref(p), 2) > 53 || mpz_popcount(mpq_denref(p)) != 1) return false;
  if (mpq_sgn(p) == 0) return (out = 0, true);
  double t = mpq_get_d(p);
  if (!std::isfinite(t) || std::fabs(t) < std::numeric_limits<double>::min()) return false;
  out = t;
  return true;
}

namespace {

// q = n / d with |n| and d below 2^53 (decimal weights of a few digits):
// both are doubles, so the IEEE quotient x is q rounded to nearest, and the
// exact residual x d - n, a non-zero multiple of x's ulp unless x = q, keeps
// its sign through the fused multiply-add's one rounding. Then q rounded
// down (up) is x or its neighbour below (above). False when the quotient
// (or that neighbour) is not a normal double or zero.
bool rational_round_small(const Rational& q, mpfr_rnd_t rnd, double& out, int& side) {
  mpq_srcptr p = q.backend().data();
  if (mpz_sizeinbase(mpq_numref(p), 2) > 53 || mpz_sizeinbase(mpq_denref(p), 2) > 53) return false;
  const double n = mpz_get_d(mpq_numref(p)), d = mpz_get_d(mpq_denref(p));
  double x = n / d;
  const double residual = std::fma(x, d, -n);
  side = (residual > 0) - (residual < 0);
  if (rnd == MPFR_RNDD && side > 0) { x = std::nextafter(x, -INFINITY); side = -1; }
  if (rnd == MPFR_RNDU && side < 0) { x = std::nextafter(x, INFINITY); side = 1; }
  if (x != 0 && !(std::fabs(x) >= std::numeric_limits<double>::min())) return false;
  out = x;
  return true;
}

// q rounded once to 53 bits (mpfr_set_q is correctly rounded; side is the
// sign of result - q), when the result is a normal double or zero: then
// mpfr_get_d returns it exactly.
bool rational_round_normal(const Rational& q, mpfr_rnd_t rnd, double& out, int& side) {
  if (rational_round_small(q, rnd, out, side)) return true;
  struct Double53 {
    mpfr_t x;
    Double53() { mpfr_init2(x, 53); }
    ~Double53() { mpfr_clear(x); }
  };
  thread_local Double53 t;
  const int ternary = mpfr_set_q(t.x, q.backend().data(), rnd);
  const double d = mpfr_get_d(t.x, rnd);
  if (!(d == 0 ? mpfr_zero_p(t.x) : std::isfinite(d) && std::fabs(d) >= std::numeric_limits<double>::min())) return false;
  out = d;
  side = (ternary > 0) - (ternary < 0);
  return true;
}

bool rational_round_normal(const Rational& q, mpfr_rnd_t rnd, double& out) {
  int side = 0;
  return rational_round_normal(q, rnd, out, side);
}

}  // namespace

bool rational_round_down_normal(const Rational& q, double& out) { return rational_round_normal(q, MPFR_RNDD, out); }
bool rational_round_up_normal(const Rational& q, double& out) { return rational_round_normal(q, MPFR_RNDU, out); }
bool rational_round_nearest_normal(const Rational& q, double& out, int& side) {
  return rational_round_normal(q, MPFR_RNDN, out, side);
}

double rational_to_double(const Rational& q) {
  mpq_srcptr p = q.backend().data();
  if (double exact; rational_is_double(q, exact)) return exact;
  if (double nearest; rational_round_normal(q, MPFR_RNDN, nearest)) return nearest;
  // mpq_get_d truncates; refine to nearest with one exact comparison step.
  double t = mpq_get_d(p);
  if (!std::isfinite(t)) return t;
  Rational rt = rational_from_double(t);
  double up = std::nextafter(t, q > rt ? INFINITY : -INFINITY);
  if (!std::isfinite(up)) return t;
  Rational ru = rational_from_double(up);
  return rational_abs(ru - q) < rational_abs(rt - q) ? up : t;
}

Integer rational_floor(const Rational& q) {
  Integer r;
  mpz_fdiv_q(r.backend().data(), mpq_numref(q.backend().data()), mpq_denref(q.backend().data()));
  return r;
}

Integer rational_ceil(const Rational& q) {
  Integer r;
  mpz_cdiv_q(r.backend().data(), mpq_numref(q.backend().data()), mpq_denref(q.backend().data()));
  return r;
}

Rational rational_abs(const Rational& q) { return q < 0 ? Rational(-q) : q; }

bool rational_in_double_range(const Rational& q) {
  static const Rational most = rational_from_double(std::numeric_limits<double>::max());
  return q <= most && q >= -most;
}

// Decimal weights share few denominators, so a small cache of recent
// denominators and their quotients d / den skips most divisions.
Integer rational_common_denominator(const std::vector<const Rational*>& qs, std::vector<Integer>& out) {
  Integer d = 1;
  for (const Rational* q : qs) {
    mpz_srcptr den = mpq_denref(q->backend().data());
    if (!mpz_divisible_p(integer_mpz(d), den)) mpz_lcm(integer_mpz(d), integer_mpz(d), den);
  }
  constexpr std::size_t kRecent = 8;
  std::vector<std::pair<Integer, Integer>> recent;  // (den, d / den)
  std::size_t next = 0;
  out.assign(qs.size(), Integer(0));
  for (std::size_t i = 0; i < qs.size(); ++i) {
    mpq_srcptr q = qs[i]->backend().data();
    const Integer* quotient = nullptr;
    for (const auto& r : recent)
      if (mpz_cmp(integer_mpz(r.first), mpq_denref(q)) == 0) { quotient = &r.second; break; }
    if (!quotient) {
      std::pair<Integer, Integer> r;
      mpz_set(integer_mpz(r.first), mpq_denref(q));
      mpz_divexact(integer_mpz(r.second), integer_mpz(d), mpq_denref(q));
      if (recent.size() < kRecent) { recent.push_back(std::move(r)); quotient = &recent.back().second; }
      else { recent[next] = std::move(r); quotient = &recent[next].second; next = (next + 1) % kRecent; }
    }
    mpz_mul(integer_mpz(out[i]), mpq_numref(q), integer_mpz(*quotient));
  }
  return d;
}

}  // namespace rl
