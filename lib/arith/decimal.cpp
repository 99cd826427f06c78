#include "arith/decimal.hpp"

#include <gmp.h>

#include <stdexcept>

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

}  // namespace

std::string decimal_round(const Rational& q, int digits, Rounding dir) {
  if (digits < 1 || digits > 100000) throw std::invalid_argument("decimal_round: digits out of range");
  if (q == 0) return "0";
  long k = digits - 1 - decimal_exponent(q);
  Rational scaled = q * rational_pow10(k);
  Integer n = dir == Rounding::Down ? rational_floor(scaled) : rational_ceil(scaled);
  if (n == 0) return "0";
  return format_scaled(n, k);
}

}  // namespace rl
