#include "net/random_network.hpp"

#include <cmath>
#include <random>

#include "arith/error.hpp"

namespace rl {

Network random_network(const std::vector<std::size_t>& sizes, std::uint64_t seed, double bias_std) {
  if (sizes.size() < 2) throw InputError("random network", "needs at least an input and an output size");
  for (std::size_t s : sizes)
    if (s == 0) throw InputError("random network", "layer sizes must be positive");
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  for (std::size_t k = 1; k < sizes.size(); ++k) {
    const double scale = 1.0 / std::sqrt(double(sizes[k - 1]));
    RationalMatrix w(sizes[k], std::vector<Rational>(sizes[k - 1]));
    std::vector<Rational> b(sizes[k]);
    for (auto& row : w)
      for (Rational& x : row) x = rational_from_double(normal(rng) * scale);
    for (Rational& x : b) x = rational_from_double(normal(rng) * bias_std);
    layers.emplace_back(std::move(w), std::move(b));
  }
  return network_from_layers(sizes[0], std::move(layers), "random");
}

}  // namespace rl
