// Exact (Clopper-Pearson) binomial confidence bounds, certified.
//
// Semantics: for k successes in n trials and one-sided level alpha,
//   clopper_pearson_lower(k, n, alpha) = a rational p <= p_L, where p_L is
//     the solution of P(Bin(n, p) >= k) = alpha, i.e. I_p(k, n-k+1) = alpha;
//   clopper_pearson_upper(k, n, alpha) = a rational p >= p_U, where p_U is
//     the solution of P(Bin(n, p) <= k) = alpha, i.e. I_p(k+1, n-k) = 1-alpha.
// The candidate comes from an untrusted double inverse (Boost.Math ibeta_inv);
// it is accepted only after Arb encloses the regularized incomplete beta at
// that point and the enclosure proves the inequality, and it is moved
// outward until it is. So P(p < lower) <= alpha and P(p > upper) <= alpha.
#pragma once
#include <cstdint>

#include "arith/rational.hpp"

namespace rl {

Rational clopper_pearson_lower(std::uint64_t k, std::uint64_t n, const Rational& alpha);
Rational clopper_pearson_upper(std::uint64_t k, std::uint64_t n, const Rational& alpha);

// Arb enclosure test used by both: is I_p(a, b) <= level (upper test) or
// >= level (lower test)?
bool incomplete_beta_at_most(const Rational& p, std::uint64_t a, std::uint64_t b, const Rational& level);
bool incomplete_beta_at_least(const Rational& p, std::uint64_t a, std::uint64_t b, const Rational& level);

}  // namespace rl
