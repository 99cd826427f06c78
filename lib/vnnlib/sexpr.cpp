#include "vnnlib/sexpr.hpp"

#include <cctype>

#include "arith/error.hpp"

namespace rl {

// Readers of the tree recurse once per level (and so does its destructor):
// the depth bound keeps them within the stack. VNN-COMP files nest a few levels.
constexpr std::size_t kMaxDepth = 1000;

std::vector<SExpr> sexpr_parse(const std::string& text, const std::string& source) {
  std::vector<SExpr> top;
  std::vector<SExpr> open;  // lists being read, innermost last
  int line = 1;
  auto emit = [&](SExpr e) {
    if (open.empty()) top.push_back(std::move(e));
    else open.back().items.push_back(std::move(e));
  };
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '\n') { ++line; ++i; continue; }
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (c == ';') { while (i < text.size() && text[i] != '\n') ++i; continue; }
    if (c == '(') {
      if (open.size() >= kMaxDepth)
        throw InputError(source + ":" + std::to_string(line), "lists nested deeper than " + std::to_string(kMaxDepth) + " levels");
      SExpr e;
      e.is_list = true;
      e.line = line;
      open.push_back(std::move(e));
      ++i;
      continue;
    }
    if (c == ')') {
      if (open.empty()) throw InputError(source + ":" + std::to_string(line), "unbalanced ')': no list is open");
      SExpr e = std::move(open.back());
      open.pop_back();
      emit(std::move(e));
      ++i;
      continue;
    }
    SExpr a;
    a.line = line;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '(' && text[i] != ')' && text[i] != ';')
      a.atom += text[i++];
    emit(std::move(a));
  }
  if (!open.empty())
    throw InputError(source + ":" + std::to_string(open.back().line), "unbalanced '(': this list is never closed");
  return top;
}

}  // namespace rl
