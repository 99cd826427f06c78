// Monte Carlo confidence intervals for the moment generating function
// M(lambda) = E exp(lambda (X - c)) of a variable bounded in [a, b], known only
// through i.i.d. samples, on the grid lambda_k = k Lambda / K, k = +-1..+-K.
//
// Y = exp(lambda (X - c)) lies in [y_min, y_max] with y_min, y_max =
// exp(lambda (a - c)), exp(lambda (b - c)) (ordered by the sign of lambda), so
// with R = y_max - y_min, n samples, and delta' = delta / (2 * 2K) (Bonferroni
// over the 2K values of lambda and the two methods), each of these holds with
// probability >= 1 - delta':
//   Hoeffding            : |M - mean| <= R sqrt(log(2/delta') / (2n));
//   empirical Bernstein  : |M - mean| <= sqrt(2 V log(4/delta') / n)
//                                        + 7 R log(4/delta') / (3(n - 1)),
//     (Maurer and Pontil 2009, Theorem 4, applied to (Y - y_min)/R and to
//     (y_max - Y)/R with delta'/2 each), V the unbiased sample variance of Y.
// So all 2 * 2K intervals hold simultaneously with probability >= 1 - delta,
// and the reported interval is their intersection (also with [y_min, y_max]).
//
// Soundness of the arithmetic: every exp(lambda (x - c)) is enclosed with
// MPFR's directed rounding (exp at the base step h = Lambda / K, then powers
// in outward double intervals); the sums of Y - s and (Y - s)^2 (s a fixed
// shift, to avoid cancellation in V) are outward DInterval sums; the mean and
// V are then exact rationals of those ends, and the half-widths are MPFI
// enclosures whose outer ends are used. All ends are exact rationals.
//
// A stop request (MgfMcOptions::stop, see mc_stop.hpp) ends the sums after the
// current block of 4096 samples (never before the first): the intervals are
// those of the n samples summed, a prefix of the given ones, at the same
// confidence.
#pragma once
#include <string>
#include <vector>

#include "arith/dinterval.hpp"
#include "arith/interval.hpp"
#include "prob/mc_stop.hpp"

namespace rl {

struct MgfMcOptions {
  Rational a = -1, b = 1;     // every sample lies in [a, b] (checked)
  Rational center = 0;        // c
  Rational lambda_max = 4;    // Lambda
  std::size_t points = 8;     // K
  Rational confidence = Rational(99, 100);
  McStop stop;
};

struct MgfMcPoint {
  Rational lambda;
  Rational mean_lower, mean_upper;                 // the sample mean of Y (outward)
  Rational variance_upper;                         // V, upper end
  Rational hoeffding_half, bernstein_half;         // half-widths, upper ends
  Rational hoeffding_lower, hoeffding_upper;
  Rational bernstein_lower, bernstein_upper;
  Rational lower, upper;                           // the intersection: M(lambda) in [lower, upper]
  std::string narrower;                            // "hoeffding" or "empirical-bernstein"
};

struct MgfMcResult {
  std::vector<MgfMcPoint> points;  // lambda increasing
  Rational delta_per_interval;     // delta'
  std::uint64_t samples = 0;          // summed (a prefix of the given samples)
  std::uint64_t samples_planned = 0;  // given
  McStatus status = McStatus::Complete;
  double seconds = 0;
};

// The lambda grid k Lambda / K, k = -K..K without 0, increasing.
std::vector<Rational> mgf_mc_grid(const MgfMcOptions& options);

// Throws InputError when a sample lies outside [a, b] (naming `where`), when
// n < 2, or when the options are out of range (Lambda |x - c| <= 300 on [a, b]).
MgfMcResult mgf_monte_carlo(const std::vector<DInterval>& samples, const MgfMcOptions& options,
                            const std::string& where);

}  // namespace rl
