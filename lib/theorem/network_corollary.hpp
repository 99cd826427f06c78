// The network corollary (docs/math.md) for a concrete network: p, depth D, the
// weight bound W, J = R (W Q p)^D, and B(w) = max_i prod_{j != i} ||W_j||_op.
//
// Semantics: J is exact. Operator (spectral) norms are enclosed through
// their squares with exact rationals:
//   max(largest row norm^2, largest column norm^2) <= ||A||_2^2
//     <= min(||A||_F^2, ||A||_1 ||A||_inf),
// and B(w)^2 lies between the same max-of-products of the lower and of the
// upper ends. Everything here is exact rational arithmetic; then each layer's
// enclosure is intersected with the Lipschitz engine's certified [lower,
// upper] for that single affine layer (whose Lipschitz constant in l2 is
// exactly its spectral norm). With digits > 0, each enclosure of ||A||_2^2 =
// lambda_max(A^T A) is then bisected towards relative width 10^-digits: at a
// rational t, an MPFI LDL^T of t I - A^T A whose pivots are all certainly
// positive proves t >= lambda_max (the matrix is positive definite); pivots
// certainly positive up to one certainly negative prove t <= lambda_max (a
// leading principal minor is negative, Sylvester's criterion). An undecided
// sign ends the bisection with the enclosure reached.
#pragma once
#include <optional>
#include <vector>

#include "net/network.hpp"

namespace rl {

struct SquaredEnclosure {
  Rational lower, upper;  // lower <= x^2 <= upper
};

SquaredEnclosure layer_operator_norm_squared(const Layer& layer);
// The bisection above, from a valid enclosure of ||A||_2^2.
SquaredEnclosure spectral_squared_refine(const Layer& layer, SquaredEnclosure start, int digits);

struct NetworkCorollary {
  Integer p, depth, Q;
  Rational weight_max;      // max |entry| over weights and biases
  Rational W;               // max(1, weight_max): the corollary needs W >= 1
  Rational R;               // input norm bound, from the user
  Rational J;               // R (W Q p)^D, exact
  Rational diameter_upper;  // 2 W ceil(sqrt(p)) >= diam([-W, W]^p) = 2 W sqrt(p)
  std::vector<SquaredEnclosure> layer_norms_squared;
  SquaredEnclosure B_squared;
};

// W_inf: the class's weight bound; default max(1, max |w|). A given W_inf
// below max |w| (the network outside the class) raises InputError.
NetworkCorollary network_corollary(const Network& net, const Rational& R, const Integer& Q,
                                   const std::optional<Rational>& W_inf = std::nullopt, int digits = 0);

// The least integer r with r^2 >= v (v >= 0), exact.
Integer integer_ceil_sqrt(const Integer& v);

}  // namespace rl
