#include "theorem/refine.hpp"

#include <algorithm>

namespace rl {
namespace {

mpfr_prec_t digits_precision(int digits) {
  // 3.33 bits per decimal digit plus a margin for the operations' rounding.
  return std::max<mpfr_prec_t>(kRefineStartPrecision, static_cast<mpfr_prec_t>(digits) * 10 / 3 + 64);
}

bool relative_width_ok(const Rational& lo, const Rational& hi, int digits) {
  Rational scale = std::max(rational_abs(lo), rational_abs(hi));
  return hi - lo <= scale * rational_pow10(-(digits + 1));
}

}  // namespace

SignDecision refine_sign(const IntervalFunction& f) {
  SignDecision out;
  for (mpfr_prec_t prec = kRefineStartPrecision; prec <= kRefineMaxPrecision; prec *= 2) {
    Interval x = f(prec);
    out.precision = prec;
    out.lower = x.lower();
    out.upper = x.upper();
    if (x.is_positive()) { out.sign = Sign::Positive; return out; }
    if (x.is_negative()) { out.sign = Sign::Negative; return out; }
  }
  out.sign = Sign::Undecided;
  return out;
}

Enclosure refine_enclosure(const IntervalFunction& f, int digits) {
  Enclosure out;
  for (mpfr_prec_t prec = digits_precision(digits); prec <= 4 * kRefineMaxPrecision; prec *= 2) {
    Interval x = f(prec);
    out.lower = x.lower();
    out.upper = x.upper();
    out.precision = prec;
    if (relative_width_ok(out.lower, out.upper, digits)) { out.reached = true; return out; }
  }
  return out;
}

CeilDecision refine_ceil(const IntervalFunction& f) {
  CeilDecision out;
  for (mpfr_prec_t prec = kRefineStartPrecision; prec <= kRefineMaxPrecision; prec *= 2) {
    Interval x = f(prec);
    out.precision = prec;
    out.lower = x.lower();
    out.upper = x.upper();
    Integer lo = rational_ceil(out.lower), hi = rational_ceil(out.upper);
    if (lo == hi) { out.value = lo; return out; }
  }
  return out;
}

}  // namespace rl
