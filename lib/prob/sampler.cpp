#include "prob/sampler.hpp"

#include <algorithm>

#include <cmath>

namespace rl {

std::uint64_t sampler_block_size(std::size_t dimension) {
  constexpr std::uint64_t kCoordinates = std::uint64_t(1) << 24;
  return std::max<std::uint64_t>(1, std::min<std::uint64_t>(kSamplerBlock, kCoordinates / std::max<std::size_t>(dimension, 1)));
}

std::mt19937_64 sampler_stream(std::uint64_t seed, std::uint64_t stream, std::uint64_t block) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(block),
                    static_cast<std::uint32_t>(block >> 32)};
  return std::mt19937_64(seq);
}

void sampler_draw(MeasureKind kind, std::size_t d, std::mt19937_64& rng, std::vector<double>& x) {
  x.resize(d);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  switch (kind) {
    case MeasureKind::Gaussian: {
      std::normal_distribution<double> normal(0.0, scale);
      for (double& v : x) v = normal(rng);
      return;
    }
    case MeasureKind::Sphere: {
      std::normal_distribution<double> normal(0.0, 1.0);
      double norm2 = 0;
      for (double& v : x) { v = normal(rng); norm2 += v * v; }
      const double inv = 1.0 / std::sqrt(norm2);
      for (double& v : x) v *= inv;
      return;
    }
    case MeasureKind::Cube: {
      std::uniform_real_distribution<double> uniform(0.0, scale);
      for (double& v : x) v = uniform(rng);
      return;
    }
  }
}

}  // namespace rl
