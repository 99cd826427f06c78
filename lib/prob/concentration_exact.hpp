// Definition 2 / Definition 6 checked for phi = x_1 with the exact tail
// (coordinate_tail.hpp) and the bound (concentration_bound.hpp).
//
// Semantics:
//  - one t: "violated" iff lower(tail) > upper(bound), "holds" iff
//    upper(tail) <= lower(bound), else "inconclusive";
//  - no t: the monotone staircase (tail_staircase.hpp) over a grid of
//    [0, t_end] proves or refutes the bound for every t in [0, t_end];
//    beyond t_end the scope says what is known (bounded support: the tail is
//    0; pure Gaussian: erfc(x) <= exp(-x^2) compared with the bound's rate).
//  - a stop (tail_staircase.hpp) ends the grid check inconclusive unless a
//    violation was already certified, and find-c with the enclosure reached;
//  - find-c: a certified enclosure of the least c for which the bound holds
//    for phi = x_1 at every t >= 0. Bounded measures: the staircase sup,
//    refined until its relative width is rel_tol (or a budget that grows with
//    the digits of 1/rel_tol is spent). The pure Gaussian: exactly the t -> oo
//    limit, sqrt(2/d) (definition2) or 1 (isoperimetry), since the critical c
//    lies below it at every t (erfc(x) < exp(-x^2)) and tends to it.
#pragma once
#include <optional>
#include <string>

#include "prob/concentration_bound.hpp"
#include "prob/measure.hpp"
#include "prob/tail_staircase.hpp"

namespace rl {

struct CoordinateCheck {
  StaircaseResult result;
  Rational t_end;
  std::string scope;  // what "holds" covers
};

CoordinateCheck concentration_check_coordinate(const Measure& m, const ConcentrationBound& b,
                                               const std::optional<Rational>& t, std::size_t grid_points,
                                               mpfr_prec_t prec, const StaircaseStop& stop = {});

// The grid used without --t: N uniform points on [0, t_end] plus points
// k/(8 floor(sqrt d)) on the 1/sqrt(d) scale where the tails live.
std::vector<Rational> coordinate_grid(const Measure& m, std::size_t grid_points, Rational& t_end);

struct CriticalConstant {
  Interval c;            // the least valid c
  Rational argmax;       // where the tail is tightest
  std::string tail_end;  // the argument beyond the grid
  std::size_t evaluations = 0;
  bool stopped = false;  // a stop ended the refinement early
};
CriticalConstant concentration_find_c(const Measure& m, ConcentrationForm form, const Rational& rel_tol,
                                      mpfr_prec_t prec, const StaircaseStop& stop = {});

}  // namespace rl
