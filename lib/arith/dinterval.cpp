#include "arith/dinterval.hpp"
#include "arith/rational_double.hpp"

namespace rl {

DInterval DInterval::from_rational(const Rational& q) {
  double nearest = 0;
  return from_rational(q, nearest);
}

DInterval DInterval::from_rational(const Rational& q, double& nearest) {
  if (rational_is_double(q, nearest)) return {nearest, nearest};
  // One rounding to nearest tells both ends: q is that double, or lies
  // strictly between it and its neighbour on the other side.
  int side = 0;
  if (rational_round_nearest_normal(q, nearest, side)) {
    if (side == 0) return {nearest, nearest};
    return side > 0 ? DInterval{next_down(nearest), nearest} : DInterval{nearest, next_up(nearest)};
  }
  nearest = rational_to_double(q);
  return from_rationals(q, q);
}

DInterval DInterval::from_rationals(const Rational& lo, const Rational& hi) {
  if (double l, h; rational_is_double(lo, l) && rational_is_double(hi, h)) return {l, h};
  if (double l, h; rational_round_down_normal(lo, l) && rational_round_up_normal(hi, h)) return {l, h};
  double l = rational_to_double(lo);
  double h = rational_to_double(hi);
  if (std::isinf(l) && l > 0) l = std::numeric_limits<double>::max();
  if (std::isinf(h) && h < 0) h = -std::numeric_limits<double>::max();
  if (std::isfinite(l) && rational_from_double(l) > lo) l = next_down(l);
  if (std::isfinite(h) && rational_from_double(h) < hi) h = next_up(h);
  return {l, h};
}

bool DInterval::contains(const Rational& q) const {
  if (std::isfinite(lo) && rational_from_double(lo) > q) return false;
  if (std::isfinite(hi) && rational_from_double(hi) < q) return false;
  return true;
}

}  // namespace rl

