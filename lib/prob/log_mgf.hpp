// Centered log-moment generating functions K(lambda) = log E exp(lambda (X - E X))
// (seed Definition 4) of closed-form distributions, as interval functions.
//   rademacher  : X = +-1,           K = log cosh(lambda)
//   uniform     : X ~ U[-1, 1],      K = log(sinh(lambda)/lambda)
//   gaussian    : X ~ N(0, 1),       K = lambda^2 / 2
//   bernoulli:P : X ~ Bernoulli(P),  K = log(1 - P + P e^lambda) - P lambda
//
// Semantics: every function returns an interval containing the exact value
// for every lambda in the argument box.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "arith/interval.hpp"

namespace rl {

enum class DistributionKind { Rademacher, Uniform, Gaussian, Bernoulli };

struct Distribution {
  DistributionKind kind = DistributionKind::Rademacher;
  Rational p = 0;  // Bernoulli parameter
  std::string name;

  Rational variance() const;                 // K''(0)
  std::optional<Rational> deviation_max() const;  // sup |X - E X| (none for the Gaussian)
  std::optional<Rational> range() const;     // b - a of the support (none for the Gaussian)
};

// "rademacher", "uniform", "gaussian" or "bernoulli:P" with 0 < P < 1.
Distribution distribution_parse(const std::string& text, const std::string& where);

// K on a box that does not contain 0 (uniform) or any box (others).
Interval log_mgf(const Distribution& x, const Interval& lambda);
// K' on a box that does not contain 0 (uniform) or any box (others).
Interval log_mgf_derivative(const Distribution& x, const Interval& lambda);
// K'' on any box (the variance of the exponentially tilted law).
Interval log_mgf_second_derivative(const Distribution& x, const Interval& lambda);

}  // namespace rl
