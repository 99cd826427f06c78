#include "prob/distribution_sampler.hpp"

#include <limits>

#include "arith/error.hpp"
#include "prob/sampler.hpp"

namespace rl {

std::optional<std::pair<Rational, Rational>> distribution_support(const Distribution& x) {
  switch (x.kind) {
    case DistributionKind::Rademacher: case DistributionKind::Uniform: return std::make_pair(Rational(-1), Rational(1));
    case DistributionKind::Bernoulli: return std::make_pair(Rational(0), Rational(1));
    case DistributionKind::Gaussian: return std::nullopt;
  }
  return std::nullopt;
}

Rational distribution_mean(const Distribution& x) { return x.kind == DistributionKind::Bernoulli ? x.p : Rational(0); }

std::vector<double> distribution_draw(const Distribution& x, std::uint64_t n, std::uint64_t seed,
                                      std::uint64_t stream, const std::string& where, const McStop& stop) {
  if (!distribution_support(x)) throw InputError(where, "'" + x.name + "' is unbounded: no Monte Carlo MGF interval");
  // P(draw < threshold) = threshold / 2^64, within 2^-64 of p.
  std::uint64_t threshold = 0;
  if (x.kind == DistributionKind::Bernoulli) {
    Integer t = rational_ceil(x.p * rational_pow2(64));
    threshold = t >= Integer(std::numeric_limits<std::uint64_t>::max())
                    ? std::numeric_limits<std::uint64_t>::max()
                    : static_cast<std::uint64_t>(t);
  }
  std::vector<double> out(n);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (std::uint64_t first = 0; first < n; first += kSamplerBlock) {
    if (first > 0 && mc_stop_requested(stop)) {
      out.resize(first);
      break;
    }
    std::mt19937_64 rng = sampler_stream(seed, stream, first / kSamplerBlock);
    for (std::uint64_t i = first; i < std::min(n, first + kSamplerBlock); ++i) {
      switch (x.kind) {
        case DistributionKind::Rademacher: out[i] = (rng() >> 63) ? 1.0 : -1.0; break;
        case DistributionKind::Uniform: out[i] = uniform(rng); break;
        case DistributionKind::Bernoulli: out[i] = rng() < threshold ? 1.0 : 0.0; break;
        case DistributionKind::Gaussian: break;
      }
    }
  }
  return out;
}

}  // namespace rl
