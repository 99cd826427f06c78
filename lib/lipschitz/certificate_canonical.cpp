#include "lipschitz/certificate_canonical.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "cert/producer_api.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "net/eval.hpp"

namespace rl {
namespace {

// The checker's grid (cert_lipschitz.hpp): m 2^e with 2^52 <= m < 2^53. A
// grid value is numbered by its position, index = (e + kBias) 2^52 + (m -
// 2^52), which orders the grid like the values; kBias keeps indices positive
// over any exponent a certificate can reach.
constexpr long kBias = 1L << 20;
const Integer kTwo52 = Integer(1) << 52;

// The least grid value >= q > 0, as its index.
Integer grid_index_at_least(const Rational& q) {
  long e = 0;
  // 2^52 <= q 2^-e < 2^53, found from the bit lengths of numerator and denominator.
  Integer num = boost::multiprecision::numerator(q), den = boost::multiprecision::denominator(q);
  e = static_cast<long>(boost::multiprecision::msb(num)) - static_cast<long>(boost::multiprecision::msb(den)) - 52;
  while (q / rational_pow2(e) >= Rational(kTwo52 * 2)) ++e;
  while (q / rational_pow2(e) < Rational(kTwo52)) --e;
  Integer m = rational_ceil(q / rational_pow2(e));
  if (m == kTwo52 * 2) { m = kTwo52; ++e; }
  return Integer(e + kBias) * kTwo52 + (m - kTwo52);
}

Rational grid_value(const Integer& index) {
  Integer e = index / kTwo52, m = index % kTwo52 + kTwo52;
  return Rational(m) * rational_pow2(e.convert_to<long>() - kBias);
}

// The checker's leaf tests at grid values, each after a look at the clock:
// one test can be long (a leaf with up to 16 unstable neurons and a failing
// Clarke test enumerates up to 2^16 vertex Jacobians).
struct GridTests {
  const CertLipschitzLeaves& leaves;
  const std::function<bool()>& out_of_time;
  struct TimeUp {};

  bool bounds(std::size_t i, const Rational& u) const {
    if (out_of_time && out_of_time()) throw TimeUp{};
    return leaves.leaf_at_most(i, u);
  }
  bool bounds_at(std::size_t i, const Integer& index) const { return bounds(i, grid_value(index)); }

  // The least grid value in (below, above] that bounds leaf i, given that the
  // one at index `below` does not and the one at `above` does.
  Integer least_bounding_index(std::size_t i, Integer below, Integer above) const {
    while (above - below > 1) {
      Integer mid = below + (above - below) / 2;
      if (bounds_at(i, mid)) above = mid;
      else below = mid;
    }
    return above;
  }

  // A grid index whose value does not bound leaf i, for a leaf that some
  // positive value bounds but 0 does not: steps down from `top` by 2000
  // binades, then doubles the step. nullopt when the leaf's bound lies below
  // the grid's least exponent (2^-(2^20)).
  std::optional<Integer> index_not_bounding(std::size_t i, const Integer& top) const {
    for (Integer step = Integer(2000) * kTwo52; step <= top; step *= 2)
      if (!bounds_at(i, top - step)) return top - step;
    return std::nullopt;
  }

  // A grid index above `failing` (whose value does not bound leaf i) that
  // bounds it: steps up by one binade, then doubles the step. nullopt past the
  // grid's greatest exponent 2^(2^20).
  std::optional<Integer> index_bounding_above(std::size_t i, const Integer& failing) const {
    const Integer last = Integer(2 * kBias) * kTwo52;
    for (Integer step = kTwo52; failing + step <= last; step *= 2)
      if (bounds_at(i, failing + step)) return failing + step;
    return std::nullopt;
  }
};

}  // namespace

Canonical lipschitz_certificate_canonicalize(const LipProblem& p, LipschitzResult& r, const std::function<bool()>& out_of_time,
                                             const std::function<void(std::size_t tested, std::size_t leaves)>& progress) {
  if (r.certificate.is_null() || r.upper <= 0) return Canonical::Done;
  CertLipschitzLeaves leaves(p.net, norm_name(p.norm), p.unbounded, p.lo, p.hi, r.certificate);
  const GridTests test{leaves, out_of_time};
  const Integer top = grid_index_at_least(r.upper);
  Rational best = 0;
  Integer best_index = 0;  // best's index, once best > 0
  std::size_t argmax = 0;
  // Largest search bound first: the bisection then runs on one leaf, and the
  // other leaves pass one test each.
  std::vector<std::size_t> order(leaves.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (r.leaf_bounds.size() == order.size())
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return r.leaf_bounds[a] > r.leaf_bounds[b]; });
  try {
    auto reported = std::chrono::steady_clock::now();
    for (std::size_t done = 0; done < order.size(); ++done) {
      if (progress && std::chrono::steady_clock::now() - reported >= std::chrono::seconds(1)) {
        reported = std::chrono::steady_clock::now();
        progress(done, order.size());
      }
      const std::size_t i = order[done];
      if (test.bounds(i, best)) continue;
      // Grid values that do not bound the leaf (`from`) and that do (`above`).
      std::optional<Integer> from;
      Integer above = top;
      if ((best > 0 && best_index >= top) || !test.bounds_at(i, top)) {
        // The checker's test is weaker than the search's bound on this leaf
        // (a stopped search's open leaves): the upper rises to what it confirms.
        from = best > 0 ? std::max(top, best_index) : top;
        std::optional<Integer> up = test.index_bounding_above(i, *from);
        if (!up) return Canonical::Refused;
        above = *up;
      } else {
        // best (which failed just above), or for the first leaf that needs a
        // positive bound one found below top, however far below (a leaf may
        // need far less than the upper).
        from = best > 0 ? std::optional<Integer>(best_index) : test.index_not_bounding(i, top);
        if (!from) return Canonical::Refused;
        // The search's upper is usually within rounding of the leaf's exact
        // bound: bisect near it first (about 30 steps instead of about 63).
        const Integer near = top - (Integer(1) << 30);  // 2^-22 relative below
        if (near > *from && !test.bounds_at(i, near)) from = near;
      }
      best_index = test.least_bounding_index(i, *from, above);
      best = grid_value(best_index);
      argmax = i;
    }
  } catch (const GridTests::TimeUp&) {
    return Canonical::OutOfTime;
  }
  r.upper = best;
  r.certificate["upper"] = rational_to_string(best);
  r.certificate.erase("argmax_leaf");
  if (best > 0 && r.certificate["method"] != "unbounded-all-unstable") r.certificate["argmax_leaf"] = argmax;
  return Canonical::Done;
}

std::function<bool()> lipschitz_out_of_time(const LipschitzOptions& o, std::chrono::steady_clock::time_point start) {
  using Clock = std::chrono::steady_clock;
  const double limit = o.time_limit_seconds;
  const std::atomic<bool>* stop = o.stop;
  const double after_stop = o.certificate_seconds_after_stop;
  auto stopped_at = std::make_shared<std::optional<Clock::time_point>>();  // when a poll first saw the stop
  return [limit, start, stop, after_stop, stopped_at, since = Clock::now()] {
    const auto now = Clock::now();
    const auto seconds = [now](Clock::time_point t) { return std::chrono::duration<double>(now - t).count(); };
    if (stop && stop->load()) {
      if (!*stopped_at) *stopped_at = now;
      if (seconds(**stopped_at) >= after_stop) return true;
    }
    return seconds(start) + seconds(since) >= limit;
  };
}

std::string lipschitz_canonical_failure(Canonical outcome) {
  if (outcome == Canonical::OutOfTime)
    return "the time limit came before the checker's leaf tests had made the certificate canonical";
  return "a leaf's least bound under the checker's exact tests lies outside the range of its grid (2^-(2^20) to 2^(2^20))";
}

std::string lipschitz_certificate_bounds(const Network& net) {
  constexpr std::size_t kSymbolicNeurons = 64;
  return net.hidden_neuron_count() <= kSymbolicNeurons ? "symbolic" : "interval";
}

LipschitzOptions::CertificateCosts lipschitz_certificate_costs(const Network& net, const LipschitzOptions& options) {
  return lipschitz_certificate_costs(lipschitz_problem(net, options), lipschitz_certificate_bounds(net), options.time_limit_seconds);
}

LipschitzOptions lipschitz_search_budget(const Network& net, const LipschitzOptions& options,
                                         std::chrono::steady_clock::time_point start) {
  LipschitzOptions search = options;
  search.time_limit_seconds -= lipschitz_lipsdp_reserve(net, options) + lipschitz_product_reserve(net, options);
  if (options.want_certificate && std::isfinite(options.time_limit_seconds) && options.certificate_costs.leaf == 0)
    search.certificate_costs = lipschitz_certificate_costs(net, options);
  search.time_limit_seconds -= std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return search;
}

LipschitzOptions::CertificateCosts lipschitz_certificate_costs(const LipProblem& p, const std::string& bounds, double limit) {
  using Clock = std::chrono::steady_clock;
  const Json root{{"method", p.unbounded ? "unbounded-all-unstable" : "box-partition"}, {"bounds", bounds}, {"norm", norm_name(p.norm)},
                  {"lower", "0"}, {"tree", Json::array({-1})}};
  // Twice the search's Clarke bound passes the checker's Clarke test as most
  // leaves do: timed is what a leaf costs, not the vertex walk of a failing one.
  const double clarke = lipschitz_upper_clarke(p, net_ibp(p.net, lipschitz_problem_dbox(p)));
  const Rational at = std::isfinite(clarke) ? rational_from_double(2 * clarke) : Rational(0);
  // A short run of repetitions: one test of a small network takes microseconds.
  constexpr double kMinSeconds = 2e-3;
  constexpr int kMaxRepeats = 64;
  auto start = Clock::now();
  double seconds = 0;
  int repeats = 0;
  while (repeats < kMaxRepeats && seconds < kMinSeconds) {
    CertLipschitzLeaves leaves(p.net, norm_name(p.norm), p.unbounded, p.lo, p.hi, root);
    (void)leaves.leaf_at_most(0, at);
    ++repeats;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  LipschitzOptions::CertificateCosts costs{2 * seconds / repeats, 0};
  if (at == 0) return costs;
  // The upper's bisection ends in the exact test: the one-leaf certificate
  // made canonical, for at most a tenth of the limit (a root with 16 or fewer
  // unstable neurons walks its vertex Jacobians at every step).
  LipschitzResult r;
  r.upper = at;
  r.certificate = root;
  start = Clock::now();
  const auto seconds_since = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  (void)lipschitz_certificate_canonicalize(p, r, [&] { return seconds_since() >= limit / 10; });
  costs.upper = 2 * seconds_since();
  return costs;
}

}  // namespace rl
