#include "theorem/params.hpp"

#include "arith/error.hpp"

namespace rl {
void params_require_positive_integer(const Rational& q, const std::string& option) {
  if (denominator(q) != 1) throw InputError(option, "must be an integer, got " + rational_to_string(q));
  if (q < 1) throw InputError(option, "must be a positive integer, got " + rational_to_string(q));
}

void params_require_positive(const Rational& q, const std::string& option) {
  if (q <= 0) throw InputError(option, "must be positive, got " + rational_to_string(q));
}

void params_require_open_unit(const Rational& q, const std::string& option) {
  if (q <= 0 || q >= 1) throw InputError(option, "must lie in the open interval (0, 1), got " + rational_to_string(q));
}

void params_require_noise_level(const Rational& sigma, const std::string& option) {
  params_require_positive(sigma, option);
  if (sigma > 1) throw InputError(option, "labels lie in [-1, 1], so sigma <= 1; got " + rational_to_string(sigma));
}

Rational params_text_parse(const std::string& text, const std::string& option) {
  if (text.size() > kParamsMaxCharacters)
    throw InputError(option, "has " + std::to_string(text.size()) + " characters, more than " + std::to_string(kParamsMaxCharacters) +
                                 " (the constants are evaluated exactly: 14 000-digit values took 20 s)");
  return rational_parse(text, option);
}

std::optional<Rational> params_text_value(const std::map<std::string, std::string>& values, const std::string& name) {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return params_text_parse(it->second, "--" + name);
}

Rational params_text_required(const std::map<std::string, std::string>& values, const std::string& name, const std::string& hint) {
  std::optional<Rational> q = params_text_value(values, name);
  if (!q) throw InputError("--" + name, "required" + hint);
  return *q;
}

namespace {

Rational required_value(const std::map<std::string, std::string>& values, const std::string& name) {
  return params_text_required(values, name, " (or use --report)");
}

}  // namespace

TheoremParams theorem_params_from_text(const std::string& edition, const std::map<std::string, std::string>& values) {
  TheoremParams t;
  t.edition = edition_parse(edition);
  t.n = required_value(values, "n"); t.d = required_value(values, "d"); t.p = required_value(values, "p");
  t.epsilon = required_value(values, "epsilon"); t.delta = required_value(values, "delta"); t.c = required_value(values, "c");
  t.W = required_value(values, "W"); t.J = required_value(values, "J");
  if (auto k = params_text_value(values, "k")) t.k = *k;
  t.sigma = params_text_value(values, "sigma"); t.C1 = params_text_value(values, "C1"); t.C2 = params_text_value(values, "C2");
  t.sparsity = params_text_value(values, "sparsity"); t.L = params_text_value(values, "L");
  return t;
}

Edition edition_parse(const std::string& text) {
  if (text == "seed") return Edition::Seed;
  if (text == "neurips2021") return Edition::NeurIPS2021;
  throw InputError("--edition", "expected 'seed' or 'neurips2021', got '" + text + "'");
}

std::string edition_name(Edition e) { return e == Edition::Seed ? "seed" : "neurips2021"; }

void theorem_params_validate(const TheoremParams& t) {
  params_require_positive_integer(t.n, "--n");
  params_require_positive_integer(t.d, "--d");
  params_require_positive_integer(t.p, "--p");
  params_require_positive_integer(t.k, "--k");
  params_require_open_unit(t.epsilon, "--epsilon");
  params_require_open_unit(t.delta, "--delta");
  params_require_positive(t.c, "--c");
  params_require_positive(t.W, "--W");
  params_require_positive(t.J, "--J");
  if (t.sigma) params_require_noise_level(*t.sigma, "--sigma");
  if (t.C1) params_require_positive(*t.C1, "--C1");
  if (t.C2) params_require_positive(*t.C2, "--C2");
  if (t.L) params_require_positive(*t.L, "--L");
  if (t.sparsity) {
    params_require_positive_integer(*t.sparsity, "--sparsity");
    if (*t.sparsity > t.p) throw InputError("--sparsity", "s-sparse vectors in R^p need s <= p");
  }
}

Rational edition_condition8_constant(Edition e) { return e == Edition::Seed ? Rational(10000) : Rational(4096); }

Rational edition_log_argument(const TheoremParams& t) {
  Rational ratio = 60 * t.W * t.J / t.epsilon;
  return t.edition == Edition::Seed ? 1 + ratio : ratio;
}

bool edition_log_defect(const TheoremParams& t) {
  return t.edition == Edition::NeurIPS2021 && edition_log_argument(t) <= 1;
}

Rational params_sigma_or_worst(const TheoremParams& t) { return t.sigma ? *t.sigma : Rational(1); }

Rational edition_bound_denominator_constant(const TheoremParams& t) {
  if (t.edition == Edition::NeurIPS2021) return rational_pow2(18) * t.c;
  Rational sigma = params_sigma_or_worst(t);
  return sigma * sigma * (t.C2 ? *t.C2 : Rational(1)) * t.c;
}

}  // namespace rl
