// Conditions (8), (9) decided with certainty, and the inversions of the
// theorem: least n for (8), least d for (9), least p making the bound at most
// a level L, and the threshold eps above which the bound exceeds L.
//
// Semantics: an integer answer is exact and is checked at its neighbour (the
// condition fails at answer - 1 and holds at answer, each decided by
// refine_sign). A real answer is a certified enclosure.
#pragma once
#include <optional>
#include <string>

#include "theorem/params.hpp"
#include "theorem/refine.hpp"

namespace rl {

// (8): A k log(8k/delta) <= n eps^2. log(8k/delta) is transcendental (8k/delta
// is a rational > 8), so the two sides are never equal and the sign decision
// terminates; the cap only guards against that reasoning being wrong.
struct Condition8 {
  std::optional<bool> holds;   // empty: undecided at the precision cap
  SignDecision margin;         // n eps^2 - A k log(8k/delta)
};
Condition8 theorem_condition8(const TheoremParams& t);
// (8) at another n.
Condition8 theorem_condition8_at(const TheoremParams& t, const Rational& n);

struct LeastInteger {
  std::optional<Integer> value;  // empty: undecided at the cap
  bool verified = false;         // condition fails at value-1 (or value = 1) and holds at value
  Rational lower, upper;         // enclosure of the real threshold whose ceiling is taken
};
// Least integer n >= 1 with (8): ceil(A k log(8k/delta) / eps^2).
LeastInteger theorem_least_n(const TheoremParams& t);

// (9): d >= C1 c L^2 sigma^2 / eps^2, all rational: decided exactly.
// Requires C1 and L; sigma defaults to its worst case 1.
struct Condition9 {
  bool holds = false;
  Rational rhs;                  // C1 c L^2 sigma^2 / eps^2
};
Condition9 theorem_condition9(const TheoremParams& t);
// Least integer d >= 1 with (9): max(1, ceil(rhs)), exact.
Integer theorem_least_d(const TheoremParams& t);

// Least integer p >= 1 whose (10) bound is <= L: the bound decreases in p when
// log G > 0. Requires L (and C2 in the seed edition); not for (11).
LeastInteger theorem_least_p(const TheoremParams& t);
// Whether bound(p) <= L, decided; empty when undecided.
std::optional<bool> theorem_bound_at_most_level(const TheoremParams& t);

// The bound of (10) increases with eps (eps^2 grows, the covering log
// shrinks), so {eps in (0, eps_max) : bound > L} is an interval (eps*, eps_max)
// where eps_max = 1 (seed) or min(1, 60WJ) (NeurIPS, beyond which the log
// is <= 0). eps* is the largest eps whose bound is <= L.
struct EpsilonThreshold {
  enum class Kind { Enclosed, NoneBelow, Undecided } kind = Kind::Undecided;
  Rational lower, upper;         // Enclosed: lower <= eps* <= upper
  Rational eps_max;
  std::string note;
};
EpsilonThreshold theorem_epsilon_threshold(const TheoremParams& t, int digits);

// The least eps in (0, 1) for (8): sqrt(A k log(8k/delta) / n), enclosed.
Enclosure theorem_epsilon_min_condition8(const TheoremParams& t, int digits);

}  // namespace rl
