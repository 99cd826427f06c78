#include "lipschitz/witness.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "cert/producer_api.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "net/eval.hpp"
#include "lipschitz/tight_arith.hpp"

namespace rl {
namespace {

// The float Jacobian (m x d, free columns) and pattern at x.
std::vector<double> jacobian_double(const LipProblem& p, const std::vector<double>& x) {
  const std::size_t d = p.net.input_dim;
  std::vector<double> m(d * d, 0.0), cur = x;
  for (std::size_t i = 0; i < d; ++i) m[i * d + i] = p.free[i] ? 1.0 : 0.0;
  for (std::size_t k = 0; k < p.net.layers.size(); ++k) {
    const Layer& l = p.net.layers[k];
    const std::size_t n = l.in_dim(), out = l.out_dim();
    std::vector<double> next(out * d, 0.0), z(out);
    for (std::size_t i = 0; i < out; ++i) {
      double s = l.bias_f[i];
      for (std::size_t j = 0; j < n; ++j) s += l.weights_f[i * n + j] * cur[j];
      bool on = k + 1 == p.net.layers.size() || s > 0;
      z[i] = on ? s : 0.0;
      if (!on) continue;
      for (std::size_t j = 0; j < n; ++j) {
        double w = l.weights_f[i * n + j];
        if (w == 0) continue;
        for (std::size_t c = 0; c < d; ++c) next[i * d + c] += w * m[j * d + c];
      }
    }
    m = std::move(next);
    cur = std::move(z);
  }
  return m;
}

}  // namespace

double witness_estimate(const LipProblem& p, const std::vector<double>& x) {
  return dmatrix_norm(jacobian_double(p, x), p.net.output_dim(), p.net.input_dim, p.norm);
}

std::optional<Witness> witness_certify(const LipProblem& p, const std::vector<double>& x) {
  const std::size_t d = p.net.input_dim;
  Witness w;
  for (std::size_t i = 0; i < d; ++i) {
    if (!std::isfinite(x[i])) return std::nullopt;
    Rational xi = p.free[i] ? rational_from_double(x[i]) : p.lo[i];
    if (!p.unbounded && (xi < p.lo[i] || xi > p.hi[i])) return std::nullopt;
    w.point.push_back(xi);
  }
  // The certified value is the one the checker recomputes: the exact
  // Jacobian of the piece containing the (generic) point, floored on the 2^-64 grid.
  // The plain trace first: the generic test propagates gradients too, and is needed only on a boundary.
  const ExactTrace trace = net_trace_exact(p.net, w.point);
  const std::optional<ActivationPattern> pattern =
      trace.is_interior() ? std::optional<ActivationPattern>(trace.pattern()) : cert_lipschitz_generic_pattern(p.net, w.point);
  if (!pattern) return std::nullopt;
  auto exact = net_jacobian_exact(p.net, *pattern);
  for (auto& row : exact)
    for (std::size_t c = 0; c < d; ++c) if (!p.free[c]) row[c] = 0;
  if (p.norm == Norm::L2 && exact.size() > 1 && d > 1) {
    // The test direction: the top right singular vector of the Jacobian in doubles.
    std::vector<double> j, v;
    for (const auto& row : exact)
      for (const Rational& q : row) j.push_back(rational_to_double(q));
    dmatrix_norm(j, exact.size(), d, Norm::L2, &v);
    for (double& t : v) if (!std::isfinite(t)) t = 0;
    for (double t : v) w.vector.push_back(rational_from_double(t));
  }
  auto value = cert_lipschitz_witness_floor(exact, norm_name(p.norm), w.vector);
  if (!value) return std::nullopt;
  w.value = *value;
  return w;
}

Json witness_json(const Witness& w) {
  Json point = Json::array(), vector = Json::array();
  for (const Rational& q : w.point) point.push_back(rational_to_string(q));
  for (const Rational& q : w.vector) vector.push_back(rational_to_string(q));
  Json out{{"point", point}};
  if (!vector.empty()) out["vector"] = vector;
  return out;
}

namespace {

// The float gradient (free columns) and value of every hidden pre-activation at x.
struct Preactivation {
  std::vector<double> gradient;
  double value;
};
std::vector<Preactivation> preactivations_double(const LipProblem& p, const std::vector<double>& x) {
  const std::size_t d = p.net.input_dim;
  std::vector<double> m(d * d, 0.0), cur = x;
  for (std::size_t i = 0; i < d; ++i) m[i * d + i] = p.free[i] ? 1.0 : 0.0;
  std::vector<Preactivation> out;
  for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) {
    const Layer& l = p.net.layers[k];
    const std::size_t n = l.in_dim(), width = l.out_dim();
    std::vector<double> next(width * d, 0.0), z(width);
    for (std::size_t i = 0; i < width; ++i) {
      double s = l.bias_f[i];
      for (std::size_t j = 0; j < n; ++j) {
        const double w = l.weights_f[i * n + j];
        s += w * cur[j];
        for (std::size_t c = 0; c < d; ++c) next[i * d + c] += w * m[j * d + c];
      }
      out.push_back({std::vector<double>(next.begin() + std::ptrdiff_t(i * d), next.begin() + std::ptrdiff_t((i + 1) * d)), s});
      z[i] = s > 0 ? s : 0.0;
      if (s <= 0) std::fill(next.begin() + std::ptrdiff_t(i * d), next.begin() + std::ptrdiff_t((i + 1) * d), 0.0);
    }
    m = std::move(next);
    cur = std::move(z);
  }
  return out;
}

}  // namespace

namespace {

// A point just past neuron z's hyperplane z = 0, when that point is in the
// box: the nearest one in coordinates scaled to the box's sides (a box of
// very unequal sides, such as ACAS Xu's raw inputs, is otherwise crossed
// almost only along its short sides), by a relative margin.
std::optional<std::vector<double>> step_across(const Preactivation& z, const std::vector<double>& x, const DBox& box) {
  std::vector<double> direction(x.size());
  double gu = 0;
  for (std::size_t c = 0; c < x.size(); ++c) {
    const double side = box[c].hi - box[c].lo;
    const double w2 = std::isfinite(side) && side > 0 ? side * side : 1.0;
    direction[c] = w2 * z.gradient[c];
    gu += direction[c] * z.gradient[c];
  }
  if (!(gu > 0) || !std::isfinite(gu) || !std::isfinite(z.value)) return std::nullopt;
  const double t = -z.value / gu * (1 + 1e-6) - (z.value > 0 ? 1e-12 : -1e-12) / std::sqrt(gu);
  std::vector<double> y = x;
  for (std::size_t c = 0; c < y.size(); ++c) {
    y[c] += t * direction[c];
    if (!(y[c] >= box[c].lo && y[c] <= box[c].hi)) return std::nullopt;
  }
  return y;
}

}  // namespace

std::vector<double> witness_region_walk(const LipProblem& p, const DBox& box, std::vector<double> x, int steps,
                                        const std::function<bool()>& keep_going) {
  double current = witness_estimate(p, x);
  for (int step = 0; step < steps && keep_going(); ++step) {
    std::vector<double> best;
    double best_value = current;
    for (const Preactivation& z : preactivations_double(p, x)) {
      if (!keep_going()) return x;
      std::optional<std::vector<double>> y = step_across(z, x, box);
      if (!y) continue;
      const double value = witness_estimate(p, *y);
      if (std::isfinite(value) && value > best_value) { best_value = value; best = std::move(*y); }
    }
    if (best.empty()) break;
    x = std::move(best);
    current = best_value;
  }
  return x;
}

std::vector<std::vector<double>> witness_region_beam(const LipProblem& p, const DBox& box,
                                                     const std::vector<std::vector<double>>& starts, std::size_t width,
                                                     int rounds, const std::function<bool()>& keep_going) {
  struct Scored {
    double value;
    std::vector<double> x;
  };
  const auto better = [](const Scored& a, const Scored& b) { return a.value > b.value; };
  // Regions are told apart by their float norm: two regions with bit-equal
  // estimates are the same region for this search, which expands each once.
  std::set<double> seen;
  std::vector<Scored> beam, best;
  for (const std::vector<double>& x : starts) {
    const double v = witness_estimate(p, x);
    if (std::isfinite(v) && seen.insert(v).second) beam.push_back({v, x});
  }
  std::stable_sort(beam.begin(), beam.end(), better);
  if (beam.size() > width) beam.resize(width);
  best = beam;
  for (int round = 0; round < rounds && !beam.empty() && keep_going(); ++round) {
    std::vector<Scored> next;
    for (const Scored& s : beam) {
      // Polled per step: one Jacobian of a deep network takes milliseconds, and a beam entry has one step per neuron.
      for (const Preactivation& z : preactivations_double(p, s.x)) {
        if (!keep_going()) break;
        std::optional<std::vector<double>> y = step_across(z, s.x, box);
        if (!y) continue;
        const double v = witness_estimate(p, *y);
        if (std::isfinite(v) && seen.insert(v).second) next.push_back({v, std::move(*y)});
      }
      if (!keep_going()) break;
    }
    std::stable_sort(next.begin(), next.end(), better);
    if (next.size() > width) next.resize(width);
    best.insert(best.end(), next.begin(), next.end());
    std::stable_sort(best.begin(), best.end(), better);
    if (best.size() > width) best.resize(width);
    beam = std::move(next);
  }
  std::vector<std::vector<double>> out;
  for (Scored& s : best) out.push_back(std::move(s.x));
  return out;
}

std::vector<double> witness_random_point(const LipProblem& p, const DBox& box, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> x(p.net.input_dim);
  double scale = std::exp(std::log(10.0) * (6 * u(rng) - 3));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const DInterval& bi = box[i];
    if (std::isfinite(bi.lo) && std::isfinite(bi.hi)) x[i] = bi.lo + (bi.hi - bi.lo) * u(rng);
    else x[i] = scale * g(rng);
    if (std::isfinite(bi.lo) && x[i] < bi.lo) x[i] = bi.lo;
    if (std::isfinite(bi.hi) && x[i] > bi.hi) x[i] = bi.hi;
  }
  return x;
}

std::vector<WitnessCandidate> witness_seed_candidates(const LipProblem& p, const DBox& box, const std::vector<double>& centre,
                                                      double floor, std::mt19937_64& rng, const std::function<bool()>& keep_going) {
  constexpr int kRandom = 64, kWalkSteps = 16;
  constexpr std::size_t kWalks = 2;
  std::vector<WitnessCandidate> out;
  const auto consider = [&](std::vector<double> x) {
    const double estimate = witness_estimate(p, x);
    if (std::isfinite(estimate) && estimate > floor) out.push_back({estimate, std::move(x)});
  };
  consider(centre);
  for (int k = 0; k < kRandom; ++k) consider(witness_random_point(p, box, rng));
  std::vector<WitnessCandidate> starts = out;
  std::stable_sort(starts.begin(), starts.end(), [](const WitnessCandidate& a, const WitnessCandidate& b) { return a.estimate > b.estimate; });
  if (starts.size() > kWalks) starts.resize(kWalks);
  for (const WitnessCandidate& c : starts) consider(witness_region_walk(p, box, c.x, kWalkSteps, keep_going));
  return out;
}

}  // namespace rl
