#include "vnnlib/vnnlib.hpp"

#include <optional>

#include "arith/error.hpp"
#include "io/json_exact.hpp"
#include "vnnlib/sexpr.hpp"

namespace rl {
namespace {

constexpr std::size_t kMaxConjunctions = 100000;

struct Linear {
  std::vector<Rational> coefficients;  // over Y
  Rational constant;
};

using Dnf = std::vector<OutputConjunction>;

struct Reader {
  std::string source;
  std::size_t input_dim, output_dim;
  std::vector<bool> declared_x, declared_y;
  std::vector<std::optional<Rational>> lo, hi;

  [[noreturn]] void fail(const SExpr& e, const std::string& reason) const {
    throw InputError(source + ":" + std::to_string(e.line), reason);
  }

  // "X_3" -> ('X', 3); anything else -> ('?', 0).
  std::pair<char, std::size_t> variable(const std::string& name) const {
    if (name.size() < 3 || (name[0] != 'X' && name[0] != 'Y') || name[1] != '_') return {'?', 0};
    std::size_t k = 0;
    for (std::size_t i = 2; i < name.size(); ++i) {
      if (name[i] < '0' || name[i] > '9' || k > 100000000) return {'?', 0};
      k = k * 10 + static_cast<std::size_t>(name[i] - '0');
    }
    return {name[0], k};
  }

  bool is_number(const SExpr& e) const {
    if (e.is_list || e.atom.empty()) return false;
    char c = e.atom[0];
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
  }

  void declare(const SExpr& e) {
    if (e.items.size() != 3 || e.items[1].is_list || e.items[2].is_list) fail(e, "expected (declare-const NAME Real)");
    if (e.items[2].atom != "Real") fail(e, "only Real constants are supported, not '" + e.items[2].atom + "'");
    auto [kind, k] = variable(e.items[1].atom);
    if (kind == '?') fail(e, "unknown variable name '" + e.items[1].atom + "' (expected X_i or Y_j)");
    std::vector<bool>& seen = kind == 'X' ? declared_x : declared_y;
    std::size_t dim = kind == 'X' ? input_dim : output_dim;
    if (k >= dim)
      fail(e, e.items[1].atom + " is out of range: the network has " + std::to_string(dim) + (kind == 'X' ? " inputs" : " outputs"));
    if (seen[k]) fail(e, e.items[1].atom + " is declared twice");
    seen[k] = true;
  }

  // An input bound (<= X_i c), (>= X_i c), (<= c X_i), (>= c X_i); false when e is not of this shape.
  bool input_bound(const SExpr& e) {
    if (!e.is_list || e.items.size() != 3 || e.items[0].is_list) return false;
    const std::string& op = e.items[0].atom;
    if (op != "<=" && op != ">=") return false;
    const SExpr &a = e.items[1], &b = e.items[2];
    bool a_var = !a.is_list && variable(a.atom).first == 'X', b_var = !b.is_list && variable(b.atom).first == 'X';
    if (!(a_var && is_number(b)) && !(b_var && is_number(a))) return false;
    const SExpr& v = a_var ? a : b;
    std::size_t k = checked_variable(v, 'X');
    Rational c = rational_parse((a_var ? b : a).atom, source + ":" + std::to_string(e.line));
    bool upper = (op == "<=") == a_var;  // X <= c, or c >= X
    auto& slot = upper ? hi[k] : lo[k];
    if (!slot || (upper ? c < *slot : c > *slot)) slot = c;
    return true;
  }

  std::size_t checked_variable(const SExpr& v, char expected) const {
    auto [kind, k] = variable(v.atom);
    if (kind == '?') fail(v, "unknown symbol '" + v.atom + "'");
    const std::vector<bool>& seen = kind == 'X' ? declared_x : declared_y;
    if (k >= seen.size() || !seen[k]) fail(v, "variable " + v.atom + " is used but not declared");
    if (kind != expected)
      fail(v, expected == 'Y' ? "input " + v.atom + " may appear only in top-level bounds (assert (<= X_i c))"
                              : "expected an input variable, found " + v.atom);
    return k;
  }

  Linear linear(const SExpr& e) const {
    Linear out{std::vector<Rational>(output_dim, Rational(0)), Rational(0)};
    if (!e.is_list) {
      if (is_number(e)) out.constant = rational_parse(e.atom, source + ":" + std::to_string(e.line));
      else out.coefficients[checked_variable(e, 'Y')] = 1;
      return out;
    }
    if (e.items.empty() || e.items[0].is_list) fail(e, "expected an operator");
    const std::string& op = e.items[0].atom;
    std::vector<Linear> args;
    for (std::size_t i = 1; i < e.items.size(); ++i) args.push_back(linear(e.items[i]));
    if (args.empty()) fail(e, "'" + op + "' needs arguments");
    auto add = [&](Linear& acc, const Linear& t, const Rational& s) {
      for (std::size_t j = 0; j < output_dim; ++j) acc.coefficients[j] += s * t.coefficients[j];
      acc.constant += s * t.constant;
    };
    if (op == "+" || op == "-") {
      if (op == "-" && args.size() == 1) { add(out, args[0], -1); return out; }
      add(out, args[0], 1);
      for (std::size_t i = 1; i < args.size(); ++i) add(out, args[i], op == "+" ? 1 : -1);
      return out;
    }
    if (op == "*") {
      Linear prod{out.coefficients, Rational(1)};
      bool has_variable = false;
      for (const Linear& a : args) {
        bool var = false;
        for (const Rational& c : a.coefficients) var = var || c != 0;
        if (var && has_variable) fail(e, "non-linear term: a product of two variables");
        if (var) {
          Linear scaled{a.coefficients, a.constant};
          for (Rational& c : scaled.coefficients) c *= prod.constant;
          scaled.constant *= prod.constant;
          prod = scaled;
          has_variable = true;
        } else {
          for (Rational& c : prod.coefficients) c *= a.constant;
          prod.constant *= a.constant;
        }
      }
      return prod;
    }
    fail(e, "unsupported operator '" + op + "' in a linear term");
  }

  Dnf formula(const SExpr& e) const {
    if (!e.is_list || e.items.empty() || e.items[0].is_list) fail(e, "expected a constraint such as (<= Y_0 Y_1), (and ...) or (or ...)");
    const std::string& op = e.items[0].atom;
    if (op == "and" || op == "or") {
      if (e.items.size() < 2) fail(e, "'" + op + "' needs arguments");
      Dnf acc;
      if (op == "or") {
        for (std::size_t i = 1; i < e.items.size(); ++i)
          for (auto& c : formula(e.items[i])) acc.push_back(std::move(c));
        return acc;
      }
      acc = {OutputConjunction{}};
      for (std::size_t i = 1; i < e.items.size(); ++i) acc = conjoin(e, acc, formula(e.items[i]));
      return acc;
    }
    if (op == "<=" || op == ">=" || op == "<" || op == ">") {
      if (e.items.size() != 3) fail(e, "'" + op + "' needs two arguments");
      Linear a = linear(e.items[1]), b = linear(e.items[2]);
      // a <= b  <=>  b - a >= 0.
      bool less = op[0] == '<';
      const Linear& big = less ? b : a;
      const Linear& small = less ? a : b;
      OutputAtom atom{std::vector<Rational>(output_dim, Rational(0)), big.constant - small.constant, op.size() == 1};
      for (std::size_t j = 0; j < output_dim; ++j) atom.coefficients[j] = big.coefficients[j] - small.coefficients[j];
      return {OutputConjunction{atom}};
    }
    fail(e, "unsupported constraint '" + op + "'");
  }

  Dnf conjoin(const SExpr& where, const Dnf& a, const Dnf& b) const {
    if (a.size() * b.size() > kMaxConjunctions) fail(where, "the output formula expands to more than 100000 conjunctions");
    Dnf out;
    for (const auto& x : a)
      for (const auto& y : b) {
        OutputConjunction c = x;
        c.insert(c.end(), y.begin(), y.end());
        out.push_back(std::move(c));
      }
    return out;
  }
};

}  // namespace

SafetyProperty vnnlib_parse(const std::string& text, const std::string& source, std::size_t input_dim, std::size_t output_dim) {
  Reader r{source, input_dim, output_dim, std::vector<bool>(input_dim), std::vector<bool>(output_dim),
           std::vector<std::optional<Rational>>(input_dim), std::vector<std::optional<Rational>>(input_dim)};
  Dnf unsafe{OutputConjunction{}};
  for (const SExpr& e : sexpr_parse(text, source)) {
    if (!e.is_list || e.items.empty() || e.items[0].is_list) r.fail(e, "expected (declare-const ...) or (assert ...)");
    const std::string& head = e.items[0].atom;
    if (head == "declare-const") { r.declare(e); continue; }
    if (head != "assert") r.fail(e, "unsupported command '" + head + "'");
    if (e.items.size() != 2) r.fail(e, "assert takes one formula");
    if (r.input_bound(e.items[1])) continue;
    unsafe = r.conjoin(e, unsafe, r.formula(e.items[1]));
  }
  SafetyProperty p;
  for (std::size_t i = 0; i < input_dim; ++i) {
    std::string name = "X_" + std::to_string(i);
    if (!r.declared_x[i]) throw InputError(source, name + " is not declared (the network has " + std::to_string(input_dim) + " inputs)");
    if (!r.lo[i] || !r.hi[i]) throw InputError(source, name + " has no " + std::string(r.lo[i] ? "upper" : "lower") + " bound");
    if (*r.lo[i] > *r.hi[i]) throw InputError(source, name + " has an empty range: lower bound above upper bound");
    p.lo.push_back(*r.lo[i]);
    p.hi.push_back(*r.hi[i]);
  }
  p.unsafe = std::move(unsafe);
  return p;
}

SafetyProperty vnnlib_read(const std::string& path, std::size_t input_dim, std::size_t output_dim) {
  return vnnlib_parse(file_read_text(path), path, input_dim, output_dim);
}

}  // namespace rl
