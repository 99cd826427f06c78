// Certified comparison of a non-increasing tail t -> P(t) with a
// non-increasing bound t -> B(t) over a whole interval of t.
//
// Semantics: on a cell [t_i, t_{i+1}], P(t) <= P(t_i) and B(t) >= B(t_{i+1}),
// so upper(P(t_i)) <= lower(B(t_{i+1})) proves P <= B on the whole cell.
// Cells that fail are bisected up to max_depth times. A grid point with
// lower(P) > upper(B) is a certified violation.
//
// A stop (StaircaseStop: a signal or the clock) is polled before every new
// evaluation but the first. A stopped run keeps what it has proved: a
// violation found stays a violation, anything else is inconclusive, and the
// sup's enclosure still covers the whole range (its last cell reaches t_N).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arith/verdict.hpp"
#include "arith/interval.hpp"

namespace rl {

using TailFunction = std::function<Interval(const Rational& t)>;
// True when the computation should end now; empty: never.
using StaircaseStop = std::function<bool()>;

struct TailPoint {
  Rational t;
  Interval tail, bound;
};

struct StaircaseResult {
  Verdict verdict = Verdict::Inconclusive;  // Holds: on [t_0, t_N]
  std::vector<TailPoint> points;     // every evaluated point, sorted by t
  std::optional<TailPoint> witness;  // the violation, or else the point closest to violating
  std::size_t cells = 0;             // cells proved
  std::size_t failed_cells = 0;      // cells neither proved nor refuted at max depth
  bool stopped = false;              // the stop ended it before every cell was settled
};

StaircaseResult tail_staircase_check(const TailFunction& tail, const TailFunction& bound, std::vector<Rational> grid,
                                     int max_depth, const StaircaseStop& stop = {});

// Certified sup over t in [t_0, t_N] of crit(t, P(t)) where crit is
// non-decreasing in t and in P: the enclosure [lower, upper] of the sup.
// Cells are bisected until upper <= lower * (1 + rel_tol) or the budget of
// evaluations is spent.
using CriticalFunction = std::function<Interval(const Rational& t, const Interval& tail)>;
struct SupResult {
  Rational lower, upper;
  Rational argmax;          // the grid point giving `lower`
  std::size_t evaluations = 0;
  bool stopped = false;     // the stop ended it before rel_tol or the budget
};
SupResult tail_staircase_sup(const TailFunction& tail, const CriticalFunction& crit, std::vector<Rational> grid,
                             const Rational& rel_tol, std::size_t budget, const StaircaseStop& stop = {});

}  // namespace rl
