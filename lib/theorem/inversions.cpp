#include "theorem/inversions.hpp"

#include "arith/error.hpp"
#include "theorem/formulas.hpp"

namespace rl {
namespace {

TheoremParams with_n(TheoremParams t, const Rational& n) { t.n = n; return t; }
TheoremParams with_p(TheoremParams t, const Rational& p) { t.p = p; return t; }
TheoremParams with_epsilon(TheoremParams t, const Rational& e) { t.epsilon = e; return t; }

std::optional<bool> sign_as_bool(const SignDecision& s) {
  if (s.sign == Sign::Undecided) return std::nullopt;
  return s.sign == Sign::Positive;
}

// Verifies the least-integer answer `v` of a monotone condition `holds_at`.
template <class HoldsAt>
bool verify_least(const Integer& v, HoldsAt holds_at) {
  std::optional<bool> at_v = holds_at(Rational(v));
  if (!at_v || !*at_v) return false;
  if (v == 1) return true;
  std::optional<bool> below = holds_at(Rational(v - 1));
  return below && !*below;
}

void require_level(const TheoremParams& t, const char* what) {
  if (!t.L) throw InputError("--L", std::string(what) + " needs the Lipschitz level --L");
  if (t.edition == Edition::Seed && !t.C2)
    throw InputError("--C2", std::string(what) + " in the seed edition needs the universal constant --C2");
  if (edition_log_defect(t))
    throw InputError("--W/--J", "log(60WJ/eps) <= 0 (WJ <= eps/60): the NeurIPS 2021 statement is defective here");
}

}  // namespace

Condition8 theorem_condition8_at(const TheoremParams& t, const Rational& n) {
  TheoremParams tn = with_n(t, n);
  Condition8 c;
  // Margin 0 would mean a rational equal to a transcendental number: impossible.
  c.margin = refine_sign([&](mpfr_prec_t prec) { return theorem_condition8_margin(tn, prec); });
  c.holds = sign_as_bool(c.margin);
  return c;
}

Condition8 theorem_condition8(const TheoremParams& t) { return theorem_condition8_at(t, t.n); }

LeastInteger theorem_least_n(const TheoremParams& t) {
  Rational eps2 = t.epsilon * t.epsilon;
  CeilDecision c = refine_ceil([&](mpfr_prec_t prec) { return theorem_condition8_lhs(t, prec) / Interval(eps2, prec); });
  LeastInteger out;
  out.lower = c.lower;
  out.upper = c.upper;
  if (!c.value) return out;
  out.value = *c.value < 1 ? Integer(1) : *c.value;
  out.verified = verify_least(*out.value, [&](const Rational& n) { return theorem_condition8_at(t, n).holds; });
  return out;
}

Condition9 theorem_condition9(const TheoremParams& t) {
  if (!t.C1 || !t.L) throw InputError("--C1/--L", "condition (9) needs --C1 and --L");
  Rational sigma = params_sigma_or_worst(t);
  Condition9 c;
  c.rhs = *t.C1 * t.c * *t.L * *t.L * sigma * sigma / (t.epsilon * t.epsilon);
  c.holds = t.d >= c.rhs;
  return c;
}

Integer theorem_least_d(const TheoremParams& t) {
  Integer d = rational_ceil(theorem_condition9(t).rhs);
  return d < 1 ? Integer(1) : d;
}

std::optional<bool> theorem_bound_at_most_level(const TheoremParams& t) {
  // L^2 - bound^2 = 0 would equate a rational with a rational divided by a
  // transcendental capacity: impossible, so the decision terminates.
  return sign_as_bool(refine_sign([&](mpfr_prec_t prec) { return theorem_level_margin(t, false, prec); }));
}

LeastInteger theorem_least_p(const TheoremParams& t) {
  require_level(t, "the least p");
  // bound <= L  <=>  p log G + log(4/delta) >= eps^2 n d / (X L^2)  <=>  p >= (R - log(4/delta)) / log G.
  Rational R = t.epsilon * t.epsilon * t.n * t.d / (edition_bound_denominator_constant(t) * *t.L * *t.L);
  CeilDecision c = refine_ceil([&](mpfr_prec_t prec) {
    return (Interval(R, prec) - interval_log(Interval(4 / t.delta, prec))) / theorem_log_term(t, prec);
  });
  LeastInteger out;
  out.lower = c.lower;
  out.upper = c.upper;
  if (!c.value) return out;
  out.value = *c.value < 1 ? Integer(1) : *c.value;
  out.verified = verify_least(*out.value, [&](const Rational& p) { return theorem_bound_at_most_level(with_p(t, p)); });
  return out;
}

EpsilonThreshold theorem_epsilon_threshold(const TheoremParams& t, int digits) {
  require_level(t, "the epsilon threshold");
  EpsilonThreshold out;
  out.eps_max = 1;
  if (t.edition == Edition::NeurIPS2021 && 60 * t.W * t.J < 1) out.eps_max = 60 * t.W * t.J;
  auto above_level = [&](const Rational& e) {  // bound(e) > L, decided
    TheoremParams te = with_epsilon(t, e);
    SignDecision s = refine_sign([&](mpfr_prec_t prec) { return -theorem_level_margin(te, false, prec); });
    return s.sign;
  };
  Sign at_max = above_level(out.eps_max);
  if (at_max == Sign::Negative) { out.kind = EpsilonThreshold::Kind::NoneBelow; out.note = "bound <= L for every eps in the range"; return out; }
  if (at_max == Sign::Undecided) { out.note = "bound = L at eps_max to 4096 bits"; return out; }
  // Bisection on [a, b]: bound(a) <= L < bound(b) (bound(0+) = 0 < L).
  Rational a = 0, b = out.eps_max;
  while (b - a > b * rational_pow10(-(digits + 1))) {
    Rational m = (a + b) / 2;
    Sign s = above_level(m);
    if (s == Sign::Undecided) { out.note = "bound = L to 4096 bits at eps = " + rational_to_string(m); break; }
    (s == Sign::Positive ? b : a) = m;
  }
  out.kind = EpsilonThreshold::Kind::Enclosed;
  out.lower = a;
  out.upper = b;
  return out;
}

Enclosure theorem_epsilon_min_condition8(const TheoremParams& t, int digits) {
  return refine_enclosure([&](mpfr_prec_t prec) { return interval_sqrt(theorem_condition8_lhs(t, prec) / Interval(t.n, prec)); },
                          digits);
}

}  // namespace rl
