#include "arith/constant.hpp"

#include "arith/error.hpp"

namespace rl {
namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "sqrt(r)" -> r; anything else -> nullopt-like empty string.
bool parse_sqrt(const std::string& s, std::string& inner) {
  if (s.rfind("sqrt(", 0) != 0 || s.empty() || s.back() != ')') return false;
  inner = s.substr(5, s.size() - 6);
  return true;
}

}  // namespace

Interval Constant::enclosure(mpfr_prec_t prec) const {
  return Interval(num, prec) * interval_sqrt(Interval(radicand, prec));
}

Constant constant_parse(const std::string& text, const std::string& where) {
  Constant c;
  c.text = text;
  std::string s = trim(text), inner;
  if (parse_sqrt(s, inner)) {
    c.radicand = rational_parse(inner, where);
  } else if (std::size_t slash = s.find("/sqrt("); slash != std::string::npos) {
    c.num = rational_parse(s.substr(0, slash), where);
    if (!parse_sqrt(s.substr(slash + 1), inner)) throw InputError(where, "expected q/sqrt(r), got '" + text + "'");
    Rational r = rational_parse(inner, where);
    if (r <= 0) throw InputError(where, "sqrt of a non-positive number in '" + text + "'");
    c.radicand = Rational(1) / r;
  } else {
    c.num = rational_parse(s, where);
  }
  if (c.num <= 0 || c.radicand <= 0) throw InputError(where, "the constant must be positive, got '" + text + "'");
  return c;
}

}  // namespace rl
