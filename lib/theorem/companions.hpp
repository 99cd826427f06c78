// The seed's companion statements, evaluated exactly or as enclosures:
// the two-layer parameter count, the depth-D network corollary's J,
// Theorem 1 in Omega~ form with user constants, and No Free Prune (seed
// Thm 2) with p_eff.
#pragma once
#include "theorem/refine.hpp"

namespace rl {

// p = k(d + 2) for h(x) = sum_{i<=k} a_i relu(w_i . x + b_i) on R^d (seed 1.1.2).
Integer two_layer_parameter_count(const Integer& k, const Integer& d);

// J = R (W Q p)^D (docs/math.md, network corollary): the parametrization of a depth-D
// network with ||x|| <= R, weights in [-W, W]^p, W >= 1, at most Q entries tied
// to one parameter, is J-Lipschitz. Exact. Throws InputError on bad ranges,
// and when J would take more than kCorollaryMaxBits bits.
constexpr double kCorollaryMaxBits = 67108864.0;  // 2^26: 20 million digits
Rational corollary_lipschitz_J(const Rational& R, const Rational& W, const Integer& Q, const Integer& p, const Integer& D);

// Theorem 1 (seed 1.2): Lip(h) >= Omega~((eps/sigma) sqrt(nd/p)). With the
// hidden constant C and polylog factor P made explicit by the user:
// C * (eps/sigma) * sqrt(n d / p) / P, enclosed. n, d, p, eps and sigma are
// refused exactly as the theorem refuses them (params.hpp): positive integers,
// eps in (0, 1), sigma in (0, 1].
Enclosure theorem1_explicit(const Rational& C, const Rational& P, const Rational& eps, const Rational& sigma,
                            const Rational& n, const Rational& d, const Rational& p, int digits);

// No Free Prune (seed Thm 2): Lip(h) >= Omega~(eps sqrt(nd/p_eff)),
// p_eff = Theta~(I(m^W; D) + E||m||_1). Its constants are symbolic: this
// encloses eps * sqrt(n d / p_eff) with p_eff = I + E exactly as given; n, d
// and eps are checked as the theorem checks them.
Enclosure no_free_prune_value(const Rational& eps, const Rational& n, const Rational& d, const Rational& mutual_information,
                              const Rational& mask_l1, int digits);

}  // namespace rl
