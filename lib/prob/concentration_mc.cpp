#include "prob/concentration_mc.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "arith/error.hpp"
#include "prob/clopper_pearson.hpp"
#include "prob/sampler.hpp"

namespace rl {
namespace {

constexpr std::uint64_t kMeanStream = 1, kEventStream = 2;

// Runs body(rng, count, worker) over the blocks of `n` samples (`block` each)
// on `threads` workers; block b uses sampler_stream(seed, stream, b). Block 0
// is drawn before the workers start, so a stop raised before the run draws
// exactly it whatever the thread count (two workers could both see no block
// taken yet and both draw); after it a stop request is seen before a block is
// taken, so the blocks run are a prefix of the planned ones. Returns the
// number of samples drawn.
template <class Body>
std::uint64_t parallel_blocks(std::uint64_t n, std::uint64_t block, std::uint64_t seed, std::uint64_t stream, unsigned threads,
                              const McStop& stop, Body body) {
  const std::uint64_t blocks = (n + block - 1) / block;
  std::atomic<std::uint64_t> next{0}, drawn{0};
  const auto draw = [&](std::uint64_t b, unsigned w) {
    std::mt19937_64 rng = sampler_stream(seed, stream, b);
    const std::uint64_t count = std::min(block, n - b * block);
    body(rng, count, w);
    drawn += count;
  };
  if (blocks > 0) draw(next++, 0);
  auto worker = [&](unsigned w) {
    while (!mc_stop_requested(stop)) {
      const std::uint64_t b = next.fetch_add(1);
      if (b >= blocks) return;
      draw(b, w);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(worker, w);
  worker(0);
  for (auto& th : pool) th.join();
  return drawn.load();
}

double to_double_down(const Rational& q) { return DInterval::from_rational(q).lo; }
double to_double_up(const Rational& q) { return DInterval::from_rational(q).hi; }

// The exact sum of the workers' outward sums of phi.
std::pair<Rational, Rational> exact_total(const std::vector<DInterval>& sums) {
  Rational lo = 0, hi = 0;
  for (const DInterval& s : sums) {
    if (!std::isfinite(s.lo) || !std::isfinite(s.hi))
      throw InputError("--function", "phi overflows the double range on the samples drawn");
    lo += rational_from_double(s.lo);
    hi += rational_from_double(s.hi);
  }
  return {lo, hi};
}

}  // namespace

McThresholds McThresholds::around(const Rational& mean_lo, const Rational& mean_hi, const Rational& t) {
  return {to_double_up(mean_hi + t), to_double_down(mean_lo - t), to_double_down(mean_lo + t), to_double_up(mean_hi - t)};
}

Rational poincare_constant(MeasureKind kind, const Integer& d) {
  switch (kind) {
    case MeasureKind::Gaussian: return Rational(1) / Rational(d);
    case MeasureKind::Sphere: return Rational(1) / Rational(d - 1);
    case MeasureKind::Cube: return Rational(10000, 98696) / Rational(d);  // pi^2 > 9.8696
  }
  return 1;
}

std::vector<Rational> mc_default_grid(const Integer& d, const ConcentrationBound& b, std::uint64_t samples,
                                      const Rational& confidence) {
  Integer s = boost::multiprecision::sqrt(d);
  const double resolution = 4 * std::log(4 * 16 / rational_to_double(1 - confidence)) / static_cast<double>(samples);
  std::vector<Rational> grid;
  for (long k = 1; k <= 16; ++k) {
    Rational t(Integer(k), Integer(4) * s);
    if (rational_to_double(concentration_bound(b, t, 64).lower()) < resolution) break;
    grid.push_back(t);
  }
  return grid;
}

McResult concentration_check_mc(const Measure& m, const TestFunction& phi, const ConcentrationBound& b,
                                const std::vector<Rational>& grid, const McOptions& options) {
  if (options.samples < 100) throw InputError("--samples", "need at least 100 samples");
  if (options.confidence <= 0 || options.confidence >= 1) throw InputError("--confidence", "must be in (0, 1)");
  if (grid.empty()) throw InputError("--t", "no t to check");
  const std::size_t dim = measure_sample_dimension(m, "--d");
  McResult out;
  out.threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const Rational delta = 1 - options.confidence;
  const std::size_t comps = m.components.size(), K = grid.size();
  // An odd phi under measures symmetric about 0 (sphere, Gaussian) has
  // E phi = 0 exactly: no mean batch, and all of delta goes to the tails.
  bool symmetric = phi.odd;
  for (const auto& c : m.components) symmetric = symmetric && c.kind != MeasureKind::Cube;
  out.mean_known = symmetric;
  const Rational delta_mean = delta / (2 * comps);
  out.alpha_per_bound = (symmetric ? delta * 2 : delta) / (4 * Rational(K * comps));
  auto start = std::chrono::steady_clock::now();
  const double total_work = 2.0 * comps;
  double done_work = 0;

  // Batch 1: E_i phi in [mean_i - s_i, mean_i + s_i] (Chebyshev + Poincare).
  Rational mean_lo = 0, mean_hi = 0;
  std::vector<std::uint64_t> n_i(comps);
  for (std::size_t i = 0; i < comps; ++i) {
    const auto& c = m.components[i];
    n_i[i] = rational_ceil(c.weight * options.samples).convert_to<std::uint64_t>();
    if (symmetric) continue;
    std::vector<DInterval> sums(out.threads, DInterval::point(0));
    const std::uint64_t n = parallel_blocks(n_i[i], sampler_block_size(dim), options.seed, kMeanStream * 64 + i, out.threads, options.stop,
                    [&](std::mt19937_64& rng, std::uint64_t count, unsigned w) {
                      std::vector<double> x;
                      DInterval s = DInterval::point(0);
                      for (std::uint64_t j = 0; j < count; ++j) { sampler_draw(c.kind, dim, rng, x); s += phi.eval(x); }
                      sums[w] += s;
                    });
    out.samples_planned += n_i[i];
    // The sample mean lies in [total_lo, total_hi] / n exactly; Chebyshev widens it by `half`.
    const auto [total_lo, total_hi] = exact_total(sums);
    Rational var_bound = poincare_constant(c.kind, m.d) * phi.lipschitz_squared;
    Rational half = interval_sqrt(Interval(var_bound / (Rational(n) * delta_mean))).upper();
    mean_lo += c.weight * (total_lo / n - half);
    mean_hi += c.weight * (total_hi / n + half);
    out.samples_drawn += n;
    done_work += 1;
    if (options.progress) options.progress(done_work / total_work);
  }
  out.mean_lower = mean_lo;
  out.mean_upper = mean_hi;

  // Batch 2: the inner and outer events for every t.
  std::vector<McThresholds> thresholds;
  for (const Rational& t : grid) thresholds.push_back(McThresholds::around(mean_lo, mean_hi, t));
  out.points.resize(K);
  std::vector<Rational> p_lo(K, Rational(0)), p_hi(K, Rational(0));
  for (std::size_t i = 0; i < comps; ++i) {
    const auto& c = m.components[i];
    std::vector<std::vector<std::uint64_t>> inner(out.threads, std::vector<std::uint64_t>(K)),
        outer(out.threads, std::vector<std::uint64_t>(K));
    const std::uint64_t n = parallel_blocks(n_i[i], sampler_block_size(dim), options.seed, kEventStream * 64 + i, out.threads, options.stop,
                    [&](std::mt19937_64& rng, std::uint64_t count, unsigned w) {
                      std::vector<double> x;
                      for (std::uint64_t j = 0; j < count; ++j) {
                        sampler_draw(c.kind, dim, rng, x);
                        const DInterval v = phi.eval(x);
                        for (std::size_t k = 0; k < K; ++k) {
                          inner[w][k] += thresholds[k].certainly_inner(v);
                          outer[w][k] += thresholds[k].possibly_outer(v);
                        }
                      }
                    });
    for (std::size_t k = 0; k < K; ++k) {
      std::uint64_t ci = 0, co = 0;
      for (unsigned w = 0; w < out.threads; ++w) { ci += inner[w][k]; co += outer[w][k]; }
      out.points[k].count_inner += ci;
      out.points[k].count_outer += co;
      out.points[k].samples += n;
      p_lo[k] += c.weight * clopper_pearson_lower(ci, n, out.alpha_per_bound);
      p_hi[k] += c.weight * clopper_pearson_upper(co, n, out.alpha_per_bound);
    }
    out.samples_planned += n_i[i];
    out.samples_drawn += n;
    done_work += 1;
    if (options.progress) options.progress(done_work / total_work);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.samples_per_second = out.seconds > 0 ? out.samples_drawn / out.seconds : 0;
  out.status = mc_stop_status(options.stop, out.samples_drawn, out.samples_planned);

  std::vector<Verdict> verdicts;
  for (std::size_t k = 0; k < K; ++k) {
    McPoint& p = out.points[k];
    p.t = grid[k];
    p.lower = p_lo[k];
    p.upper = p_hi[k];
    p.bound = concentration_bound(b, grid[k], kDefaultPrecision);
    p.verdict = verdict_of(p.lower, p.upper, p.bound);
    verdicts.push_back(p.verdict);
  }
  out.verdict = verdict_all(verdicts);
  return out;
}

}  // namespace rl
