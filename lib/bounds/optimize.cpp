#include "bounds/optimize.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "net/eval.hpp"

namespace rl::bounds {
namespace {

// Gradients of the bound with respect to the choice, by one forward pass of
// the relaxed network from the maximizing corner: there the bound equals the
// relaxed chain's value, and each relaxation term's derivative is the value
// of the pre-activation it multiplies.
struct Gradient {
  std::vector<double> lambda;
  NeuronValues alpha, beta;
};

Gradient gradient(const Network& net, const PreBounds& pb, const StateMatrix& states, const RelaxationChoice& c, const BacksubTrace& trace) {
  Gradient g{std::vector<double>(c.lambda.size(), 0), {}, {}};
  std::vector<double> v = trace.corner;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    const std::size_t n = l.out_dim();
    std::vector<double> z(n);
    layer_affine_double(l, v.data(), z.data());
    if (k + 1 == net.layers.size()) {
      g.lambda = z;
      break;
    }
    g.alpha.emplace_back(n, 0);
    g.beta.emplace_back(n, 0);
    v.assign(n, 0);
    for (std::size_t j = 0; j < n; ++j) {
      const double lo = pb.lo[k][j], hi = pb.hi[k][j], m = trace.h_coefficient[k][j];
      switch (relu_gate(lo, hi, states[k][j])) {
        case Gate::dead: break;
        case Gate::pass: v[j] = z[j]; break;
        case Gate::unstable:
          if (m >= 0) {
            double s, t;
            chord<FloatArith>(lo, hi, s, t);
            v[j] = s * z[j] + t;
          } else {
            v[j] = c.alpha[k][j] * z[j];
            g.alpha[k][j] = m * z[j];
          }
          break;
      }
      if (states[k][j] != 0) g.beta[k][j] = states[k][j] * z[j];
    }
  }
  return g;
}

struct Adam {
  double rate;
  std::vector<double> m, v;
  int t = 0;
  // One descent step on x with gradient g (same flat order every call).
  void step(std::vector<double*>& x, const std::vector<double>& g) {
    if (m.empty()) m.assign(g.size(), 0), v.assign(g.size(), 0);
    ++t;
    const double b1 = 0.9, b2 = 0.999, c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
    for (std::size_t i = 0; i < g.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      *x[i] -= rate * (m[i] / c1) / (std::sqrt(v[i] / c2) + 1e-12);
    }
  }
};

// Euclidean projection onto {x >= 0, x_i = 0 off rows, sum x = 1}.
void project_simplex(std::vector<double>& x, const std::vector<std::size_t>& rows) {
  std::vector<double> u;
  for (std::size_t r : rows) u.push_back(x[r]);
  std::sort(u.begin(), u.end(), std::greater<>());
  double sum = 0, theta = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    sum += u[i];
    double th = (sum - 1) / static_cast<double>(i + 1);
    if (u[i] - th > 0) theta = th;
  }
  for (std::size_t r : rows) x[r] = std::fmax(x[r] - theta, 0.0);
}

}  // namespace

namespace {

// One hidden layer's relaxation under the default slopes, for a coefficient m
// on h = relu(z): h is replaced by (m >= 0 ? upper : lower) . z + constant.
struct LayerRelaxation {
  std::vector<double> upper_slope, upper_constant, lower_slope;  // dead: 0; pass: 1; unstable: chord / alpha
};

LayerRelaxation layer_relaxation(const PreBounds& pb, const StateMatrix& states, std::size_t k) {
  const std::size_t n = pb.lo[k].size();
  LayerRelaxation r{std::vector<double>(n, 0), std::vector<double>(n, 0), std::vector<double>(n, 0)};
  for (std::size_t j = 0; j < n; ++j) {
    const double lo = pb.lo[k][j], hi = pb.hi[k][j];
    switch (relu_gate(lo, hi, states[k][j])) {
      case Gate::dead: break;
      case Gate::pass: r.upper_slope[j] = r.lower_slope[j] = 1; break;
      case Gate::unstable:
        chord<FloatArith>(lo, hi, r.upper_slope[j], r.upper_constant[j]);
        r.lower_slope[j] = default_alpha(lo, hi);
        break;
    }
  }
  return r;
}

// Upper bound of row . z_top over the box, by back-substitution through the
// relaxations below `top`; `row` is overwritten.
double backsubstitute(const Network& net, const PreBounds& pb, const std::vector<LayerRelaxation>& relax, std::size_t top,
                      std::vector<double>& row, std::vector<double>& scratch) {
  double constant = 0;
  for (std::size_t k = top + 1; k-- > 0;) {
    const Layer& l = net.layers[k];
    const std::size_t n_in = l.in_dim(), n_out = l.out_dim();
    scratch.assign(n_in, 0.0);
    for (std::size_t i = 0; i < n_out; ++i) {
      const double m = row[i];
      if (m == 0) continue;
      constant += m * l.bias_f[i];
      const double* w = &l.weights_f[i * n_in];
      for (std::size_t j = 0; j < n_in; ++j) scratch[j] += m * w[j];
    }
    if (k == 0) {
      for (std::size_t j = 0; j < n_in; ++j) {
        const double m = scratch[j];
        constant += m > 0 ? m * pb.in_hi[j] : (m < 0 ? m * pb.in_lo[j] : 0.0);
      }
      return constant;
    }
    const LayerRelaxation& r = relax[k - 1];
    row.resize(n_in);
    for (std::size_t j = 0; j < n_in; ++j) {
      const double m = scratch[j];
      if (m >= 0) {
        row[j] = m * r.upper_slope[j];
        constant += m * r.upper_constant[j];
      } else {
        row[j] = m * r.lower_slope[j];
      }
    }
  }
  return constant;
}

// The default slopes' relaxation worked out once per layer, and one row and
// scratch buffer for every neuron.
struct LayerwiseTightening {
  const Network& net;
  const StateMatrix& states;
  std::vector<LayerRelaxation> relax;
  std::vector<double> row, scratch;
  double upper(const PreBounds& pb, std::size_t k, std::size_t j, double sign) {
    row.assign(net.layers[k].out_dim(), 0.0);
    row[j] = sign;
    return backsubstitute(net, pb, relax, k, row, scratch);
  }
  void layer_done(const PreBounds& pb, std::size_t k) { relax.push_back(layer_relaxation(pb, states, k)); }
};

}  // namespace

PreBounds fast_preactivation_bounds(const Network& net, std::vector<double> in_lo, std::vector<double> in_hi, const StateMatrix& states,
                                    const PreBounds* outer) {
  LayerwiseTightening tighten{net, states, {}, {}, {}};
  return preactivation_bounds_tightened<FloatArith>(net, std::move(in_lo), std::move(in_hi), states, outer, tighten);
}

RelaxationChoice default_choice(const Network& net, const PreBounds& pb, const std::vector<std::size_t>& rows) {
  RelaxationChoice c;
  c.lambda.assign(net.output_dim(), 0);
  for (std::size_t r : rows) c.lambda[r] = 1.0 / static_cast<double>(rows.size());
  for (std::size_t k = 0; k < pb.lo.size(); ++k) {
    c.alpha.emplace_back(pb.lo[k].size());
    c.beta.emplace_back(pb.lo[k].size(), 0.0);
    for (std::size_t j = 0; j < pb.lo[k].size(); ++j) c.alpha[k][j] = default_alpha(pb.lo[k][j], pb.hi[k][j]);
  }
  return c;
}

OptimizedBound optimize_bound(const Network& net, const PreBounds& pb, const StateMatrix& states, const std::vector<std::size_t>& rows,
                              const RelaxationChoice& start, const OptimizeOptions& options) {
  OptimizedBound best;
  RelaxationChoice c = start;
  // The free parameters, flattened: unstable alphas, split betas, lambdas (when several atoms).
  std::vector<double*> xa, xb, xl;
  for (std::size_t k = 0; k < pb.lo.size(); ++k)
    for (std::size_t j = 0; j < pb.lo[k].size(); ++j) {
      Gate gate = relu_gate(pb.lo[k][j], pb.hi[k][j], states[k][j]);
      if (gate == Gate::unstable) xa.push_back(&c.alpha[k][j]);
      if (options.use_beta && states[k][j] != 0) xb.push_back(&c.beta[k][j]);
    }
  if (rows.size() > 1)
    for (std::size_t r : rows) xl.push_back(&c.lambda[r]);
  Adam adam_a{options.alpha_rate, {}, {}}, adam_b{options.beta_rate, {}, {}}, adam_l{options.lambda_rate, {}, {}};
  for (int it = 0; it <= options.iterations; ++it) {
    BacksubTrace trace;
    double u = spec_upper<FloatArith>(net, pb, states, c.lambda, &c.alpha, options.use_beta ? &c.beta : nullptr, &trace);
    if (u < best.upper || it == 0) {
      best.upper = u;
      best.choice = c;
      best.corner = trace.corner;
    }
    if (it == options.iterations || u < options.stop_below || !std::isfinite(u)) break;
    Gradient g = gradient(net, pb, states, c, trace);
    std::vector<double> ga, gb, gl;
    for (std::size_t k = 0; k < pb.lo.size(); ++k)
      for (std::size_t j = 0; j < pb.lo[k].size(); ++j) {
        if (relu_gate(pb.lo[k][j], pb.hi[k][j], states[k][j]) == Gate::unstable) ga.push_back(g.alpha[k][j]);
        if (options.use_beta && states[k][j] != 0) gb.push_back(g.beta[k][j]);
      }
    for (std::size_t r : rows)
      if (rows.size() > 1) gl.push_back(g.lambda[r]);
    adam_a.step(xa, ga);
    for (double* a : xa) *a = std::fmin(1.0, std::fmax(0.0, *a));
    if (!xb.empty()) {
      adam_b.step(xb, gb);
      for (double* b : xb) *b = std::fmax(0.0, *b);
    }
    if (!xl.empty()) {
      adam_l.step(xl, gl);
      project_simplex(c.lambda, rows);
    }
  }
  return best;
}

}  // namespace rl::bounds
