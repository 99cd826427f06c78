// Directed rounding that stays exact when the float result is exact.
//
// Semantics: up_add(a, b) >= a + b and down_add(a, b) <= a + b, equal to the
// float sum when that sum is exact (TwoSum gives the exact rounding error);
// up_mul / down_mul likewise through the FMA residual (outside the subnormal
// range, where the residual is exact; there they widen by one ulp). The tight_*
// interval operations contain the exact result and keep exact points exact, so
// that exactly zero Jacobians give exactly zero norms.
#pragma once
#include <cmath>

#include "arith/dinterval.hpp"

namespace rl {

inline double sum_error(double a, double b, double s) {
  double bp = s - a;
  return (a - (s - bp)) + (b - bp);
}
inline double up_add(double a, double b) {
  double s = a + b;
  if (!std::isfinite(s)) return std::isnan(s) ? std::numeric_limits<double>::infinity() : s;
  return sum_error(a, b, s) > 0 ? next_up(s) : s;
}
inline double down_add(double a, double b) {
  double s = a + b;
  if (!std::isfinite(s)) return std::isnan(s) ? -std::numeric_limits<double>::infinity() : s;
  return sum_error(a, b, s) < 0 ? next_down(s) : s;
}
inline bool product_residual_exact(double p) { return p == 0 ? true : std::fabs(p) >= 0x1p-960; }
inline double up_mul(double a, double b) {
  double p = a * b;
  if (std::isnan(p)) return std::numeric_limits<double>::infinity();
  if (!std::isfinite(p)) return p;
  if (p == 0 && a != 0 && b != 0) return next_up(p);  // underflow to zero
  if (!product_residual_exact(p)) return next_up(p);
  return std::fma(a, b, -p) > 0 ? next_up(p) : p;
}
inline double down_mul(double a, double b) {
  double p = a * b;
  if (std::isnan(p)) return -std::numeric_limits<double>::infinity();
  if (!std::isfinite(p)) return p;
  if (p == 0 && a != 0 && b != 0) return next_down(p);
  if (!product_residual_exact(p)) return next_down(p);
  return std::fma(a, b, -p) < 0 ? next_down(p) : p;
}

// sqrt(x) for x >= 0, rounded up / down; exact squares stay exact.
inline double up_sqrt(double x) {
  x = std::fmax(x, 0.0);
  double s = std::sqrt(x);
  if (!std::isfinite(s) || !product_residual_exact(x)) return next_up(s);
  return std::fma(s, s, -x) >= 0 ? s : next_up(s);
}
inline double down_sqrt(double x) {
  x = std::fmax(x, 0.0);
  double s = std::sqrt(x);
  if (!std::isfinite(s) || !product_residual_exact(x)) return std::fmax(0.0, next_down(s));
  return std::fma(s, s, -x) <= 0 ? s : next_down(s);
}
// a / b for a >= 0, b > 0, rounded up.
inline double up_div(double a, double b) {
  double q = a / b;
  if (!std::isfinite(q) || !product_residual_exact(q) || !product_residual_exact(a)) return next_up(q);
  return std::fma(q, b, -a) >= 0 ? q : next_up(q);
}
inline double down_div(double a, double b) {
  double q = a / b;
  if (!std::isfinite(q) || !product_residual_exact(q) || !product_residual_exact(a)) return std::fmax(0.0, next_down(q));
  return std::fma(q, b, -a) <= 0 ? q : next_down(q);
}

inline DInterval tight_add(DInterval a, DInterval b) { return {down_add(a.lo, b.lo), up_add(a.hi, b.hi)}; }
inline DInterval tight_sub(DInterval a, DInterval b) { return {down_add(a.lo, -b.hi), up_add(a.hi, -b.lo)}; }
inline DInterval tight_mul(DInterval a, DInterval b) {
  if ((a.lo == 0 && a.hi == 0) || (b.lo == 0 && b.hi == 0)) return DInterval::point(0);
  double lo = std::fmin(std::fmin(down_mul(a.lo, b.lo), down_mul(a.lo, b.hi)), std::fmin(down_mul(a.hi, b.lo), down_mul(a.hi, b.hi)));
  double hi = std::fmax(std::fmax(up_mul(a.lo, b.lo), up_mul(a.lo, b.hi)), std::fmax(up_mul(a.hi, b.lo), up_mul(a.hi, b.hi)));
  if (std::isnan(lo) || std::isnan(hi)) return DInterval::whole();
  return {lo, hi};
}
inline DInterval tight_sqr(DInterval a) {
  DInterval m = dinterval_abs(a);
  return {down_mul(m.lo, m.lo), up_mul(m.hi, m.hi)};
}

}  // namespace rl
