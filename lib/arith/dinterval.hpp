// A fast double-precision interval for hot loops (bound propagation).
//
// Semantics: DInterval{lo, hi} denotes [lo, hi]. Each operation is computed in
// round-to-nearest and then widened by one ulp outward on each side, which
// contains the exact result whatever the rounding of the intermediate
// (round-to-nearest errs by at most half an ulp). Overflow widens to +-inf.
// NaN never escapes: an undefined product (0 * inf) becomes the whole line.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "arith/rational.hpp"

namespace rl {

inline double next_up(double x) {
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x == 0) return std::numeric_limits<double>::denorm_min();
  auto u = std::bit_cast<std::uint64_t>(x);
  u = x > 0 ? u + 1 : u - 1;
  return std::bit_cast<double>(u);
}
inline double next_down(double x) { return -next_up(-x); }

struct DInterval {
  double lo = 0, hi = 0;

  static DInterval point(double x) { return {x, x}; }
  static DInterval whole() {
    return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  }
  static DInterval from_rational(const Rational& q);
  // The same, and the double nearest to q in `nearest` (rational_to_double),
  // mostly from the same single rounding.
  static DInterval from_rational(const Rational& q, double& nearest);
  static DInterval from_rationals(const Rational& lo, const Rational& hi);

  bool contains(double x) const { return lo <= x && x <= hi; }
  bool contains(const Rational& q) const;
  bool is_positive() const { return lo > 0; }
  bool is_negative() const { return hi < 0; }
  bool is_nonpositive() const { return hi <= 0; }
  bool is_nonnegative() const { return lo >= 0; }
  double width_upper() const { return next_up(hi - lo); }
  double mag() const { return std::fmax(std::fabs(lo), std::fabs(hi)); }  // exact
};

inline DInterval operator+(DInterval a, DInterval b) { return {next_down(a.lo + b.lo), next_up(a.hi + b.hi)}; }
inline DInterval operator-(DInterval a, DInterval b) { return {next_down(a.lo - b.hi), next_up(a.hi - b.lo)}; }
inline DInterval operator-(DInterval a) { return {-a.hi, -a.lo}; }

// Plain comparisons for NaN-free operands: std::fmin/fmax are library calls
// (their NaN rule keeps them from being inlined), and they sit in hot loops.
inline double min_of(double a, double b) { return b < a ? b : a; }
inline double max_of(double a, double b) { return a < b ? b : a; }

inline DInterval operator*(DInterval a, DInterval b) {
  double p1 = a.lo * b.lo, p2 = a.lo * b.hi, p3 = a.hi * b.lo, p4 = a.hi * b.hi;
  if (std::isnan(p1) || std::isnan(p2) || std::isnan(p3) || std::isnan(p4)) return DInterval::whole();
  double lo = min_of(min_of(p1, p2), min_of(p3, p4));
  double hi = max_of(max_of(p1, p2), max_of(p3, p4));
  return {next_down(lo), next_up(hi)};
}

inline DInterval& operator+=(DInterval& a, DInterval b) { return a = a + b; }

inline DInterval dinterval_relu(DInterval a) { return {std::fmax(a.lo, 0.0), std::fmax(a.hi, 0.0)}; }
inline DInterval dinterval_abs(DInterval a) {
  if (a.lo >= 0) return a;
  if (a.hi <= 0) return -a;
  return {0.0, std::fmax(-a.lo, a.hi)};
}
inline DInterval dinterval_hull(DInterval a, DInterval b) { return {std::fmin(a.lo, b.lo), std::fmax(a.hi, b.hi)}; }
inline DInterval dinterval_sqr(DInterval a) {
  DInterval m = dinterval_abs(a);
  return {next_down(m.lo * m.lo), next_up(m.hi * m.hi)};
}
// Upper bound of sqrt(x) for x >= 0 (sqrt is correctly rounded in IEEE 754).
inline double sqrt_up(double x) { return next_up(std::sqrt(std::fmax(x, 0.0))); }
inline double sqrt_down(double x) { return std::fmax(0.0, next_down(std::sqrt(std::fmax(x, 0.0)))); }
inline double add_up(double a, double b) { return next_up(a + b); }
inline double mul_up(double a, double b) { return next_up(a * b); }  // for a, b >= 0

}  // namespace rl
