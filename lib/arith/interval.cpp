#include "arith/interval.hpp"

#include <algorithm>
#include <stdexcept>

namespace rl {
namespace {

mpfr_prec_t joint_prec(const Interval& a, const Interval& b) {
  return std::max(a.precision(), b.precision());
}

Rational mpfr_to_rational(mpfr_srcptr x) {
  if (!mpfr_number_p(x)) throw std::domain_error("interval endpoint is not finite");
  Rational q;
  mpfr_get_q(q.backend().data(), x);
  return q;
}

}  // namespace

Interval::Interval(mpfr_prec_t prec) { mpfi_init2(v_, prec); mpfi_set_si(v_, 0); }

Interval::Interval(const Rational& q, mpfr_prec_t prec) {
  mpfi_init2(v_, prec);
  mpfi_set_q(v_, q.backend().data());
}

Interval::Interval(const Rational& lo, const Rational& hi, mpfr_prec_t prec) {
  if (lo > hi) throw std::domain_error("interval with lower > upper");
  mpfi_init2(v_, prec);
  mpfi_interv_q(v_, lo.backend().data(), hi.backend().data());
}

Interval Interval::from_int(long v, mpfr_prec_t prec) {
  Interval r(prec);
  mpfi_set_si(r.v_, v);
  return r;
}

Interval::Interval(const Interval& other) { mpfi_init2(v_, other.precision()); mpfi_set(v_, other.v_); }
Interval::Interval(Interval&& other) noexcept : Interval(other) {}
Interval& Interval::operator=(const Interval& other) {
  if (this != &other) { mpfi_set_prec(v_, other.precision()); mpfi_set(v_, other.v_); }
  return *this;
}
Interval& Interval::operator=(Interval&& other) noexcept {
  mpfi_swap(v_, other.v_);
  return *this;
}
Interval::~Interval() { mpfi_clear(v_); }

Rational Interval::lower() const {
  mpfr_t x; mpfr_init2(x, precision());
  mpfi_get_left(x, v_);
  Rational q;
  try { q = mpfr_to_rational(x); } catch (...) { mpfr_clear(x); throw; }
  mpfr_clear(x);
  return q;
}

Rational Interval::upper() const {
  mpfr_t x; mpfr_init2(x, precision());
  mpfi_get_right(x, v_);
  Rational q;
  try { q = mpfr_to_rational(x); } catch (...) { mpfr_clear(x); throw; }
  mpfr_clear(x);
  return q;
}

bool Interval::contains(const Rational& q) const { return mpfi_is_inside_q(q.backend().data(), v_) > 0; }
bool Interval::contains(const Interval& other) const { return mpfi_is_inside(other.v_, v_) > 0; }
bool Interval::is_positive() const { return mpfi_is_strictly_pos(v_) > 0; }
bool Interval::is_negative() const { return mpfi_is_strictly_neg(v_) > 0; }
bool Interval::is_nonnegative() const { return mpfi_is_nonneg(v_) > 0; }
bool Interval::contains_zero() const { return mpfi_has_zero(v_) > 0; }
bool Interval::is_bounded() const { return mpfi_bounded_p(v_) > 0; }

Interval operator+(const Interval& a, const Interval& b) {
  Interval r(joint_prec(a, b)); mpfi_add(r.v_, a.v_, b.v_); return r;
}
Interval operator-(const Interval& a, const Interval& b) {
  Interval r(joint_prec(a, b)); mpfi_sub(r.v_, a.v_, b.v_); return r;
}
Interval operator*(const Interval& a, const Interval& b) {
  Interval r(joint_prec(a, b)); mpfi_mul(r.v_, a.v_, b.v_); return r;
}
Interval operator/(const Interval& a, const Interval& b) {
  if (b.contains_zero()) throw std::domain_error("interval division by an interval containing 0");
  Interval r(joint_prec(a, b)); mpfi_div(r.v_, a.v_, b.v_); return r;
}
Interval operator-(const Interval& a) { Interval r(a.precision()); mpfi_neg(r.v_, a.v_); return r; }

Interval interval_sqrt(const Interval& a) {
  Interval zero(a.precision());
  Interval clipped = interval_max(a, zero);
  Interval r(a.precision()); mpfi_sqrt(r.raw(), clipped.raw()); return r;
}
Interval interval_log(const Interval& a) {
  if (!a.is_positive()) throw std::domain_error("interval log of a non-positive interval");
  Interval r(a.precision()); mpfi_log(r.raw(), a.raw()); return r;
}
Interval interval_exp(const Interval& a) { Interval r(a.precision()); mpfi_exp(r.raw(), a.raw()); return r; }
Interval interval_sqr(const Interval& a) { Interval r(a.precision()); mpfi_sqr(r.raw(), a.raw()); return r; }
Interval interval_abs(const Interval& a) { Interval r(a.precision()); mpfi_abs(r.raw(), a.raw()); return r; }

Interval interval_max(const Interval& a, const Interval& b) {
  // max is monotone in both arguments: take max of the lower and of the upper ends.
  mpfr_prec_t p = std::max(a.precision(), b.precision());
  mpfr_t al, ah, bl, bh;
  mpfr_inits2(p, al, ah, bl, bh, static_cast<mpfr_ptr>(nullptr));
  mpfi_get_left(al, a.raw()); mpfi_get_right(ah, a.raw());
  mpfi_get_left(bl, b.raw()); mpfi_get_right(bh, b.raw());
  Interval r(p);
  mpfi_interv_fr(r.raw(), mpfr_greater_p(al, bl) ? al : bl, mpfr_greater_p(ah, bh) ? ah : bh);
  mpfr_clears(al, ah, bl, bh, static_cast<mpfr_ptr>(nullptr));
  return r;
}
Interval interval_min(const Interval& a, const Interval& b) { return -interval_max(-a, -b); }
Interval interval_relu(const Interval& a) { return interval_max(a, Interval(a.precision())); }

Interval interval_pow_int(const Interval& a, unsigned long n) {
  Interval r = Interval::from_int(1, a.precision());
  Interval base = a;
  // Repeated squaring is valid for intervals only when signs are fixed, so use
  // the monotone form: |a|^n with the sign handled for odd n.
  if (n % 2 == 0) base = interval_abs(a);
  for (unsigned long k = 0; k < n; ++k) r = r * base;
  return r;
}

Interval interval_pi(mpfr_prec_t prec) { Interval r(prec); mpfi_const_pi(r.raw()); return r; }

Interval interval_hull(const Interval& a, const Interval& b) {
  Interval r(joint_prec(a, b)); mpfi_union(r.raw(), a.raw(), b.raw()); return r;
}
Interval interval_intersect(const Interval& a, const Interval& b) {
  Interval r(joint_prec(a, b));
  mpfi_intersect(r.raw(), a.raw(), b.raw());
  if (mpfi_is_empty(r.raw())) throw std::domain_error("empty interval intersection");
  return r;
}

}  // namespace rl
