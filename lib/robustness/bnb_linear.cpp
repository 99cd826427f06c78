#include "robustness/bnb_linear.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <queue>
#include <random>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include "bounds/optimize.hpp"
#include "net/eval.hpp"
#include "robustness/attack.hpp"

namespace rl {
namespace {

using namespace bounds;
using Clock = std::chrono::steady_clock;

constexpr double kAlphaScale = 65536;  // recorded slopes are multiples of 2^-16
constexpr std::size_t kBatch = 8;      // nodes per synchronous batch (fixed: results do not depend on threads)
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr unsigned kRefineSteps = 16;  // linear-programming attack steps per unproven node
constexpr std::size_t kMaxInputSplitDimension = 16;  // split = auto: inputs up to this many, ReLUs beyond
constexpr std::size_t kReluCandidates = 16;         // ReLUs tried per split (filtered smart branching)
// A search still open after each kLateAttackWork units of work (the unstable
// neurons of the nodes evaluated, in the layers whose bounds they computed,
// not those inherited below a ReLU split: about 10 000 a CPU second on ACAS Xu, on
// every property) runs one more PGD round of kLateAttackRestarts random
// starts over the whole box (0.3-0.45 s: under a tenth of the search's time).
// On ACAS Xu 1_9 / prop_7 (sat, margin 1.5e-4) about one start in 500-1000
// lands on a counterexample, which the node-local attacks did not reach in
// 5 000 nodes. Work, not seconds, so that the answer does not depend on the
// machine's speed, its load or the thread count.
constexpr std::uint64_t kLateAttackWork = 50000;
constexpr unsigned kLateAttackRestarts = 256, kLateAttackSteps = 200;

struct Node {
  std::vector<Rational> lo, hi;
  StateMatrix states;
  std::vector<RelaxationChoice> warm;  // per conjunction, from the parent (empty at the root)
  double priority = kInfinity;         // the parent's worst float bound
  double attack = kInfinity;           // the best attack objective found in the parent (float)
  std::uint64_t id = 0;
  std::size_t entry = 0;               // its slot in the tree
  // The parent's outward-rounded pre-activation bounds (nullptr at the
  // root): a node's are computed from them (preactivation_bounds' `outer`),
  // as the checker does, so its proof holds in the checker.
  std::shared_ptr<const PreBounds> bounds;
  // How many of the lowest hidden layers' bounds are `bounds`' as they are:
  // after a ReLU split in layer k, k + 1 (the box and the states below are
  // the parent's); after an input split, none.
  std::size_t inherited = 0;
};

struct Worse {
  bool operator()(const Node& a, const Node& b) const {
    if (a.attack != b.attack) return a.attack < b.attack;
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.id > b.id;
  }
};

enum class Outcome : std::uint8_t { leaf, split_input, split_relu, point };

struct Evaluation {
  Outcome outcome = Outcome::leaf;
  Json leaf;
  std::size_t coordinate = kNone, layer = 0, neuron = 0;
  std::vector<RelaxationChoice> choices;
  double worst = -kInfinity;
  std::size_t unstable = 0;  // unstable neurons in the layers whose bounds the node computed: a measure of its cost
  double attack = -kInfinity;  // the best attack objective seen in the node (float)
  double halves[2] = {kInfinity, kInfinity};  // an input split's halves' float bounds (their priorities)
  std::shared_ptr<const PreBounds> bounds;  // the node's outward-rounded pre-activation bounds (its children's `outer`)
  std::vector<std::vector<double>> candidates;
  std::optional<std::vector<Rational>> counterexample;
  std::string counterexample_source;
};

struct TreeEntry {
  Json token;
  std::size_t left = kNone, right = kNone;
};

struct Search {
  const Network& net;
  const SafetyProperty& property;
  const BranchOptions& options;
  Network atoms;
  std::vector<std::vector<std::size_t>> rows;
  Clock::time_point start = Clock::now();

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  bool out_of_time() const { return elapsed() > options.time_limit_seconds || (options.stop && options.stop->load()); }

  void box_doubles(const Node& n, std::vector<double>& lo, std::vector<double>& hi) const {
    lo.clear();
    hi.clear();
    for (std::size_t i = 0; i < n.lo.size(); ++i) {
      lo.push_back(DInterval::from_rational(n.lo[i]).lo);
      hi.push_back(DInterval::from_rational(n.hi[i]).hi);
    }
  }

  // The exact value of a double, "p/2^k" (what the checker reads back exactly).
  static std::string dyadic(double x) { return rational_to_string(rational_from_double(x)); }

  // The slopes of the neurons that are not unstable on the node (by the
  // checker's bounds `pb`) are unused and written as 0 (the checker insists).
  Json proof_json(const RelaxationChoice& c, std::size_t conj, const PreBounds& pb, const StateMatrix& states) const {
    Json lambda = Json::array(), alpha = Json::array(), beta = Json::array();
    for (std::size_t r : rows[conj]) lambda.push_back(dyadic(c.lambda[r]));
    for (std::size_t k = 0; k < c.alpha.size(); ++k) {
      Json layer = Json::array();
      for (std::size_t j = 0; j < c.alpha[k].size(); ++j)
        layer.push_back(relu_gate(pb.lo[k][j], pb.hi[k][j], states[k][j]) == Gate::unstable
                            ? static_cast<std::int64_t>(std::llround(c.alpha[k][j] * kAlphaScale)) : 0);
      alpha.push_back(layer);
      for (std::size_t j = 0; j < c.beta[k].size(); ++j)
        if (c.beta[k][j] != 0) beta.push_back(Json::array({k, j, dyadic(c.beta[k][j])}));
    }
    return Json{{"lambda", lambda}, {"alpha", alpha}, {"beta", beta}};
  }

  static void quantize(RelaxationChoice& c) {
    for (auto& layer : c.alpha)
      for (double& a : layer) a = std::llround(std::fmin(1.0, std::fmax(0.0, a)) * kAlphaScale) / kAlphaScale;
  }

  // Whether nodes are split on inputs (else on ReLUs while any is unstable).
  bool prefers_input_splits() const {
    return options.split == SplitMode::input || (options.split == SplitMode::automatic && property.lo.size() <= kMaxInputSplitDimension);
  }

  bool can_split_input(const Node& n) const {
    for (std::size_t i = 0; i < n.lo.size(); ++i)
      if (n.hi[i] > n.lo[i]) return true;
    return false;
  }

  // The mean-value form over the whole box (split states ignored: the box
  // holds the node): every conjunction has an atom g with
  // g(c) + sum_i |G_i| r_i < 0, G an enclosure of g's Clarke gradient, or an
  // interval upper bound < 0. Checked exactly by the checker's "M" leaf.
  bool mean_value_proves(const Node& node) const {
    DBox box = dbox_from_rationals(node.lo, node.hi);
    BoxBounds b = net_ibp(atoms, box);
    IntervalMatrix jac = net_jacobian_enclosure(atoms, b);
    std::vector<Rational> center;
    for (std::size_t i = 0; i < node.lo.size(); ++i) center.push_back((node.lo[i] + node.hi[i]) / 2);
    BoxBounds at_center = net_ibp(atoms, dbox_from_rationals(center, center));
    for (const auto& conj : rows) {
      bool refuted = false;
      for (std::size_t r : conj) {
        double u = at_center.output()[r].hi;
        for (std::size_t i = 0; i < center.size(); ++i)
          u = add_up(u, mul_up(jac.at(r, i).mag(), DInterval::from_rational((node.hi[i] - node.lo[i]) / 2).hi));
        refuted = refuted || b.output()[r].hi < 0 || u < 0;
      }
      if (!refuted) return false;
    }
    return true;
  }

  Evaluation evaluate(const Node& node) const {
    Evaluation ev;
    std::vector<double> lo, hi;
    box_doubles(node, lo, hi);
    // The checker's bounds (inherited from the parent's: inheriting float
    // bounds instead made float proofs that failed in outward rounding at
    // nine nodes in ten on ACAS Xu), which the float relaxation uses too.
    ev.bounds = std::make_shared<const PreBounds>(preactivation_bounds<OutwardArith>(atoms, lo, hi, node.states, node.bounds.get(), node.inherited));
    const PreBounds& pb = *ev.bounds;
    for (std::size_t k = node.inherited; k < pb.lo.size(); ++k)
      for (std::size_t j = 0; j < pb.lo[k].size(); ++j) ev.unstable += relu_gate(pb.lo[k][j], pb.hi[k][j], node.states[k][j]) == Gate::unstable;
    if (pb.empty) {
      ev.leaf = Json{{"linear", Json::array()}};
      return ev;
    }
    // Float bounds first; the outward-rounded proof only once every
    // conjunction is below 0 in floats, since a node with an unproven
    // conjunction is split and records nothing.
    std::vector<OptimizedBound> found(rows.size());
    std::vector<bool> proven(rows.size(), false);
    bool all_below = true;
    for (std::size_t c = 0; c < rows.size(); ++c) {
      RelaxationChoice startc = c < node.warm.size() ? node.warm[c] : default_choice(atoms, pb, rows[c]);
      OptimizeOptions oo;
      oo.iterations = c < node.warm.size() ? 12 : 30;
      oo.stop_below = -1e-7;
      found[c] = optimize_bound(atoms, pb, node.states, rows[c], startc, oo);
      if (found[c].upper < 0) quantize(found[c].choice);
      all_below = all_below && found[c].upper < 0;
    }
    Json proofs = Json::array();
    if (all_below)
      for (std::size_t c = 0; c < rows.size(); ++c) {
        const RelaxationChoice& ch = found[c].choice;
        proven[c] = spec_upper<OutwardArith>(atoms, pb, node.states, ch.lambda, &ch.alpha, &ch.beta) < 0;
        if (proven[c]) proofs.push_back(proof_json(ch, c, pb, node.states));
      }
    std::size_t worst_conj = kNone;
    for (std::size_t c = 0; c < rows.size(); ++c) {
      ev.choices.push_back(found[c].choice);
      if (proven[c] || (!all_below && found[c].upper < 0)) continue;
      if (worst_conj == kNone || found[c].upper > found[worst_conj].upper) worst_conj = c;
      ev.candidates.push_back(found[c].corner);
    }
    if (worst_conj == kNone) {
      ev.leaf = Json{{"linear", proofs}};
      return ev;
    }
    // Only once the relaxation failed (on ACAS Xu it proves every leaf, and
    // the mean-value form cost a fifth of the search's time before it), and
    // only where boxes get split: a ReLU split keeps its parent's box, on
    // which the mean-value form already failed (and its Jacobian enclosure
    // costs d^2 per layer: about 1 s a node on 784 inputs).
    if (prefers_input_splits() && mean_value_proves(node)) {
      ev.leaf = "M";
      return ev;
    }
    std::vector<double> center;
    for (std::size_t i = 0; i < lo.size(); ++i) center.push_back(0.5 * lo[i] + 0.5 * hi[i]);
    ev.candidates.push_back(center);
    ev.worst = found[worst_conj].upper;
    choose_split(node, pb, found[worst_conj], ev);
    return ev;
  }

  // A ReLU's score is BaBSR's: what its relaxation adds to the bound (the
  // chord's intercept times its coefficient); the best scored are tried
  // (choose_relu). An input coordinate is chosen by
  // trying it: both halves are bounded (float, the parent's slopes and
  // multipliers) and the split whose halves' bounds have the smallest sum wins.
  // On few inputs (ACAS Xu: 5) this costs 2 d bounds per node and cuts the
  // tree by orders of magnitude against a score read off the parent's bound.
  void choose_split(const Node& node, const PreBounds& pb, const OptimizedBound& ob, Evaluation& ev) const {
    BacksubTrace trace;
    spec_upper<FloatArith>(atoms, pb, node.states, ob.choice.lambda, &ob.choice.alpha, &ob.choice.beta, &trace);
    std::vector<ReluCandidate> scored;
    for (std::size_t k = 0; k < pb.lo.size(); ++k)
      for (std::size_t j = 0; j < pb.lo[k].size(); ++j) {
        if (relu_gate(pb.lo[k][j], pb.hi[k][j], node.states[k][j]) != Gate::unstable) continue;
        double m = trace.h_coefficient[k][j], l = pb.lo[k][j], u = pb.hi[k][j];
        scored.push_back({m > 0 ? m * u * (-l) / (u - l) : -m * std::fmin(u, -l) * 0.25, k, j});
      }
    const bool prefer_input = prefers_input_splits();
    if (prefer_input || scored.empty()) choose_input(node, pb, ob, ev);
    if (ev.coordinate != kNone && (prefer_input || scored.empty())) ev.outcome = Outcome::split_input;
    else if (!scored.empty()) {
      choose_relu(node, pb, ob, scored, ev);
      ev.outcome = Outcome::split_relu;
    } else {
      ev.outcome = Outcome::point;
    }
  }

  struct ReluCandidate {
    double score;
    std::size_t layer, neuron;
  };

  // Filtered smart branching: the kReluCandidates neurons of highest BaBSR
  // score are each tried, both children bounded in floats with the node's
  // intermediate bounds (the split neuron's clipped to its side) and the
  // node's slopes and multipliers; the neuron whose children's bounds have
  // the smallest sum wins (ties: the BaBSR order), as for input splits. On
  // mnistfc 256x2 prop_5 at eps 0.03 the tree has 235 nodes against 609
  // with BaBSR's first choice (8 candidates: 265; the worse child's bound
  // instead of the sum: 565).
  void choose_relu(const Node& node, const PreBounds& pb, const OptimizedBound& ob, std::vector<ReluCandidate>& scored, Evaluation& ev) const {
    const std::size_t keep = std::min(kReluCandidates, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end(),
                      [](const ReluCandidate& a, const ReluCandidate& b) { return a.score > b.score; });
    PreBounds child = pb;
    StateMatrix states = node.states;
    ev.layer = scored[0].layer;  // kept when every candidate's bound overflows
    ev.neuron = scored[0].neuron;
    double best = kInfinity;
    for (std::size_t c = 0; c < keep; ++c) {
      const std::size_t k = scored[c].layer, j = scored[c].neuron;
      const double lo = pb.lo[k][j], hi = pb.hi[k][j];
      double sides[2];
      for (int side = 0; side < 2; ++side) {
        states[k][j] = side == 0 ? -1 : 1;
        (side == 0 ? child.hi : child.lo)[k][j] = 0;
        sides[side] = std::fmax(spec_upper<FloatArith>(atoms, child, states, ob.choice.lambda, &ob.choice.alpha, &ob.choice.beta), -1e300);
        child.lo[k][j] = lo;
        child.hi[k][j] = hi;
      }
      states[k][j] = 0;
      if (sides[0] + sides[1] < best) {
        best = sides[0] + sides[1];
        ev.layer = k;
        ev.neuron = j;
      }
    }
  }

  void choose_input(const Node& node, const PreBounds& pb, const OptimizedBound& ob, Evaluation& ev) const {
    double best = kInfinity;
    for (std::size_t i = 0; i < node.lo.size(); ++i) {
      if (!(node.hi[i] > node.lo[i])) continue;
      const double mid = 0.5 * pb.in_lo[i] + 0.5 * pb.in_hi[i];
      double halves[2];
      for (int side = 0; side < 2; ++side) {
        std::vector<double> lo = pb.in_lo, hi = pb.in_hi;
        (side == 0 ? hi : lo)[i] = mid;
        PreBounds half = fast_preactivation_bounds(atoms, lo, hi, node.states, &pb);
        halves[side] = half.empty ? -kInfinity
                                  : spec_upper<FloatArith>(atoms, half, node.states, ob.choice.lambda, &ob.choice.alpha, &ob.choice.beta);
      }
      // The sum of the halves' bounds (an empty half counts as very negative):
      // 4-15 % fewer nodes than the worse half alone on ACAS Xu property 1.
      double score = std::fmax(halves[0], -1e300) + std::fmax(halves[1], -1e300);
      if (ev.coordinate == kNone || score < best) {
        best = score;
        ev.coordinate = i;
        ev.halves[0] = halves[0];
        ev.halves[1] = halves[1];

      }
    }
  }

  // Exact checks of the evaluation's candidates (those floats call unsafe or
  // nearly); then the best of them refined by linear programming on the
  // node's box (attack_refine), and on a sparse schedule a short PGD.
  void probe(const Node& node, std::uint64_t unproven, Evaluation& ev) const {
    if (try_candidates(ev.candidates, "relaxation corner", ev)) return;
    std::vector<double> lo, hi;
    box_doubles(node, lo, hi);
    const std::vector<double>* best = nullptr;
    double best_value = -kInfinity;
    for (const auto& y : ev.candidates) {
      double v = attack_objective(net, property, y);
      if (!best || v > best_value) { best = &y; best_value = v; }
    }
    if (!best) return;
    std::vector<double> refined = attack_refine(net, property, lo, hi, *best, kRefineSteps);
    ev.attack = std::fmax(best_value, attack_objective(net, property, refined));
    if (try_candidates({refined}, "linear-programming attack", ev)) return;
    if ((unproven & (unproven - 1)) != 0 && unproven % 64 != 0) return;
    std::mt19937_64 rng(options.seed ^ (node.id * 0x9e3779b97f4a7c15ULL));
    AttackOptions ao{2, 40, {}, {}};
    ao.starts = ev.candidates;
    auto ends = attack_pgd(net, property, node.lo, node.hi, rng, ao);
    ends.resize(std::min<std::size_t>(ends.size(), 2));
    for (auto& y : ends) y = attack_refine(net, property, lo, hi, y, kRefineSteps);
    try_candidates(ends, "pgd", ev);
  }

  bool try_candidates(const std::vector<std::vector<double>>& points, const char* source, Evaluation& ev) const {
    for (const auto& y : points)
      if (attack_objective(net, property, y) >= -1e-9)
        if (auto cex = counterexample_check(net, property, y)) {
          ev.counterexample = cex;
          ev.counterexample_source = source;
          return true;
        }
    return false;
  }
};

Json tree_preorder(const std::vector<TreeEntry>& entries) {
  Json out = Json::array();
  std::vector<std::size_t> stack{0};
  while (!stack.empty()) {
    std::size_t e = stack.back();
    stack.pop_back();
    out.push_back(entries[e].token);
    if (entries[e].right != kNone) stack.push_back(entries[e].right);
    if (entries[e].left != kNone) stack.push_back(entries[e].left);
  }
  return out;
}

std::size_t node_bytes(const Node& n) {
  std::size_t b = sizeof(Node) + 2 * n.lo.size() * (sizeof(Rational) + 16);
  for (const auto& s : n.states) b += s.size();
  for (const auto& w : n.warm) {
    b += w.lambda.size() * sizeof(double);
    for (const auto& a : w.alpha) b += 2 * a.size() * sizeof(double);
  }
  if (n.bounds)  // shared by a ReLU split's children: counted in each, an overestimate
    for (const auto& layer : n.bounds->lo) b += 2 * layer.size() * sizeof(double);
  return b;
}

bool pgd_round(const Search& s, std::mt19937_64& rng, const AttackOptions& attack, BranchResult& result);

bool initial_attack(const Search& s, std::mt19937_64& rng, BranchResult& result) {
  std::vector<Rational> c;
  for (std::size_t i = 0; i < s.property.lo.size(); ++i) c.push_back((s.property.lo[i] + s.property.hi[i]) / 2);
  std::vector<std::vector<Rational>> probes{c, s.property.lo, s.property.hi};
  if (s.property.ball) probes.push_back(s.property.ball->center);
  for (const auto& y : probes)
    if (auto cex = counterexample_check(s.net, s.property, y)) {
      result.counterexample = cex;
      result.counterexample_source = "probe point";
      return true;
    }
  return pgd_round(s, rng, AttackOptions{16, 80, {}, {}}, result);
}

// Random-start PGD over the whole property box, its 4 best ends refined by
// linear programming, then checked exactly.
bool pgd_round(const Search& s, std::mt19937_64& rng, const AttackOptions& attack, BranchResult& result) {
  auto ends = attack_pgd(s.net, s.property, s.property.lo, s.property.hi, rng, attack);
  ends.resize(std::min<std::size_t>(ends.size(), 4));
  std::vector<double> lo, hi;
  for (std::size_t i = 0; i < s.property.lo.size(); ++i) {
    lo.push_back(DInterval::from_rational(s.property.lo[i]).lo);
    hi.push_back(DInterval::from_rational(s.property.hi[i]).hi);
  }
  for (auto& y : ends) y = attack_refine(s.net, s.property, lo, hi, y, 4 * kRefineSteps);
  for (const auto& y : ends)
    if (auto cex = counterexample_check(s.net, s.property, y)) {
      result.counterexample = cex;
      result.counterexample_source = "pgd";
      return true;
    }
  return false;
}

}  // namespace

BranchResult branch_and_bound_linear(const Network& net, const SafetyProperty& property, const BranchOptions& options) {
  BranchResult result;
  Clock::time_point start = Clock::now();
  auto finish = [&](PropertyVerdict status, std::optional<UnknownReason> reason = std::nullopt) {
    result.status = status;
    result.reason = reason;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (status != PropertyVerdict::Verified) result.tree = Json::array();
    return result;
  };
  if (property.unsafe.empty()) {
    result.tree = Json::array({Json{{"linear", Json::array()}}});
    result.leaves = result.nodes = 1;
    return finish(PropertyVerdict::Verified);
  }
  std::mt19937_64 rng(options.seed);
  const PropertyAtoms atoms = property_atoms(property);
  Search s{net, property, options, property_atoms_network(net, atoms.all), atoms.rows, start};
  if (initial_attack(s, rng, result)) return finish(PropertyVerdict::Refuted);
  std::vector<TreeEntry> entries(1);
  std::priority_queue<Node, std::vector<Node>, Worse> queue;
  queue.push(Node{property.lo, property.hi, free_states(net), {}, kInfinity, 0, 0, 0, nullptr});
  std::size_t queue_bytes = node_bytes(queue.top());
  std::uint64_t next_id = 1, unproven = 0, work = 0, next_attack = kLateAttackWork;
  tbb::task_arena arena(static_cast<int>(std::max(1u, options.threads)));
  BranchProgressClock progress(options);
  while (!queue.empty()) {
    progress.tick(result.nodes, result.leaves, queue.size());
    if (s.out_of_time())
      return finish(PropertyVerdict::Unknown, options.stop && options.stop->load() ? UnknownReason::Interrupted : UnknownReason::TimeLimit);
    if (options.max_memory_bytes && queue_bytes + entries.size() * (sizeof(TreeEntry) + 64) > options.max_memory_bytes)
      return finish(PropertyVerdict::Unknown, UnknownReason::MemoryLimit);
    if (work >= next_attack) {
      next_attack = work + kLateAttackWork;
      if (pgd_round(s, rng, AttackOptions{kLateAttackRestarts, kLateAttackSteps, {}, [&s] { return s.out_of_time(); }}, result))
        return finish(PropertyVerdict::Refuted);
    }
    std::vector<Node> batch;
    while (!queue.empty() && batch.size() < kBatch) {
      batch.push_back(queue.top());
      queue_bytes -= node_bytes(queue.top());
      queue.pop();
    }
    std::vector<Evaluation> evals(batch.size());
    std::vector<std::uint64_t> counts(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) counts[i] = unproven + i + 1;
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, batch.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t i = r.begin(); i < r.end(); ++i) {
                            evals[i] = s.evaluate(batch[i]);
                            if (evals[i].outcome != Outcome::leaf) s.probe(batch[i], counts[i], evals[i]);
                          }
                        },
                        tbb::simple_partitioner());
    });
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Node& node = batch[i];
      Evaluation& ev = evals[i];
      ++result.nodes;
      work += ev.unstable;
      if (ev.counterexample) {
        result.counterexample = ev.counterexample;
        result.counterexample_source = ev.counterexample_source;
        return finish(PropertyVerdict::Refuted);
      }
      if (ev.outcome == Outcome::leaf) {
        ++result.leaves;
        entries[node.entry].token = std::move(ev.leaf);
        continue;
      }
      ++unproven;
      if (ev.outcome == Outcome::point) {
        // A single point the bounds cannot settle: decide it exactly.
        if (auto cex = counterexample_check(net, property, node.lo)) {
          result.counterexample = cex;
          result.counterexample_source = "box-center";
          return finish(PropertyVerdict::Refuted);
        }
        return finish(PropertyVerdict::Unknown, UnknownReason::UndecidedPoint);
      }
      Node left = node, right = node;
      left.bounds = right.bounds = ev.bounds;
      left.warm = right.warm = ev.choices;
      left.priority = right.priority = ev.worst;
      left.attack = right.attack = ev.attack;
      left.id = next_id++;
      right.id = next_id++;
      if (ev.outcome == Outcome::split_input) {
        // Best first on the halves' own bounds (when the worst conjunction
        // was the only unproven one they are bounds of the same function).
        left.priority = std::fmin(ev.worst, ev.halves[0]);
        right.priority = std::fmin(ev.worst, ev.halves[1]);
        Rational mid = (node.lo[ev.coordinate] + node.hi[ev.coordinate]) / 2;
        left.hi[ev.coordinate] = mid;
        right.lo[ev.coordinate] = mid;
        left.inherited = right.inherited = 0;
        entries[node.entry].token = ev.coordinate;
      } else {
        left.states[ev.layer][ev.neuron] = -1;
        right.states[ev.layer][ev.neuron] = 1;
        left.inherited = right.inherited = ev.layer + 1;
        entries[node.entry].token = Json{{"relu", Json::array({ev.layer, ev.neuron})}};
      }
      left.entry = entries.size();
      right.entry = entries.size() + 1;
      entries[node.entry].left = left.entry;
      entries[node.entry].right = right.entry;
      entries.resize(entries.size() + 2);
      queue_bytes += node_bytes(left) + node_bytes(right);
      queue.push(std::move(left));
      queue.push(std::move(right));
    }
  }
  if (options.want_certificate) result.tree = tree_preorder(entries);
  return finish(PropertyVerdict::Verified);
}

}  // namespace rl
