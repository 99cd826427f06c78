#include "theorem/companions.hpp"

#include "arith/error.hpp"
#include "theorem/params.hpp"

namespace rl {
namespace {

Rational rational_pow_integer(const Rational& base, const Integer& e) {
  Rational r = 1;
  for (Integer i = 0; i < e; ++i) r *= base;
  return r;
}

}  // namespace

Integer two_layer_parameter_count(const Integer& k, const Integer& d) {
  if (k < 1) throw InputError("--k", "the number of neurons must be a positive integer");
  if (d < 1) throw InputError("--d", "the input dimension must be a positive integer");
  return k * (d + 2);
}

Rational corollary_lipschitz_J(const Rational& R, const Rational& W, const Integer& Q, const Integer& p, const Integer& D) {
  params_require_positive(R, "--R");
  if (W < 1) throw InputError("--W", "the corollary assumes W >= 1, got " + rational_to_string(W));
  if (Q < 1) throw InputError("--Q", "must be a positive integer");
  if (p < 1) throw InputError("--p", "must be a positive integer");
  if (D < 1 || D > 10000) throw InputError("--D", "the depth must be an integer in [1, 10000]");
  // The power has about D times the base's bits: p = 10^80000 at D = 10^4
  // would have 2.7e9 bits and ran for minutes without output.
  const Rational base = W * Rational(Q) * Rational(p);
  const double bits = double(msb(numerator(base)) + msb(denominator(base)) + 2) * D.convert_to<double>();
  if (bits > kCorollaryMaxBits)
    throw InputError("--D", "J = R (W Q p)^D would take about " + std::to_string(static_cast<long long>(bits)) +
                                " bits, more than 2^26");
  return R * rational_pow_integer(base, D);
}

Enclosure theorem1_explicit(const Rational& C, const Rational& P, const Rational& eps, const Rational& sigma,
                            const Rational& n, const Rational& d, const Rational& p, int digits) {
  // The quantities the theorem command also takes are checked by its own checks.
  params_require_positive(C, "--constant");
  params_require_positive(P, "--polylog");
  params_require_open_unit(eps, "--epsilon");
  params_require_noise_level(sigma, "--sigma");
  for (auto [q, option] : {std::pair{n, "--n"}, {d, "--d"}, {p, "--p"}}) params_require_positive_integer(q, option);
  Rational square = C * C * eps * eps * n * d / (sigma * sigma * p * P * P);
  return refine_enclosure([&](mpfr_prec_t prec) { return interval_sqrt(Interval(square, prec)); }, digits);
}

Enclosure no_free_prune_value(const Rational& eps, const Rational& n, const Rational& d, const Rational& mutual_information,
                              const Rational& mask_l1, int digits) {
  params_require_open_unit(eps, "--epsilon");
  params_require_positive_integer(n, "--n");
  params_require_positive_integer(d, "--d");
  if (mutual_information < 0) throw InputError("--mutual-information", "the mutual information I must be >= 0");
  if (mask_l1 < 0) throw InputError("--mask-l1", "the expected mask size E||m||_1 must be >= 0");
  Rational p_eff = mutual_information + mask_l1;
  params_require_positive(p_eff, "p_eff");
  Rational square = eps * eps * n * d / p_eff;
  return refine_enclosure([&](mpfr_prec_t prec) { return interval_sqrt(Interval(square, prec)); }, digits);
}

}  // namespace rl
