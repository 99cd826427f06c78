// A positive constant given on the command line or in a claim: "q",
// "sqrt(q)" or "q/sqrt(r)" with rationals q, r, so that c = 1/sqrt(d) and
// c = sqrt(2/(d-1)) are exact.
//
// Semantics: the value is num * sqrt(radicand); square() is exact.
#pragma once
#include <string>

#include "arith/interval.hpp"

namespace rl {

struct Constant {
  Rational num = 1;        // value = num * sqrt(radicand)
  Rational radicand = 1;
  std::string text;        // as given

  Rational square() const { return num * num * radicand; }
  Interval enclosure(mpfr_prec_t prec) const;
};

// Throws InputError naming `where` on malformed or non-positive input.
Constant constant_parse(const std::string& text, const std::string& where);

}  // namespace rl
