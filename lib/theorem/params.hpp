// Parameters of the Bubeck–Sellke theorem (seed App. B Thm 3; docs/math.md) and
// the two editions' constants.
//
// Semantics: every parameter is an exact rational read from the user's
// decimal or a/b text. theorem_params_validate checks the ranges the
// statement assumes and throws InputError naming the option.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "arith/rational.hpp"

namespace rl {

enum class Edition { Seed, NeurIPS2021 };

Edition edition_parse(const std::string& text);  // "seed" | "neurips2021"; throws InputError
std::string edition_name(Edition e);

struct TheoremParams {
  Edition edition = Edition::Seed;
  Rational n, d, p, epsilon, delta, c, W, J;
  Rational k = 1;
  std::optional<Rational> sigma, C1, C2, sparsity, L;
};

// The parameters as the command line gives them: option name ("n", "epsilon",
// "C2", ...) -> decimal or a/b text, read exactly; an empty text is absent.
// n, d, p, epsilon, delta, c, W, J are required; k, sigma, C1, C2, sparsity,
// L optional. Throws InputError naming the option (--name). Ranges are
// checked by theorem_params_validate.
TheoremParams theorem_params_from_text(const std::string& edition, const std::map<std::string, std::string>& values);

// Ranges: n, d, p, k positive integers; s an integer in [1, p]; epsilon and
// delta in (0, 1); c, W, J, C1, C2, L positive; sigma in (0, 1] (labels lie in
// [-1, 1], so E[Var(y|x)] <= 1).
void theorem_params_validate(const TheoremParams& t);

// The single-quantity checks theorem_params_validate is made of, shared with
// the companion formulas that take the same quantities (theorem-tools), so a
// value the theorem refuses is refused there too, with the same message.
void params_require_positive_integer(const Rational& q, const std::string& option);  // n, d, p, k, s
void params_require_positive(const Rational& q, const std::string& option);
void params_require_open_unit(const Rational& q, const std::string& option);         // epsilon, delta
void params_require_noise_level(const Rational& sigma, const std::string& option);   // sigma in (0, 1]

// A value given as exact text (decimal or a/b), keyed by its option's name
// without "--": absent when missing or empty; InputError names "--<name>".
// A value as text, at most kParamsMaxCharacters long (4 000-digit values take
// 1.6 s through the theorem's exact formulas, the time growing as the square).
constexpr std::size_t kParamsMaxCharacters = 4096;
Rational params_text_parse(const std::string& text, const std::string& option);
std::optional<Rational> params_text_value(const std::map<std::string, std::string>& values, const std::string& name);
// The same, required: InputError "--<name>: required<hint>" when absent.
Rational params_text_required(const std::map<std::string, std::string>& values, const std::string& name, const std::string& hint = "");

// The constant A of condition (8), A k log(8k/delta) <= n eps^2:
// 10^4 (seed) or 8^4 = 4096 (NeurIPS 2021).
Rational edition_condition8_constant(Edition e);

// The argument G of the covering log: 1 + 60WJ/eps (seed) or 60WJ/eps
// (NeurIPS 2021, from the eps/(6J)-net of size (60WJ/eps)^p).
Rational edition_log_argument(const TheoremParams& t);

// True when the NeurIPS edition's log(60WJ/eps) is <= 0, i.e. WJ <= eps/60:
// the statement then claims a net of size <= 1 and its bound is meaningless.
bool edition_log_defect(const TheoremParams& t);

// The constant X in Lip^2 >= eps^2 n d / (X * capacity):
// seed: sigma^2 C2 c (sigma = 1 and C2 = 1 when absent, see theorem.md);
// NeurIPS: 2^18 c (the prefactor 1/(2^9 sqrt c), and 2^18 = 8^6).
Rational edition_bound_denominator_constant(const TheoremParams& t);

// sigma, or 1 when the user gave none (the largest value the labels allow).
Rational params_sigma_or_worst(const TheoremParams& t);

}  // namespace rl
