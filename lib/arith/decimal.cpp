#include "arith/decimal.hpp"

#include <gmp.h>

#include <stdexcept>

#include "arith/interval.hpp"

namespace rl {

long decimal_exponent(const Rational& q) {
  Rational a = rational_abs(q);
  mpq_srcptr p = a.backend().data();
  long e = static_cast<long>(mpz_sizeinbase(mpq_numref(p), 10)) -
           static_cast<long>(mpz_sizeinbase(mpq_denref(p), 10));
  while (rational_pow10(e) > a) --e;
  while (rational_pow10(e + 1) <= a) ++e;
  return e;
}

namespace {

// Places a decimal point into the digit string of n * 10^(-k).
std::string format_scaled(const Integer& n, long k) {
  bool negative = n < 0;
  std::string digits = (negative ? Integer(-n) : n).str();
  std::string out;
  long exponent10 = static_cast<long>(digits.size()) - 1 - k;  // of the leading digit
  bool scientific = exponent10 < -6 || exponent10 > 20;
  if (scientific) {
    std::string mant = digits.substr(0, 1);
    std::string rest = digits.substr(1);
    while (!rest.empty() && rest.back() == '0') rest.pop_back();
    if (!rest.empty()) mant += "." + rest;
    out = mant + "e" + (exponent10 < 0 ? "-" : "+") + std::to_string(exponent10 < 0 ? -exponent10 : exponent10);
  } else if (k <= 0) {
    out = digits + std::string(static_cast<size_t>(-k), '0');
  } else {
    if (static_cast<long>(digits.size()) <= k) digits = std::string(static_cast<size_t>(k) - digits.size() + 1, '0') + digits;
    std::string int_part = digits.substr(0, digits.size() - static_cast<size_t>(k));
    std::string frac = digits.substr(digits.size() - static_cast<size_t>(k));
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out = frac.empty() ? int_part : int_part + "." + frac;
  }
  return negative ? "-" + out : out;
}

// Exponents up to this size use the exact 10^k.
constexpr long kExactExponentLimit = 10000;

// The decimal exponent of |q|, estimated from the digit counts (off by at most 1).
long decimal_exponent_estimate(const Rational& q) {
  mpq_srcptr p = q.backend().data();
  return static_cast<long>(mpz_sizeinbase(mpq_numref(p), 10)) - static_cast<long>(mpz_sizeinbase(mpq_denref(p), 10));
}

// |q| far from 1: e = floor(log10 |q|) from an MPFI enclosure of log10 |q|,
// then n = floor or ceil of an enclosure of |q| 10^k, k = digits - 1 - e. Any k
// gives a true bound; an e off by one (|q| within rounding of a power of ten)
// only prints one digit more or fewer.
std::string decimal_round_far(const Rational& q, int digits, Rounding dir) {
  const bool negative = q < 0;
  const bool down = (dir == Rounding::Down) != negative;  // the rounding of |q|
  const mpfr_prec_t prec = 128 + 4 * static_cast<mpfr_prec_t>(digits);
  const Interval x(rational_abs(q), prec);
  Interval log10x(prec), ln10(prec);
  mpfi_log10(log10x.raw(), x.raw());
  mpfi_set_ui(ln10.raw(), 10);
  mpfi_log(ln10.raw(), ln10.raw());
  const long k = digits - 1 - rational_floor(log10x.lower()).convert_to<long>();
  const Interval scaled = x * interval_exp(Interval(Rational(k), prec) * ln10);  // |q| 10^k
  const Integer n = down ? rational_floor(scaled.lower()) : rational_ceil(scaled.upper());
  return format_scaled(negative ? Integer(-n) : n, k);
}

// Past this decimal exponent |q| lies outside MPFR's default exponent range
// (about 2^(+-2^30), 10^(+-3.2e8)), where decimal_round_far cannot enclose it.
constexpr long kMpfrExponentLimit = 300000000;

// |q| beyond MPFR's range (an underflowed upper bound such as 2^(-2^30), or
// its reciprocal): one digit, a power of ten from the digit counts, which
// mpz_sizeinbase gives exactly or one too many, so 10^(e - 2) < |q| < 10^(e + 2).
std::string decimal_round_beyond(const Rational& q, Rounding dir) {
  const bool negative = q < 0;
  const bool down = (dir == Rounding::Down) != negative;  // the rounding of |q|
  const long e = decimal_exponent_estimate(q) + (down ? -2 : 2);
  return format_scaled(Integer(negative ? -1 : 1), -e);
}

}  // namespace

std::string decimal_round(const Rational& q, int digits, Rounding dir) {
  if (digits < 1 || digits > 100000) throw std::invalid_argument("decimal_round: digits out of range");
  if (q == 0) return "0";
  const long estimate = decimal_exponent_estimate(q);
  if (estimate > kMpfrExponentLimit || estimate < -kMpfrExponentLimit) return decimal_round_beyond(q, dir);
  if (estimate > kExactExponentLimit || estimate < -kExactExponentLimit) return decimal_round_far(q, digits, dir);
  long k = digits - 1 - decimal_exponent(q);
  Rational scaled = q * rational_pow10(k);
  Integer n = dir == Rounding::Down ? rational_floor(scaled) : rational_ceil(scaled);
  if (n == 0) return "0";
  return format_scaled(n, k);
}

}  // namespace rl
