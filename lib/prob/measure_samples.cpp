#include "prob/measure_samples.hpp"

#include <limits>

#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "prob/concentration_mc.hpp"
#include "prob/sampler.hpp"

namespace rl {

std::pair<Rational, Rational> measure_function_support(const Measure& m, const TestFunction& phi,
                                                        const std::string& where) {
  if (!m.is_bounded()) throw InputError(where, "the measure must be bounded (sphere, cube or their mixtures)");
  const Rational margin = rational_from_double(kMcMargin);
  if (phi.name == "norm") return {-margin, 1 + margin};
  const Rational L = interval_sqrt(Interval(phi.lipschitz_squared, 128)).upper();
  return {-L - margin, L + margin};
}

std::vector<DInterval> measure_function_samples(const Measure& m, const TestFunction& phi, std::uint64_t n,
                                                std::uint64_t seed, std::uint64_t stream, const McStop& stop) {
  // Cumulative weights times 2^64: component i when the draw is below cut[i].
  std::vector<Integer> cut;
  Rational acc = 0;
  for (const auto& c : m.components) cut.push_back(rational_floor((acc += c.weight) * rational_pow2(64)));
  std::vector<DInterval> out(n);
  std::vector<double> x(m.d);
  for (std::uint64_t first = 0; first < n; first += kSamplerBlock) {
    if (first > 0 && mc_stop_requested(stop)) {
      out.resize(first);
      break;
    }
    std::mt19937_64 rng = sampler_stream(seed, stream, first / kSamplerBlock);
    for (std::uint64_t i = first; i < std::min(n, first + kSamplerBlock); ++i) {
      std::size_t k = 0;
      if (m.components.size() > 1) {
        const Integer u(rng());
        while (k + 1 < cut.size() && u >= cut[k]) ++k;
      }
      sampler_draw(m.components[k].kind, m.d, rng, x);
      const double v = phi.eval(x);
      out[i] = {next_down(v - kMcMargin), next_up(v + kMcMargin)};
    }
  }
  return out;
}

}  // namespace rl
