#include "cert/cert_expr.hpp"

#include <cctype>
#include <vector>

#include "arith/error.hpp"

namespace rl {
namespace {

constexpr long kMaxExponent = 100000;
constexpr std::size_t kMaxExactPowerBits = std::size_t(1) << 24;

ExprValue value_exact(const Rational& q, mpfr_prec_t prec) { return ExprValue{q, Interval(q, prec)}; }
ExprValue value_enclosure(const Interval& iv) { return ExprValue{std::nullopt, iv}; }

// The exact square root of q when q is the square of a rational.
std::optional<Rational> rational_exact_sqrt(const Rational& q) {
  if (q < 0) return std::nullopt;
  Integer num = boost::multiprecision::numerator(q), den = boost::multiprecision::denominator(q);
  Integer rn = boost::multiprecision::sqrt(num), rd = boost::multiprecision::sqrt(den);
  if (rn * rn != num || rd * rd != den) return std::nullopt;
  return Rational(rn) / Rational(rd);
}

Rational rational_pow(Rational base, unsigned long n) {
  Rational r = 1;
  for (; n; n >>= 1, base *= base)
    if (n & 1) r *= base;
  return r;
}

class Parser {
 public:
  Parser(const std::string& text, const ExprScope& scope, const std::string& where)
      : text_(text), scope_(scope), where_(where) {}

  ExprValue parse_all() {
    ExprValue v = parse_expr();
    expect_end();
    return v;
  }

  ExprRelation parse_relation() {
    ExprValue lhs = parse_expr();
    std::string op = parse_relation_operator();
    ExprValue rhs = parse_expr();
    expect_end();
    return ExprRelation{lhs, rhs, op};
  }

 private:
  const std::string& text_;
  const ExprScope& scope_;
  const std::string& where_;
  std::size_t pos_ = 0;
  // Nesting (parentheses, unary minus, exponents) past this depth is refused:
  // the parser recurses once per level, and 10^5 levels overflowed the stack.
  static constexpr std::size_t kMaxDepth = 1000;
  std::size_t depth_ = 0;

  [[noreturn]] void fail(const std::string& reason) const {
    throw InputError(where_, "expression \"" + text_ + "\" at column " + std::to_string(pos_ + 1) + ": " + reason);
  }

  void skip_space() { while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_; }
  bool accept(const std::string& token) {
    skip_space();
    if (text_.compare(pos_, token.size(), token) != 0) return false;
    pos_ += token.size();
    return true;
  }
  void expect(const std::string& token) { if (!accept(token)) fail("expected '" + token + "'"); }
  void expect_end() { skip_space(); if (pos_ != text_.size()) fail("unexpected text"); }

  std::string parse_relation_operator() {
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"})
      if (accept(op)) return op;
    fail("expected a comparison (==, !=, <=, >=, <, >)");
  }

  ExprValue parse_expr() {
    ExprValue v = parse_term();
    for (;;) {
      if (accept("+")) v = combine(v, parse_term(), '+');
      else if (accept("-")) v = combine(v, parse_term(), '-');
      else return v;
    }
  }

  ExprValue parse_term() {
    ExprValue v = parse_unary();
    for (;;) {
      if (accept("*")) v = combine(v, parse_unary(), '*');
      else if (accept("/")) v = combine(v, parse_unary(), '/');
      else return v;
    }
  }

  ExprValue parse_unary() {
    struct Level {
      std::size_t& depth;
      ~Level() { --depth; }
    } level{++depth_};
    if (depth_ > kMaxDepth) fail("nested more than 1000 deep");
    if (accept("-")) {
      ExprValue v = parse_unary();
      return v.exact ? value_exact(-*v.exact, scope_.precision) : value_enclosure(-v.enclosure);
    }
    return parse_power();
  }

  ExprValue parse_power() {
    ExprValue base = parse_atom();
    if (!accept("^")) return base;
    std::size_t at = pos_;
    ExprValue e = parse_unary();
    if (!e.exact || boost::multiprecision::denominator(*e.exact) != 1) { pos_ = at; fail("the exponent must be an exact integer"); }
    Integer n = boost::multiprecision::numerator(*e.exact);
    if (n > kMaxExponent || n < -kMaxExponent) { pos_ = at; fail("exponent out of range [-100000, 100000]"); }
    return power(base, n.convert_to<long>());
  }

  ExprValue parse_atom() {
    skip_space();
    if (accept("(")) {
      ExprValue v = parse_expr();
      expect(")");
      return v;
    }
    if (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) return parse_number();
    if (pos_ < text_.size() && (std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) return parse_name();
    fail(pos_ < text_.size() ? "unexpected character" : "unexpected end");
  }

  ExprValue parse_number() {
    std::size_t start = pos_;
    auto digits = [&] { while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_; };
    digits();
    if (pos_ < text_.size() && text_[pos_] == '.') { ++pos_; digits(); }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      digits();
    }
    return value_exact(rational_parse(text_.substr(start, pos_ - start), where_), scope_.precision);
  }

  ExprValue parse_name() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    std::string name = text_.substr(start, pos_ - start);
    if (!accept("(")) {
      auto it = scope_.names.find(name);
      if (it == scope_.names.end()) { pos_ = start; fail("unknown name '" + name + "'"); }
      return it->second;
    }
    std::vector<ExprValue> args;
    if (!accept(")")) {
      do args.push_back(parse_expr()); while (accept(","));
      expect(")");
    }
    std::size_t end = pos_;
    pos_ = start;  // errors in the function point at its name
    ExprValue v = apply_function(name, args);
    pos_ = end;
    return v;
  }

  void arity(const std::string& name, const std::vector<ExprValue>& args, std::size_t n) {
    if (args.size() != n) fail(name + " takes " + std::to_string(n) + " argument(s), got " + std::to_string(args.size()));
  }

  // The only place where transcendental functions enter: MPFI's sqrt, log,
  // exp and pi return outward-rounded enclosures at scope_.precision bits.
  ExprValue apply_function(const std::string& name, const std::vector<ExprValue>& args) {
    mpfr_prec_t prec = scope_.precision;
    if (name == "pi") { arity(name, args, 0); return value_enclosure(interval_pi(prec)); }
    if (name == "interval") {
      arity(name, args, 2);
      if (!args[0].exact || !args[1].exact) fail("interval(lo, hi) needs exact end points");
      if (*args[0].exact > *args[1].exact) fail("interval(lo, hi) with lo > hi");
      return value_enclosure(Interval(*args[0].exact, *args[1].exact, prec));
    }
    if (name == "min" || name == "max") {
      arity(name, args, 2);
      const ExprValue &a = args[0], &b = args[1];
      if (a.exact && b.exact) return value_exact(name == "min" ? std::min(*a.exact, *b.exact) : std::max(*a.exact, *b.exact), prec);
      return value_enclosure(name == "min" ? interval_min(a.enclosure, b.enclosure) : interval_max(a.enclosure, b.enclosure));
    }
    if (name != "sqrt" && name != "log" && name != "exp" && name != "abs") fail("unknown function '" + name + "'");
    arity(name, args, 1);
    const ExprValue& a = args[0];
    if (name == "abs") return a.exact ? value_exact(rational_abs(*a.exact), prec) : value_enclosure(interval_abs(a.enclosure));
    if (name == "sqrt") {
      if (a.exact && *a.exact < 0) fail("sqrt of a negative number");
      if (a.exact) if (auto r = rational_exact_sqrt(*a.exact)) return value_exact(*r, prec);
      if (!a.enclosure.is_nonnegative()) throw ExprUndecided("sqrt argument not certainly >= 0");
      return value_enclosure(interval_sqrt(a.enclosure));
    }
    if (name == "log") {
      if (a.exact && *a.exact <= 0) fail("log of a non-positive number");
      if (a.exact && *a.exact == 1) return value_exact(0, prec);
      if (!a.enclosure.is_positive()) throw ExprUndecided("log argument not certainly > 0");
      return value_enclosure(interval_log(a.enclosure));
    }
    if (a.exact && *a.exact == 0) return value_exact(1, prec);
    return value_enclosure(interval_exp(a.enclosure));
  }

  ExprValue combine(const ExprValue& a, const ExprValue& b, char op) {
    if (a.exact && b.exact) {
      const Rational &x = *a.exact, &y = *b.exact;
      if (op == '/' && y == 0) fail("division by zero");
      Rational r = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
      return value_exact(r, scope_.precision);
    }
    const Interval &x = a.enclosure, &y = b.enclosure;
    if (op == '/' && y.contains_zero()) {
      if (b.exact) fail("division by zero");
      throw ExprUndecided("divisor not certainly non-zero");
    }
    return value_enclosure(op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y);
  }

  ExprValue power(const ExprValue& base, long n) {
    unsigned long m = static_cast<unsigned long>(n < 0 ? -n : n);
    if (base.exact) {
      if (n < 0 && *base.exact == 0) fail("0 to a negative power");
      // A cap on the size of exact powers keeps a hostile claim from exhausting memory.
      std::size_t bits = boost::multiprecision::msb(boost::multiprecision::abs(boost::multiprecision::numerator(*base.exact)) + 1) +
                         boost::multiprecision::msb(boost::multiprecision::denominator(*base.exact));
      if (bits * m > kMaxExactPowerBits) fail("exact power too large (over 2^24 bits)");
      Rational r = rational_pow(*base.exact, m);
      return value_exact(n < 0 ? Rational(1) / r : r, scope_.precision);
    }
    Interval r = interval_pow_int(base.enclosure, m);
    if (n >= 0) return value_enclosure(r);
    if (r.contains_zero()) throw ExprUndecided("base of a negative power not certainly non-zero");
    return value_enclosure(Interval::from_int(1, scope_.precision) / r);
  }
};

}  // namespace

ExprValue expr_evaluate(const std::string& text, const ExprScope& scope, const std::string& where) {
  return Parser(text, scope, where).parse_all();
}

ExprRelation expr_evaluate_relation(const std::string& text, const ExprScope& scope, const std::string& where) {
  return Parser(text, scope, where).parse_relation();
}

Truth expr_relation_decide(const ExprRelation& r) {
  Rational alo = r.lhs.lower(), ahi = r.lhs.upper(), blo = r.rhs.lower(), bhi = r.rhs.upper();
  auto decide = [](bool certainly_true, bool certainly_false) {
    return certainly_true ? Truth::True : certainly_false ? Truth::False : Truth::Unknown;
  };
  bool disjoint = ahi < blo || bhi < alo;
  bool equal_points = alo == ahi && blo == bhi && alo == blo;
  if (r.op == "==") return decide(equal_points, disjoint);
  if (r.op == "!=") return decide(disjoint, equal_points);
  if (r.op == "<") return decide(ahi < blo, alo >= bhi);
  if (r.op == "<=") return decide(ahi <= blo, alo > bhi);
  if (r.op == ">") return decide(alo > bhi, ahi <= blo);
  return decide(alo >= bhi, ahi < blo);  // ">="
}

}  // namespace rl
