#include "arith/verdict.hpp"

#include "arith/error.hpp"

namespace rl {

Verdict verdict_of(const Rational& value_lower, const Rational& value_upper, const Rational& bound_lower,
                   const Rational& bound_upper) {
  if (value_upper <= bound_lower) return Verdict::Holds;
  if (value_lower > bound_upper) return Verdict::Violated;
  return Verdict::Inconclusive;
}

Verdict verdict_of(const Rational& value_lower, const Rational& value_upper, const Interval& bound) {
  return verdict_of(value_lower, value_upper, bound.lower(), bound.upper());
}

Verdict verdict_of(const Interval& value, const Interval& bound) {
  return verdict_of(value.lower(), value.upper(), bound.lower(), bound.upper());
}

Verdict verdict_all(const std::vector<Verdict>& verdicts) {
  Verdict all = Verdict::Holds;
  for (Verdict v : verdicts) {
    if (v == Verdict::Violated) return Verdict::Violated;
    if (v == Verdict::Inconclusive) all = Verdict::Inconclusive;
  }
  return all;
}

std::string verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Holds: return "holds";
    case Verdict::Violated: return "violated";
    case Verdict::Inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

Verdict verdict_parse(const std::string& text, const std::string& where) {
  if (text == "holds") return Verdict::Holds;
  if (text == "violated") return Verdict::Violated;
  if (text == "inconclusive") return Verdict::Inconclusive;
  throw InputError(where, "'" + text + "' is not a verdict (holds, violated or inconclusive)");
}

}  // namespace rl
