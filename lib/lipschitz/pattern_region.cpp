#include "lipschitz/pattern_region.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>

namespace rl {
namespace {

bool is_unstable(const DInterval& z) { return z.lo < 0 && z.hi > 0; }
std::uint8_t stable_state(const DInterval& z) { return z.lo >= 0 ? 1 : 0; }  // as the vertex walk fixes it

// GLPK keeps one environment per thread (thread-local storage); this frees
// it when the thread ends, so worker threads that ran searches leak nothing.
struct GlpkThreadEnvironment {
  ~GlpkThreadEnvironment() { glp_free_env(); }
};

// A constraint sigma z(x) >= 0 of one unstable neuron, in doubles (search only).
struct Row {
  std::uint32_t layer, neuron;
  std::uint8_t state;
  std::vector<double> coef;  // signed, over the d inputs
  double constant;           // signed
  double norm;
};

// The float affine maps of the pattern's pre-activations, one row per neuron unstable in b.
std::vector<Row> pattern_rows(const LipProblem& p, const DBox& box, const BoxBounds& b, const HiddenPattern& pattern) {
  const std::size_t d = p.net.input_dim;
  std::vector<double> a(d * d, 0.0), c(d, 0.0);
  for (std::size_t i = 0; i < d; ++i) {
    if (p.free[i]) a[i * d + i] = 1.0;
    else c[i] = 0.5 * (box[i].lo + box[i].hi);  // the fixed value, up to rounding: search only
  }
  std::vector<Row> rows;
  for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) {
    const Layer& l = p.net.layers[k];
    const std::size_t n = l.in_dim(), out = l.out_dim();
    std::vector<double> na(out * d, 0.0), nc(out, 0.0);
    for (std::size_t i = 0; i < out; ++i) {
      double ci = l.bias_f[i];
      for (std::size_t j = 0; j < n; ++j) {
        const double w = l.weights_f[i * n + j];
        if (w == 0) continue;
        ci += w * c[j];
        for (std::size_t col = 0; col < d; ++col) na[i * d + col] += w * a[j * d + col];
      }
      nc[i] = ci;
      const bool on = pattern[k][i];
      if (is_unstable(b.preactivations[k][i])) {
        const double sign = on ? 1.0 : -1.0;
        Row r{std::uint32_t(k), std::uint32_t(i), std::uint8_t(on), std::vector<double>(d), sign * ci, 0};
        for (std::size_t col = 0; col < d; ++col) r.coef[col] = sign * na[i * d + col];
        for (double v : r.coef) r.norm += v * v;
        r.norm = std::sqrt(r.norm);
        rows.push_back(std::move(r));
      }
      if (!on) {
        std::fill(na.begin() + std::ptrdiff_t(i * d), na.begin() + std::ptrdiff_t((i + 1) * d), 0.0);
        nc[i] = 0;
      }
    }
    a = std::move(na);
    c = std::move(nc);
  }
  return rows;
}

using Marks = std::vector<std::vector<char>>;

// Backward from the support (the neurons with y > 0), the pre-activation
// forms the sum needs (pre) and the activations they read (act): a
// pre-activation reads the activations of the previous layer through its
// non-zero weights, and an active neuron's activation is its pre-activation.
// nullopt when a needed activation's state is unknown (-1).
struct Needs {
  Marks pre, act;
};
std::optional<Needs> exclusion_needs(const LipProblem& p, const std::vector<std::vector<int>>& state, const Marks& support) {
  Needs n{support, Marks(support.size())};
  for (std::size_t k = 0; k < support.size(); ++k) n.act[k].assign(support[k].size(), 0);
  for (std::size_t k = support.size(); k-- > 1;) {
    const Layer& l = p.net.layers[k];
    const std::size_t in = l.in_dim();
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      if (!n.pre[k][i]) continue;
      for (std::size_t j = 0; j < in; ++j) {
        const DInterval& w = l.weights_i[i * in + j];
        if (w.lo != 0 || w.hi != 0) n.act[k - 1][j] = 1;
      }
    }
    for (std::size_t j = 0; j < n.act[k - 1].size(); ++j) {
      if (!n.act[k - 1][j]) continue;
      if (state[k - 1][j] < 0) return std::nullopt;
      if (state[k - 1][j] == 1) n.pre[k - 1][j] = 1;
    }
  }
  return n;
}

// The key the multipliers need: the rows with y > 0 and every neuron
// unstable in b whose activation their forms read (exclusion_needs), with
// its state in the pattern.
PatternExclusion exclusion_from_multipliers(const LipProblem& p, const BoxBounds& b, const HiddenPattern& pattern,
                                            const std::vector<Row>& rows, const std::vector<double>& y) {
  const double largest = *std::max_element(y.begin(), y.end());
  std::size_t deepest = 0;
  for (std::size_t t = 0; t < rows.size(); ++t)
    if (y[t] > 1e-9 * largest) deepest = std::max<std::size_t>(deepest, rows[t].layer);
  Marks support(deepest + 1);
  std::vector<std::vector<int>> state(deepest + 1);
  std::vector<std::vector<double>> weight(deepest + 1);
  for (std::size_t k = 0; k <= deepest; ++k) {
    support[k].assign(pattern[k].size(), 0);
    weight[k].assign(pattern[k].size(), 0.0);
    state[k].assign(pattern[k].begin(), pattern[k].end());
  }
  for (std::size_t t = 0; t < rows.size(); ++t)
    if (y[t] > 1e-9 * largest) {
      support[rows[t].layer][rows[t].neuron] = 1;
      weight[rows[t].layer][rows[t].neuron] = y[t];
    }
  const Needs needs = *exclusion_needs(p, state, support);  // every state is known
  PatternExclusion e;
  for (std::size_t k = 0; k <= deepest; ++k)
    for (std::size_t i = 0; i < pattern[k].size(); ++i)
      if (support[k][i] || (needs.act[k][i] && is_unstable(b.preactivations[k][i])))
        e.key.push_back({std::uint32_t(k), std::uint32_t(i), pattern[k][i], weight[k][i]});
  return e;
}

// One neuron's affine form sum_j w_j (a_j . x + c_j), outward, with one
// error bound instead of directed rounding per term. With w_j = l_j + t_j r_j
// (t_j in [0, 1], l_j = w_j.lo, r_j >= the width), the sum lies within
// sum_j r_j |term_j|mag of sum_j l_j term_j. Each endpoint sum of n products,
// computed in round to nearest, is within gamma_(n+1) M of its exact value,
// M = sum_j |l_j| |term_j|mag, and gamma_(n+1) M <= 2 (n + 2) u Mhat for the
// computed Mhat when (n + 2) u <= 1/4 (the same factor covers the rounding of
// the width sum); 2^-1000 covers underflow. Writes the d coefficients to
// `form` and returns the constant.
DInterval affine_form(const DInterval* w, const std::vector<DInterval>& a, const std::vector<DInterval>& c, std::size_t d,
                      DInterval* form) {
  const std::size_t n = c.size();
  thread_local std::vector<double> lo, hi, mag, spread;
  lo.assign(d + 1, 0.0);
  hi.assign(d + 1, 0.0);
  mag.assign(d + 1, 0.0);
  spread.assign(d + 1, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const double wj = w[j].lo, aw = std::fabs(wj), r = w[j].width_upper();
    if (wj == 0 && r == 0) continue;
    const DInterval* row = &a[j * d];
    for (std::size_t col = 0; col <= d; ++col) {
      const DInterval& x = col < d ? row[col] : c[j];
      const double xl = wj > 0 ? x.lo : x.hi, xh = wj > 0 ? x.hi : x.lo, xm = std::max(std::fabs(x.lo), std::fabs(x.hi));
      lo[col] += wj * xl;
      hi[col] += wj * xh;
      mag[col] += aw * xm;
      spread[col] += r * xm;
    }
  }
  const double grow = 1 + 2.0 * double(n + 2) * 0x1p-53, gamma = 2.0 * double(n + 2) * 0x1p-53;
  auto enclose = [&](std::size_t col) {
    const double err = next_up(next_up(next_up(mag[col] * gamma) + next_up(spread[col] * grow)) + 0x1p-1000);
    if (!std::isfinite(lo[col]) || !std::isfinite(hi[col]) || !std::isfinite(err)) return DInterval::whole();
    return DInterval{next_down(lo[col] - err), next_up(hi[col] + err)};
  };
  for (std::size_t col = 0; col < d; ++col) form[col] = enclose(col);
  return enclose(d);
}

}  // namespace

PatternRegion pattern_region_search(const LipProblem& p, const DBox& box, const BoxBounds& b, const HiddenPattern& pattern) {
  const std::size_t d = p.net.input_dim;
  std::vector<Row> rows = pattern_rows(p, box, b, pattern);
  PatternRegion out;
  std::vector<const Row*> lp_rows;
  for (const Row& r : rows) {
    if (r.norm > 0) { lp_rows.push_back(&r); continue; }
    if (r.constant > 0) continue;  // always satisfied
    if (r.constant < 0) {          // never satisfied: this row alone is the proof
      std::vector<double> y(rows.size(), 0.0);
      y[std::size_t(&r - rows.data())] = 1.0;
      PatternExclusion e = exclusion_from_multipliers(p, b, pattern, rows, y);
      if (pattern_exclusion_holds(p, box, b, e)) out.exclusion = std::move(e);
    }
    return out;
  }
  // maximize t subject to (row . x + const) / |row| >= t, x in the box, t <= span.
  thread_local GlpkThreadEnvironment environment;
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MAX);
  glp_add_cols(lp, int(d) + 1);
  double span = 0;
  for (std::size_t i = 0; i < d; ++i) {
    const double lo = box[i].lo, hi = box[i].hi;
    if (!p.free[i]) { const double m = 0.5 * (lo + hi); glp_set_col_bnds(lp, int(i) + 1, GLP_FX, m, m); continue; }
    if (std::isfinite(lo) && std::isfinite(hi)) {
      glp_set_col_bnds(lp, int(i) + 1, lo < hi ? GLP_DB : GLP_FX, lo, hi);
      span = std::fmax(span, hi - lo);
    } else {
      glp_set_col_bnds(lp, int(i) + 1, GLP_DB, -1e6, 1e6);
      span = std::fmax(span, 1.0);
    }
  }
  glp_set_col_bnds(lp, int(d) + 1, GLP_UP, 0, span > 0 ? span : 1.0);
  glp_set_obj_coef(lp, int(d) + 1, 1.0);
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  for (std::size_t r = 0; r < lp_rows.size(); ++r) {
    const Row& row = *lp_rows[r];
    glp_add_rows(lp, 1);
    glp_set_row_bnds(lp, int(r) + 1, GLP_LO, -row.constant / row.norm, 0);
    for (std::size_t col = 0; col < d; ++col)
      if (row.coef[col] != 0) { ia.push_back(int(r) + 1); ja.push_back(int(col) + 1); ar.push_back(row.coef[col] / row.norm); }
    ia.push_back(int(r) + 1); ja.push_back(int(d) + 1); ar.push_back(-1.0);
  }
  if (!lp_rows.empty()) glp_load_matrix(lp, int(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  if (glp_simplex(lp, &parm) == 0 && glp_get_status(lp) == GLP_OPT) {
    const double t = glp_get_obj_val(lp);
    if (t > 0) {
      std::vector<double> x(d);
      for (std::size_t i = 0; i < d; ++i) x[i] = glp_get_col_prim(lp, int(i) + 1);
      out.point = std::move(x);
    } else if (t < 0) {
      // The row duals (the optimum's sensitivity to each row's bound) weigh a
      // combination of the rows that is negative on the whole box.
      std::vector<double> y(rows.size(), 0.0);
      for (std::size_t r = 0; r < lp_rows.size(); ++r)
        y[std::size_t(lp_rows[r] - rows.data())] = std::fabs(glp_get_row_dual(lp, int(r) + 1)) / lp_rows[r]->norm;
      if (*std::max_element(y.begin(), y.end()) > 0) {
        PatternExclusion e = exclusion_from_multipliers(p, b, pattern, rows, y);
        if (pattern_exclusion_holds(p, box, b, e)) out.exclusion = std::move(e);
      }
    }
  }
  glp_delete_prob(lp);
  return out;
}

bool pattern_exclusion_holds(const LipProblem& p, const DBox& box, const BoxBounds& b, const PatternExclusion& e) {
  const std::size_t d = p.net.input_dim, hidden = p.net.layers.size() - 1;
  std::size_t deepest = 0;
  for (const KeyNeuron& t : e.key) {
    if (t.layer >= hidden || t.neuron >= p.net.layers[t.layer].out_dim() || !(t.y >= 0) || !std::isfinite(t.y)) return false;
    if (t.y > 0) deepest = std::max<std::size_t>(deepest, t.layer);
  }
  // The states: the key's, else the stable state on b, else unknown (-1).
  std::vector<std::vector<int>> state(deepest + 1);
  Marks support(deepest + 1);
  for (std::size_t k = 0; k <= deepest; ++k) {
    state[k].assign(p.net.layers[k].out_dim(), -1);
    support[k].assign(state[k].size(), 0);
    for (std::size_t i = 0; i < state[k].size(); ++i)
      if (!is_unstable(b.preactivations[k][i])) state[k][i] = stable_state(b.preactivations[k][i]);
  }
  bool any = false;
  for (const KeyNeuron& t : e.key) {
    if (t.layer > deepest) continue;
    int& s = state[t.layer][t.neuron];
    if (s >= 0 && s != t.state) return false;
    s = t.state;
    if (t.y > 0) support[t.layer][t.neuron] = any = true;
  }
  if (!any) return false;
  const std::optional<Needs> needs = exclusion_needs(p, state, support);
  if (!needs) return false;  // a needed activation the key leaves open
  // Forward, the needed forms only; every input a variable over its box enclosure.
  std::vector<DInterval> a(d * d, DInterval::point(0)), c(d, DInterval::point(0));
  for (std::size_t i = 0; i < d; ++i) a[i * d + i] = DInterval::point(1);
  std::vector<DInterval> sum(d, DInterval::point(0));
  DInterval sum_c = DInterval::point(0);
  for (std::size_t k = 0; k <= deepest; ++k) {
    const Layer& l = p.net.layers[k];
    const std::size_t n = l.in_dim(), out = l.out_dim();
    std::vector<DInterval> na(out * d, DInterval::point(0)), nc(out, DInterval::point(0));
    for (std::size_t i = 0; i < out; ++i)
      if (needs->pre[k][i]) nc[i] = l.bias_i[i] + affine_form(&l.weights_i[i * n], a, c, d, &na[i * d]);
    for (const KeyNeuron& t : e.key) {
      if (t.layer != k || t.y == 0) continue;
      const DInterval ys = DInterval::point(t.state ? t.y : -t.y);
      for (std::size_t col = 0; col < d; ++col) sum[col] += ys * na[t.neuron * d + col];
      sum_c += ys * nc[t.neuron];
    }
    // The activations: the form where active and needed, else 0 (an activation
    // no needed form reads may take any value).
    for (std::size_t i = 0; i < out; ++i)
      if (!(needs->act[k][i] && state[k][i] == 1)) {
        std::fill(na.begin() + std::ptrdiff_t(i * d), na.begin() + std::ptrdiff_t((i + 1) * d), DInterval::point(0));
        nc[i] = DInterval::point(0);
      }
    a = std::move(na);
    c = std::move(nc);
  }
  DInterval total = sum_c;
  for (std::size_t col = 0; col < d; ++col) total += sum[col] * box[col];
  return total.hi < 0;
}

bool pattern_exclusion_matches(const PatternExclusion& e, const HiddenPattern& pattern) {
  for (const KeyNeuron& t : e.key)
    if (pattern[t.layer][t.neuron] != t.state) return false;
  return true;
}

bool pattern_exclusion_possible(const PatternExclusion& e, const BoxBounds& b) {
  for (const KeyNeuron& t : e.key) {
    const DInterval& z = b.preactivations[t.layer][t.neuron];
    if (!is_unstable(z) && stable_state(z) != t.state) return false;
  }
  return true;
}

Json pattern_exclusion_json(const PatternExclusion& e) {
  Json key = Json::array(), y = Json::array();
  for (const KeyNeuron& t : e.key) {
    key.push_back(Json::array({t.layer, t.neuron, int(t.state)}));
    y.push_back(rational_to_string(rational_from_double(t.y)));
  }
  return Json{{"key", key}, {"y", y}};
}

}  // namespace rl
