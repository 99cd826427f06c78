// The seed's subgaussian statements (§1.3; docs/math.md "Subgaussian") checked for
// closed-form distributions:
//   Definition 5 : X is sigma-subgaussian iff K(l) <= l^2 sigma^2 / 2 for all l,
//                  i.e. iff sigma^2 >= the optimal variance proxy;
//   Lemma 1      : P(|X - EX| >= t) <= 2 exp(-t^2 / (2 sigma^2));
//   Lemma 2      : the mean of n independent sigma-subgaussian variables is
//                  sigma/sqrt(n)-subgaussian (by the MGF product);
//   Hoeffding    : X in [a, b] has variance proxy <= (b - a)^2 / 4.
#pragma once
#include <optional>

#include "prob/tail_staircase.hpp"
#include "prob/variance_proxy.hpp"

namespace rl {

// P(|X - E X| >= t), enclosed (exact where rational).
Interval subgaussian_abs_tail(const Distribution& x, const Rational& t, mpfr_prec_t prec);

// Lemma 1 for a valid sigma^2, over every t >= 0 (staircase on [0, M], the
// tail is 0 beyond M; Gaussian: [0, 12] plus erfc(x) <= exp(-x^2) beyond
// when sigma^2 >= 1).
struct Lemma1Check {
  StaircaseResult result;
  std::string scope;
};
Lemma1Check lemma1_check(const Distribution& x, const Rational& sigma_squared, mpfr_prec_t prec);

// The closed-form optimal proxy: 1, 1/3, 1, and Kearns-Saul
// (1 - 2p) / (2 log((1-p)/p)) for Bernoulli(p != 1/2), 1/4 at p = 1/2.
Interval variance_proxy_closed_form(const Distribution& x, mpfr_prec_t prec);


}  // namespace rl
