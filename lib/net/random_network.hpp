// Random dense ReLU networks for tests and benchmarks.
//
// Semantics: layer k has weights drawn from N(0, 1/fan_in) and biases from
// N(0, bias_std^2), each drawn as a double by std::mt19937_64 seeded with
// `seed` and then taken as its exact rational value (so the network is exactly
// reproducible from (sizes, seed, bias_std)). sizes = {d, n_1, ..., n_L}.
#pragma once
#include <cstdint>
#include <vector>

#include "net/network.hpp"

namespace rl {

Network random_network(const std::vector<std::size_t>& sizes, std::uint64_t seed, double bias_std = 0.5);

}  // namespace rl
