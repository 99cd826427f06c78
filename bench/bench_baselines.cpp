#include "bench_baselines.hpp"

#include <chrono>
#include <cmath>
#include <random>

#include "bench_float_jacobian.hpp"
#include "bench_norms.hpp"
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

}  // namespace rl::bench
