// Outward-rounded intervals at a chosen binary precision (MPFI).
//
// Semantics: an Interval [lo, hi] with lo <= hi denotes every real in it.
// Every operation returns an interval containing the exact result of the
// operation applied to any reals in the operands (the inclusion property).
// The precision of a result is the largest precision of its operands.
#pragma once
#include <mpfi.h>

#include <string>

#include "arith/decimal.hpp"
#include "arith/rational.hpp"

namespace rl {

constexpr mpfr_prec_t kDefaultPrecision = 128;

class Interval {
 public:
  explicit Interval(mpfr_prec_t prec = kDefaultPrecision);
  Interval(const Rational& q, mpfr_prec_t prec = kDefaultPrecision);
  Interval(const Rational& lo, const Rational& hi, mpfr_prec_t prec = kDefaultPrecision);
  static Interval from_int(long v, mpfr_prec_t prec = kDefaultPrecision);
  Interval(const Interval& other);
  Interval(Interval&& other) noexcept;
  Interval& operator=(const Interval& other);
  Interval& operator=(Interval&& other) noexcept;
  ~Interval();

  mpfr_prec_t precision() const { return mpfi_get_prec(v_); }
  // The exact endpoints.
  Rational lower() const;
  Rational upper() const;
  Rational width() const { return upper() - lower(); }
  bool contains(const Rational& q) const;
  bool contains(const Interval& other) const;
  bool is_positive() const;      // every element > 0
  bool is_negative() const;      // every element < 0
  bool is_nonnegative() const;   // every element >= 0
  bool contains_zero() const;
  bool is_bounded() const;       // both endpoints finite

  // Outward decimal strings of the endpoints.
  std::string lower_decimal(int digits = kDefaultDigits) const { return decimal_lower(lower(), digits); }
  std::string upper_decimal(int digits = kDefaultDigits) const { return decimal_upper(upper(), digits); }

  mpfi_ptr raw() { return v_; }
  mpfi_srcptr raw() const { return v_; }

  friend Interval operator+(const Interval& a, const Interval& b);
  friend Interval operator-(const Interval& a, const Interval& b);
  friend Interval operator*(const Interval& a, const Interval& b);
  friend Interval operator/(const Interval& a, const Interval& b);  // throws if b contains 0
  friend Interval operator-(const Interval& a);
  Interval& operator+=(const Interval& b) { return *this = *this + b; }
  Interval& operator-=(const Interval& b) { return *this = *this - b; }
  Interval& operator*=(const Interval& b) { return *this = *this * b; }

 private:
  mpfi_t v_;
};

Interval interval_sqrt(const Interval& a);   // a must be >= 0 somewhere; negative part is cut
Interval interval_log(const Interval& a);    // requires a > 0
Interval interval_exp(const Interval& a);
Interval interval_relu(const Interval& a);   // max(a, 0)
Interval interval_max(const Interval& a, const Interval& b);
Interval interval_min(const Interval& a, const Interval& b);
Interval interval_abs(const Interval& a);
Interval interval_sqr(const Interval& a);
Interval interval_pow_int(const Interval& a, unsigned long n);
Interval interval_pi(mpfr_prec_t prec = kDefaultPrecision);
Interval interval_hull(const Interval& a, const Interval& b);
// Throws std::domain_error when the intersection is empty.
Interval interval_intersect(const Interval& a, const Interval& b);

}  // namespace rl
