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

// Encloses the exact Jacobian of the linear piece of g that contains the point
// box b (every hidden pre-activation interval excludes 0): M <- D_k W_k M.
IntervalMatrix jacobian_on_piece(const LipProblem& p, const BoxBounds& b) {
  const std::size_t d = p.net.input_dim;
  IntervalMatrix m{d, d, std::vector<DInterval>(d * d, DInterval::point(0))};
  for (std::size_t i = 0; i < d; ++i) if (p.free[i]) m.at(i, i) = DInterval::point(1);
  for (std::size_t k = 0; k < p.net.layers.size(); ++k) {
    const Layer& l = p.net.layers[k];
    const std::size_t n = l.in_dim();
    IntervalMatrix next{l.out_dim(), d, std::vector<DInterval>(l.out_dim() * d, DInterval::point(0))};
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      if (k + 1 < p.net.layers.size() && b.preactivations[k][i].hi < 0) continue;
      for (std::size_t j = 0; j < n; ++j) {
        const DInterval& w = l.weights_i[i * n + j];
        if (w.lo == 0 && w.hi == 0) continue;
        for (std::size_t c = 0; c < d; ++c) next.at(i, c) = tight_add(next.at(i, c), tight_mul(w, m.at(j, c)));
      }
    }
    m = std::move(next);
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
  DBox point(d);
  for (std::size_t i = 0; i < d; ++i) {
    if (!std::isfinite(x[i])) return std::nullopt;
    Rational xi = p.free[i] ? rational_from_double(x[i]) : p.lo[i];
    if (!p.unbounded && (xi < p.lo[i] || xi > p.hi[i])) return std::nullopt;
    point[i] = p.free[i] ? DInterval::point(x[i]) : DInterval::from_rational(xi);
    w.point.push_back(xi);
  }
  BoxBounds b = net_ibp(p.net, point);
  for (std::size_t k = 0; k + 1 < b.preactivations.size(); ++k)
    for (const DInterval& z : b.preactivations[k])
      if (z.contains(0.0)) return std::nullopt;
  IntervalMatrix j = jacobian_on_piece(p, b);
  std::vector<double> v;
  if (p.norm == Norm::L2 && j.rows > 1 && j.cols > 1) {
    std::vector<double> mid(j.entries.size());
    for (std::size_t i = 0; i < mid.size(); ++i) mid[i] = 0.5 * (j.entries[i].lo + j.entries[i].hi);
    dmatrix_norm(mid, j.rows, j.cols, Norm::L2, &v);
    for (double& t : v) if (!std::isfinite(t)) t = 0;
    for (double t : v) w.vector.push_back(rational_from_double(t));
  }
  // The certified value is the one the checker recomputes: the exact
  // Jacobian of the piece containing the point, floored on the 2^-64 grid.
  ExactTrace trace = net_trace_exact(p.net, w.point);
  if (!trace.is_interior()) return std::nullopt;
  auto exact = net_jacobian_exact(p.net, trace.pattern());
  for (auto& row : exact)
    for (std::size_t c = 0; c < d; ++c) if (!p.free[c]) row[c] = 0;
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

std::vector<double> witness_region_walk(const LipProblem& p, const DBox& box, std::vector<double> x, int steps) {
  double current = witness_estimate(p, x);
  for (int step = 0; step < steps; ++step) {
    std::vector<double> best;
    double best_value = current;
    for (const Preactivation& z : preactivations_double(p, x)) {
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
