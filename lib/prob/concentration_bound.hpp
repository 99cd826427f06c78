// The right-hand sides of Definition 2 and Definition 6 (seed §1.2, §1.4;
// docs/math.md "Concentration and isoperimetry") for an L-Lipschitz phi:
//   definition2 : P(|phi - E phi| > t) <= 2 exp(-t^2 / (c^2 L^2))
//                 (Definition 2 applied to the 1-Lipschitz phi/L);
//   isoperimetry: P(|phi - E phi| > t) <= 2 exp(-d t^2 / (2 c L^2)).
//
// Semantics: concentration_bound encloses the bound at t; the critical
// constant encloses the least c for which the bound at t is >= a given tail P.
#pragma once
#include <cstddef>
#include <string>

#include "arith/constant.hpp"
#include "arith/interval.hpp"

namespace rl {

enum class ConcentrationForm { Definition2, Isoperimetry };
ConcentrationForm concentration_form_parse(const std::string& text, const std::string& where);

struct ConcentrationBound {
  ConcentrationForm form = ConcentrationForm::Definition2;
  Constant c;
  Rational lipschitz_squared = 1;  // L^2 of the tested phi
  Integer d = 0;
};

Interval concentration_bound(const ConcentrationBound& b, const Rational& t, mpfr_prec_t prec);

// The least c with bound(t) >= P, for a tail P known to lie in `tail`:
// definition2: c = t / (L sqrt(log(2/P))); isoperimetry: c = d t^2 / (2 L^2 log(2/P)).
// Increasing in t and in P. An end of `tail` at 0 (log(2/0) = infinity) gives
// 0 at that end of the result.
Interval concentration_critical_c(ConcentrationForm form, const Integer& d, const Rational& lipschitz_squared,
                                  const Rational& t, const Interval& tail, mpfr_prec_t prec);

}  // namespace rl
