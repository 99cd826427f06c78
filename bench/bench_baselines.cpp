#include "bench_baselines.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "arith/error.hpp"
#include "bench_float_jacobian.hpp"
#include "bench_norms.hpp"
#include "bounds/linear_bounds.hpp"
#include "net/eval.hpp"

namespace rl::bench {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

BaselineValue baseline_product(const Network& net) {
  auto start = Clock::now();
  double p = 1;
  for (const Layer& l : net.layers) p = mul_up(p, spectral_norm_upper_certified(l.weights_i, l.out_dim(), l.in_dim()));
  return {p, since(start)};
}

BaselineValue baseline_clarke(const Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi) {
  auto start = Clock::now();
  BoxBounds bounds = net_ibp(net, dbox_from_rationals(lo, hi));
  IntervalMatrix j = net_jacobian_enclosure(net, bounds);
  double u = interval_matrix_norm_upper(j.entries, j.rows, j.cols);
  return {u, since(start)};
}

BaselineValue baseline_sampled(const Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                               std::uint64_t samples, std::uint64_t seed) {
  auto start = Clock::now();
  std::mt19937_64 rng(seed);
  std::vector<std::uniform_real_distribution<double>> coord;
  for (std::size_t i = 0; i < lo.size(); ++i) coord.emplace_back(rational_to_double(lo[i]), rational_to_double(hi[i]));
  double best = 0;
  std::vector<double> x(lo.size());
  for (std::uint64_t s = 0; s < samples; ++s) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = coord[i](rng);
    best = std::fmax(best, spectral_norm_estimate(float_jacobian(net, x)));
  }
  return {best, since(start)};
}

constexpr std::size_t kMaxStabilityPieces = 1000000;

StabilityCount baseline_stability(const Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                                  std::size_t parts) {
  auto start = Clock::now();
  const std::size_t d = lo.size();
  StabilityCount c;
  c.pieces = 1;
  for (std::size_t i = 0; i < d; ++i) {
    c.pieces *= parts;
    if (c.pieces > kMaxStabilityPieces)
      throw InputError("--parts", std::to_string(parts) + " parts on " + std::to_string(d) + " inputs make more than 10^6 pieces");
  }
  // cuts[i][q]: an enclosure of the q-th cut of side i, lo_i + q (hi_i - lo_i) / parts.
  std::vector<std::vector<DInterval>> cuts(d);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t q = 0; q <= parts; ++q)
      cuts[i].push_back(DInterval::from_rational(lo[i] + (hi[i] - lo[i]) * Rational(static_cast<long>(q), static_cast<long>(parts))));
  double total = 0;
  for (std::size_t piece = 0; piece < c.pieces; ++piece) {
    std::vector<double> plo(d), phi(d);
    for (std::size_t i = 0, rest = piece; i < d; ++i, rest /= parts) {
      plo[i] = cuts[i][rest % parts].lo;
      phi[i] = cuts[i][rest % parts + 1].hi;
    }
    const bounds::PreBounds pb = bounds::preactivation_bounds<bounds::OutwardArith>(net, plo, phi, bounds::free_states(net));
    std::size_t unstable = 0, neurons = 0;
    for (std::size_t k = 0; k < pb.lo.size(); ++k)
      for (std::size_t j = 0; j < pb.lo[k].size(); ++j, ++neurons) unstable += pb.lo[k][j] < 0 && pb.hi[k][j] > 0;
    c.neurons = neurons;
    c.worst_unstable = std::max(c.worst_unstable, unstable);
    total += static_cast<double>(unstable);
  }
  c.mean_unstable = total / static_cast<double>(c.pieces);
  c.seconds = since(start);
  return c;
}

}  // namespace rl::bench
