#include "lipschitz/strict_system.hpp"

#include <glpk.h>

#include <cmath>

namespace rl {
namespace {

double row_norm(const StrictRow& r) {
  double s = 0;
  for (double v : r.a) s += v * v;
  return std::sqrt(s);
}

// GLPK keeps one environment per thread; this frees it when the thread ends.
struct GlpkEnvironment {
  ~GlpkEnvironment() { glp_free_env(); }
};

struct Lp {
  glp_prob* lp = glp_create_prob();
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  ~Lp() { glp_delete_prob(lp); }
  void add(int row, int col, double v) {
    if (v == 0) return;
    ia.push_back(row);
    ja.push_back(col);
    ar.push_back(v);
  }
  bool solve(bool presolve) {
    if (ia.size() > 1) glp_load_matrix(lp, int(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = presolve ? GLP_ON : GLP_OFF;
    return glp_simplex(lp, &parm) == 0 && glp_get_status(lp) == GLP_OPT;
  }
};

// A smaller optimum is rounding noise as likely as a region.
constexpr double kMinSlack = 1e-12;

// The LP behind both questions, in the form whose basis has d + 1 rows
// whatever the number of constraints (a box search's systems have up to a
// few hundred; the primal, one row per constraint, took most of its time):
//   min sum_t y_t c_t / |a_t| + s  over y, s >= 0,
//   sum_t y_t a_t / |a_t| = 0,  sum_t y_t + s = 1
// (a row with a = 0 enters unscaled). It is the dual of the largest
// normalized slack, max t s.t. (a_t . x + c_t) / |a_t| >= t, t <= 1: x is
// minus the duals of the first d rows. With `capped` false there is no s,
// and y at the optimum is a refutation's candidate when its value is <= 0.
struct SlackLp {
  bool solved = false;
  std::vector<double> x, y;  // y per row of the system
};

SlackLp solve_slack_lp(const std::vector<StrictRow>& rows, std::size_t d, bool capped) {
  thread_local GlpkEnvironment environment;
  const std::size_t n = rows.size();
  Lp p;
  glp_set_obj_dir(p.lp, GLP_MIN);
  glp_add_rows(p.lp, int(d) + 1);
  for (std::size_t c = 0; c < d; ++c) glp_set_row_bnds(p.lp, int(c) + 1, GLP_FX, 0, 0);
  glp_set_row_bnds(p.lp, int(d) + 1, GLP_FX, 1, 1);
  glp_add_cols(p.lp, int(n) + (capped ? 1 : 0));
  for (std::size_t t = 0; t < n; ++t) {
    const double norm = row_norm(rows[t]), scale = norm > 0 ? 1 / norm : 1;
    // A row 0 . x + c with c > 0 always holds: it neither bounds the slack nor refutes.
    if (norm > 0 || !(rows[t].c > 0)) glp_set_col_bnds(p.lp, int(t) + 1, GLP_LO, 0, 0);
    else glp_set_col_bnds(p.lp, int(t) + 1, GLP_FX, 0, 0);
    glp_set_obj_coef(p.lp, int(t) + 1, rows[t].c * scale);
    for (std::size_t c = 0; c < d; ++c) p.add(int(c) + 1, int(t) + 1, rows[t].a[c] * scale);
    p.add(int(d) + 1, int(t) + 1, 1);
  }
  if (capped) {
    glp_set_col_bnds(p.lp, int(n) + 1, GLP_LO, 0, 0);
    glp_set_obj_coef(p.lp, int(n) + 1, 1);
    p.add(int(d) + 1, int(n) + 1, 1);
  }
  SlackLp out;
  // Without GLPK's presolver (it copies and rescales every small LP): 11 %
  // less CPU on ACAS Xu boxes; a failed solve only leaves the node open.
  if (!p.solve(false)) return out;
  out.solved = true;
  for (std::size_t c = 0; c < d; ++c) out.x.push_back(-glp_get_row_dual(p.lp, int(c) + 1));
  for (std::size_t t = 0; t < n; ++t) out.y.push_back(glp_get_col_prim(p.lp, int(t) + 1));
  return out;
}

// Whether x meets every row with a normalized slack > kMinSlack (doubles).
bool strictly_inside(const std::vector<StrictRow>& rows, const std::vector<double>& x) {
  for (const StrictRow& r : rows) {
    double v = r.c;
    for (std::size_t c = 0; c < x.size(); ++c) v += r.a[c] * x[c];
    const double norm = row_norm(r);
    if (!(norm > 0 ? v / norm > kMinSlack : r.c > 0)) return false;
  }
  return true;
}

}  // namespace

StrictSlack strict_system_slack(const std::vector<StrictRow>& rows, std::size_t d) {
  StrictSlack out;
  SlackLp lp = solve_slack_lp(rows, d, true);
  if (!lp.solved) return out;
  // The slack at x itself, not the LP's value: x is what the caller gets.
  if (strictly_inside(rows, lp.x)) out.point = std::move(lp.x);
  else out.multipliers = std::move(lp.y);
  return out;
}

std::optional<std::vector<double>> strict_system_point(const std::vector<StrictRow>& rows, std::size_t d) {
  return strict_system_slack(rows, d).point;
}

namespace {

// The certificate of the LP's multipliers y (doubles) on the rows before the
// box rows, the box rows' multipliers cancelling their x part (see the header).
std::optional<std::vector<Rational>> box_cancelled(const std::vector<double>& y, std::size_t box_from, std::size_t d,
                                                   const std::function<ExactRow(std::size_t)>& exact_row) {
  std::vector<Rational> full(box_from + 2 * d, Rational(0));
  std::vector<Rational> sum(d, Rational(0));
  Rational c = 0;
  bool nonzero = false;
  for (std::size_t t = 0; t < box_from; ++t) {
    if (!(y[t] > 0)) continue;
    const ExactRow r = exact_row(t);
    full[t] = rational_from_double(y[t]);
    for (std::size_t col = 0; col < d; ++col)
      if (r.a[col] != 0) sum[col] += full[t] * r.a[col];
    c += full[t] * r.c;
    nonzero = true;
  }
  if (!nonzero) return std::nullopt;
  for (std::size_t col = 0; col < d; ++col) {
    if (sum[col] == 0) continue;
    const std::size_t t = box_from + 2 * col + (sum[col] > 0 ? 1 : 0);  // hi row (-x_c) cancels a positive sum
    full[t] = sum[col] > 0 ? sum[col] : Rational(-sum[col]);
    c += full[t] * exact_row(t).c;
  }
  if (c > 0) return std::nullopt;
  return full;
}

}  // namespace

std::optional<std::vector<Rational>> strict_system_refutation(const std::vector<StrictRow>& rows, std::size_t d,
                                                              const std::function<ExactRow(std::size_t)>& exact_row,
                                                              std::optional<std::size_t> box_rows_from,
                                                              const std::vector<double>* multipliers) {
  const std::size_t n = rows.size();
  if (n == 0) return std::nullopt;
  // Untrusted: the LP's multipliers (minimize sum y_t c_t / |a_t| s.t.
  // sum y_t a_t / |a_t| = 0, sum y_t = 1, y >= 0), or the capped LP's
  // strict_system_slack already solved, which is the same LP when its value is <= 0.
  std::vector<double> y;
  if (multipliers) y = *multipliers;
  else if (SlackLp lp = solve_slack_lp(rows, d, false); lp.solved) y = std::move(lp.y);
  if (y.size() != n) return std::nullopt;
  double value = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const double norm = row_norm(rows[t]);
    value += y[t] * rows[t].c / (norm > 0 ? norm : 1);
  }
  std::vector<std::size_t> support;
  if (value <= 1e-9)
    for (std::size_t t = 0; t < n; ++t) if (y[t] > 1e-13) support.push_back(t);
  if (support.empty()) return std::nullopt;
  if (box_rows_from && *box_rows_from + 2 * d == n) {
    std::vector<double> scaled(*box_rows_from, 0.0);
    for (std::size_t t : support)
      if (t < scaled.size()) scaled[t] = y[t] / (row_norm(rows[t]) > 0 ? row_norm(rows[t]) : 1);
    if (auto cancelled = box_cancelled(scaled, *box_rows_from, d, exact_row)) return cancelled;
  }
  // Exact: solve sum_{t in support} y_t a_t = 0, sum y_t = 1; then y >= 0 and c . y <= 0.
  std::vector<ExactRow> exact;
  for (std::size_t t : support) exact.push_back(exact_row(t));
  std::vector<std::vector<Rational>> a(d + 1, std::vector<Rational>(support.size()));
  std::vector<Rational> b(d + 1, Rational(0));
  b[d] = 1;
  for (std::size_t k = 0; k < support.size(); ++k) {
    for (std::size_t c = 0; c < d; ++c) a[c][k] = exact[k].a[c];
    a[d][k] = 1;
  }
  const auto exact_y = rational_solve(a, b);
  if (!exact_y) return std::nullopt;
  std::vector<Rational> full(n, Rational(0));
  Rational cy = 0;
  for (std::size_t k = 0; k < support.size(); ++k) {
    if ((*exact_y)[k] < 0) return std::nullopt;
    full[support[k]] = (*exact_y)[k];
    cy += (*exact_y)[k] * exact[k].c;
  }
  if (cy > 0) return std::nullopt;
  return full;
}

std::optional<std::vector<Rational>> rational_solve(std::vector<std::vector<Rational>> a, std::vector<Rational> b) {
  const std::size_t rows = a.size(), cols = rows ? a[0].size() : 0;
  std::vector<std::size_t> pivot_col;
  std::size_t r = 0;
  for (std::size_t c = 0; c < cols && r < rows; ++c) {
    std::size_t piv = r;
    while (piv < rows && a[piv][c] == 0) ++piv;
    if (piv == rows) continue;
    std::swap(a[piv], a[r]);
    std::swap(b[piv], b[r]);
    for (std::size_t i = 0; i < rows; ++i) {
      if (i == r || a[i][c] == 0) continue;
      Rational f = a[i][c] / a[r][c];
      for (std::size_t j = c; j < cols; ++j) a[i][j] -= f * a[r][j];
      b[i] -= f * b[r];
    }
    pivot_col.push_back(c);
    ++r;
  }
  for (std::size_t i = r; i < rows; ++i) if (b[i] != 0) return std::nullopt;
  std::vector<Rational> y(cols, Rational(0));
  for (std::size_t i = 0; i < r; ++i) y[pivot_col[i]] = b[i] / a[i][pivot_col[i]];
  return y;
}

}  // namespace rl
