#include "vnnlib/vnnlib.hpp"

#include <algorithm>
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

// One conjunction of the asserted formula: bounds on inputs and atoms on outputs.
struct Term {
  std::vector<std::optional<Rational>> lo, hi;  // per input; empty: no bound on any
  OutputConjunction atoms;
};

using Dnf = std::vector<Term>;

struct Reader {
  std::string source;
  std::size_t input_dim, output_dim;
  std::vector<bool> declared_x, declared_y;

  [[noreturn]] void fail(const SExpr& e, const std::string& reason) const {
    throw InputError(source + ":" + std::to_string(e.line), reason);
  }

  // "X_3" -> ('X', 3); anything else, "X_03" included (another name, not X_3), -> ('?', 0).
  std::pair<char, std::size_t> variable(const std::string& name) const {
    if (name.size() < 3 || (name[0] != 'X' && name[0] != 'Y') || name[1] != '_') return {'?', 0};
    if (name.size() > 3 && name[2] == '0') return {'?', 0};
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

  // An input bound (<= X_i c), (>= X_i c), (<= c X_i), (>= c X_i) as a term; nothing when e is not of this shape.
  std::optional<Term> input_bound(const SExpr& e) const {
    if (!e.is_list || e.items.size() != 3 || e.items[0].is_list) return std::nullopt;
    const std::string& op = e.items[0].atom;
    if (op != "<=" && op != ">=") return std::nullopt;
    const SExpr &a = e.items[1], &b = e.items[2];
    bool a_var = !a.is_list && variable(a.atom).first == 'X', b_var = !b.is_list && variable(b.atom).first == 'X';
    if (a_var == b_var) return std::nullopt;
    const SExpr &v = a_var ? a : b, &bound = a_var ? b : a;
    if (bound.is_list || variable(bound.atom).first != '?') return std::nullopt;
    if (!is_number(bound)) fail(bound, "the bound of " + v.atom + " is '" + bound.atom + "', not a number");
    std::size_t k = checked_variable(v, 'X');
    Rational c = rational_parse(bound.atom, source + ":" + std::to_string(e.line));
    // The search bounds inputs in doubles; a bound past their range would reach it as an infinity.
    if (!rational_in_double_range(c))
      fail(bound, "the bound " + bound.atom + " of " + v.atom + " lies outside the double range (magnitude above 1.8e308)");
    bool upper = (op == "<=") == a_var;  // X <= c, or c >= X
    Term t{std::vector<std::optional<Rational>>(input_dim), std::vector<std::optional<Rational>>(input_dim), {}};
    (upper ? t.hi : t.lo)[k] = c;
    return t;
  }

  std::size_t checked_variable(const SExpr& v, char expected) const {
    auto [kind, k] = variable(v.atom);
    if (kind == '?') fail(v, "unknown symbol '" + v.atom + "'");
    const std::vector<bool>& seen = kind == 'X' ? declared_x : declared_y;
    if (k >= seen.size() || !seen[k]) fail(v, "variable " + v.atom + " is used but not declared");
    if (kind != expected)
      fail(v, expected == 'Y' ? "input " + v.atom + " may appear only in bounds such as (<= X_i c)"
                              : "expected an input variable, found " + v.atom);
    return k;
  }

  // The search reads output coefficients and constants as doubles, and a
  // product of 600 factors 1e89999 took 101 s to build exactly (past
  // --time-limit and SIGINT): each term stays in the double range.
  const Linear& in_double_range(const SExpr& e, const Linear& l) const {
    bool ok = rational_in_double_range(l.constant);
    for (const Rational& c : l.coefficients) ok = ok && rational_in_double_range(c);
    if (!ok) fail(e, "a coefficient or constant of this term lies outside the double range (magnitude above 1.8e308)");
    return l;
  }

  Linear linear(const SExpr& e) const { return in_double_range(e, linear_term(e)); }

  Linear linear_term(const SExpr& e) const {
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
        in_double_range(e, prod);
      }
      return prod;
    }
    fail(e, "unsupported operator '" + op + "' in a linear term");
  }

  Dnf formula(const SExpr& e) const {
    if (!e.is_list || e.items.empty() || e.items[0].is_list) fail(e, "expected a constraint such as (<= Y_0 Y_1), (and ...) or (or ...)");
    if (auto bound = input_bound(e)) return {*bound};
    const std::string& op = e.items[0].atom;
    if (op == "and" || op == "or") {
      if (e.items.size() < 2) fail(e, "'" + op + "' needs arguments");
      Dnf acc;
      if (op == "or") {
        for (std::size_t i = 1; i < e.items.size(); ++i)
          for (auto& c : formula(e.items[i])) acc.push_back(std::move(c));
        return acc;
      }
      acc = {Term{}};
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
      return {Term{{}, {}, OutputConjunction{atom}}};
    }
    fail(e, "unsupported constraint '" + op + "'");
  }

  Dnf conjoin(const SExpr& where, const Dnf& a, const Dnf& b) const {
    if (a.size() * b.size() > kMaxConjunctions) fail(where, "the formula expands to more than 100000 conjunctions");
    Dnf out;
    for (const auto& x : a)
      for (const auto& y : b) out.push_back(meet(x, y));
    return out;
  }

  // Both terms at once: the tighter bound of each input, and all atoms.
  Term meet(const Term& x, const Term& y) const {
    if (x.lo.empty()) return Term{y.lo, y.hi, concat(x.atoms, y.atoms)};
    Term t{x.lo, x.hi, concat(x.atoms, y.atoms)};
    for (std::size_t i = 0; i < y.lo.size(); ++i) {
      if (y.lo[i] && (!t.lo[i] || *y.lo[i] > *t.lo[i])) t.lo[i] = y.lo[i];
      if (y.hi[i] && (!t.hi[i] || *y.hi[i] < *t.hi[i])) t.hi[i] = y.hi[i];
    }
    return t;
  }

  static OutputConjunction concat(const OutputConjunction& a, const OutputConjunction& b) {
    OutputConjunction c = a;
    c.insert(c.end(), b.begin(), b.end());
    return c;
  }
};

}  // namespace

std::vector<SafetyProperty> vnnlib_parse_cases(const std::string& text, const std::string& source, std::size_t input_dim,
                                               std::size_t output_dim) {
  Reader r{source, input_dim, output_dim, std::vector<bool>(input_dim), std::vector<bool>(output_dim)};
  Dnf asserted{Term{}};
  for (const SExpr& e : sexpr_parse(text, source)) {
    if (!e.is_list || e.items.empty() || e.items[0].is_list) r.fail(e, "expected (declare-const ...) or (assert ...)");
    const std::string& head = e.items[0].atom;
    if (head == "declare-const") { r.declare(e); continue; }
    if (head != "assert") r.fail(e, "unsupported command '" + head + "'");
    if (e.items.size() != 2) r.fail(e, "assert takes one formula");
    asserted = r.conjoin(e, asserted, r.formula(e.items[1]));
  }
  for (std::size_t i = 0; i < input_dim; ++i)
    if (!r.declared_x[i])
      throw InputError(source, "X_" + std::to_string(i) + " is not declared (the network has " + std::to_string(input_dim) + " inputs)");
  // One case per distinct input box, in the order of first appearance; a
  // conjunction whose box is empty holds nowhere and is dropped.
  std::vector<SafetyProperty> cases;
  std::string empty_range;
  for (Term& t : asserted) {
    if (t.lo.empty()) t.lo = t.hi = std::vector<std::optional<Rational>>(input_dim);
    SafetyProperty box;
    for (std::size_t i = 0; i < input_dim; ++i) {
      std::string name = "X_" + std::to_string(i);
      if (!t.lo[i] || !t.hi[i])
        throw InputError(source, name + " has no " + std::string(t.lo[i] ? "upper" : "lower") + " bound" +
                                     (asserted.size() > 1 ? " in one of the alternatives" : ""));
      if (*t.lo[i] > *t.hi[i] && empty_range.empty()) empty_range = name;
      box.lo.push_back(*t.lo[i]);
      box.hi.push_back(*t.hi[i]);
    }
    bool empty = false;
    for (std::size_t i = 0; i < input_dim; ++i) empty = empty || box.lo[i] > box.hi[i];
    if (empty) continue;
    auto same = std::find_if(cases.begin(), cases.end(), [&](const SafetyProperty& c) { return c.lo == box.lo && c.hi == box.hi; });
    if (same == cases.end()) same = cases.insert(cases.end(), std::move(box));
    same->unsafe.push_back(std::move(t.atoms));
  }
  if (cases.empty()) throw InputError(source, empty_range + " has an empty range: lower bound above upper bound");
  return cases;
}

SafetyProperty vnnlib_parse(const std::string& text, const std::string& source, std::size_t input_dim, std::size_t output_dim) {
  std::vector<SafetyProperty> cases = vnnlib_parse_cases(text, source, input_dim, output_dim);
  if (cases.size() != 1)
    throw InputError(source, "the property has " + std::to_string(cases.size()) + " alternative input boxes; one was expected here");
  return std::move(cases.front());
}

SafetyProperty vnnlib_read(const std::string& path, std::size_t input_dim, std::size_t output_dim) {
  return vnnlib_parse(file_read_text(path), path, input_dim, output_dim);
}

std::vector<SafetyProperty> vnnlib_read_cases(const std::string& path, std::size_t input_dim, std::size_t output_dim) {
  return vnnlib_parse_cases(file_read_text(path), path, input_dim, output_dim);
}

std::optional<std::string> vnnlib_clamp_warning(const Network& net, const std::vector<SafetyProperty>& cases, const std::string& source) {
  if (!net.clamp) return std::nullopt;
  for (const SafetyProperty& c : cases)
    for (std::size_t i = 0; i < c.lo.size(); ++i)
      if (c.lo[i] < net.clamp->lo[i] || c.hi[i] > net.clamp->hi[i])
        return source + ": the input box leaves the network's input range at X_" + std::to_string(i) + " ([" +
               rational_to_string(c.lo[i]) + ", " + rational_to_string(c.hi[i]) + "] against [" + rational_to_string(net.clamp->lo[i]) +
               ", " + rational_to_string(net.clamp->hi[i]) + "] in " + net.source +
               "): inputs outside it are clamped. Are the property and the network in the same units (raw or normalized, see --normalized)?";
  return std::nullopt;
}

}  // namespace rl
