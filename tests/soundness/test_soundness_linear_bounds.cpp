// Soundness campaign for the linear-relaxation bounds core
// (bounds/linear_bounds.hpp): random small networks, boxes, split states,
// slopes, multipliers and output rows, against exact evaluation at many
// points of the node; and the float and outward instantiations against each
// other (two arithmetics, one algorithm: they must nearly agree).
#include <doctest/doctest.h>

#include <optional>

#include "bounds/linear_bounds.hpp"
#include "bounds/optimize.hpp"
#include "cert/linear_exact.hpp"
#include "soundness/soundness_support.hpp"

using namespace rl;
using namespace rl::bounds;
using namespace rl::soundness;

namespace {

struct RandomNode {
  std::vector<Rational> lo, hi;
  StateMatrix states;
};

RandomNode random_node(Rng& rng, const Network& net) {
  RandomNode n;
  std::vector<Rational> x = random_point(rng, net.input_dim);
  for (const Rational& c : x) {
    n.lo.push_back(c - Rational(Integer(uniform(rng, 0, 12)), Integer(uniform(rng, 1, 8))));
    n.hi.push_back(c + Rational(Integer(uniform(rng, 0, 12)), Integer(uniform(rng, 1, 8))));
  }
  n.states = free_states(net);
  for (auto& layer : n.states)
    for (auto& s : layer) s = static_cast<std::int8_t>(uniform(rng, 0, 4) == 0 ? (uniform(rng, 0, 1) ? 1 : -1) : 0);
  return n;
}

// A point of the box on a grid (corners included).
std::vector<Rational> grid_point(Rng& rng, const RandomNode& n) {
  std::vector<Rational> x;
  for (std::size_t i = 0; i < n.lo.size(); ++i) {
    long k = uniform(rng, 0, 8);
    x.push_back(n.lo[i] + (n.hi[i] - n.lo[i]) * Rational(Integer(k), Integer(8)));
  }
  return x;
}

bool meets_splits(const ExactTrace& t, const StateMatrix& states) {
  for (std::size_t k = 0; k < states.size(); ++k)
    for (std::size_t j = 0; j < states[k].size(); ++j) {
      if (states[k][j] > 0 && t.preactivations[k][j] < 0) return false;
      if (states[k][j] < 0 && t.preactivations[k][j] > 0) return false;
    }
  return true;
}

Rational row_value(const std::vector<double>& row, const std::vector<Rational>& y) {
  Rational v = 0;
  for (std::size_t i = 0; i < row.size(); ++i) v += rational_from_double(row[i]) * y[i];
  return v;
}

std::vector<double> as_doubles(const std::vector<Rational>& v, bool upper) {
  std::vector<double> out;
  for (const Rational& q : v) out.push_back(upper ? DInterval::from_rational(q).hi : DInterval::from_rational(q).lo);
  return out;
}


// Random relaxation choices for a node: lower slopes alpha on a grid of
// `alpha_steps`, split multipliers beta in [0, beta_max] on a grid of
// quarter-steps scaled by `beta_den`, on split neurons only when
// `beta_on_splits_only`; and a random output row.
struct RandomRelaxation {
  NeuronValues alpha, beta;
  std::vector<double> row;
};

RandomRelaxation random_relaxation(Rng& rng, const Network& net, const StateMatrix& states, long alpha_steps, long beta_steps,
                                   double beta_den, bool beta_on_splits_only) {
  RandomRelaxation r;
  for (const auto& layer : states) {
    r.alpha.emplace_back();
    r.beta.emplace_back();
    for (std::size_t j = 0; j < layer.size(); ++j) {
      r.alpha.back().push_back(static_cast<double>(uniform(rng, 0, alpha_steps)) / static_cast<double>(alpha_steps));
      const bool has_beta = !beta_on_splits_only || layer[j] != 0;
      r.beta.back().push_back(has_beta ? static_cast<double>(uniform(rng, 0, beta_steps)) / beta_den : 0.0);
    }
  }
  for (std::size_t i = 0; i < net.output_dim(); ++i) r.row.push_back(static_cast<double>(uniform(rng, -8, 8)) / 4);
  return r;
}

// The exact point's pre-activations lie in the node's bounds, and its row
// value under the spec bound.
void require_encloses(const PreBounds& pb, const ExactTrace& t, const std::vector<double>& row, double upper) {
  for (std::size_t k = 0; k < pb.lo.size(); ++k)
    for (std::size_t j = 0; j < pb.lo[k].size(); ++j) {
      INFO("layer " << k << " neuron " << j << " exact " << t.preactivations[k][j].str() << " in [" << pb.lo[k][j] << ", " << pb.hi[k][j] << "]");
      REQUIRE(rational_from_double(pb.lo[k][j]) <= t.preactivations[k][j]);
      REQUIRE(t.preactivations[k][j] <= rational_from_double(pb.hi[k][j]));
    }
  REQUIRE(std::isfinite(upper));
  REQUIRE(row_value(row, t.output()) <= rational_from_double(upper));
}

}  // namespace

TEST_CASE("soundness: linear-relaxation bounds enclose every exact value of the node (random networks, splits, slopes)") {
  Rng rng(20261202);
  const std::size_t cases = soundness_cases(600);
  std::size_t checked_points = 0, empty_nodes = 0, tight = 0;
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_small_network(rng);
    RandomNode node = random_node(rng, net);
    std::vector<double> lo = as_doubles(node.lo, false), hi = as_doubles(node.hi, true);
    PreBounds pf = preactivation_bounds<FloatArith>(net, lo, hi, node.states);
    PreBounds po = preactivation_bounds<OutwardArith>(net, lo, hi, node.states);
    const RandomRelaxation r = random_relaxation(rng, net, node.states, 16, 8, 4, false);
    const NeuronValues &alpha = r.alpha, &beta = r.beta;
    const std::vector<double>& row = r.row;
    double upper = po.empty ? kInfinity : spec_upper<OutwardArith>(net, po, node.states, row, &alpha, &beta);
    INFO("case " << c);
    if (!po.empty && !pf.empty) {
      // Default slopes here: a random slope on a neuron that rounding leaves
      // unstable in one arithmetic and stable (lo = 0 exactly) in the other
      // would make the two bounds differ by design, not by error.
      double fu = spec_upper<FloatArith>(net, pf, node.states, row, nullptr, &beta);
      double ou = spec_upper<OutwardArith>(net, po, node.states, row, nullptr, &beta);
      double scale = 1 + std::fabs(fu);
      CHECK(ou >= fu - 1e-9 * scale);  // the outward bound never undercuts the float one by more than rounding
      CHECK(ou <= fu + 1e-6 * scale);  // and stays close to it: one algorithm
      tight += ou <= fu + 1e-12 * scale;
    }
    empty_nodes += po.empty;
    for (int s = 0; s < 40; ++s) {
      std::vector<Rational> x = grid_point(rng, node);
      ExactTrace t = net_trace_exact(net, x);
      if (!meets_splits(t, node.states)) continue;
      REQUIRE_FALSE(po.empty);  // a point of the node exists: the node is not empty
      ++checked_points;
      require_encloses(po, t, row, upper);
    }
  }
  MESSAGE(cases << " nodes, " << checked_points << " exact points inside, " << empty_nodes << " nodes shown empty, " << tight
                << " outward bounds within 1e-12 of the float ones");
  CHECK(checked_points > cases * 5);
  CHECK(empty_nodes > 0);
}

TEST_CASE("linear bounds: optimized slopes never lose to the default ones and stay sound") {
  Rng rng(77);
  const std::size_t cases = soundness_cases(200);
  std::size_t improved = 0;
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_small_network(rng);
    RandomNode node = random_node(rng, net);
    for (auto& layer : node.states) std::fill(layer.begin(), layer.end(), 0);
    std::vector<double> lo = as_doubles(node.lo, false), hi = as_doubles(node.hi, true);
    PreBounds pb = preactivation_bounds<FloatArith>(net, lo, hi, node.states);
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < net.output_dim(); ++i) rows.push_back(i);
    RelaxationChoice start = default_choice(net, pb, rows);
    double before = spec_upper<FloatArith>(net, pb, node.states, start.lambda, &start.alpha, &start.beta);
    OptimizeOptions oo;
    oo.stop_below = -kInfinity;
    OptimizedBound ob = optimize_bound(net, pb, node.states, rows, start, oo);
    INFO("case " << c);
    CHECK(ob.upper <= before);
    improved += ob.upper < before - 1e-9 * (1 + std::fabs(before));
    PreBounds po = preactivation_bounds<OutwardArith>(net, lo, hi, node.states);
    double upper = spec_upper<OutwardArith>(net, po, node.states, ob.choice.lambda, &ob.choice.alpha, &ob.choice.beta);
    for (int s = 0; s < 20; ++s) {
      std::vector<Rational> y = net_eval_exact(net, grid_point(rng, node));
      REQUIRE(row_value(ob.choice.lambda, y) <= rational_from_double(upper));
    }
    double sum = 0;
    for (std::size_t r : rows) { CHECK(ob.choice.lambda[r] >= 0); sum += ob.choice.lambda[r]; }
    CHECK(sum == doctest::Approx(1.0));
  }
  MESSAGE(improved << " of " << cases << " bounds improved by the optimization");
  CHECK(improved > 0);
}

// Two methods, one bound: the checker's outward-rounded spec_upper and the
// exact-rational reference (cert/linear_exact.hpp) with the same recorded
// slopes, multipliers and row, on the same sound node bounds. Both must hold
// every exact value of the node, and they must nearly coincide, so their
// verdicts (bound < 0) agree wherever the margin exceeds rounding.
TEST_CASE("soundness: outward and exact linear bounds agree on random certificates (slopes, multipliers, splits)") {
  Rng rng(4401);
  const std::size_t cases = soundness_cases(500);
  std::size_t compared = 0, refuted = 0, points = 0;
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_small_network(rng);
    RandomNode node = random_node(rng, net);
    std::vector<double> lo = as_doubles(node.lo, false), hi = as_doubles(node.hi, true);
    PreBounds pb = preactivation_bounds<OutwardArith>(net, lo, hi, node.states);
    if (pb.empty) continue;
    const RandomRelaxation r = random_relaxation(rng, net, node.states, 65536, 64, 32, true);
    const NeuronValues &alpha = r.alpha, &beta = r.beta;
    const std::vector<double>& row = r.row;
    double outward = spec_upper<OutwardArith>(net, pb, node.states, row, &alpha, &beta);
    std::optional<Rational> exact = linear_spec_upper_exact(net, pb, node.states, row, alpha, beta);
    INFO("case " << c);
    REQUIRE(std::isfinite(outward));
    REQUIRE(exact.has_value());
    ++compared;
    const double scale = 1 + std::fabs(outward);
    const Rational gap = rational_from_double(outward) - *exact;
    CHECK(gap >= rational_from_double(-1e-9 * scale));  // never undercuts the exact bound beyond rounding
    CHECK(gap <= rational_from_double(1e-9 * scale));   // and stays within rounding of it
    // The verdicts "bound < threshold" for a threshold near the bound (as a
    // property's constant puts it near 0), on either side of it.
    const double threshold = outward + static_cast<double>(uniform(rng, 0, 1) ? 1 : -1) * std::ldexp(scale, -static_cast<int>(uniform(rng, 14, 26)));
    const bool exact_refutes = *exact < rational_from_double(threshold);
    CHECK((outward < threshold) == exact_refutes);
    refuted += exact_refutes;
    for (int s = 0; s < 20; ++s) {
      std::vector<Rational> x = grid_point(rng, node);
      ExactTrace t = net_trace_exact(net, x);
      if (!meets_splits(t, node.states)) continue;
      ++points;
      REQUIRE(row_value(row, t.output()) <= *exact);
      REQUIRE(row_value(row, t.output()) <= rational_from_double(outward));
    }
  }
  MESSAGE(compared << " random certificates compared, " << refuted << " with a negative bound, " << points << " exact points inside");
  CHECK(compared > cases / 2);
  CHECK(refuted > 0);
  CHECK(points > cases);
}

// Bounds inherited down a split tree (preactivation_bounds' `outer`, as the
// search and the checker use it): a random path of input halvings and ReLU
// splits from a random node, each node bounded from its parent's bounds;
// every exact point of the deepest node is enclosed, and its spec bound
// holds, with random slopes and multipliers.
TEST_CASE("soundness: bounds inherited from a parent node enclose every exact value of the child (random split paths)") {
  Rng rng(20261203);
  const std::size_t cases = soundness_cases(300);
  std::size_t checked_points = 0, empty_nodes = 0, inherited_tighter = 0;
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_small_network(rng);
    RandomNode node = random_node(rng, net);
    node.states = free_states(net);
    std::optional<PreBounds> parent;
    for (int depth = 0; depth < 4; ++depth) {
      PreBounds pb = preactivation_bounds<OutwardArith>(net, as_doubles(node.lo, false), as_doubles(node.hi, true), node.states,
                                                        parent ? &*parent : nullptr);
      if (pb.empty) break;
      parent = pb;
      if (uniform(rng, 0, 1) == 0) {  // halve a coordinate
        const std::size_t i = static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(node.lo.size()) - 1));
        Rational mid = (node.lo[i] + node.hi[i]) / 2;
        (uniform(rng, 0, 1) == 0 ? node.lo : node.hi)[i] = mid;
      } else {  // split a neuron
        const std::size_t k = static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(node.states.size()) - 1));
        const std::size_t j = static_cast<std::size_t>(uniform(rng, 0, static_cast<long>(node.states[k].size()) - 1));
        if (node.states[k][j] == 0) node.states[k][j] = uniform(rng, 0, 1) ? 1 : -1;
      }
    }
    std::vector<double> lo = as_doubles(node.lo, false), hi = as_doubles(node.hi, true);
    PreBounds po = preactivation_bounds<OutwardArith>(net, lo, hi, node.states, parent ? &*parent : nullptr);
    PreBounds fresh = preactivation_bounds<OutwardArith>(net, lo, hi, node.states);
    empty_nodes += po.empty;
    if (!po.empty)
      for (std::size_t k = 0; k < po.lo.size(); ++k)
        for (std::size_t j = 0; j < po.lo[k].size(); ++j) inherited_tighter += po.hi[k][j] - po.lo[k][j] < fresh.hi[k][j] - fresh.lo[k][j];
    const RandomRelaxation r = random_relaxation(rng, net, node.states, 16, 8, 4, false);
    const NeuronValues &alpha = r.alpha, &beta = r.beta;
    const std::vector<double>& row = r.row;
    const double upper = po.empty ? kInfinity : spec_upper<OutwardArith>(net, po, node.states, row, &alpha, &beta);
    INFO("case " << c);
    for (int s = 0; s < 40; ++s) {
      std::vector<Rational> x = grid_point(rng, node);
      ExactTrace t = net_trace_exact(net, x);
      if (!meets_splits(t, node.states)) continue;
      REQUIRE_FALSE(po.empty);
      ++checked_points;
      require_encloses(po, t, row, upper);
    }
  }
  MESSAGE(cases << " paths, " << checked_points << " exact points inside, " << empty_nodes << " nodes shown empty, " << inherited_tighter
                << " bounds tighter than the node's own");
  CHECK(checked_points > cases * 3);
  CHECK(inherited_tighter > 0);
}
