// Decimal output with directed rounding.
//
// Semantics: decimal_round(q, digits, Down) is a decimal string whose value is
// <= q (Up: >= q), with at most `digits` significant digits. Lower bounds are
// printed with Down and upper bounds with Up, so a printed enclosure always
// contains the exact one. The string is parseable by rational_parse.
#pragma once
#include <string>

#include "arith/rational.hpp"

namespace rl {

enum class Rounding { Down, Up };

constexpr int kDefaultDigits = 17;

std::string decimal_round(const Rational& q, int digits, Rounding dir);
inline std::string decimal_lower(const Rational& q, int digits = kDefaultDigits) {
  return decimal_round(q, digits, Rounding::Down);
}
inline std::string decimal_upper(const Rational& q, int digits = kDefaultDigits) {
  return decimal_round(q, digits, Rounding::Up);
}

// floor(log10 |q|) for q != 0.
long decimal_exponent(const Rational& q);

}  // namespace rl
