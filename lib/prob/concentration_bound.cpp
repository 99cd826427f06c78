#include "prob/concentration_bound.hpp"

#include "arith/error.hpp"

namespace rl {

ConcentrationForm concentration_form_parse(const std::string& text, const std::string& where) {
  if (text == "definition2") return ConcentrationForm::Definition2;
  if (text == "isoperimetry" || text == "definition6") return ConcentrationForm::Isoperimetry;
  throw InputError(where, "unknown form '" + text + "' (expected definition2 or isoperimetry)");
}

Interval concentration_bound(const ConcentrationBound& b, const Rational& t, mpfr_prec_t prec) {
  Interval exponent(prec);
  if (b.form == ConcentrationForm::Definition2) {
    exponent = Interval(t * t / (b.c.square() * b.lipschitz_squared), prec);
  } else {
    exponent = Interval(Rational(b.d) * t * t / (2 * b.lipschitz_squared), prec) / b.c.enclosure(prec);
  }
  return Interval::from_int(2, prec) * interval_exp(-exponent);
}

namespace {

// log(2/P) for P in [p_lo, p_hi] with 0 < p: an interval, or +infinity-free
// evaluation at one endpoint.
Interval log_two_over(const Rational& p, mpfr_prec_t prec) {
  return interval_log(Interval::from_int(2, prec) / Interval(p, prec));
}

Interval critical_at(ConcentrationForm form, const Integer& d, const Rational& l2, const Rational& t, const Rational& p,
                     mpfr_prec_t prec) {
  Interval lg = log_two_over(p, prec);
  if (form == ConcentrationForm::Definition2)
    return Interval(t, prec) / (interval_sqrt(Interval(l2, prec)) * interval_sqrt(lg));
  return Interval(Rational(d) * t * t / (2 * l2), prec) / lg;
}

}  // namespace

Interval concentration_critical_c(ConcentrationForm form, const Integer& d, const Rational& lipschitz_squared,
                                  const Rational& t, const Interval& tail, mpfr_prec_t prec) {
  // Monotone in P: evaluate at the two ends of the tail enclosure. A tail
  // that may be 0 gives 0 (log(2/0) = infinity) at that end.
  Rational lo = 0, hi = 0;
  if (t > 0 && tail.upper() > 0) hi = critical_at(form, d, lipschitz_squared, t, tail.upper(), prec).upper();
  if (t > 0 && tail.lower() > 0) lo = critical_at(form, d, lipschitz_squared, t, tail.lower(), prec).lower();
  return Interval(lo, hi, prec);
}

}  // namespace rl
