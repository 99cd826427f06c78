#include "prob/mgf_monte_carlo.hpp"

#include <mpfr.h>

#include <chrono>
#include <cmath>

#include "arith/error.hpp"

namespace rl {
namespace {

constexpr mpfr_prec_t kPrec = 128;
constexpr std::size_t kSumBlock = 4096;

// exp(x) rounded down or up to a double, by MPFR (correctly rounded).
class DirectedExp {
 public:
  DirectedExp() { mpfr_init2(v_, 53); }
  ~DirectedExp() { mpfr_clear(v_); }
  DirectedExp(const DirectedExp&) = delete;
  DirectedExp& operator=(const DirectedExp&) = delete;
  DInterval operator()(DInterval y) {
    return {once(y.lo, MPFR_RNDD), once(y.hi, MPFR_RNDU)};
  }

 private:
  double once(double x, mpfr_rnd_t rnd) {
    mpfr_set_d(v_, x, MPFR_RNDN);  // exact: 53 bits
    mpfr_exp(v_, v_, rnd);
    return mpfr_get_d(v_, rnd);
  }
  mpfr_t v_;
};

// The outward sums of Z = Y - s and Z^2 for each grid point, over the first
// `count` samples.
struct Sums {
  std::vector<DInterval> z, z2;
  std::size_t count = 0;
};

void sums_add(Sums& into, const Sums& block) {
  for (std::size_t k = 0; k < into.z.size(); ++k) {
    into.z[k] += block.z[k];
    into.z2[k] += block.z2[k];
  }
}

// The sums over the samples, block by block until a stop request (never
// before the first block); grid index j = K - 1 - i for lambda = -(i+1) h,
// j = K + i for lambda = (i+1) h.
Sums mgf_sums(const std::vector<DInterval>& samples, const MgfMcOptions& o, const std::vector<double>& shift) {
  const std::size_t K = o.points;
  const DInterval h = DInterval::from_rational(o.lambda_max / Rational(K)), c = DInterval::from_rational(o.center);
  Sums total{std::vector<DInterval>(2 * K), std::vector<DInterval>(2 * K)};
  Sums block = total;
  DirectedExp exp_enclosure;
  for (std::size_t first = 0; first < samples.size() && !(first > 0 && mc_stop_requested(o.stop)); first += kSumBlock) {
    std::fill(block.z.begin(), block.z.end(), DInterval{});
    std::fill(block.z2.begin(), block.z2.end(), DInterval{});
    for (std::size_t i = first; i < std::min(samples.size(), first + kSumBlock); ++i) {
      DInterval y = h * (samples[i] - c);
      DInterval up = exp_enclosure(y), down = exp_enclosure(-y);  // exp(+-h (x - c))
      DInterval pu = up, pd = down;
      for (std::size_t k = 0; k < K; ++k) {
        for (auto [j, p] : {std::pair{K + k, pu}, std::pair{K - 1 - k, pd}}) {
          DInterval z = p - DInterval::point(shift[j]);
          block.z[j] += z;
          block.z2[j] += dinterval_sqr(z);
        }
        pu = pu * up;
        pd = pd * down;
      }
    }
    sums_add(total, block);
    total.count = std::min(samples.size(), first + kSumBlock);
  }
  return total;
}

// The least double >= q (so that x >= it is exactly x >= q for a double x).
double double_at_least(const Rational& q) {
  double v = rational_to_double(q);
  return rational_from_double(v) < q ? next_up(v) : v;
}
double double_at_most(const Rational& q) {
  double v = rational_to_double(q);
  return rational_from_double(v) > q ? next_down(v) : v;
}

void check_inputs(const std::vector<DInterval>& samples, const MgfMcOptions& o, const std::string& where) {
  if (samples.size() < 2) throw InputError(where, "need at least 2 samples");
  if (!(o.a < o.b)) throw InputError("--support", "needs a < b");
  if (o.points < 1 || o.points > 1000) throw InputError("--lambda-points", "must be in [1, 1000]");
  if (o.lambda_max <= 0 || o.lambda_max * (o.b - o.a) > 300 || o.lambda_max * rational_abs(o.b - o.center) > 300 ||
      o.lambda_max * rational_abs(o.a - o.center) > 300)
    throw InputError("--lambda-max", "must be positive with Lambda |x - c| <= 300 on the support (exp and its square would overflow)");
  if (o.confidence <= 0 || o.confidence >= 1) throw InputError("--confidence", "must be in (0, 1)");
  const double lo = double_at_least(o.a), hi = double_at_most(o.b);
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (!(samples[i].lo >= lo && samples[i].hi <= hi))
      throw InputError(where, "sample " + std::to_string(i + 1) + " (" + std::to_string(samples[i].lo) +
                                  ") lies outside the support [" + rational_to_string(o.a) + ", " +
                                  rational_to_string(o.b) + "]");
}

// Fills the point at lambda from the sums (exact rationals and MPFI).
MgfMcPoint mgf_point(const Rational& lambda, const MgfMcOptions& o, DInterval sz, DInterval sz2, double shift,
                     std::uint64_t n, const Interval& log_h, const Interval& log_b) {
  MgfMcPoint p;
  p.lambda = lambda;
  const Interval e1 = interval_exp(Interval(lambda * (o.a - o.center), kPrec));
  const Interval e2 = interval_exp(Interval(lambda * (o.b - o.center), kPrec));
  const Rational y_min = lambda > 0 ? e1.lower() : e2.lower(), y_max = lambda > 0 ? e2.upper() : e1.upper();
  const Rational R = y_max - y_min, nn(n), s = rational_from_double(shift);
  const Rational z_lo = rational_from_double(sz.lo), z_hi = rational_from_double(sz.hi);
  p.mean_lower = s + z_lo / nn;
  p.mean_upper = s + z_hi / nn;
  // V = (sum Z^2 - (sum Z)^2 / n) / (n - 1); its upper end uses the least |sum Z|.
  const Rational z_abs_min = z_lo > 0 ? z_lo : z_hi < 0 ? -z_hi : Rational(0);
  p.variance_upper = std::max(Rational(0), (rational_from_double(sz2.hi) - z_abs_min * z_abs_min / nn) / (nn - 1));
  const Interval Ri(R, kPrec), ni(nn, kPrec);
  const Interval hoeff = Ri * interval_sqrt(log_h / (Interval::from_int(2, kPrec) * ni));
  const Interval bern = interval_sqrt(Interval::from_int(2, kPrec) * Interval(p.variance_upper, kPrec) * log_b / ni) +
                        Interval::from_int(7, kPrec) * Ri * log_b / (Interval::from_int(3, kPrec) * (ni - Interval::from_int(1, kPrec)));
  p.hoeffding_half = hoeff.upper();
  p.bernstein_half = bern.upper();
  p.hoeffding_lower = p.mean_lower - p.hoeffding_half;
  p.hoeffding_upper = p.mean_upper + p.hoeffding_half;
  p.bernstein_lower = p.mean_lower - p.bernstein_half;
  p.bernstein_upper = p.mean_upper + p.bernstein_half;
  p.lower = std::max({p.hoeffding_lower, p.bernstein_lower, y_min});
  p.upper = std::min({p.hoeffding_upper, p.bernstein_upper, y_max});
  p.narrower = p.bernstein_half < p.hoeffding_half ? "empirical-bernstein" : "hoeffding";
  return p;
}

}  // namespace

std::vector<Rational> mgf_mc_grid(const MgfMcOptions& o) {
  std::vector<Rational> grid;
  const long K = static_cast<long>(o.points);
  for (long k = -K; k <= K; ++k)
    if (k != 0) grid.push_back(o.lambda_max * Rational(k, K));
  return grid;
}

MgfMcResult mgf_monte_carlo(const std::vector<DInterval>& samples, const MgfMcOptions& o, const std::string& where) {
  check_inputs(samples, o, where);
  auto start = std::chrono::steady_clock::now();
  const std::vector<Rational> grid = mgf_mc_grid(o);
  // The shift s: the midpoint of Y's range, fixed before looking at the samples.
  std::vector<double> shift;
  for (const Rational& l : grid) {
    double e1 = std::exp(rational_to_double(l * (o.a - o.center))), e2 = std::exp(rational_to_double(l * (o.b - o.center)));
    shift.push_back((e1 + e2) / 2);
  }
  Sums sums = mgf_sums(samples, o, shift);
  MgfMcResult out;
  out.samples = sums.count;
  out.samples_planned = samples.size();
  out.status = mc_stop_status(o.stop, out.samples, out.samples_planned);
  out.delta_per_interval = (1 - o.confidence) / Rational(2 * grid.size());
  const Interval delta_i(out.delta_per_interval, kPrec);
  const Interval log_h = interval_log(Interval::from_int(2, kPrec) / delta_i);
  const Interval log_b = interval_log(Interval::from_int(4, kPrec) / delta_i);
  for (std::size_t j = 0; j < grid.size(); ++j)
    out.points.push_back(mgf_point(grid[j], o, sums.z[j], sums.z2[j], shift[j], out.samples, log_h, log_b));
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace rl
