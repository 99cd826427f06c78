// The trusted check of LipSDP-Neuron certificates (l2 norm).
//
// Semantics. Stack z = (x, phi_1, ..., phi_{L-1}) (inputs, then every hidden
// layer's activations). For hidden neuron i with incoming weight row w_i
// (placed at the previous layer's positions: a_i), position p_i, slope bounds
// [alpha_i, beta_i] and multiplier t_i >= 0,
//   M(rho, t) = sum_i t_i (-2 alpha_i beta_i a_i a_i^T
//                          + (alpha_i + beta_i)(a_i e_p^T + e_p a_i^T) - 2 e_p e_p^T)
//               - rho diag(1 on the inputs) + W_L^T W_L (on the last hidden layer).
// For x, y whose pre-activations lie where every ReLU's difference quotient
// is in [alpha_i, beta_i], v = (x - y, phi(x) - phi(y)) has each neuron's
// term >= 0, so v^T M v <= 0 gives ||f(x) - f(y)||_2^2 <= rho ||x - y||_2^2.
//
// Elimination. A neuron with alpha_i = beta_i (stable on the box) has
// phi_i(x) - phi_i(y) = alpha_i a_i^T v exactly, and its term vanishes. So v
// lies in the range of E, the linear map from the reduced coordinates u (the
// inputs, then the other neurons, in layer order) that writes each eliminated
// neuron through its pre-activation, recursively; its t_i must be 0, and
// the LMI checked is E^T M E, built directly from the rows a_i E and W_L E
// (cert_lipsdp_reduction). E^T M E <= 0 gives v^T M v <= 0 on that range,
// hence the bound: sqrt(rho) bounds the l2 Lipschitz constant (the spectral
// norm of every Jacobian, for a vector output). Why eliminate: M <= 0 with a
// stable neuron's term needs t_i -> infinity to use it, so a solve with a
// margin loses most of what the stable neurons give (ACAS Xu on a box of
// side 0.2: 4.1e5 verified with the terms, against 5.1e4 for the float
// optimum without a margin).
//
// The proof of E^T M(rho, t) E <= 0: powers of two S = diag(2^scale_i), a
// dyadic upper-triangular R and sigma > 0 with E' = S (-E^T M E) S - sigma I
// - R^T R and ||E'||_F^2 < sigma^2, all exact. Then lambda_min(S (-E^T M E) S)
// >= sigma - ||E'||_2 >= sigma - ||E'||_F > 0 (S is invertible).
#pragma once
#include <vector>

#include "io/json_exact.hpp"
#include "net/network.hpp"

namespace rl {

// Reads {rho, t, sigma, scale, R, slopes} of a "lipsdp" certificate, requires
// each neuron's slopes to be those of cert_lipsdp_slopes or [0, 1] (valid for
// every ReLU: the neuron then stays in the LMI), and checks the proof.
// Returns rho (so sqrt(rho) >= L); throws InputError naming the failed check.
Rational cert_lipsdp_check(const Network& g, bool unbounded, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                           const Json& cert);

}  // namespace rl
