// A minimal s-expression reader (the syntax of SMT-LIB / VNN-LIB files).
//
// Semantics: ';' starts a comment that runs to the end of the line; '(' and
// ')' delimit lists; any other run of non-space characters is an atom. Every
// node remembers the line it starts on, for error messages.
#pragma once
#include <string>
#include <vector>

namespace rl {

struct SExpr {
  bool is_list = false;
  std::string atom;
  std::vector<SExpr> items;
  int line = 0;
};

// The top-level expressions of `text`; throws InputError "source:line: reason"
// on an unbalanced parenthesis or lists nested deeper than 1000 levels.
std::vector<SExpr> sexpr_parse(const std::string& text, const std::string& source);

}  // namespace rl
