#include "prob/proof_events.hpp"

#include <algorithm>
#include <cmath>

#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "prob/clopper_pearson.hpp"
#include "prob/sampler.hpp"

namespace rl {
namespace {

// exp(-2 n eps'^2 / w^2) times `factor`, rounded up.
Rational hoeffding_bound(std::uint64_t n, const Rational& eps, const Rational& width, int factor) {
  Interval e = interval_exp(-Interval(2 * Rational(n) * eps * eps / (width * width)));
  return (Interval::from_int(factor) * e).upper();
}

}  // namespace

std::vector<EventEstimate> proof_events_simulate(const EventsSetup& s) {
  if (s.noise != "uniform" && s.noise != "rademacher") throw InputError("--noise", "expected uniform or rademacher");
  if (s.amplitude <= 0 || s.amplitude > 1) throw InputError("--amplitude", "must be in (0, 1] (labels in [-1, 1])");
  if (s.epsilon <= 0) throw InputError("--epsilon", "must be positive");
  if (s.n == 0 || s.trials < 10) throw InputError("--trials", "need n >= 1 and at least 10 trials");
  const double a = rational_to_double(s.amplitude), eps = rational_to_double(s.epsilon) / 10;
  const Rational sigma2 = s.noise == "uniform" ? s.amplitude * s.amplitude / 3 : s.amplitude * s.amplitude;
  const double sig2 = rational_to_double(sigma2);
  const std::size_t dim = measure_sample_dimension(s.measure, "--d");
  std::uint64_t fail[4] = {0, 0, 0, 0};
  std::vector<double> x, weights;
  for (const auto& c : s.measure.components) weights.push_back(rational_to_double(c.weight));
  // A stop is honoured every few points; the data set it interrupts is
  // dropped, so the intervals are those of the whole data sets simulated
  // (none at all gives [0, 1]). One data set at d = 10^5, n = 10^5 draws 10^10
  // coordinates: a stop between data sets only would wait minutes for it.
  const std::uint64_t points_per_poll = std::max<std::uint64_t>(1, (std::uint64_t(1) << 20) / dim);
  std::uint64_t trials = 0;
  bool stopped = false;
  for (; trials < s.trials; ++trials) {
    const std::uint64_t trial = trials;
    std::mt19937_64 rng = sampler_stream(s.seed, 7, trial);
    std::uniform_real_distribution<double> uniform(-a, a);
    std::bernoulli_distribution coin(0.5);
    std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
    double sz2 = 0, szg = 0, szh = 0, sz = 0;
    for (std::uint64_t i = 0; i < s.n; ++i) {
      if (i % points_per_poll == 0 && mc_stop_requested(s.stop)) {
        stopped = true;
        break;
      }
      sampler_draw(s.measure.components[pick(rng)].kind, dim, rng, x);
      const double z = s.noise == "uniform" ? uniform(rng) : (coin(rng) ? a : -a);
      sz2 += z * z;
      szg += z * x[0];
      const DInterval h = s.h.eval(x);  // the sums here are plain doubles: the midpoint suffices
      szh += z * (h.lo / 2 + h.hi / 2);
      sz += z;
    }
    if (stopped) break;
    const double n = static_cast<double>(s.n);
    fail[0] += !(sz2 / n >= sig2 - eps);
    fail[1] += !(szg / n >= -eps);
    fail[2] += !(szh / n <= eps);
    fail[3] += !(std::fabs(sz / n) < eps);
  }
  const Rational eps_r = s.epsilon / 10, alpha = (1 - s.confidence) / 8;
  const bool bounded = s.measure.is_bounded();
  const Rational g_sup = 1;  // |x_1| <= 1 on the sphere and the cube
  std::vector<EventEstimate> out(4);
  const char* names[4] = {"A", "B", "C_h", "D"};
  for (int e = 0; e < 4; ++e) {
    out[e].name = names[e];
    out[e].failures = fail[e];
    out[e].trials = trials;
    out[e].lower = clopper_pearson_lower(fail[e], trials, alpha);
    out[e].upper = clopper_pearson_upper(fail[e], trials, alpha);
  }
  out[0].hoeffding = hoeffding_bound(s.n, eps_r, s.amplitude * s.amplitude, 1);
  if (bounded) out[1].hoeffding = hoeffding_bound(s.n, eps_r, 2 * s.amplitude * g_sup, 1);
  if (bounded) out[2].hoeffding = hoeffding_bound(s.n, eps_r, 2 * s.amplitude * s.h_sup, 1);
  out[3].hoeffding = hoeffding_bound(s.n, eps_r, 2 * s.amplitude, 2);
  for (auto& e : out) {
    e.verdict = e.hoeffding ? verdict_of(e.lower, e.upper, *e.hoeffding) : Verdict::Inconclusive;
  }
  return out;
}

}  // namespace rl
