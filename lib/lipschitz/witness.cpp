#include "lipschitz/witness.hpp"

#include <cmath>

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

std::vector<double> witness_region_walk(const LipProblem& p, const DBox& box, std::vector<double> x, int steps,
                                        const std::function<bool()>& keep_going) {
  double current = witness_estimate(p, x);
  for (int step = 0; step < steps && keep_going(); ++step) {
    std::vector<double> best;
    double best_value = current;
    for (const Preactivation& z : preactivations_double(p, x)) {
      if (!keep_going()) return x;
      double g2 = 0;
      for (double g : z.gradient) g2 += g * g;
      if (!(g2 > 0) || !std::isfinite(z.value)) continue;
      // Past the hyperplane z = 0 by a relative margin along the gradient.
      const double t = -z.value / g2 * (1 + 1e-6) - (z.value > 0 ? 1e-12 : -1e-12) / std::sqrt(g2);
      std::vector<double> y = x;
      bool inside = true;
      for (std::size_t c = 0; c < y.size() && inside; ++c) {
        y[c] += t * z.gradient[c];
        inside = y[c] >= box[c].lo && y[c] <= box[c].hi;
      }
      if (!inside) continue;
      const double value = witness_estimate(p, y);
      if (std::isfinite(value) && value > best_value) { best_value = value; best = std::move(y); }
    }
    if (best.empty()) break;
    x = std::move(best);
    current = best_value;
  }
  return x;
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

}  // namespace rl
