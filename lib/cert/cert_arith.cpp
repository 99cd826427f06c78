// Claim kinds "inequality" and "exact-identity": arithmetic statements over
// the expression language of cert_expr.hpp, decided with certainty.
//
// parameters:
//   "let":       [[name, expr], ...]  names bound in order (later ones may use
//                                     earlier ones); expr is a string or an integer
//   "witness":   [name, ...]          names whose values the certificate supplies
//   "cases":     [{name: expr}, ...]  optional; every assertion must hold in
//                                     every case (the case's names are bound last)
//   "assert":    relation or [relation, ...]
//   "precision": first MPFI precision in bits (default 128); "max_precision"
//                (default 8192) caps the doubling refinement.
// certificate (only with "witness"): {"witness": {name: number, ...}}.
//
// Verdicts: "holds" when every assertion is certainly true in every case (for
// every value of the interval(...) names); "violated" when some assertion is
// certainly false in some case (for every such value); "undecided" when the
// enclosures still overlap at max_precision. "exact-identity" additionally
// requires every assertion to be an "==" between exact rationals, so its
// verdict involves no enclosure at all.
#include <optional>
#include <sstream>

#include "arith/error.hpp"
#include "cert/cert_expr.hpp"
#include "cert/claim.hpp"
#include "io/json_exact.hpp"

namespace rl {
namespace {

struct ArithSettings {
  std::vector<std::string> assertions;
  mpfr_prec_t precision = kDefaultPrecision, max_precision = 8192;
  bool exact_only = false;
};

std::string expr_text(const Json& value, const std::string& where) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  throw InputError(where, "expected an expression (a string or an integer)");
}

bool name_well_formed(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

void scope_bind(ExprScope& scope, const std::string& name, const std::string& text, const std::string& where) {
  if (!name_well_formed(name)) throw InputError(where, "\"" + name + "\" is not a name");
  if (scope.names.count(name)) throw InputError(where, "\"" + name + "\" is bound twice");
  scope.names.insert_or_assign(name, expr_evaluate(text, scope, where));
}

mpfr_prec_t precision_member(const Json& params, const std::string& key, mpfr_prec_t fallback, const std::string& where) {
  if (!params.contains(key)) return fallback;
  const Json& v = params[key];
  if (!v.is_number_integer() || v.get<long long>() < 16 || v.get<long long>() > 65536)
    throw InputError(where, "parameters." + key + " must be an integer number of bits in [16, 65536]");
  return static_cast<mpfr_prec_t>(v.get<long long>());
}

ArithSettings settings_read(const Json& params, bool exact_only, const std::string& where) {
  ArithSettings s;
  s.exact_only = exact_only;
  if (!params.contains("assert")) throw InputError(where, "missing parameters.assert");
  const Json& a = params["assert"];
  if (a.is_string()) s.assertions.push_back(a.get<std::string>());
  else if (a.is_array() && !a.empty()) for (const Json& r : a) s.assertions.push_back(expr_text(r, where + ": parameters.assert"));
  else throw InputError(where, "parameters.assert must be a relation or a non-empty list of relations");
  s.precision = precision_member(params, "precision", kDefaultPrecision, where);
  s.max_precision = precision_member(params, "max_precision", 8192, where);
  if (s.max_precision < s.precision) throw InputError(where, "parameters.max_precision is below parameters.precision");
  return s;
}

// Witness values first (from the certificate), then "let" in order.
ExprScope scope_base(const Json& claim, mpfr_prec_t precision, const std::string& where) {
  ExprScope scope;
  scope.precision = precision;
  const Json& params = claim["parameters"];
  Json names = params.value("witness", Json::array());
  if (!names.is_array()) throw InputError(where, "parameters.witness must be a list of names");
  if (!names.empty()) {
    if (!claim.contains("certificate") || !claim["certificate"].is_object() || !claim["certificate"].contains("witness") ||
        !claim["certificate"]["witness"].is_object())
      throw CertificateInvalid(where + ": parameters.witness needs certificate.witness, an object of values");
    json_require_only(claim["certificate"], {"witness"}, where, "the certificate");
    const Json& values = claim["certificate"]["witness"];
    if (values.size() != names.size())
      throw CertificateInvalid(where + ": certificate.witness must give exactly the names of parameters.witness");
    for (const Json& n : names) {
      if (!n.is_string()) throw InputError(where, "parameters.witness must be a list of names");
      const std::string name = n.get<std::string>();
      if (!values.contains(name)) throw CertificateInvalid(where + ": certificate.witness lacks \"" + name + "\"");
      Rational q = certificate_rational(values, name);
      scope_bind(scope, name, rational_to_string(q), where + ": certificate.witness." + name);
    }
  } else if (claim.contains("certificate")) {
    throw CertificateInvalid(where + ": a certificate is accepted only with parameters.witness");
  }
  Json let = params.value("let", Json::array());
  if (!let.is_array()) throw InputError(where, "parameters.let must be a list of [name, expression] pairs");
  for (std::size_t i = 0; i < let.size(); ++i) {
    std::string at = where + ": parameters.let[" + std::to_string(i) + "]";
    if (!let[i].is_array() || let[i].size() != 2 || !let[i][0].is_string()) throw InputError(at, "expected [name, expression]");
    scope_bind(scope, let[i][0].get<std::string>(), expr_text(let[i][1], at), at);
  }
  return scope;
}

// An exact value as p/q when short, otherwise as an outward 12-digit enclosure.
std::string value_text(const ExprValue& v) {
  if (v.exact) {
    std::string s = rational_to_string(*v.exact);
    if (s.size() <= 40) return s;
  }
  std::ostringstream out;
  out << '[' << decimal_lower(v.lower(), 12) << ", " << decimal_upper(v.upper(), 12) << ']';
  return out.str();
}

struct CaseResult {
  Truth truth = Truth::True;
  std::string detail;  // the decisive (or last undecided) assertion
};

// Every assertion is read, even after a false one: a malformed one (or a
// non-"==" in an exact-identity) is an error wherever it stands.
CaseResult case_decide(const ExprScope& scope, const ArithSettings& s, const std::string& where) {
  CaseResult result;
  std::optional<CaseResult> first_false;
  for (std::size_t i = 0; i < s.assertions.size(); ++i) {
    std::string at = where + ": parameters.assert[" + std::to_string(i) + "]";
    Truth t = Truth::Unknown;
    std::string shown = s.assertions[i] + ": undecided (an operation's domain is not certain)";
    try {
      ExprRelation r = expr_evaluate_relation(s.assertions[i], scope, at);
      if (s.exact_only && (r.op != "==" || !r.lhs.exact || !r.rhs.exact))
        throw InputError(at, "an exact-identity asserts \"==\" between exact rationals; use kind \"inequality\" for enclosures");
      t = expr_relation_decide(r);
      shown = s.assertions[i] + ": " + value_text(r.lhs) + " " + r.op + " " + value_text(r.rhs);
    } catch (const ExprUndecided&) {
    }
    if (t == Truth::False && !first_false) first_false = CaseResult{Truth::False, shown};
    if (t == Truth::Unknown) result = {Truth::Unknown, shown};
    else if (result.truth == Truth::True) result.detail = shown;
  }
  return first_false ? *first_false : result;
}

// One case at doubling precisions until it is decided or `max_precision` is passed.
CaseResult case_refine(const Json& claim, const Json& bindings, const ArithSettings& s, mpfr_prec_t max_precision,
                       const std::string& where, mpfr_prec_t& used) {
  CaseResult result;
  for (mpfr_prec_t prec = s.precision; prec <= max_precision; prec *= 2) {
    used = prec;
    try {
      ExprScope scope = scope_base(claim, prec, where);
      for (const auto& [name, value] : bindings.items())
        scope_bind(scope, name, expr_text(value, where + ": case " + name), where + ": case " + name);
      result = case_decide(scope, s, where);
    } catch (const ExprUndecided& e) {
      result = {Truth::Unknown, std::string("a binding is undecided: ") + e.what()};
    }
    if (result.truth != Truth::Unknown) break;
  }
  return result;
}

ClaimOutcome arith_verify(const Json& claim, const ClaimContext& context, bool exact_only) {
  const std::string& where = context.claim_path;
  const Json params = claim.value("parameters", Json::object());
  json_require_only(params, {"let", "witness", "cases", "assert", "precision", "max_precision"}, where, "parameters");
  ArithSettings s = settings_read(params, exact_only, where);
  Json cases = params.value("cases", Json::array({Json::object()}));
  if (!cases.is_array() || cases.empty()) throw InputError(where, "parameters.cases must be a non-empty list of objects");
  Json claim_with_params = claim;
  claim_with_params["parameters"] = params;
  CaseResult overall;
  std::optional<std::string> violated;
  mpfr_prec_t used = s.precision, most = s.precision;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    if (!cases[c].is_object()) throw InputError(where, "parameters.cases[" + std::to_string(c) + "] must be an object");
    // After a violation the remaining cases are only read (one precision), so a malformed one is still an error.
    CaseResult r = case_refine(claim_with_params, cases[c], s, violated ? s.precision : s.max_precision, where, used);
    if (violated) continue;
    most = std::max(most, used);
    std::string label = cases.size() > 1 ? "case " + std::to_string(c) + ": " : "";
    if (r.truth == Truth::False) violated = label + r.detail + " is false (" + std::to_string(used) + " bits)";
    else if (r.truth == Truth::Unknown) overall = {Truth::Unknown, label + r.detail};
    else if (overall.truth == Truth::True) overall.detail = label + r.detail;
  }
  if (violated) return {ClaimVerdict::Violated, *violated};
  std::ostringstream out;
  if (overall.truth == Truth::Unknown) {
    out << overall.detail << " (up to " << s.max_precision << " bits)";
    return {ClaimVerdict::Undecided, out.str()};
  }
  out << s.assertions.size() << " assertion(s) x " << cases.size() << " case(s) hold";
  out << (exact_only ? " exactly" : " (up to " + std::to_string(most) + " bits)") << "; last: " << overall.detail;
  return {ClaimVerdict::Holds, out.str()};
}

const ClaimKindRegistrar inequality_kind("inequality", [](const Json& claim, const ClaimContext& context) {
  return arith_verify(claim, context, false);
});
const ClaimKindRegistrar identity_kind("exact-identity", [](const Json& claim, const ClaimContext& context) {
  return arith_verify(claim, context, true);
});

}  // namespace
}  // namespace rl
