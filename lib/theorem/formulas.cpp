#include "theorem/formulas.hpp"

namespace rl {

Interval theorem_condition8_lhs(const TheoremParams& t, mpfr_prec_t prec) {
  Interval A(edition_condition8_constant(t.edition) * t.k, prec);
  return A * interval_log(Interval(8 * t.k / t.delta, prec));
}

Interval theorem_condition8_margin(const TheoremParams& t, mpfr_prec_t prec) {
  return Interval(t.n * t.epsilon * t.epsilon, prec) - theorem_condition8_lhs(t, prec);
}

Interval theorem_log_term(const TheoremParams& t, mpfr_prec_t prec) {
  return interval_log(Interval(edition_log_argument(t), prec));
}

Interval theorem_capacity(const TheoremParams& t, bool sparse, mpfr_prec_t prec) {
  Interval confidence = interval_log(Interval(4 / t.delta, prec));
  if (sparse) {
    Interval s(*t.sparsity, prec);
    return s * interval_log(Interval(t.p * edition_log_argument(t), prec)) + confidence;
  }
  return Interval(t.p, prec) * theorem_log_term(t, prec) + confidence;
}

Interval theorem_bound_squared(const TheoremParams& t, bool sparse, mpfr_prec_t prec) {
  Interval numerator(t.epsilon * t.epsilon * t.n * t.d / edition_bound_denominator_constant(t), prec);
  return numerator / theorem_capacity(t, sparse, prec);
}

Interval theorem_level_margin(const TheoremParams& t, bool sparse, mpfr_prec_t prec) {
  return Interval(*t.L * *t.L, prec) - theorem_bound_squared(t, sparse, prec);
}

}  // namespace rl
