// The verdict of a claim "value <= bound" decided from enclosures, as a typed
// value. Its name ("holds", "violated", "inconclusive") is written only where
// a result is printed (text, JSON) and read only where input is parsed.
#pragma once
#include <string>
#include <vector>

#include "arith/interval.hpp"
#include "arith/rational.hpp"

namespace rl {

enum class Verdict { Holds, Violated, Inconclusive };

// For a value enclosed in [value_lower, value_upper] and a bound in
// [bound_lower, bound_upper]: Holds when value_upper <= bound_lower (every
// possible value is at most every possible bound), Violated when
// value_lower > bound_upper (every value exceeds every bound), else
// Inconclusive.
Verdict verdict_of(const Rational& value_lower, const Rational& value_upper, const Rational& bound_lower,
                   const Rational& bound_upper);
// The same with the bound given by its enclosure, or exactly.
Verdict verdict_of(const Rational& value_lower, const Rational& value_upper, const Interval& bound);
Verdict verdict_of(const Interval& value, const Interval& bound);
inline Verdict verdict_of(const Rational& value_lower, const Rational& value_upper, const Rational& bound) {
  return verdict_of(value_lower, value_upper, bound, bound);
}

// The verdict of "every one of the claims": Violated when one is, Holds when
// all are (also for none), else Inconclusive.
Verdict verdict_all(const std::vector<Verdict>& verdicts);

// "holds", "violated", "inconclusive".
std::string verdict_name(Verdict verdict);
// The inverse; throws InputError naming `where` for any other word.
Verdict verdict_parse(const std::string& text, const std::string& where);

}  // namespace rl
