// The optimal variance proxy sup_lambda 2 K(lambda) / lambda^2 of a sum
// sum_i K_i(s_i lambda) of centered log-MGFs (one term: a single variable;
// terms with s_i = 1/n: the mean of n independent variables, Lemma 2).
//
// Certified by interval branch and bound on lambda over [-Lambda, Lambda]:
//  - on a box B not containing 0: 2 K(B) / B^2 by interval arithmetic;
//  - on every box (the lambda -> 0 end): the mean-value form
//    2 K(l) / l^2 = 2 int_0^1 (1-s) K''(s l) ds lies in K''(hull(0, B)),
//    because the weight 2(1-s) is a probability density on [0, 1];
//  - |lambda| > Lambda: |X - E X| <= M gives K(l) <= |l| M, so the ratio is
//    <= 2 M / Lambda; Lambda = 4 M / Var makes that < Var <= the sup (the
//    ratio tends to Var as lambda -> 0). Gaussian terms contribute exactly
//    s^2 to the ratio for every lambda and are added in closed form.
// Semantics: lower <= sup <= upper, both exact rationals.
#pragma once
#include <string>
#include <vector>

#include "prob/log_mgf.hpp"

namespace rl {

struct ScaledVariable {
  Distribution x;
  Rational scale = 1;  // the term count * K_x(scale * lambda)
  long count = 1;      // independent identical copies
};

struct ProxyResult {
  Rational lower, upper;
  Rational lambda_star;     // where the lower bound was attained (0: the limit)
  Rational lambda_max;      // Lambda
  std::size_t boxes = 0;
  std::string argument;     // the analytic ends, stated
};

ProxyResult variance_proxy(const std::vector<ScaledVariable>& terms, const Rational& rel_tol, std::size_t budget,
                           mpfr_prec_t prec = 128);

// 2 K(lambda) / lambda^2 at one rational lambda != 0 (enclosure).
Interval variance_proxy_ratio(const std::vector<ScaledVariable>& terms, const Rational& lambda, mpfr_prec_t prec = 128);

}  // namespace rl
