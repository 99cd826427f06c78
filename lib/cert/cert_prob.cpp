// Trusted verifiers for the claim kinds "concentration" and "subgaussian"
// (proofs/prob/*.json). They re-check closed-form statements with exact
// rationals and Arb enclosures only: no Monte Carlo and no search. Every
// grid they use is uniform and given by the claim's certificate, in canonical
// form: a power-of-two number of cells, and for a bounded support t_end its
// end on the grid (the tail is 0 at t_end and positive one cell before).
//
// Every parameter and certificate member is read; any other is refused.
//
// concentration, parameters {measure: sphere|gaussian|cube|discrete-cube, d,
// function?: coordinate, quantity?: tail (default), form: definition2|isoperimetry, c}:
//   expected "violated":  certificate {t}: lower(tail(t)) > upper(bound(t));
//   expected "holds":     certificate {t_end, cells}: on the uniform cells of
//                         [0, t_end], upper(tail(t_i)) <= lower(bound(t_{i+1}))
//                         (both non-increasing), and the tail beyond t_end is
//                         0 (bounded support); Gaussian: no certificate, the
//                         bound holds analytically for every t when its rate
//                         is <= d/2 (erfc(x) <= exp(-x^2));
//   quantity "least_c_sqrt_d", expected "bound-in-range": parameters {form?:
//                         definition2, lower, upper}, no c; certificate {t, t_end,
//                         cells}: the critical c at t proves c* sqrt(d) >= lower,
//                         the cells prove c* sqrt(d) <= upper;
//   quantity "variance_of_x1", parameters {c, relation: equals_c with form
//                         definition2, or at_most_4c_over_d with form
//                         isoperimetry} (docs/math.md errata: c is not the
//                         variance): exact, no certificate.
// subgaussian, parameters {distribution, check}:
//   optimal_proxy (bound-in-range, {lower, upper, lambda_star}): the closed
//     form (1, 1/3, 1, Kearns-Saul) and 2K(lambda*)/lambda*^2 both lie in
//     [lower, upper];
//   definition5 ({sigma}), hoeffding: sigma^2 or (b-a)^2/4 against the
//     closed-form proxy;
//   lemma1 ({sigma_squared, cells}): staircase of the exact tail of |X - EX|
//     against 2 exp(-t^2/(2 sigma^2)) on [0, sup|X - EX|];
//   lemma2 ({n, lambda_star}, bound-in-range): the mean of n independent
//     copies has log-MGF n K(lambda/n) (MGF product), so its ratio at
//     n lambda* equals the single ratio at lambda* divided by n; both the
//     product evaluation and proxy/n are enclosed and must meet.
#include <algorithm>
#include <arb_hypgeom.h>

#include <set>
#include <string>

#include "arith/arb_bridge.hpp"
#include "arith/constant.hpp"
#include "arith/error.hpp"
#include "arith/verdict.hpp"
#include "cert/claim.hpp"
#include "io/json_exact.hpp"

namespace rl {
namespace {

constexpr slong kPrec = 160;

Rational param_rational(const Json& p, const char* key) {
  if (!p.contains(key)) throw InputError(std::string("parameters.") + key, "missing");
  return rational_from_json(p[key], std::string("parameters.") + key);
}

std::string param_string(const Json& p, const char* key) {
  if (!p.contains(key) || !p[key].is_string()) throw InputError(std::string("parameters.") + key, "missing string");
  return p[key].get<std::string>();
}

Interval arb_to(arb_srcptr b) { return interval_from_arb(b, kPrec); }

// P(|X_1 - E X_1| > t), t >= 0, enclosed independently of lib/prob's tails.
Interval verifier_tail(const std::string& measure, std::size_t d, const Rational& t) {
  const Interval one(Rational(1), kPrec);
  if (t <= 0) return one;
  if (measure == "sphere") {
    if (t >= 1) return Interval(Rational(0), kPrec);
    // For t < 2^-40 the ball of 1 - t^2 may cross 1: use monotonicity.
    if (t < rational_pow2(-40)) return interval_hull(verifier_tail(measure, d, rational_pow2(-40)), one);
    ArbBall a, b, z, r;
    arb_set_ui(a.get(), d - 1);
    arb_mul_2exp_si(a.get(), a.get(), -1);
    arb_set_d(b.get(), 0.5);
    arb_from_interval(z.get(), Interval(1 - t * t, kPrec));
    arb_hypgeom_beta_lower(r.get(), a.get(), b.get(), z.get(), 1, kPrec);
    return arb_to(r.get());
  }
  if (measure == "gaussian") {  // erfc(t sqrt(d/2))
    ArbBall x, r;
    arb_from_interval(x.get(), Interval(t * t * Rational(d, 2), kPrec));
    arb_sqrt(x.get(), x.get(), kPrec);
    arb_hypgeom_erfc(r.get(), x.get(), kPrec);
    return arb_to(r.get());
  }
  if (measure == "cube") {  // |X_1 - a/2| ~ U[0, a/2], a = 1/sqrt d: 1 - 2t sqrt(d), clamped
    if (4 * t * t * d >= 1) return Interval(Rational(0), kPrec);
    return one - Interval::from_int(2, kPrec) * Interval(t, kPrec) * interval_sqrt(Interval(Rational(d), kPrec));
  }
  if (measure == "discrete-cube") {  // X_1 in {0, a} equally likely: |X_1 - a/2| = a/2
    return Interval(Rational(4 * t * t * d < 1 ? 1 : 0), kPrec);
  }
  throw InputError("parameters.measure", "unknown measure '" + measure + "'");
}

struct BoundSpec {
  std::string form;
  Constant c;
  std::size_t d;
};

Interval verifier_bound(const BoundSpec& b, const Rational& t) {
  Interval e = b.form == "definition2" ? Interval(t * t / b.c.square(), kPrec)
                                       : Interval(Rational(b.d) * t * t / 2, kPrec) / b.c.enclosure(kPrec);
  return Interval::from_int(2, kPrec) * interval_exp(-e);
}

// Uniform staircase on [0, t_end] with `cells` cells; returns the first failing t or "".
std::string staircase_failure(const std::function<Interval(const Rational&)>& tail,
                              const std::function<Interval(const Rational&)>& bound, const Rational& t_end,
                              long long cells) {
  if (cells < 1 || cells > 262144 || (cells & (cells - 1)) != 0)
    throw CertificateInvalid("certificate.cells must be a power of two in [1, 2^18] (the canonical grid)");
  Interval prev = tail(Rational(0));
  for (long i = 1; i <= cells; ++i) {
    Rational t = t_end * Rational(i, cells);
    if (prev.upper() > bound(t).lower()) return rational_to_string(t);
    prev = tail(t);
  }
  return "";
}

// t_end ends the support on the grid: the tail is 0 at t_end and positive at
// the previous grid point (a later t_end would only add cells of zeros).
bool support_end(const std::function<Interval(const Rational&)>& tail, const Rational& t_end, long long cells) {
  return tail(t_end).upper() <= 0 && tail(t_end * Rational(cells - 1, cells)).lower() > 0;
}

// One of `allowed`, else an error naming the member: a value read as a
// default would check another claim than the file states.
std::string param_choice(const Json& p, const char* key, const std::vector<std::string>& allowed) {
  const std::string v = param_string(p, key);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    throw InputError(std::string("parameters.") + key, "unknown value '" + v + "'");
  return v;
}

// The members each quantity's statement has; any other is refused.
std::set<std::string> concentration_members(const std::string& quantity) {
  std::set<std::string> m{"measure", "d", "function", "quantity"};
  if (quantity == "tail") m.insert({"form", "c"});
  if (quantity == "variance_of_x1") m.insert({"form", "c", "relation"});
  if (quantity == "least_c_sqrt_d") m.insert({"form", "lower", "upper"});
  return m;
}

// A certificate member the verifier would not read is refused.
void certificate_only(const Json& cert, const std::set<std::string>& allowed) {
  if (!cert.is_object()) throw CertificateInvalid("the certificate must be an object");
  if (std::optional<std::string> key = json_unknown_member(cert, allowed))
    throw CertificateInvalid("unexpected member '" + *key + "' in the certificate");
}

ClaimOutcome verify_concentration(const Json& claim, const ClaimContext& context) {
  const Json& p = claim.at("parameters");
  const ClaimVerdict expected = claim_expected_parse(claim.at("expected").get<std::string>(), context.claim_path);
  const std::string measure = param_choice(p, "measure", {"sphere", "gaussian", "cube", "discrete-cube"});
  // At most 2^62, so that the products below stay exact in 64 bits.
  const std::optional<std::uint64_t> d_read = p.contains("d") ? json_nonnegative_integer(p["d"]) : std::nullopt;
  if (!d_read || *d_read < 2 || *d_read > (1ULL << 62)) throw InputError("parameters.d", "must be an integer in [2, 2^62]");
  const std::size_t d = static_cast<std::size_t>(*d_read);
  const std::string quantity = p.contains("quantity") ? param_choice(p, "quantity", {"tail", "variance_of_x1", "least_c_sqrt_d"}) : "tail";
  json_require_only(p, concentration_members(quantity), "parameters", "the " + quantity + " claim");
  if (p.contains("function") && param_string(p, "function") != "coordinate")
    throw InputError("parameters.function", "only coordinate (phi = x_1) is checked");
  const Json cert = claim.value("certificate", Json::object());
  auto tail = [&](const Rational& t) { return verifier_tail(measure, d, t); };

  if (quantity == "variance_of_x1") {  // E X_1 = 0 or a/2; Var = 1/d (sphere, gaussian), 1/(12d) (cube)
    certificate_only(cert, {});
    const Constant c = constant_parse(param_string(p, "c"), "parameters.c");
    const Rational rd(d);
    const Rational var = measure == "cube" ? 1 / (12 * rd) : measure == "discrete-cube" ? 1 / (4 * rd) : 1 / rd;
    const std::string relation = param_choice(p, "relation", {"equals_c", "at_most_4c_over_d"});
    // Each relation is about one form's c: the seed's reading of Definition 2,
    // the bound Var <= 4c/d of Definition 6 (isoperimetry).
    const std::string form = relation == "equals_c" ? "definition2" : "isoperimetry";
    if (param_string(p, "form") != form) throw InputError("parameters.form", "relation " + relation + " is about the c of " + form);
    const bool ok = relation == "equals_c" ? c.square() == var * var && var > 0  // c = Var exactly
                                           : var * var * rd * rd <= 16 * c.square();  // Var <= 4c/d
    return {ok ? ClaimVerdict::Holds : ClaimVerdict::Violated,
            "Var x_1 = " + rational_to_string(var) + ", c = " + c.text + ", relation " + relation};
  }
  if (quantity == "least_c_sqrt_d") {
    // The least c of Definition 2; the claim carries no c of its own.
    if (p.contains("form") && param_string(p, "form") != "definition2")
      throw InputError("parameters.form", "least_c_sqrt_d is the least c of definition2");
    certificate_only(cert, {"t", "t_end", "cells"});
    Rational lower = param_rational(p, "lower"), upper = param_rational(p, "upper");
    Rational t = certificate_rational(cert, "t");
    // c(t) = t / sqrt(log(2/P)): c* sqrt d >= t sqrt(d / log(2/P(t))) with P at its lower end.
    Interval pt = tail(t);
    Interval lo = Interval(t, kPrec) * interval_sqrt(Interval(Rational(d), kPrec) /
                                                     interval_log(Interval::from_int(2, kPrec) / Interval(pt.lower(), kPrec)));
    bool lower_ok = lo.lower() >= lower;
    // c* sqrt(d) <= upper iff P(t) <= 2 exp(-d t^2 / upper^2) for all t: the staircase with c = upper/sqrt(d).
    BoundSpec bu{"definition2", Constant{upper, Rational(1, d), ""}, d};
    std::string fail = staircase_failure(tail, [&](const Rational& s) { return verifier_bound(bu, s); },
                                         certificate_rational(cert, "t_end"), certificate_integer(cert, "cells"));
    bool support_ok = measure != "gaussian" && support_end(tail, certificate_rational(cert, "t_end"),
                                                          certificate_integer(cert, "cells"));
    bool ok = lower_ok && fail.empty() && support_ok;
    return {ok ? ClaimVerdict::BoundInRange : ClaimVerdict::Rejected,
            "least c sqrt(d) for x_1: >= " + lo.lower_decimal(12) + " (at t = " + rational_to_string(t) + ")" +
                (fail.empty() ? ", <= " + decimal_upper(upper, 12) + " on every cell" : ", upper fails at t = " + fail)};
  }
  const BoundSpec b{param_choice(p, "form", {"definition2", "isoperimetry"}), constant_parse(param_string(p, "c"), "parameters.c"), d};
  auto bound = [&](const Rational& t) { return verifier_bound(b, t); };
  if (expected == ClaimVerdict::Violated || cert.contains("t")) {
    certificate_only(cert, {"t"});
    // One point t >= 0 where the tail exceeds the bound refutes the claim;
    // it proves nothing when the bound holds there.
    Rational t = certificate_rational(cert, "t");
    if (t < 0) throw CertificateInvalid("certificate.t must be >= 0 (the claim is about t >= 0)");
    Interval pt = tail(t), bt = bound(t);
    const ClaimVerdict at_t = claim_verdict_of(verdict_of(pt, bt));
    return {at_t == ClaimVerdict::Violated ? at_t : ClaimVerdict::Rejected,
            "t = " + rational_to_string(t) + ": tail in [" + pt.lower_decimal(12) + ", " + pt.upper_decimal(12) +
                "], bound in [" + bt.lower_decimal(12) + ", " + bt.upper_decimal(12) + "]"};
  }
  if (measure == "gaussian") {
    // P(|x_1| >= t) = erfc(t sqrt(d/2)) <= exp(-d t^2 / 2) <= the bound for
    // every t >= 0 when its rate is at most d/2: no staircase is needed, and
    // a certificate would be one nobody reads.
    if (!cert.empty()) throw CertificateInvalid("a Gaussian tail claim is proved without a certificate");
    bool analytic = b.form == "definition2" ? b.c.square() * Rational(d) >= 2 : b.c.square() >= 1;
    return {analytic ? ClaimVerdict::Holds : ClaimVerdict::Inconclusive,
            analytic ? "every t >= 0: erfc(x) <= exp(-x^2) and the bound's rate <= d/2" : "the bound's rate exceeds d/2"};
  }
  certificate_only(cert, {"t_end", "cells"});
  Rational t_end = certificate_rational(cert, "t_end");
  const long long cells = certificate_integer(cert, "cells");
  std::string fail = staircase_failure(tail, bound, t_end, cells);
  bool beyond = support_end(tail, t_end, cells);
  std::string why = "beyond t_end the tail is 0";
  if (!fail.empty()) return {ClaimVerdict::Inconclusive, "staircase cell ending at t = " + fail + " not proved"};
  return {beyond ? ClaimVerdict::Holds : ClaimVerdict::Inconclusive,
          "every t in [0, " + rational_to_string(t_end) + "] on " + std::to_string(cells) +
              " cells; " + (beyond ? why : "nothing proved beyond t_end")};
}

// ---- subgaussian ----

struct Dist {
  std::string name;
  Rational p;  // Bernoulli
};

// K(lambda) = log E exp(lambda (X - EX)) at a rational lambda != 0, with Arb.
Interval verifier_log_mgf(const Dist& x, const Rational& lambda) {
  ArbBall l, r, t;
  arb_from_interval(l.get(), Interval(lambda, kPrec));
  if (x.name == "rademacher") {
    arb_cosh(r.get(), l.get(), kPrec);
    arb_log(r.get(), r.get(), kPrec);
  } else if (x.name == "uniform") {
    arb_sinh(r.get(), l.get(), kPrec);
    arb_div(r.get(), r.get(), l.get(), kPrec);
    arb_log(r.get(), r.get(), kPrec);
  } else if (x.name == "gaussian") {
    arb_sqr(r.get(), l.get(), kPrec);
    arb_mul_2exp_si(r.get(), r.get(), -1);
  } else {  // log(1 - p + p e^l) - p l
    ArbBall pp;
    arb_from_interval(pp.get(), Interval(x.p, kPrec));
    arb_exp(r.get(), l.get(), kPrec);
    arb_mul(r.get(), r.get(), pp.get(), kPrec);
    arb_add_ui(r.get(), r.get(), 1, kPrec);
    arb_sub(r.get(), r.get(), pp.get(), kPrec);
    arb_log(r.get(), r.get(), kPrec);
    arb_mul(t.get(), pp.get(), l.get(), kPrec);
    arb_sub(r.get(), r.get(), t.get(), kPrec);
  }
  return arb_to(r.get());
}

Dist dist_parse(const std::string& s) {
  if (s == "rademacher" || s == "uniform" || s == "gaussian") return {s, 0};
  if (s.rfind("bernoulli:", 0) == 0) {
    Rational p = rational_parse(s.substr(10), "parameters.distribution");
    if (p <= 0 || p >= 1) throw InputError("parameters.distribution", "bernoulli:P needs 0 < P < 1");
    return {"bernoulli", p};
  }
  throw InputError("parameters.distribution", "unknown distribution '" + s + "'");
}

// The closed-form optimal proxy (docs/math.md): 1, 1/3, 1, Kearns-Saul.
Interval closed_form_proxy(const Dist& x) {
  if (x.name == "uniform") return Interval(Rational(1, 3), kPrec);
  if (x.name != "bernoulli") return Interval(Rational(1), kPrec);
  if (x.p == Rational(1, 2)) return Interval(Rational(1, 4), kPrec);
  return Interval(1 - 2 * x.p, kPrec) / (Interval::from_int(2, kPrec) * interval_log(Interval((1 - x.p) / x.p, kPrec)));
}

Interval ratio_at(const Dist& x, const Rational& lambda) {
  return Interval::from_int(2, kPrec) * verifier_log_mgf(x, lambda) / Interval(lambda * lambda, kPrec);
}

Interval abs_tail(const Dist& x, const Rational& t) {
  if (t <= 0) return Interval(Rational(1), kPrec);
  if (x.name == "rademacher") return Interval(Rational(t <= 1 ? 1 : 0), kPrec);
  if (x.name == "uniform") return Interval(t <= 1 ? 1 - t : Rational(0), kPrec);
  if (x.name == "bernoulli") {
    Rational lo = std::min(x.p, 1 - x.p), hi = std::max(x.p, 1 - x.p);
    return Interval(t <= lo ? Rational(1) : t <= hi ? (x.p == Rational(1, 2) ? Rational(1) : lo) : Rational(0), kPrec);
  }
  throw InputError("parameters.distribution", "lemma1 claims need a bounded distribution");
}

// The parameters and certificate members of each check; any other is refused.
struct CheckMembers {
  std::set<std::string> parameters, certificate;
};
CheckMembers subgaussian_members(const std::string& check) {
  if (check == "optimal_proxy") return {{"lower", "upper"}, {"lambda_star"}};
  if (check == "definition5") return {{"sigma"}, {}};
  if (check == "hoeffding") return {{}, {}};
  if (check == "lemma1") return {{"sigma_squared"}, {"cells"}};
  if (check == "lemma2") return {{"n", "lower", "upper"}, {"lambda_star"}};
  throw InputError("parameters.check", "unknown check '" + check + "'");
}

ClaimOutcome verify_subgaussian(const Json& claim, const ClaimContext&) {
  const Json& p = claim.at("parameters");
  const Dist x = dist_parse(param_string(p, "distribution"));
  const std::string check = param_string(p, "check");
  CheckMembers members = subgaussian_members(check);
  members.parameters.insert({"distribution", "check"});
  json_require_only(p, members.parameters, "parameters", "the " + check + " claim");
  const Json cert = claim.value("certificate", Json::object());
  certificate_only(cert, members.certificate);
  const Interval proxy = closed_form_proxy(x);
  auto in_range = [](const Interval& v, const Rational& lo, const Rational& hi) { return v.lower() >= lo && v.upper() <= hi; };
  // A proxy enclosure against [lo, hi], with a ratio attained at the
  // certificate's lambda (a lower bound of the proxy): outside the range it
  // refutes; a ratio below the range proves nothing, so the certificate fails.
  auto range_verdict = [&](const Interval& exact, const Interval& attained, const Rational& lo, const Rational& hi) {
    if (exact.upper() < lo || exact.lower() > hi || attained.lower() > hi) return ClaimVerdict::Violated;
    return in_range(exact, lo, hi) && in_range(attained, lo, hi) ? ClaimVerdict::BoundInRange : ClaimVerdict::Rejected;
  };
  if (check == "optimal_proxy") {
    Rational lo = param_rational(p, "lower"), hi = param_rational(p, "upper");
    Rational ls = certificate_rational(cert, "lambda_star");
    Interval attained = ratio_at(x, ls);
    return {range_verdict(proxy, attained, lo, hi),
            "closed form in [" + proxy.lower_decimal(15) + ", " + proxy.upper_decimal(15) + "], 2K(l*)/l*^2 in [" +
                attained.lower_decimal(15) + ", " + attained.upper_decimal(15) + "]"};
  }
  if (check == "definition5" || check == "hoeffding") {
    Rational s2;
    if (check == "definition5") {
      Rational s = param_rational(p, "sigma");
      if (s <= 0) throw InputError("parameters.sigma", "must be positive");
      s2 = s * s;
    }
    else s2 = x.name == "bernoulli" ? Rational(1, 4) : Rational(1);  // (b-a)^2/4: [0,1] or [-1,1]
    if (x.name == "gaussian" && check == "hoeffding") throw InputError("parameters.distribution", "Hoeffding needs a bounded variable");
    return {claim_verdict_of(verdict_of(proxy.lower(), proxy.upper(), s2)),
            "proxy in [" + proxy.lower_decimal(15) + ", " + proxy.upper_decimal(15) + "] vs sigma^2 = " + rational_to_string(s2)};
  }
  if (check == "lemma1") {
    Rational s2 = param_rational(p, "sigma_squared");
    if (s2 <= 0) throw InputError("parameters.sigma_squared", "must be positive");
    Rational m = x.name == "bernoulli" ? std::max(x.p, 1 - x.p) : Rational(1);
    std::string fail = staircase_failure(
        [&](const Rational& t) { return abs_tail(x, t); },
        [&](const Rational& t) { return Interval::from_int(2, kPrec) * interval_exp(-Interval(t * t / (2 * s2), kPrec)); },
        m, certificate_integer(cert, "cells"));
    return {fail.empty() ? ClaimVerdict::Holds : ClaimVerdict::Inconclusive,
            fail.empty() ? "P(|X-EX| >= t) <= 2exp(-t^2/(2 sigma^2)) for every t (tail 0 beyond " + rational_to_string(m) + ")"
                         : "cell ending at t = " + fail + " not proved"};
  }
  // lemma2: subgaussian_members admits no other check.
  const std::optional<std::uint64_t> n_read = json_nonnegative_integer(p.value("n", Json()));
  if (!n_read || *n_read < 1 || *n_read > 1000000) throw InputError("parameters.n", "must be an integer in [1, 10^6]");
  const long n = static_cast<long>(*n_read);
  Rational ls = certificate_rational(cert, "lambda_star");
  // Mean of n copies at Lambda = n l*: log-MGF = n K(l*) (MGF product), ratio = 2 n K(l*) / (n l*)^2.
  Interval product = Interval::from_int(2 * n, kPrec) * verifier_log_mgf(x, ls) / Interval(Rational(n * n) * ls * ls, kPrec);
  Interval lemma = proxy / Interval::from_int(n, kPrec);
  Rational lo = param_rational(p, "lower"), hi = param_rational(p, "upper");
  return {range_verdict(lemma, product, lo, hi),
          "mean of " + std::to_string(n) + ": ratio at n l* in [" + product.lower_decimal(15) + ", " + product.upper_decimal(15) +
              "], proxy/n in [" + lemma.lower_decimal(15) + ", " + lemma.upper_decimal(15) + "]"};
}

const ClaimKindRegistrar concentration_registrar("concentration", verify_concentration);
const ClaimKindRegistrar subgaussian_registrar("subgaussian", verify_subgaussian);

}  // namespace
}  // namespace rl
