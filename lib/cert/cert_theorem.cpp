// Trusted verifier for claim kind "theorem": statements about the
// Bubeck–Sellke theorem's constants (seed App. B Thm 3, docs/math.md), re-derived
// here from the claim's parameters alone.
//
// Independence: this file does not use lib/theorem. It evaluates each formula
// afresh with exact rationals, and with MPFI only for log, exp and sqrt of
// exact rationals, raising the precision until the decision is certain (cap
// 4096 bits; a tie at the cap yields "inconclusive"). It never searches: a
// claimed least n is checked at n - 1 and n, a claimed enclosure [lo, hi] of
// a bound B by lo^2 <= B^2 <= hi^2.
//
// parameters.quantity selects the statement:
//   bound            B = edition's (10) (or (11) with "sparsity"), certificate {lower, upper}
//   condition_8      A k log(8k/delta) <= n eps^2
//   least_n          "claimed" is the least n with (8)
//   least_p          "claimed" is the least p with bound (10) <= L
//   log_positive     the edition's covering log log G is > 0
//   two_layer_p      claimed p = k(d + 2)
//   corollary_J      claimed J = R (W Q p)^D
//   power_identity   base1^exp1 = base2^exp2
//   probability_lower_bound_positive   1 - exp(sign * n eps^2 / 8^3) > 0
//   editions_condition_8_agree         seed (10^4) and NeurIPS (8^4) verdicts of (8) coincide
//   editions_bound_agree               seed bound with sigma = 1, C2 = 2^18 equals the NeurIPS bound
//   interpolation_lipschitz_at_least   every interpolant of (points, labels) has Lip^2 >= claimed_squared
//
// Every parameter present must lie in the theorem's domain (0 < epsilon,
// delta < 1, 0 < sigma <= 1, c, C2, W, J, R, Q, L > 0, k, n, d, p, D and
// sparsity positive integers, sign = +-1), used by the quantity or not; any
// other member is an error.
#include <functional>
#include <map>

#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "cert/claim.hpp"

namespace rl {
namespace {

struct Reader {
  const Json& params;
  std::string where;
  Rational get(const char* key) const {
    if (!params.contains(key)) throw InputError(where, std::string("parameters.") + key + " is missing");
    return rational_from_json(params.at(key), where + ": parameters." + key);
  }
  Rational get_or(const char* key, const Rational& fallback) const { return params.contains(key) ? get(key) : fallback; }
  bool seed() const {
    std::string e = params.value("edition", "");
    if (e != "seed" && e != "neurips2021") throw InputError(where, "parameters.edition must be 'seed' or 'neurips2021'");
    return e == "seed";
  }
};

enum class Decided { Positive, Negative, Tie };

// The sign of the real enclosed by f(prec), for prec = 64 ... 4096.
Decided decide(const std::function<Interval(mpfr_prec_t)>& f) {
  for (mpfr_prec_t prec = 64; prec <= 4096; prec *= 2) {
    Interval x = f(prec);
    if (x.is_positive()) return Decided::Positive;
    if (x.is_negative()) return Decided::Negative;
  }
  return Decided::Tie;
}

ClaimOutcome outcome(bool holds, const std::string& detail) { return {holds ? ClaimVerdict::Holds : ClaimVerdict::Violated, detail}; }
ClaimOutcome from_sign(Decided s, const std::string& detail) {
  if (s == Decided::Tie) return {ClaimVerdict::Inconclusive, detail + " (tie at 4096 bits)"};
  return outcome(s == Decided::Positive, detail);
}

Interval log_of(const Rational& q, mpfr_prec_t prec) { return interval_log(Interval(q, prec)); }

// n eps^2 - A k log(8k/delta), A = 10^4 (seed) or 8^4.
Interval condition8_margin(const Reader& r, bool seed, const Rational& n, mpfr_prec_t prec) {
  Rational k = r.get_or("k", 1), eps = r.get("epsilon");
  Rational A = seed ? Rational(10000) : Rational(8 * 8 * 8 * 8);
  return Interval(n * eps * eps, prec) - Interval(A * k, prec) * log_of(8 * k / r.get("delta"), prec);
}

Rational log_argument(const Reader& r, bool seed) {
  Rational G = 60 * r.get("W") * r.get("J") / r.get("epsilon");
  return seed ? G + 1 : G;
}

// B^2 = eps^2 n d / (X * capacity); X = sigma^2 C2 c (seed) or 2^18 c.
Interval bound_squared(const Reader& r, bool seed, mpfr_prec_t prec) {
  Rational eps = r.get("epsilon"), G = log_argument(r, seed);
  Rational X = seed ? r.get_or("sigma", 1) * r.get_or("sigma", 1) * r.get_or("C2", 1) * r.get("c")
                    : Rational(262144) * r.get("c");
  Interval capacity = r.params.contains("sparsity") ? Interval(r.get("sparsity"), prec) * log_of(r.get("p") * G, prec)
                                                    : Interval(r.get("p"), prec) * log_of(G, prec);
  capacity = capacity + log_of(4 / r.get("delta"), prec);
  return Interval(eps * eps * r.get("n") * r.get("d") / X, prec) / capacity;
}

ClaimOutcome verify_bound(const Reader& r, const Json& claim) {
  bool seed = r.seed();
  if (!seed && log_argument(r, seed) <= 1) return {ClaimVerdict::Violated, "log(60WJ/eps) <= 0: the NeurIPS statement is defective here"};
  const Json& cert = claim.contains("certificate") ? claim["certificate"] : Json::object();
  Rational lo = certificate_rational(cert, "lower"), hi = certificate_rational(cert, "upper");
  if (lo < 0 || lo > hi) return {ClaimVerdict::Rejected, "certificate needs 0 <= lower <= upper"};
  Decided above_lo = decide([&](mpfr_prec_t p) { return bound_squared(r, seed, p) - Interval(lo * lo, p); });
  Decided below_hi = decide([&](mpfr_prec_t p) { return Interval(hi * hi, p) - bound_squared(r, seed, p); });
  std::string detail = "B^2 against [" + decimal_lower(lo * lo, 20) + ", " + decimal_upper(hi * hi, 20) + "]";
  if (above_lo == Decided::Negative || below_hi == Decided::Negative) return {ClaimVerdict::Violated, detail + ": B outside the certificate"};
  if (above_lo == Decided::Positive && below_hi == Decided::Positive) return {ClaimVerdict::BoundInRange, detail};
  return {ClaimVerdict::Inconclusive, detail};
}

ClaimOutcome verify_least_n(const Reader& r) {
  bool seed = r.seed();
  Rational n = r.get("claimed");
  if (denominator(n) != 1 || n < 1) throw InputError(r.where, "parameters.claimed must be a positive integer");
  Decided at = decide([&](mpfr_prec_t p) { return condition8_margin(r, seed, n, p); });
  Decided below = n == 1 ? Decided::Negative : decide([&](mpfr_prec_t p) { return condition8_margin(r, seed, n - 1, p); });
  if (at == Decided::Tie || below == Decided::Tie) return {ClaimVerdict::Inconclusive, "tie at 4096 bits"};
  bool ok = at == Decided::Positive && below == Decided::Negative;
  return outcome(ok, std::string("(8) ") + (at == Decided::Positive ? "holds" : "fails") + " at n = " + rational_to_string(n) +
                         " and " + (below == Decided::Positive ? "holds" : "fails") + " at n - 1");
}

ClaimOutcome verify_least_p(const Reader& r) {
  bool seed = r.seed();
  Rational p = r.get("claimed"), L = r.get("L");
  if (denominator(p) != 1 || p < 1) throw InputError(r.where, "parameters.claimed must be a positive integer");
  if (!seed && log_argument(r, seed) <= 1) return {ClaimVerdict::Violated, "log(60WJ/eps) <= 0: the NeurIPS statement is defective here"};
  auto at_most_L = [&](const Rational& pp) {  // sign of L^2 - B(pp)^2
    Json with_p = r.params;
    with_p["p"] = rational_to_string(pp);
    Reader rp{with_p, r.where};
    return decide([&](mpfr_prec_t prec) { return Interval(L * L, prec) - bound_squared(rp, seed, prec); });
  };
  Decided at = at_most_L(p), below = p == 1 ? Decided::Negative : at_most_L(p - 1);
  if (at == Decided::Tie || below == Decided::Tie) return {ClaimVerdict::Inconclusive, "tie at 4096 bits"};
  return outcome(at == Decided::Positive && below == Decided::Negative,
                 std::string("bound ") + (at == Decided::Positive ? "<=" : ">") + " L at p = " + rational_to_string(p) + ", " +
                     (below == Decided::Positive ? "<=" : ">") + " L at p - 1");
}

Rational power(const Rational& base, const Rational& e, const std::string& where) {
  if (denominator(e) != 1 || e < 0 || e > 100000) throw InputError(where, "exponent must be an integer in [0, 100000]");
  // The result has about e times the bits of the base: keep it below 2^22 bits (~1.26 million digits).
  const std::size_t base_bits = mpz_sizeinbase(numerator(base).backend().data(), 2) + mpz_sizeinbase(denominator(base).backend().data(), 2);
  if (Rational(base_bits) * e > Rational(1 << 22)) throw InputError(where, "the power would exceed 2^22 bits");
  // Numerator and denominator by GMP's powering (coprime, so the quotient is
  // in lowest terms): e exact products of growing rationals, each with its
  // gcd, took seconds and, in the sanitized fuzz run, 2.6 GB.
  const unsigned n = numerator(e).convert_to<unsigned>();
  return Rational(boost::multiprecision::pow(numerator(base), n), boost::multiprecision::pow(denominator(base), n));
}

ClaimOutcome verify_interpolation(const Reader& r) {
  // The least Lipschitz constant of a real function interpolating
  // (x_i, y_i) is max_{i != j} |y_i - y_j| / ||x_i - x_j||_2 (the McShane
  // extension attains it), so Lip^2 = max (y_i - y_j)^2 / ||x_i - x_j||^2.
  const Json& pts = r.params.at("points");
  std::vector<Rational> y = rational_vector_from_json(r.params.at("labels"), r.where + ": labels");
  if (!pts.is_array() || pts.size() != y.size() || y.size() < 2) throw InputError(r.where, "points and labels: same length >= 2");
  std::vector<std::vector<Rational>> x;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    x.push_back(rational_vector_from_json(pts[i], r.where + ": points"));
    if (x.back().empty() || x.back().size() != x.front().size())
      throw InputError(r.where, "points: every point needs the same number (>= 1) of coordinates");
  }
  Rational best = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      Rational dist2 = 0;
      for (std::size_t c = 0; c < x[i].size(); ++c) dist2 += (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]);
      if (dist2 == 0) throw InputError(r.where, "two equal points");
      Rational q = (y[i] - y[j]) * (y[i] - y[j]) / dist2;
      if (q > best) best = q;
    }
  Rational claimed = r.get("claimed_squared");
  return outcome(best >= claimed, "least interpolating Lip^2 = " + rational_to_string(best) + " vs claimed >= " + rational_to_string(claimed));
}

// The theorem's domain of each parameter, checked wherever it appears (the
// `theorem` command refuses the same values): a claim about c = -1 or
// epsilon = 2 is no statement about the theorem, whatever its verdict.
enum class Domain { Any, Positive, PositiveInteger, OpenUnit, HalfOpenUnit, Sign, NotRead };

const std::map<std::string, Domain>& parameter_domains() {
  static const std::map<std::string, Domain> domains{
      {"epsilon", Domain::OpenUnit}, {"delta", Domain::OpenUnit}, {"sigma", Domain::HalfOpenUnit},
      {"c", Domain::Positive}, {"C2", Domain::Positive}, {"W", Domain::Positive}, {"J", Domain::Positive},
      {"R", Domain::Positive}, {"Q", Domain::Positive}, {"L", Domain::Positive},
      {"k", Domain::PositiveInteger}, {"n", Domain::PositiveInteger}, {"d", Domain::PositiveInteger},
      {"p", Domain::PositiveInteger}, {"D", Domain::PositiveInteger}, {"sparsity", Domain::PositiveInteger},
      {"sign", Domain::Sign}, {"claimed", Domain::Any}, {"claimed_squared", Domain::Any}, {"base1", Domain::Any},
      {"base2", Domain::Any}, {"exp1", Domain::Any}, {"exp2", Domain::Any},
      {"quantity", Domain::NotRead}, {"edition", Domain::NotRead}, {"points", Domain::NotRead}, {"labels", Domain::NotRead}};
  return domains;
}

void check_parameter_domains(const Json& params, const std::string& where) {
  if (!params.is_object()) throw InputError(where, "parameters must be an object");
  for (const auto& [key, value] : params.items()) {
    const auto found = parameter_domains().find(key);
    if (found == parameter_domains().end()) throw InputError(where, "parameters." + key + " is not a parameter of the theorem");
    if (found->second == Domain::NotRead) continue;
    const Rational x = rational_from_json(value, where + ": parameters." + key);
    const std::string name = "parameters." + key;
    switch (found->second) {
      case Domain::Positive:
        if (x <= 0) throw InputError(where, name + " must be positive");
        break;
      case Domain::PositiveInteger:
        if (x < 1 || denominator(x) != 1) throw InputError(where, name + " must be a positive integer");
        break;
      case Domain::OpenUnit:
        if (x <= 0 || x >= 1) throw InputError(where, name + " must lie in (0, 1)");
        break;
      case Domain::HalfOpenUnit:
        if (x <= 0 || x > 1) throw InputError(where, name + " must lie in (0, 1]");
        break;
      case Domain::Sign:
        if (x != 1 && x != -1) throw InputError(where, name + " must be 1 or -1");
        break;
      case Domain::Any:
      case Domain::NotRead:
        break;
    }
  }
}

ClaimOutcome verify(const Json& claim, const ClaimContext& context) {
  const Json& params = claim.at("parameters");
  check_parameter_domains(params, context.claim_path);
  Reader r{params, context.claim_path};
  std::string q = params.value("quantity", "");
  if (q == "bound") return verify_bound(r, claim);
  if (q == "condition_8") {
    bool seed = r.seed();
    return from_sign(decide([&](mpfr_prec_t p) { return condition8_margin(r, seed, r.get("n"), p); }), "sign of n eps^2 - A k log(8k/delta)");
  }
  if (q == "least_n") return verify_least_n(r);
  if (q == "least_p") return verify_least_p(r);
  if (q == "log_positive") {
    Rational G = log_argument(r, r.seed());
    return outcome(G > 1, "log argument G = " + rational_to_string(G) + (G > 1 ? " > 1" : " <= 1"));
  }
  if (q == "two_layer_p") {
    Rational p = r.get("k") * (r.get("d") + 2);
    return outcome(p == r.get("claimed"), "k(d+2) = " + rational_to_string(p));
  }
  if (q == "corollary_J") {
    Rational J = r.get("R") * power(r.get("W") * r.get("Q") * r.get("p"), r.get("D"), r.where);
    return outcome(J == r.get("claimed"), "R (WQp)^D = " + rational_to_string(J));
  }
  if (q == "power_identity") {
    Rational a = power(r.get("base1"), r.get("exp1"), r.where), b = power(r.get("base2"), r.get("exp2"), r.where);
    return outcome(a == b, rational_to_string(a) + (a == b ? " = " : " != ") + rational_to_string(b));
  }
  if (q == "probability_lower_bound_positive") {
    Rational e = r.get("sign") * r.get("n") * r.get("epsilon") * r.get("epsilon") / 512;
    return from_sign(decide([&](mpfr_prec_t p) { return Interval::from_int(1, p) - interval_exp(Interval(e, p)); }),
                     "sign of 1 - exp(" + rational_to_string(e) + ")");
  }
  if (q == "editions_condition_8_agree") {
    Decided s = decide([&](mpfr_prec_t p) { return condition8_margin(r, true, r.get("n"), p); });
    Decided nr = decide([&](mpfr_prec_t p) { return condition8_margin(r, false, r.get("n"), p); });
    if (s == Decided::Tie || nr == Decided::Tie) return {ClaimVerdict::Inconclusive, "tie at 4096 bits"};
    return outcome(s == nr, std::string("seed (8) ") + (s == Decided::Positive ? "holds" : "fails") + ", NeurIPS (8) " +
                                (nr == Decided::Positive ? "holds" : "fails"));
  }
  if (q == "editions_bound_agree") {
    Json seed_params = params, neurips_params = params;
    seed_params["sigma"] = 1; seed_params["C2"] = 262144;
    Reader rs{seed_params, r.where}, rn{neurips_params, r.where};
    if (log_argument(rn, false) <= 1) return {ClaimVerdict::Violated, "the NeurIPS log is <= 0 here"};
    Decided s = decide([&](mpfr_prec_t p) { return bound_squared(rn, false, p) - bound_squared(rs, true, p); });
    if (s == Decided::Tie) return {ClaimVerdict::Inconclusive, "tie at 4096 bits"};
    return outcome(false, std::string("NeurIPS bound^2 - seed bound^2 (sigma = 1, C2 = 2^18) is ") + (s == Decided::Positive ? "> 0" : "< 0"));
  }
  if (q == "interpolation_lipschitz_at_least") return verify_interpolation(r);
  throw InputError(context.claim_path, "unknown theorem quantity '" + q + "'");
}

const ClaimKindRegistrar reg("theorem", verify);

}  // namespace
}  // namespace rl
