#include "prob/coordinate_tail.hpp"

#include <arb_hypgeom.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "arith/arb_bridge.hpp"
#include "arith/error.hpp"

namespace rl {
namespace {

// F(x) = int_0^x (1 - s^2)^k ds = sum_j C(k,j) (-1)^j x^{2j+1} / (2j+1),
// evaluated by Horner in x^2.
Rational sphere_antiderivative(std::size_t k, const Rational& x) {
  std::vector<Rational> coef(k + 1);
  Integer binom = 1;
  for (std::size_t j = 0; j <= k; ++j) {
    Rational c(binom, Integer(2 * j + 1));
    coef[j] = (j % 2 == 0) ? c : -c;
    binom = binom * Integer(k - j) / Integer(j + 1);
  }
  Rational x2 = x * x, acc = 0;
  for (std::size_t j = k + 1; j-- > 0;) acc = acc * x2 + coef[j];
  return acc * x;
}

Interval clamp01(const Interval& x) {
  return interval_max(Interval::from_int(0, x.precision()), interval_min(Interval::from_int(1, x.precision()), x));
}

// I_{1-t^2}((d-1)/2, 1/2) by Arb at working precision wp, clamped to [0, 1].
Interval incomplete_beta_half(const Integer& d, const Rational& t, mpfr_prec_t wp) {
  ArbBall a, b, z, r;
  arb_from_interval(a.get(), Interval(Rational(d - 1) / 2, wp));  // (d-1)/2, exact while d fits wp bits
  arb_set_ui(b.get(), 1);
  arb_mul_2exp_si(b.get(), b.get(), -1);  // 1/2, exact
  arb_from_interval(z.get(), Interval(Rational(1) - t * t, wp));
  arb_hypgeom_beta_lower(r.get(), a.get(), b.get(), z.get(), 1, wp);
  return clamp01(interval_from_arb(r.get(), wp));
}

// A positive enclosure within relative width 2^-(prec/2).
bool tail_is_tight(const Interval& r, mpfr_prec_t prec) {
  return r.lower() > 0 && r.upper() - r.lower() <= r.upper() * rational_pow2(-static_cast<long>(prec) / 2);
}

// Both enclose the same number: their intersection, at prec (outward).
Interval interval_intersect_or(const Interval& a, const Interval& b, mpfr_prec_t prec) {
  return Interval(std::max(a.lower(), b.lower()), std::min(a.upper(), b.upper()), prec);
}

}  // namespace

Rational sphere_abs_tail_exact(std::size_t d, const Rational& t) {
  if (d < 3 || d % 2 == 0) throw std::invalid_argument("sphere_abs_tail_exact needs odd d >= 3");
  if (t >= 1) return 0;
  if (t <= 0) return 1;
  std::size_t k = (d - 3) / 2;
  Rational total = sphere_antiderivative(k, Rational(1));
  return (total - sphere_antiderivative(k, t)) / total;
}

Interval sphere_abs_tail_arb(const Integer& d, const Rational& t, mpfr_prec_t prec) {
  if (t >= 1) return Interval(Rational(0), prec);
  if (t <= 0) return Interval(Rational(1), prec);
  // For tiny t the enclosure of 1 - t^2 would reach 1 (t^2 below the
  // precision); the tail is non-increasing, so P(|X_1| > t) lies in
  // [P(|X_1| > tau), 1] for tau = 2^-(prec/4), where it does not.
  const Interval z_enclosure(Rational(1) - t * t, prec);
  if (z_enclosure.upper() >= 1) {
    const Rational tau = rational_pow2(-static_cast<long>(prec) / 4);
    return interval_hull(sphere_abs_tail_arb(d, tau, prec), Interval(Rational(1), prec));
  }
  Interval r = incomplete_beta_half(d, t, prec);
  // Arb loses about log2(1/tail) bits here (the tail is reached near 1 - I): a
  // tail of 1e-198 at d = 10^23 came out as [0, 2.5e-16] at 128 bits. Since
  // tail <= (1 - t^2)^((d-1)/2) <= exp(-(d-1) t^2 / 2), retry a loose result at
  // prec + 0.75 (d-1) t^2 + 64 bits (more than that loss), doubling while it
  // stays loose, up to kSphereTailMaxBits.
  if (!tail_is_tight(r, prec)) {
    const double bits = prec + 64 + 0.75 * rational_to_double(Rational(d - 1) * t * t);
    for (auto wp = static_cast<mpfr_prec_t>(std::min(bits, double(kSphereTailMaxBits)));; wp *= 2) {
      r = interval_intersect_or(r, incomplete_beta_half(d, t, wp), prec);
      if (tail_is_tight(r, prec) || wp >= kSphereTailMaxBits) break;
    }
  }
  return r;
}

Interval sphere_abs_tail(const Integer& d, const Rational& t, mpfr_prec_t prec) {
  if (d % 2 == 1 && d >= 3 && d <= kSphereExactMaxD)
    return Interval(sphere_abs_tail_exact(d.convert_to<std::size_t>(), t), prec);
  return sphere_abs_tail_arb(d, t, prec);
}

Interval gaussian_abs_tail(const Integer& d, const Rational& t, mpfr_prec_t prec) {
  if (t <= 0) return Interval(Rational(1), prec);
  Interval x = Interval(t, prec) * interval_sqrt(Interval(Rational(d) / 2, prec));
  ArbBall xb, r;
  arb_from_interval(xb.get(), x);
  arb_hypgeom_erfc(r.get(), xb.get(), prec);
  return clamp01(interval_from_arb(r.get(), prec));
}

Interval coordinate_upper_tail(MeasureKind kind, const Integer& d, const Rational& s, mpfr_prec_t prec) {
  const Interval half(Rational(1, 2), prec), one(Rational(1), prec);
  switch (kind) {
    case MeasureKind::Sphere:
      if (s >= 0) return half * sphere_abs_tail(d, s, prec);
      return one - half * sphere_abs_tail(d, -s, prec);
    case MeasureKind::Gaussian:
      if (s >= 0) return half * gaussian_abs_tail(d, s, prec);
      return one - half * gaussian_abs_tail(d, -s, prec);
    case MeasureKind::Cube:  // X_1 ~ U[0, a], a = 1/sqrt(d): P(X_1 > s) = clamp(1 - s sqrt(d))
      return clamp01(one - Interval(s, prec) * interval_sqrt(Interval(Rational(d), prec)));
  }
  throw std::logic_error("unknown measure kind");
}

Interval coordinate_mean(const Measure& m, mpfr_prec_t prec) {
  Interval mean(prec);
  for (const auto& c : m.components)
    if (c.kind == MeasureKind::Cube)  // E X_1 = 1/(2 sqrt(d)) on the cube
      mean += Interval(c.weight / 2, prec) / interval_sqrt(Interval(Rational(m.d), prec));
  return mean;
}

Interval coordinate_deviation_tail(const Measure& m, const Rational& t, mpfr_prec_t prec) {
  Interval total(prec);
  const Interval mean = coordinate_mean(m, prec);
  const bool centered = mean.lower() == 0 && mean.upper() == 0;
  for (const auto& c : m.components) {
    Interval part(prec);
    if (centered && c.kind == MeasureKind::Sphere) {
      part = sphere_abs_tail(m.d, t, prec);
    } else if (centered && c.kind == MeasureKind::Gaussian) {
      part = gaussian_abs_tail(m.d, t, prec);
    } else {
      // P(X_1 > mean + t) + P(X_1 < mean - t); s -> P(X_1 > s) is
      // non-increasing, so an interval of s maps to [F(s_hi), F(s_lo)].
      Interval hi = mean + Interval(t, prec), lo = mean - Interval(t, prec);
      Interval right_lo = coordinate_upper_tail(c.kind, m.d, hi.upper(), prec);
      Interval right_hi = coordinate_upper_tail(c.kind, m.d, hi.lower(), prec);
      Interval left_lo = coordinate_upper_tail(c.kind, m.d, lo.upper(), prec);
      Interval left_hi = coordinate_upper_tail(c.kind, m.d, lo.lower(), prec);
      Interval one(Rational(1), prec);
      Interval right(right_lo.lower(), right_hi.upper(), prec);
      Interval left = interval_hull(one - left_hi, one - left_lo);
      part = clamp01(right + interval_max(left, Interval(prec)));
    }
    total += Interval(c.weight, prec) * part;
  }
  return clamp01(total);
}

Rational coordinate_deviation_radius(const Measure& m) {
  // |X_1| <= 1 on the sphere, 0 <= X_1 <= 1/sqrt(d) <= 1 on the cube, and
  // 0 <= E X_1 <= 1/2: so |X_1 - E X_1| <= 3/2 for any bounded mixture.
  if (m.is_single(MeasureKind::Sphere)) return 1;
  if (m.is_single(MeasureKind::Cube)) {
    // |X_1 - 1/(2 sqrt d)| <= 1/(2 sqrt d) <= R for the rational R = 1/(2 floor(sqrt d)).
    Integer r = boost::multiprecision::sqrt(m.d);
    return Rational(1) / (2 * Rational(r));
  }
  return Rational(3, 2);
}

double coordinate_tail_exponent_bits(const Measure& m, const Rational& t) {
  const double d = m.d.convert_to<double>(), x = rational_to_double(t);
  double bits = 0;
  for (const MeasureComponent& c : m.components) {
    if (c.kind == MeasureKind::Sphere && x < 1) bits = std::max(bits, (d - 1) / 2 * -std::log2(1 - x * x));
    if (c.kind == MeasureKind::Gaussian) bits = std::max(bits, d * x * x / (2 * std::log(2.0)));
  }
  return bits;
}

void coordinate_tail_check_size(const Measure& m, const std::vector<Rational>& ts, const std::string& option) {
  for (const Rational& t : ts) {
    const double bits = coordinate_tail_exponent_bits(m, t);
    if (bits > kCoordinateTailMaxBits)
      throw InputError(option, "at d = " + m.d.str() + " the exact tail at t = " + decimal_upper(t, 6) + " is near 2^-" +
                                   std::to_string(static_cast<long long>(std::min(bits, 9e18))) +
                                   ": its exact enclosure would take over 2^33 bits a number (a smaller d, or a smaller --t)");
  }
}

}  // namespace rl
