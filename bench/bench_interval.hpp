// The two arithmetics of the benchmark's branch and bound.
//
// Semantics:
// - DInterval (lib/arith): outward rounded, so [lo, hi] contains the exact
//   result of every operation: the rigorous arithmetic.
// - UInterval: rigorous like DInterval, but computed with the FPU in
//   round-upward mode (callers hold an UpwardRounding guard and the file is
//   compiled with -frounding-math): an upper end is a*b rounded up, a lower
//   end is -((-a)*b), also rounded up. Fewer operations than widening every
//   result by an ulp.
// - FInterval: the same interval formulas in plain round-to-nearest doubles,
//   as an unsound float tool computes them. Its "enclosures" may miss the exact
//   value by a few ulps; it exists only to measure what rigour costs.
// Both expose the same free functions so one template serves both.
#pragma once
#include <algorithm>
#include <cfenv>
#include <cmath>

#include "arith/dinterval.hpp"

namespace rl::bench {

struct FInterval {
  double lo = 0, hi = 0;
};

inline FInterval operator+(FInterval a, FInterval b) { return {a.lo + b.lo, a.hi + b.hi}; }
inline FInterval operator*(FInterval a, FInterval b) {
  double p1 = a.lo * b.lo, p2 = a.lo * b.hi, p3 = a.hi * b.lo, p4 = a.hi * b.hi;
  return {std::min(std::min(p1, p2), std::min(p3, p4)), std::max(std::max(p1, p2), std::max(p3, p4))};
}

// Sets the FPU to round upward for its lifetime (UInterval's precondition).
class UpwardRounding {
 public:
  UpwardRounding() : saved_(std::fegetround()) { std::fesetround(FE_UPWARD); }
  ~UpwardRounding() { std::fesetround(saved_); }
  UpwardRounding(const UpwardRounding&) = delete;
  UpwardRounding& operator=(const UpwardRounding&) = delete;

 private:
  int saved_;
};

struct UInterval {
  double lo = 0, hi = 0;
};

// Requires round-upward mode.
inline UInterval operator+(UInterval a, UInterval b) { return {-((-a.lo) - b.lo), a.hi + b.hi}; }
inline UInterval operator*(UInterval a, UInterval b) {
  double h = std::max(std::max(a.lo * b.lo, a.lo * b.hi), std::max(a.hi * b.lo, a.hi * b.hi));
  double na = -a.lo, nb = -a.hi;
  double l = std::max(std::max(na * b.lo, na * b.hi), std::max(nb * b.lo, nb * b.hi));
  return {-l, h};
}

inline FInterval ival_point(FInterval*, double x) { return {x, x}; }
inline DInterval ival_point(DInterval*, double x) { return DInterval::point(x); }
inline FInterval ival_from(FInterval*, const DInterval& enclosure, double nearest) {
  (void)enclosure;
  return {nearest, nearest};
}
inline DInterval ival_from(DInterval*, const DInterval& enclosure, double) { return enclosure; }
inline UInterval ival_from(UInterval*, const DInterval& enclosure, double) { return {enclosure.lo, enclosure.hi}; }

template <class I> I ival_relu(I a) { return {a.lo > 0 ? a.lo : 0.0, a.hi > 0 ? a.hi : 0.0}; }
// The hull of {0} and a: multiplies a by a ReLU derivative known only to lie in [0, 1].
template <class I> I ival_hull0(I a) { return {a.lo < 0 ? a.lo : 0.0, a.hi > 0 ? a.hi : 0.0}; }
template <class I> double ival_mag(I a) { return std::max(std::fabs(a.lo), std::fabs(a.hi)); }

// Directed helpers: upward for DInterval, plain for FInterval.
inline double up_add(FInterval*, double a, double b) { return a + b; }
inline double up_add(DInterval*, double a, double b) { return add_up(a, b); }
inline double up_mul(FInterval*, double a, double b) { return a * b; }
inline double up_mul(DInterval*, double a, double b) { return mul_up(a, b); }
inline double up_sqrt(FInterval*, double a) { return std::sqrt(a); }
inline double up_sqrt(DInterval*, double a) { return sqrt_up(a); }
// Round-upward mode: the plain operations already round up.
inline double up_add(UInterval*, double a, double b) { return a + b; }
inline double up_mul(UInterval*, double a, double b) { return a * b; }
inline double up_sqrt(UInterval*, double a) { return std::sqrt(a); }

}  // namespace rl::bench
