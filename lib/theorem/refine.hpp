// Precision refinement: evaluate an interval function at growing precision
// until the question asked of it (a sign, a ceiling, a number of digits) has a
// certain answer, or a precision cap is reached.
//
// Semantics: f(prec) must return an interval containing one fixed real x for
// every precision. A decision returned as decided is true of x; "undecided"
// means the enclosures at every precision up to kRefineMaxPrecision bits
// still straddled the boundary, which is what happens when x lies exactly on
// it (then no finite precision can decide) or within about 2^-4096 of it.
#pragma once
#include <functional>
#include <optional>

#include "arith/interval.hpp"

namespace rl {

constexpr mpfr_prec_t kRefineStartPrecision = 64;
constexpr mpfr_prec_t kRefineMaxPrecision = 4096;

using IntervalFunction = std::function<Interval(mpfr_prec_t)>;

enum class Sign { Positive, Negative, Undecided };

struct SignDecision {
  Sign sign = Sign::Undecided;
  mpfr_prec_t precision = 0;     // the precision that decided (or the cap)
  Rational lower, upper;         // the last enclosure of x
};

// The sign of x (x = 0 exactly yields Undecided at the cap).
SignDecision refine_sign(const IntervalFunction& f);

struct Enclosure {
  Rational lower, upper;         // lower <= x <= upper
  mpfr_prec_t precision = 0;
  bool reached = false;          // relative width <= 10^-(digits+1) was attained
};

// An enclosure of x whose relative width is at most 10^-(digits+1), so that
// its outward decimals at `digits` significant digits differ by a few units
// of the last place at most.
Enclosure refine_enclosure(const IntervalFunction& f, int digits);

struct CeilDecision {
  std::optional<Integer> value;  // ceil(x), when decided
  mpfr_prec_t precision = 0;
  Rational lower, upper;
};

// ceil(x): refined until ceil(lower) == ceil(upper).
CeilDecision refine_ceil(const IntervalFunction& f);

}  // namespace rl
