// Exact tails of the coordinate phi(x) = x_1 under the measures of measure.hpp.
//
// Semantics: every Interval returned contains the exact probability; every
// Rational returned is the exact probability.
//   sphere  : X_1^2 ~ Beta(1/2, (d-1)/2), so P(|X_1| > t) = I_{1-t^2}((d-1)/2, 1/2)
//             (docs/math.md). For odd d the density (1-s^2)^{(d-3)/2} is a
//             polynomial and the tail is an exact rational function of t;
//             for even d it is enclosed with Arb's regularized incomplete beta.
//   gaussian: X_1 ~ N(0, 1/d), P(|X_1| > t) = erfc(t sqrt(d/2)) (Arb erfc).
//   cube    : X_1 ~ U[0, 1/sqrt(d)].
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "arith/interval.hpp"
#include "prob/measure.hpp"

namespace rl {

// Odd d only, 0 <= t: the exact rational P(|X_1| > t) on S^{d-1}.
Rational sphere_abs_tail_exact(std::size_t d, const Rational& t);
// Any d >= 2, 0 <= t: Arb enclosure of I_{1-t^2}((d-1)/2, 1/2). A loose
// result (tiny tails lose bits) is recomputed at a working precision raised
// with (d-1) t^2, up to kSphereTailMaxBits.
constexpr long kSphereTailMaxBits = 65536;
Interval sphere_abs_tail_arb(const Integer& d, const Rational& t, mpfr_prec_t prec);
// Odd d up to kSphereExactMaxD uses the exact rational, otherwise Arb.
constexpr std::size_t kSphereExactMaxD = 401;
Interval sphere_abs_tail(const Integer& d, const Rational& t, mpfr_prec_t prec);

// 0 <= t: erfc(t sqrt(d/2)) enclosed.
Interval gaussian_abs_tail(const Integer& d, const Rational& t, mpfr_prec_t prec);

// One-sided P(X_1 > s) for any rational s.
Interval coordinate_upper_tail(MeasureKind kind, const Integer& d, const Rational& s, mpfr_prec_t prec);

// E X_1 under the mixture (0 unless a cube component is present).
Interval coordinate_mean(const Measure& m, mpfr_prec_t prec);

// P(|X_1 - E X_1| > t), t >= 0, under the mixture.
Interval coordinate_deviation_tail(const Measure& m, const Rational& t, mpfr_prec_t prec);

// The size of the tail's exact enclosure: its endpoints are exact rationals
// near 2^-N, N about (d-1)/2 log2(1/(1-t^2)) on the sphere (0 for t >= 1)
// and d t^2 / (2 ln 2) for the Gaussian; N bits each. Measured on the
// sphere's grid check: d = 10^8 in 2 s and 0.2 GB, 10^9 in 40 s and 1.9 GB,
// 10^10 in 157 s and 7.7 GB; at 10^12 GMP aborted on an allocation.
double coordinate_tail_exponent_bits(const Measure& m, const Rational& t);
// Throws InputError naming `option` when a t of `ts` would take more than
// kCoordinateTailMaxBits (2^33, a gigabyte a number).
constexpr double kCoordinateTailMaxBits = 8589934592.0;
void coordinate_tail_check_size(const Measure& m, const std::vector<Rational>& ts, const std::string& option);

// A rational R with |X_1 - E X_1| <= R almost surely, for bounded mixtures.
Rational coordinate_deviation_radius(const Measure& m);

}  // namespace rl
