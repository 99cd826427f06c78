// Seeded samplers, means and supports of the bounded closed-form
// distributions of log_mgf.hpp (for Monte Carlo checks against the exact
// log-MGF):
//   rademacher : +-1 from one bit of std::mt19937_64;           support [-1, 1]
//   uniform    : std::uniform_real_distribution<double>(-1, 1); support [-1, 1]
//   bernoulli:P: 1 iff a 64-bit draw is < ceil(P 2^64), i.e. Bernoulli(P)
//                up to 2^-64;                                   support [0, 1]
// The Gaussian is unbounded and has no sampler here.
#pragma once
#include <optional>
#include <random>
#include <utility>

#include "prob/log_mgf.hpp"
#include "prob/mc_stop.hpp"

namespace rl {

// [a, b] containing X almost surely, or none (Gaussian).
std::optional<std::pair<Rational, Rational>> distribution_support(const Distribution& x);

// E X exactly.
Rational distribution_mean(const Distribution& x);

// Draws n samples with block-seeded streams (sampler_stream(seed, stream, block)),
// so the result depends only on (x, n, seed, stream). Throws InputError
// naming `where` for the Gaussian. A stop request (mc_stop.hpp), seen between
// blocks (never before the first), ends the draws with the prefix drawn.
std::vector<double> distribution_draw(const Distribution& x, std::uint64_t n, std::uint64_t seed,
                                      std::uint64_t stream, const std::string& where, const McStop& stop = {});

}  // namespace rl
