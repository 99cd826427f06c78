#include "prob/log_mgf.hpp"

#include "arith/error.hpp"

namespace rl {
namespace {

using MpfiUnary = int (*)(mpfi_ptr, mpfi_srcptr);
Interval apply(MpfiUnary f, const Interval& a) {
  Interval r(a.precision());
  f(r.raw(), a.raw());
  return r;
}

Interval one(mpfr_prec_t prec) { return Interval(Rational(1), prec); }

// sinh(l)/l = S(x) and (S - 1)/l^2 = T(x) for x = l^2 in [0, 1]: T is the
// series sum_{k>=1} x^{k-1}/(2k+1)!, cut after k = 12 with the remainder
// enclosed in [0, 2/27!] (terms <= 1/(2k+1)!, ratio <= 1/(2k+2)(2k+3) <= 1/2).
Interval sinhc_t(const Interval& x) {
  const mpfr_prec_t prec = x.precision();
  Interval acc(prec), power = one(prec);
  Integer fact = 6;  // 3!
  for (long k = 1; k <= 12; ++k) {
    acc += power / Interval(Rational(fact), prec);
    power *= x;
    fact *= Integer((2 * k + 2) * (2 * k + 3));
  }
  return acc + Interval(Rational(0), Rational(2) / Rational(fact), prec);
}

// The Bernoulli formulas below only ever exponentiate -|lambda|: the branch
// and bound reaches |lambda| = Lambda ~ 4 / min(p, 1-p), and e^{|lambda|}
// leaves MPFR's exponent range for p below ~5e-9 (or above 1 - 1e-9), while
// e^{-|lambda|} merely underflows to an enclosure [0, tiny].

// q = p e^l / (1 - p + p e^l), the tilted success probability, at one lambda.
Interval bernoulli_tilt(const Rational& p, const Rational& lambda, mpfr_prec_t prec) {
  if (lambda >= 0)  // q = 1 / (1 + (1-p)/p e^{-l})
    return one(prec) / (one(prec) + Interval((1 - p) / p, prec) * interval_exp(Interval(-lambda, prec)));
  const Interval w = Interval(p, prec) * interval_exp(Interval(lambda, prec));
  return w / (Interval(1 - p, prec) + w);
}

// K(l) = log(1 - p + p e^l) - p l on a box of one sign; for l >= 0 it is
// rewritten as (1 - p) l + log(p + (1 - p) e^{-l}).
Interval bernoulli_log_mgf_one_sign(const Rational& p, const Interval& lambda) {
  const mpfr_prec_t prec = lambda.precision();
  if (lambda.lower() >= 0)
    return Interval(1 - p, prec) * lambda +
           interval_log(Interval(p, prec) + Interval(1 - p, prec) * interval_exp(-lambda));
  return interval_log(Interval(1 - p, prec) + Interval(p, prec) * interval_exp(lambda)) - Interval(p, prec) * lambda;
}

Interval bernoulli_log_mgf(const Rational& p, const Interval& lambda) {
  const mpfr_prec_t prec = lambda.precision();
  if (lambda.lower() >= 0 || lambda.upper() <= 0) return bernoulli_log_mgf_one_sign(p, lambda);
  return interval_hull(bernoulli_log_mgf_one_sign(p, Interval(lambda.lower(), Rational(0), prec)),
                       bernoulli_log_mgf_one_sign(p, Interval(Rational(0), lambda.upper(), prec)));
}

}  // namespace

Rational Distribution::variance() const {
  switch (kind) {
    case DistributionKind::Rademacher: return 1;
    case DistributionKind::Uniform: return Rational(1, 3);
    case DistributionKind::Gaussian: return 1;
    case DistributionKind::Bernoulli: return p * (1 - p);
  }
  return 0;
}

std::optional<Rational> Distribution::deviation_max() const {
  switch (kind) {
    case DistributionKind::Rademacher: case DistributionKind::Uniform: return Rational(1);
    case DistributionKind::Gaussian: return std::nullopt;
    case DistributionKind::Bernoulli: return p > Rational(1, 2) ? p : 1 - p;
  }
  return std::nullopt;
}

std::optional<Rational> Distribution::range() const {
  switch (kind) {
    case DistributionKind::Rademacher: case DistributionKind::Uniform: return Rational(2);
    case DistributionKind::Gaussian: return std::nullopt;
    case DistributionKind::Bernoulli: return Rational(1);
  }
  return std::nullopt;
}

Distribution distribution_parse(const std::string& text, const std::string& where) {
  Distribution x;
  x.name = text;
  if (text == "rademacher") x.kind = DistributionKind::Rademacher;
  else if (text == "uniform") x.kind = DistributionKind::Uniform;
  else if (text == "gaussian") x.kind = DistributionKind::Gaussian;
  else if (text.rfind("bernoulli:", 0) == 0) {
    x.kind = DistributionKind::Bernoulli;
    x.p = rational_parse(text.substr(10), where);
    if (x.p <= 0 || x.p >= 1) throw InputError(where, "bernoulli:P needs 0 < P < 1");
  } else {
    throw InputError(where, "unknown distribution '" + text + "' (rademacher, uniform, gaussian, bernoulli:P)");
  }
  return x;
}

Interval log_mgf(const Distribution& x, const Interval& lambda) {
  const mpfr_prec_t prec = lambda.precision();
  switch (x.kind) {
    case DistributionKind::Rademacher: return interval_log(apply(mpfi_cosh, lambda));
    case DistributionKind::Uniform: {
      if (lambda.contains_zero()) throw std::domain_error("uniform log-MGF: box contains 0");
      Interval a = interval_abs(lambda);  // sinh(l)/l is even
      return interval_log(apply(mpfi_sinh, a) / a);
    }
    case DistributionKind::Gaussian: return interval_sqr(lambda) / Interval::from_int(2, prec);
    case DistributionKind::Bernoulli: return bernoulli_log_mgf(x.p, lambda);
  }
  throw std::logic_error("unknown distribution");
}

Interval log_mgf_derivative(const Distribution& x, const Interval& lambda) {
  const mpfr_prec_t prec = lambda.precision();
  switch (x.kind) {
    case DistributionKind::Rademacher: return apply(mpfi_tanh, lambda);
    case DistributionKind::Uniform: {  // coth(l) - 1/l
      if (lambda.contains_zero()) throw std::domain_error("uniform K': box contains 0");
      return apply(mpfi_coth, lambda) - one(prec) / lambda;
    }
    case DistributionKind::Gaussian: return lambda;
    case DistributionKind::Bernoulli:  // q(l) - p, q increasing
      return interval_hull(bernoulli_tilt(x.p, lambda.lower(), prec), bernoulli_tilt(x.p, lambda.upper(), prec)) -
             Interval(x.p, prec);
  }
  throw std::logic_error("unknown distribution");
}

Interval log_mgf_second_derivative(const Distribution& x, const Interval& lambda) {
  const mpfr_prec_t prec = lambda.precision();
  switch (x.kind) {
    case DistributionKind::Rademacher: {  // sech^2 = 1 / cosh^2
      Interval c = apply(mpfi_cosh, lambda);
      return one(prec) / interval_sqr(c);
    }
    case DistributionKind::Uniform: {  // 1/l^2 - 1/sinh^2 l = T (S + 1) / S^2 near 0
      Interval x2 = interval_sqr(lambda);
      if (x2.upper() <= 1) {
        Interval t = sinhc_t(x2), s = one(prec) + x2 * t;
        return t * (s + one(prec)) / interval_sqr(s);
      }
      if (lambda.contains_zero()) throw std::domain_error("uniform K'': box too wide around 0");
      return one(prec) / x2 - one(prec) / interval_sqr(apply(mpfi_sinh, lambda));
    }
    case DistributionKind::Gaussian: return one(prec);
    case DistributionKind::Bernoulli: {  // q (1 - q) = 1/4 - (q - 1/2)^2, q increasing in lambda
      Interval q = interval_hull(bernoulli_tilt(x.p, lambda.lower(), prec), bernoulli_tilt(x.p, lambda.upper(), prec));
      Interval half(Rational(1, 2), prec);
      return Interval(Rational(1, 4), prec) - interval_sqr(q - half);
    }
  }
  throw std::logic_error("unknown distribution");
}

}  // namespace rl
