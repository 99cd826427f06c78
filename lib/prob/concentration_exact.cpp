#include "prob/concentration_exact.hpp"

#include <algorithm>

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "prob/coordinate_tail.hpp"

namespace rl {
namespace {

// A rational upper bound on the Gaussian grid end 10 sqrt(2/d), where
// erfc(10) < 3e-45.
Rational gaussian_t_end(const Integer& d) {
  return (Interval::from_int(10) * interval_sqrt(Interval(Rational(2) / Rational(d)))).upper();
}

}  // namespace

std::vector<Rational> coordinate_grid(const Measure& m, std::size_t grid_points, Rational& t_end) {
  t_end = m.is_bounded() ? coordinate_deviation_radius(m) : gaussian_t_end(m.d);
  if (!m.is_bounded() && !m.is_single(MeasureKind::Gaussian))
    t_end = std::max(t_end, Rational(3, 2));
  std::vector<Rational> grid;
  for (std::size_t i = 0; i <= grid_points; ++i) grid.push_back(t_end * Rational(i, grid_points));
  Integer s = boost::multiprecision::sqrt(m.d);
  for (long k = 1; k <= 8 * 16; ++k) {
    Rational t(Integer(k), Integer(8) * s);
    if (t < t_end) grid.push_back(t);
  }
  return grid;
}

CoordinateCheck concentration_check_coordinate(const Measure& m, const ConcentrationBound& b,
                                               const std::optional<Rational>& t, std::size_t grid_points,
                                               mpfr_prec_t prec, const StaircaseStop& stop) {
  TailFunction tail = [&](const Rational& s) { return coordinate_deviation_tail(m, s, prec); };
  TailFunction bound = [&](const Rational& s) { return concentration_bound(b, s, prec); };
  CoordinateCheck out;
  if (t) {
    if (*t < 0) throw InputError("--t", "t must be >= 0");
    coordinate_tail_check_size(m, {*t}, "--d");
    TailPoint p{*t, tail(*t), bound(*t)};
    out.result.points = {p};
    out.result.witness = p;
    out.result.verdict = verdict_of(p.tail, p.bound);
    out.t_end = *t;
    out.scope = "the single t given";
    return out;
  }
  std::vector<Rational> grid = coordinate_grid(m, grid_points, out.t_end);
  coordinate_tail_check_size(m, grid, "--d");
  out.result = tail_staircase_check(tail, bound, grid, 24, stop);
  const std::string range = "every t in [0, " + decimal_upper(out.t_end, 6) + "] (grid + monotone staircase)";
  if (m.is_bounded()) {
    out.scope = "every t >= 0: " + range + "; beyond, |x_1 - E x_1| <= t_end so the tail is 0";
  } else if (m.is_single(MeasureKind::Gaussian)) {
    // erfc(x) <= exp(-x^2) gives tail <= exp(-d t^2 / 2); it is below the
    // bound for every t when the bound's rate is at most d/2.
    bool rate_ok = b.form == ConcentrationForm::Definition2
                       ? b.c.square() * b.lipschitz_squared * Rational(m.d) >= 2
                       : b.c.square() * b.lipschitz_squared * b.lipschitz_squared >= 1;
    out.scope = rate_ok ? "every t >= 0: " + range + "; beyond, erfc(x) <= exp(-x^2) and the bound's rate is <= d/2"
                        : range + " only (the bound decays faster than the Gaussian tail: it fails for large t)";
    if (!rate_ok && out.result.verdict == Verdict::Holds) out.result.verdict = Verdict::Inconclusive;
  } else {
    out.scope = range + " only (unbounded mixture)";
  }
  if (out.result.verdict == Verdict::Violated) out.scope = "a certified violation at the witness t (one t suffices)";
  else if (out.result.stopped) out.scope = "stopped before every cell of " + range + " was settled";
  return out;
}

namespace {

// N(0, I/d), x = t sqrt(d/2): P = erfc(x) < exp(-x^2), so log(2/P) > x^2 and
// the critical c(t) is below t / x = sqrt(2/d) (definition2), resp. x^2 / x^2 = 1
// (isoperimetry), at every t; log(2/erfc(x)) / x^2 -> 1 makes it tend to that
// limit. So the least c is the limit itself, exactly.
CriticalConstant gaussian_least_c(const Measure& m, ConcentrationForm form, mpfr_prec_t prec) {
  CriticalConstant out;
  out.c = form == ConcentrationForm::Definition2 ? interval_sqrt(Interval(Rational(2) / Rational(m.d), prec))
                                                 : Interval(Rational(1), prec);
  out.tail_end = "exact: the critical c is below its t -> infinity limit at every t (erfc(x) < exp(-x^2)) and tends "
                 "to it, so the least c is that limit (not attained)";
  return out;
}

// Bisections allowed for a relative tolerance: 1500, plus 150 per decimal digit past 6.
std::size_t find_c_budget(const Rational& rel_tol) {
  const long digits = rel_tol > 0 ? std::max(0L, -decimal_exponent(rel_tol) - 6) : 0;
  return 1500 + 150 * static_cast<std::size_t>(digits);
}

}  // namespace

CriticalConstant concentration_find_c(const Measure& m, ConcentrationForm form, const Rational& rel_tol,
                                      mpfr_prec_t prec, const StaircaseStop& stop) {
  if (m.is_single(MeasureKind::Gaussian)) return gaussian_least_c(m, form, prec);
  if (!m.is_bounded()) throw InputError("--find-c", "needs a bounded measure or the pure Gaussian");
  Rational t_end;
  std::vector<Rational> grid = coordinate_grid(m, 64, t_end);
  coordinate_tail_check_size(m, grid, "--d");
  TailFunction tail = [&](const Rational& s) { return coordinate_deviation_tail(m, s, prec); };
  CriticalFunction crit = [&](const Rational& s, const Interval& p) {
    return concentration_critical_c(form, m.d, Rational(1), s, p, prec);
  };
  SupResult sup = tail_staircase_sup(tail, crit, grid, rel_tol, find_c_budget(rel_tol), stop);
  CriticalConstant out;
  out.stopped = sup.stopped;
  out.argmax = sup.argmax;
  out.evaluations = sup.evaluations;
  out.tail_end = "beyond t_end the tail is 0, so no larger c is needed";
  out.c = Interval(sup.lower, sup.upper, prec);
  return out;
}

}  // namespace rl
