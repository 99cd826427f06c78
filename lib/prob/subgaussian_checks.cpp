#include "prob/subgaussian_checks.hpp"

#include "prob/coordinate_tail.hpp"

namespace rl {

Interval subgaussian_abs_tail(const Distribution& x, const Rational& t, mpfr_prec_t prec) {
  auto exact = [&](const Rational& q) { return Interval(q, prec); };
  if (t <= 0) return exact(1);
  switch (x.kind) {
    case DistributionKind::Rademacher: return exact(t <= 1 ? 1 : 0);
    case DistributionKind::Uniform: return exact(t <= 1 ? 1 - t : Rational(0));
    case DistributionKind::Gaussian: return gaussian_abs_tail(1, t, prec);  // erfc(t / sqrt 2)
    case DistributionKind::Bernoulli: {
      // |X - p| is p with probability 1-p and 1-p with probability p.
      Rational small = std::min(x.p, 1 - x.p), large = std::max(x.p, 1 - x.p);
      Rational p_large = x.p < Rational(1, 2) ? x.p : 1 - x.p;
      if (t <= small) return exact(1);
      if (t <= large) return exact(x.p == Rational(1, 2) ? Rational(1) : p_large);
      return exact(0);
    }
  }
  return exact(1);
}

Lemma1Check lemma1_check(const Distribution& x, const Rational& sigma_squared, mpfr_prec_t prec) {
  TailFunction tail = [&](const Rational& t) { return subgaussian_abs_tail(x, t, prec); };
  TailFunction bound = [&](const Rational& t) {
    return Interval::from_int(2, prec) * interval_exp(-Interval(t * t / (2 * sigma_squared), prec));
  };
  std::optional<Rational> m = x.deviation_max();
  Rational t_end = m ? *m : Rational(12);
  std::vector<Rational> grid;
  for (int i = 0; i <= 256; ++i) grid.push_back(t_end * Rational(i, 256));
  if (m) {  // include the jump points themselves and just past them
    grid.push_back(*m);
    if (x.kind == DistributionKind::Bernoulli) grid.push_back(std::min(x.p, 1 - x.p));
  }
  Lemma1Check out;
  out.result = tail_staircase_check(tail, bound, grid, 20);
  const std::string range = "every t in [0, " + decimal_upper(t_end, 6) + "] (grid + monotone staircase)";
  if (m) {
    out.scope = "every t >= 0: " + range + "; beyond, |X - EX| <= " + rational_to_string(*m) + " so the tail is 0";
  } else if (sigma_squared >= 1) {
    out.scope = "every t >= 0: " + range + "; beyond, erfc(t/sqrt2) <= exp(-t^2/2) <= the bound";
  } else {
    out.scope = range + " only";
  }
  return out;
}

Interval variance_proxy_closed_form(const Distribution& x, mpfr_prec_t prec) {
  switch (x.kind) {
    case DistributionKind::Rademacher: case DistributionKind::Gaussian: return Interval(Rational(1), prec);
    case DistributionKind::Uniform: return Interval(Rational(1, 3), prec);
    case DistributionKind::Bernoulli:
      if (x.p == Rational(1, 2)) return Interval(Rational(1, 4), prec);
      return Interval(1 - 2 * x.p, prec) /
             (Interval::from_int(2, prec) * interval_log(Interval((1 - x.p) / x.p, prec)));
  }
  return Interval(prec);
}

}  // namespace rl
