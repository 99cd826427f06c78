#include "prob/measure_samples.hpp"

#include <limits>

#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "prob/sampler.hpp"

namespace rl {

std::pair<Rational, Rational> measure_function_support(const Measure& m, const TestFunction& phi,
                                                        const std::string& where) {
  if (!m.is_bounded()) throw InputError(where, "the measure must be bounded (sphere, cube or their mixtures)");
  // The sampler's rounding of |x|, plus the outward widening of the enclosure of phi (<= 1.5 ulp per operation).
  const Rational widen = 1 + Rational(4 * m.d + 16) * rational_pow2(-52);
  if (phi.name == "norm") return {0, widen};
  const Rational L = interval_sqrt(Interval(phi.lipschitz_squared, 128)).upper();
  return {-L * widen, L * widen};
}

std::vector<DInterval> measure_function_samples(const Measure& m, const TestFunction& phi, std::uint64_t n,
                                                std::uint64_t seed, std::uint64_t stream, const McStop& stop) {
  // Cumulative weights times 2^64: component i when the draw is below cut[i].
  std::vector<Integer> cut;
  Rational acc = 0;
  for (const auto& c : m.components) cut.push_back(rational_floor((acc += c.weight) * rational_pow2(64)));
  const std::size_t dim = measure_sample_dimension(m, "--d");
  std::vector<DInterval> out(n);
  std::vector<double> x(dim);
  const std::uint64_t block = sampler_block_size(dim);
  for (std::uint64_t first = 0; first < n; first += block) {
    if (first > 0 && mc_stop_requested(stop)) {
      out.resize(first);
      break;
    }
    std::mt19937_64 rng = sampler_stream(seed, stream, first / block);
    for (std::uint64_t i = first; i < std::min(n, first + block); ++i) {
      std::size_t k = 0;
      if (m.components.size() > 1) {
        const Integer u(rng());
        while (k + 1 < cut.size() && u >= cut[k]) ++k;
      }
      sampler_draw(m.components[k].kind, dim, rng, x);
      out[i] = phi.eval(x);
    }
  }
  return out;
}

}  // namespace rl
