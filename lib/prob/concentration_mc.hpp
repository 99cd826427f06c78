// Definition 2 / Definition 6 checked by Monte Carlo for any L-Lipschitz phi.
//
// E phi is unknown. It is estimated from a first, independent batch with
// Chebyshev's inequality and the Poincare inequality of each measure
// (Var phi <= kappa L^2 with kappa = 1/d for N(0, I/d), 1/(d-1) for S^{d-1},
// 1/(pi^2 d) for the cube [0, 1/sqrt d]^d), giving E phi in [M_lo, M_hi] with
// probability >= 1 - delta/2. Then, from a second batch, for each t:
//   {phi > M_hi + t or phi < M_lo - t}  is contained in  {|phi - E phi| > t}
//   {phi > M_lo + t or phi < M_hi - t}  contains         {|phi - E phi| > t}
// so the Clopper-Pearson lower bound of the first event's count and the upper
// bound of the second's enclose P(|phi - E phi| > t). The remaining delta/2 is
// split (Bonferroni) over every t, component and side, so all reported
// intervals hold simultaneously with probability >= 1 - delta. Mixtures are
// sampled stratified: component i gets ceil(w_i n) samples and
// P = sum_i w_i P_i, E phi = sum_i w_i E_i phi. Rounding: phi(x) is an outward
// enclosure (test_function.hpp) and the sums of batch 1 are outward, so E phi's
// interval holds exactly; each event is decided on the enclosure against
// thresholds rounded outward (McThresholds), so the inner count never exceeds
// and the outer count never falls below the exact ones, at any |phi|. When phi is odd
// (coordinate, linear) and every component is symmetric (sphere, Gaussian),
// E phi = 0 exactly and the first batch is skipped.
//
// A stopped run (McOptions::stop, see mc_stop.hpp) uses the samples drawn so
// far: Chebyshev with the n_i' mean samples, Clopper-Pearson over the n_i'
// event samples of each component (at least one block each), with the same
// confidence split, so the intervals keep the stated simultaneous confidence.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arith/verdict.hpp"
#include "prob/concentration_bound.hpp"
#include "prob/mc_stop.hpp"
#include "prob/measure.hpp"
#include "prob/test_function.hpp"

namespace rl {

// The thresholds of one t as doubles, with E phi in [mean_lo, mean_hi]:
//   inner event {phi > mean_hi + t or phi < mean_lo - t}  (inside |phi - E phi| > t),
//   outer event {phi > mean_lo + t or phi < mean_hi - t}  (contains it).
// certainly_inner(v) holds only when every point of the enclosure v is in the
// inner event; possibly_outer(v) holds whenever some point of v is in the
// outer event. So for v containing phi(x), counting certainly_inner under-counts
// the inner event and counting possibly_outer over-counts the outer one.
struct McThresholds {
  double inner_hi = 0, inner_lo = 0, outer_hi = 0, outer_lo = 0;
  static McThresholds around(const Rational& mean_lo, const Rational& mean_hi, const Rational& t);
  bool certainly_inner(DInterval v) const { return v.lo > inner_hi || v.hi < inner_lo; }
  bool possibly_outer(DInterval v) const { return v.hi > outer_hi || v.lo < outer_lo; }
};

struct McOptions {
  std::uint64_t samples = 1000000;   // per batch
  Rational confidence = Rational(99, 100);
  std::uint64_t seed = 1;
  unsigned threads = 0;              // 0: hardware threads
  std::function<void(double fraction)> progress;
  McStop stop;                       // a signal or a time limit ends the run early
};

struct McPoint {
  Rational t;
  std::uint64_t count_inner = 0, count_outer = 0, samples = 0;  // summed over components
  Rational lower, upper;   // P(|phi - E phi| > t) in [lower, upper]
  Interval bound;
  Verdict verdict = Verdict::Inconclusive;
};

struct McResult {
  Verdict verdict = Verdict::Inconclusive;
  std::vector<McPoint> points;
  Rational mean_lower, mean_upper;
  bool mean_known = false;         // E phi = 0 by symmetry (odd phi, symmetric measure)
  Rational alpha_per_bound;        // one-sided level of each Clopper-Pearson bound
  std::uint64_t samples_drawn = 0; // both batches, all components
  std::uint64_t samples_planned = 0;
  McStatus status = McStatus::Complete;
  double seconds = 0, samples_per_second = 0;
  unsigned threads = 0;
};

McResult concentration_check_mc(const Measure& m, const TestFunction& phi, const ConcentrationBound& b,
                                const std::vector<Rational>& grid, const McOptions& options);

// The default grid: t = k / (4 floor(sqrt d)), k = 1..16 (t sqrt(d) up to ~4),
// keeping only the t where the bound is at least 4 log(4 K / delta) / n, the
// smallest probability n samples can certify below (deeper t would be
// inconclusive by construction). The choice does not look at samples.
std::vector<Rational> mc_default_grid(const Integer& d, const ConcentrationBound& b, std::uint64_t samples,
                                      const Rational& confidence);

// The Poincare constant kappa of one component (rational upper bound).
Rational poincare_constant(MeasureKind kind, const Integer& d);

}  // namespace rl
