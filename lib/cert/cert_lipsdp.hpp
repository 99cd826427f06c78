// The trusted check of LipSDP-Neuron certificates (l2 norm).
//
// Semantics. Stack z = (x, phi_1, ..., phi_{L-1}) (inputs, then every hidden
// layer's activations; N = d0 + hidden neurons). For hidden neuron i with
// incoming weight row w_i (placed at the previous layer's positions: a_i),
// position p_i, slope bounds [alpha_i, beta_i] and multiplier t_i >= 0,
//   M(rho, t) = sum_i t_i (-2 alpha_i beta_i a_i a_i^T
//                          + (alpha_i + beta_i)(a_i e_p^T + e_p a_i^T) - 2 e_p e_p^T)
//               - rho diag(1 on the inputs) + W_L^T W_L (on the last hidden layer).
// If M(rho, t) <= 0 then ||f(x) - f(y)||_2^2 <= rho ||x - y||_2^2 for every x, y
// whose pre-activations lie where every ReLU's difference quotient is in
// [alpha_i, beta_i] (v^T M v <= 0 for v = (x - y, phi(x) - phi(y)) and each
// neuron's term is >= 0 there), so sqrt(rho) bounds the l2 Lipschitz constant
// (the spectral norm of every Jacobian, for a vector output).
//
// The proof of M(rho, t) <= 0: powers of two S = diag(2^scale_i), a dyadic
// upper-triangular R and sigma > 0 with E = S (-M) S - sigma I - R^T R and
// ||E||_F^2 < sigma^2, all exact. Then lambda_min(S (-M) S) >= sigma - ||E||_2
// >= sigma - ||E||_F > 0, so -M is positive definite (S is invertible).
#pragma once
#include <vector>

#include "io/json_exact.hpp"
#include "net/network.hpp"

namespace rl {

// Reads {rho, t, sigma, scale, R, slopes} of a "lipsdp" certificate, requires
// the slopes to be exactly those of cert_lipsdp_slopes, and checks the proof.
// Returns rho (so sqrt(rho) >= L); throws InputError naming the failed check.
Rational cert_lipsdp_check(const Network& g, bool unbounded, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                           const Json& cert);

}  // namespace rl
