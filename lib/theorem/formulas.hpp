// The theorem's quantities as interval functions of the precision.
//
// Semantics: each function returns an MPFI interval, at the given precision,
// that contains the exact real value of the named expression at the exact
// rational parameters (seed App. B Thm 3 (8), (10), (11); docs/math.md for the
// NeurIPS 2021 constants).
#pragma once
#include "arith/interval.hpp"
#include "theorem/params.hpp"

namespace rl {

// A k log(8k/delta), the left side of (8).
Interval theorem_condition8_lhs(const TheoremParams& t, mpfr_prec_t prec);
// n eps^2 - A k log(8k/delta): positive exactly when (8) holds strictly.
Interval theorem_condition8_margin(const TheoremParams& t, mpfr_prec_t prec);
// log G, G the edition's covering-log argument (edition_log_argument).
Interval theorem_log_term(const TheoremParams& t, mpfr_prec_t prec);
// The capacity term under the square root's denominator:
// (10): p log G + log(4/delta);  (11): s log(p G) + log(4/delta).
Interval theorem_capacity(const TheoremParams& t, bool sparse, mpfr_prec_t prec);
// The square of the bound: eps^2 n d / (X * capacity), X from
// edition_bound_denominator_constant. Requires a positive capacity.
Interval theorem_bound_squared(const TheoremParams& t, bool sparse, mpfr_prec_t prec);
// L^2 - bound^2: positive exactly when the bound is below the level L.
Interval theorem_level_margin(const TheoremParams& t, bool sparse, mpfr_prec_t prec);

}  // namespace rl
