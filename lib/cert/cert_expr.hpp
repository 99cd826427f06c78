// A tiny expression language for arithmetic claims, decided with certainty.
//
// Grammar (whitespace is ignored):
//   relation := expr ("==" | "!=" | "<=" | ">=" | "<" | ">") expr
//   expr     := term (("+" | "-") term)*
//   term     := unary (("*" | "/") unary)*
//   unary    := "-" unary | power
//   power    := atom ("^" unary)?          right-associative; the exponent must
//                                          be an exact integer, |e| <= 100000
//   atom     := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
//   number   := decimal literal as in rational_parse ("12", "0.125", "1e-3")
// Unary, power and parenthesis nesting deeper than 1000 is refused.
// Functions: sqrt, log (natural), exp, abs, min, max, pi(), and
// interval(lo, hi) which stands for every real in [lo, hi] (lo, hi exact).
//
// Semantics of a value: either an exact rational, or an MPFI interval that
// contains the exact real value of the expression for every choice of the
// interval(...) variables in it. Exact arithmetic is kept as long as possible:
// + - * / ^ abs min max of exact values are exact; sqrt is exact on squares of
// rationals, log(1) = 0 and exp(0) = 1. Everything else is enclosed by MPFI
// at the evaluator's precision (the only transcendental step, documented at
// its use in expr_apply_function).
//
// Errors: malformed text, an unknown name, an exact domain error (division by
// zero, sqrt of a negative number, log of a non-positive number) raise
// InputError naming `where`. An interval whose sign cannot be established at
// the current precision (e.g. log of an interval touching 0) raises
// ExprUndecided, so that the caller may retry at a higher precision.
#pragma once
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "arith/interval.hpp"
#include "arith/rational.hpp"

namespace rl {

struct ExprValue {
  std::optional<Rational> exact;  // set when the value is an exact rational
  Interval enclosure;             // always an enclosure (a point when exact)

  Rational lower() const { return exact ? *exact : enclosure.lower(); }
  Rational upper() const { return exact ? *exact : enclosure.upper(); }
};

class ExprUndecided : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExprScope {
  std::map<std::string, ExprValue> names;
  mpfr_prec_t precision = kDefaultPrecision;
};

enum class Truth { True, False, Unknown };

struct ExprRelation {
  ExprValue lhs, rhs;
  std::string op;  // "==", "!=", "<=", ">=", "<", ">"
};

ExprValue expr_evaluate(const std::string& text, const ExprScope& scope, const std::string& where);
ExprRelation expr_evaluate_relation(const std::string& text, const ExprScope& scope, const std::string& where);

// Decides lhs op rhs from the exact endpoints of the two enclosures: True or
// False only when it holds for every pair of values in them.
Truth expr_relation_decide(const ExprRelation& relation);

}  // namespace rl
