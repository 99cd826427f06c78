#include "robustness/attack.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "net/eval.hpp"
#include "robustness/ball.hpp"

namespace rl {
namespace {

struct FloatPass {
  std::vector<double> input_mask;             // clamp derivative, 1 or 0
  std::vector<std::vector<double>> pre;       // pre-activations per layer
};

FloatPass float_forward(const Network& net, const std::vector<double>& x) {
  FloatPass p;
  std::vector<double> cur = x;
  p.input_mask.assign(x.size(), 1.0);
  if (net.clamp)
    for (std::size_t i = 0; i < x.size(); ++i) {
      double lo = rational_to_double(net.clamp->lo[i]), hi = rational_to_double(net.clamp->hi[i]);
      if (cur[i] < lo) { cur[i] = lo; p.input_mask[i] = 0; }
      if (cur[i] > hi) { cur[i] = hi; p.input_mask[i] = 0; }
    }
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<double> z(l.out_dim());
    layer_affine_double(l, cur.data(), z.data());
    p.pre.push_back(z);
    if (k + 1 < net.layers.size())
      for (double& v : z) v = std::fmax(v, 0.0);
    cur = std::move(z);
  }
  return p;
}

// Gradient of sum_j a_j f_j at the pattern of the pass.
std::vector<double> float_backward(const Network& net, const FloatPass& pass, const std::vector<double>& a) {
  std::vector<double> up = a;
  for (std::size_t k = net.layers.size(); k-- > 0;) {
    const Layer& l = net.layers[k];
    const std::size_t n = l.in_dim();
    if (k + 1 < net.layers.size())
      for (std::size_t i = 0; i < up.size(); ++i) up[i] = pass.pre[k][i] > 0 ? up[i] : 0.0;
    std::vector<double> down(n, 0.0);
    for (std::size_t i = 0; i < l.out_dim(); ++i)
      if (up[i] != 0)
        for (std::size_t j = 0; j < n; ++j) down[j] += l.weights_f[i * n + j] * up[i];
    up = std::move(down);
  }
  for (std::size_t i = 0; i < up.size(); ++i) up[i] *= pass.input_mask[i];
  return up;
}

std::vector<double> to_doubles(const std::vector<Rational>& v) {
  std::vector<double> out;
  for (const Rational& q : v) out.push_back(rational_to_double(q));
  return out;
}

// Projection (untrusted) onto the box and then into the ball.
void project(const SafetyProperty& property, const std::vector<double>& lo, const std::vector<double>& hi, std::vector<double>& y) {
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = std::clamp(y[i], lo[i], hi[i]);
  if (!property.ball || property.ball->norm == Norm::Linf) return;
  const Ball& b = *property.ball;
  std::vector<double> c = to_doubles(b.center);
  double r = rational_to_double(b.radius), g = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    double d = std::fabs(y[i] - c[i]);
    g += b.norm == Norm::L2 ? d * d : d;
  }
  if (b.norm == Norm::L2) g = std::sqrt(g);
  if (g <= r || g == 0) return;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = c[i] + (y[i] - c[i]) * (r / g);
}

// One ascent step of length `step` in the geometry of the region.
void ascend(const SafetyProperty& property, const std::vector<double>& grad, const std::vector<double>& width, double step,
            std::vector<double>& y) {
  Norm geometry = property.ball ? property.ball->norm : Norm::Linf;
  if (geometry == Norm::Linf) {
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += step * width[i] * (grad[i] > 0 ? 1 : (grad[i] < 0 ? -1 : 0));
    return;
  }
  double scale = *std::max_element(width.begin(), width.end());
  if (geometry == Norm::L1) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < y.size(); ++i) if (std::fabs(grad[i]) > std::fabs(grad[best])) best = i;
    y[best] += step * scale * (grad[best] > 0 ? 1 : -1);
    return;
  }
  double n = 0;
  for (double g : grad) n += g * g;
  n = std::sqrt(n);
  if (n == 0) return;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += step * scale * grad[i] / n;
}

}  // namespace

double attack_objective(const Network& net, const SafetyProperty& property, const std::vector<double>& y, std::vector<double>* gradient) {
  FloatPass pass = float_forward(net, y);
  const std::vector<double>& out = pass.pre.back();
  double best = -std::numeric_limits<double>::infinity();
  const OutputAtom* best_atom = nullptr;
  for (const OutputConjunction& conj : property.unsafe) {
    double worst = std::numeric_limits<double>::infinity();
    const OutputAtom* worst_atom = nullptr;
    for (const OutputAtom& a : conj) {
      double v = rational_to_double(a.constant);
      for (std::size_t j = 0; j < out.size(); ++j) v += rational_to_double(a.coefficients[j]) * out[j];
      if (v < worst) { worst = v; worst_atom = &a; }
    }
    if (worst > best) { best = worst; best_atom = worst_atom; }
  }
  if (gradient) {
    gradient->assign(y.size(), 0.0);
    if (best_atom) *gradient = float_backward(net, pass, to_doubles(best_atom->coefficients));
  }
  return best;
}

std::vector<std::vector<double>> attack_pgd(const Network& net, const SafetyProperty& property, const std::vector<Rational>& lo_q,
                                            const std::vector<Rational>& hi_q, std::mt19937_64& rng, const AttackOptions& options) {
  std::vector<double> lo = to_doubles(lo_q), hi = to_doubles(hi_q), width(lo.size());
  for (std::size_t i = 0; i < lo.size(); ++i) width[i] = hi[i] - lo[i];
  std::vector<std::pair<double, std::vector<double>>> ends;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t runs = options.restarts + options.starts.size();
  for (std::size_t r = 0; r < runs && !(options.stop && options.stop()); ++r) {
    std::vector<double> y(lo.size());
    if (r >= options.restarts) y = options.starts[r - options.restarts];
    else
      for (std::size_t i = 0; i < y.size(); ++i) y[i] = r == 0 ? lo[i] + 0.5 * width[i] : lo[i] + u(rng) * width[i];
    project(property, lo, hi, y);
    std::vector<double> best_y = y, grad;
    double best = attack_objective(net, property, y, &grad);
    for (unsigned s = 0; s < options.steps && best < 0; ++s) {
      double step = 0.5 * std::pow(0.93, s);
      ascend(property, grad, width, step, y);
      project(property, lo, hi, y);
      double v = attack_objective(net, property, y, &grad);
      if (v > best) { best = v; best_y = y; }
    }
    ends.push_back({best, best_y});
  }
  std::sort(ends.begin(), ends.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::vector<double>> out;
  for (auto& e : ends) out.push_back(std::move(e.second));
  return out;
}

namespace {

// GLPK keeps one environment per thread; freed when the thread ends.
struct AttackGlpkEnvironment {
  ~AttackGlpkEnvironment() { glp_free_env(); }
};

// The conjunction that attains attack_objective at y (max over conjunctions of min over atoms).
const OutputConjunction* best_conjunction(const SafetyProperty& property, const std::vector<double>& out) {
  const OutputConjunction* best = nullptr;
  double best_value = -std::numeric_limits<double>::infinity();
  for (const OutputConjunction& conj : property.unsafe) {
    double worst = std::numeric_limits<double>::infinity();
    for (const OutputAtom& a : conj) {
      double v = rational_to_double(a.constant);
      for (std::size_t j = 0; j < out.size(); ++j) v += rational_to_double(a.coefficients[j]) * out[j];
      worst = std::fmin(worst, v);
    }
    if (!best || worst > best_value) { best = &conj; best_value = worst; }
  }
  return best;
}

// max t subject to t <= value_i + grad_i . (x - y) (every atom i), x in [lo, hi]; nothing when the LP fails.
std::optional<std::vector<double>> linearized_step(const std::vector<double>& y, const std::vector<double>& values,
                                                   const std::vector<std::vector<double>>& grads, const std::vector<double>& lo,
                                                   const std::vector<double>& hi) {
  thread_local AttackGlpkEnvironment environment;
  const int d = static_cast<int>(y.size());
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MAX);
  glp_add_cols(lp, d + 1);
  for (int i = 0; i < d; ++i) glp_set_col_bnds(lp, i + 1, lo[i] < hi[i] ? GLP_DB : GLP_FX, lo[i], lo[i] < hi[i] ? hi[i] : lo[i]);
  glp_set_col_bnds(lp, d + 1, GLP_FR, 0, 0);
  glp_set_obj_coef(lp, d + 1, 1.0);
  glp_add_rows(lp, static_cast<int>(values.size()));
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  for (std::size_t r = 0; r < values.size(); ++r) {
    // t - grad . x <= value - grad . y
    double rhs = values[r];
    for (int i = 0; i < d; ++i) {
      rhs -= grads[r][i] * y[i];
      if (grads[r][i] != 0) { ia.push_back(int(r) + 1); ja.push_back(i + 1); ar.push_back(-grads[r][i]); }
    }
    ia.push_back(int(r) + 1); ja.push_back(d + 1); ar.push_back(1.0);
    glp_set_row_bnds(lp, int(r) + 1, GLP_UP, 0, rhs);
  }
  glp_load_matrix(lp, int(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.it_lim = 200;  // d + 1 columns: a few pivots suffice; a degenerate LP may otherwise cycle for minutes
  parm.tm_lim = 100;  // milliseconds
  std::optional<std::vector<double>> x;
  if (glp_simplex(lp, &parm) == 0 && glp_get_status(lp) == GLP_OPT) {
    x.emplace(y.size());
    for (int i = 0; i < d; ++i) (*x)[i] = std::clamp(glp_get_col_prim(lp, i + 1), lo[i], hi[i]);
  }
  glp_delete_prob(lp);
  return x;
}

}  // namespace

std::vector<double> attack_refine(const Network& net, const SafetyProperty& property, const std::vector<double>& lo,
                                  const std::vector<double>& hi, std::vector<double> start, unsigned iterations) {
  if (property.ball && property.ball->norm != Norm::Linf) return start;
  const std::size_t d = lo.size();
  for (std::size_t i = 0; i < d; ++i) start[i] = std::clamp(start[i], lo[i], hi[i]);
  std::vector<double> y = std::move(start), radius(d);
  for (std::size_t i = 0; i < d; ++i) radius[i] = 0.125 * (hi[i] - lo[i]);
  double value = attack_objective(net, property, y);
  for (unsigned it = 0; it < iterations; ++it) {
    FloatPass pass = float_forward(net, y);
    const OutputConjunction* conj = best_conjunction(property, pass.pre.back());
    if (!conj) break;
    std::vector<double> values;
    std::vector<std::vector<double>> grads;
    for (const OutputAtom& a : *conj) {
      std::vector<double> c = to_doubles(a.coefficients);
      double v = rational_to_double(a.constant);
      for (std::size_t j = 0; j < c.size(); ++j) v += c[j] * pass.pre.back()[j];
      values.push_back(v);
      grads.push_back(float_backward(net, pass, c));
      if (!std::isfinite(v) || !std::all_of(grads.back().begin(), grads.back().end(), [](double g) { return std::isfinite(g); })) return y;
    }
    std::vector<double> tlo(d), thi(d);
    for (std::size_t i = 0; i < d; ++i) {
      tlo[i] = std::fmax(lo[i], y[i] - radius[i]);
      thi[i] = std::fmin(hi[i], y[i] + radius[i]);
      if (!(thi[i] - tlo[i] > 1e-12 * (hi[i] - lo[i]))) tlo[i] = thi[i] = y[i];  // too thin for the simplex's tolerances
    }
    auto x = linearized_step(y, values, grads, tlo, thi);
    if (!x) break;
    double v = attack_objective(net, property, *x);
    bool improved = v > value;
    if (improved) { y = std::move(*x); value = v; }
    double largest = 0;
    for (std::size_t i = 0; i < d; ++i) {
      radius[i] = improved ? std::fmin(2 * radius[i], hi[i] - lo[i]) : 0.25 * radius[i];
      largest = std::fmax(largest, radius[i] / std::fmax(hi[i] - lo[i], 1e-300));
    }
    if (largest < 1e-9) break;
  }
  return y;
}

namespace {

// True when outward-rounded interval evaluation at y proves the output safe:
// every conjunction has an atom that fails on the whole enclosure. Only
// rejects what the exact evaluation would reject, at a small fraction of its
// cost (exact rationals on 784 inputs and 269k weights: ~0.1 s a point).
bool interval_proves_safe(const Network& net, const SafetyProperty& property, const std::vector<Rational>& y) {
  const BoxBounds bounds = net_ibp(net, dbox_from_rationals(y, y));
  const DBox& out = bounds.output();
  for (const OutputConjunction& conj : property.unsafe) {
    bool fails = false;
    for (const OutputAtom& a : conj) {
      DInterval v = DInterval::from_rational(a.constant);
      for (std::size_t j = 0; j < out.size(); ++j)
        if (a.coefficients[j] != 0) v += DInterval::from_rational(a.coefficients[j]) * out[j];
      fails = fails || (a.strict ? v.hi <= 0 : v.hi < 0);
    }
    if (!fails) return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<Rational>> counterexample_check(const Network& net, const SafetyProperty& property,
                                                          const std::vector<Rational>& candidate) {
  std::vector<Rational> y = candidate;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = y[i] < property.lo[i] ? property.lo[i] : (y[i] > property.hi[i] ? property.hi[i] : y[i]);
  if (property.ball) {
    y = ball_pull_inside(*property.ball, y);
    if (!ball_contains(*property.ball, y)) return std::nullopt;
  }
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] < property.lo[i] || y[i] > property.hi[i]) return std::nullopt;
  if (interval_proves_safe(net, property, y) || !property_output_unsafe(property, net_eval_exact(net, y))) return std::nullopt;
  return y;
}

std::optional<std::vector<Rational>> counterexample_check(const Network& net, const SafetyProperty& property,
                                                          const std::vector<double>& candidate) {
  std::vector<Rational> y;
  for (double v : candidate) {
    if (!std::isfinite(v)) return std::nullopt;
    y.push_back(rational_from_double(v));
  }
  return counterexample_check(net, property, y);
}

}  // namespace rl
