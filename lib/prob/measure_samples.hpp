// I.i.d. samples of phi(X), X from a bounded measure of measure.hpp (sphere,
// cube, or mixtures of them) and phi a built-in test function, for the Monte
// Carlo MGF intervals (mgf_monte_carlo.hpp).
//
// Support: |x| <= 1 on S^{d-1} and on [0, 1/sqrt d]^d, and phi(0) = 0 for
// every built-in function, so phi(X) lies in [-L, L] (L >= the Lipschitz
// constant, rounded up); the norm lies in [0, 1]. The drawn points are doubles
// whose norm may pass 1 by the sampler's rounding, at most (d/2 + 4) 2^-53 (a
// sum of d squares, a square root, a division, a product), and the outward
// enclosure of phi adds at most 1.5 ulp per operation (3d operations for a
// linear phi): the support is widened by the relative factor
// 1 + (4d + 16) 2^-52, more than both together. Each sample is stored
// as the outward enclosure of phi at the drawn point (test_function.hpp), so
// it holds the exact value at any magnitude; mgf_monte_carlo checks that every
// stored enclosure lies in the support.
// Mixtures are sampled i.i.d.: the component is chosen by a 64-bit draw
// against the cumulative weights times 2^64 (exact up to 2^-64 per weight).
// Block b uses sampler_stream(seed, stream, b).
#pragma once
#include <utility>

#include "arith/dinterval.hpp"
#include "prob/mc_stop.hpp"
#include "prob/measure.hpp"
#include "prob/test_function.hpp"

namespace rl {

// [a, b] containing every stored sample enclosure. Throws InputError naming
// `where` for unbounded measures (a Gaussian component).
std::pair<Rational, Rational> measure_function_support(const Measure& m, const TestFunction& phi,
                                                        const std::string& where);

// A stop request (mc_stop.hpp), seen between blocks of sampler_block_size(d) samples
// (never before the first), ends the draws: the result is then the prefix drawn.
std::vector<DInterval> measure_function_samples(const Measure& m, const TestFunction& phi, std::uint64_t n,
                                                std::uint64_t seed, std::uint64_t stream, const McStop& stop = {});

}  // namespace rl
