// Branch and bound over sub-boxes of the domain, best-first by upper bound.
//
// Each node is a sub-box of E obtained by bisections (exact dyadic fractions
// of E's sides). Its bound is the vertex-pattern bound when IBP leaves at most
// kVertexLimit neurons unstable, else the Clarke-interval bound, and never
// more than its parent's (a sub-box's constant is at most the box's). The
// vertex bound skips the patterns excluded on the node's box or an ancestor's:
// the largest vertices' regions are searched by a linear program, which gives
// either a point inside (a witness candidate, and the bound) or a proved
// exclusion (pattern_region.hpp), and the walk takes the next vertex. The
// reported upper bound is the largest bound over the leaves, which cover E.
// Lower bounds come from certified witness points found by untrusted search.
// Nodes are processed in synchronous batches of fixed size. A batch's
// children are bounded, and their regions searched for witness points, in
// parallel (TBB, dynamic scheduling: a child's cost ranges from one Clarke
// enclosure to a walk over 2^12 vertices plus a linear program); the results
// are merged in the children's order, and the candidate witnesses are
// certified in parallel but adopted in a fixed order, so the result does not
// depend on the thread count.
//
// Overflow: a leaf whose double bound is +inf (huge weights or boxes) is not
// split further; it carries the exact magnitude product instead, which bounds
// the constant on every sub-box, and the run reports "unbounded-in-double".
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cmath>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <thread>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include "arith/error.hpp"
#include "lipschitz/box_hybrid.hpp"
#include "lipschitz/box_pieces.hpp"
#include "lipschitz/certificate_canonical.hpp"
#include "lipschitz/global_activation.hpp"
#include "lipschitz/global_one_layer.hpp"
#include "lipschitz/lipsdp.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/pattern_region.hpp"
#include "lipschitz/symbolic_bounds.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "lipschitz/witness.hpp"

namespace rl {
namespace {

constexpr std::size_t kVertexLimit = 12;
constexpr std::size_t kClarkeFirst = 6;  // from this many unstable neurons on, try the Clarke bound first
constexpr std::size_t kBatchParents = 16;
constexpr std::uint8_t kMaxLevel = 50;
// A root with this many unstable neurons on a bounded domain is a long search
// whose largest norms may sit in thin regions: a beam search over regions
// (witness_region_beam) then seeds the lower bound. Measured on ACAS Xu 1_1
// over its whole box (299 of 300 unstable, raw coordinates): the certified
// lower bound goes from 10 107 (600 s of the search's own candidates) to
// 16 549 after the beam's 28 s; a box with few unstable neurons, or a run
// with a node limit, never pays for it.
constexpr std::size_t kBeamUnstable = 128;
constexpr int kBeamStarts = 8192;  // random points; the best kBeamWidth of them and the candidates start the beam
constexpr std::size_t kBeamWidth = 128;
constexpr int kBeamRounds = 40;  // about 28 s on ACAS Xu's whole box
constexpr double kBeamShare = 0.1;  // of a finite time limit, at most
constexpr std::size_t kCertifyTries = 4;  // candidates certified per batch, at most

// Up to this many unstable neurons, a node whose largest vertex was excluded
// lists all its vertices (2^8 certified norms, and as many linear programs
// at most); with more, a node takes one linear program.
constexpr std::size_t kListAll = 8;
constexpr std::size_t kHeapOverhead = 16;  // allocator bookkeeping per heap block

using Exclusions = std::vector<PatternExclusion>;
using Clock = std::chrono::steady_clock;

// Coordinate i spans lo_i + (hi_i - lo_i) * [index_i, index_i + 1] / 2^level_i.
struct Cell {
  std::vector<std::uint8_t> level;
  std::vector<std::uint64_t> index;
};

struct TreeNode {
  int split = -1;   // coordinate, or -1 for a leaf
  int child = -1;   // children at child and child + 1
  double bound = 0;
  Exclusions found;  // proved on this node's box (kept for the certificate only)
};

using Candidate = WitnessCandidate;

struct Evaluation {
  double upper = 0;
  std::uint64_t vertices = 0;
  DBox box;
  BoxBounds bounds;
  std::optional<Candidate> candidate;  // a point inside the region of the node's largest vertex
  Exclusions found;                    // proved on this node's box
  std::shared_ptr<const Exclusions> excluded;  // the ancestors' that may still match, and found
};

struct OpenNode {
  double upper;
  int id;
  Cell cell;
  std::shared_ptr<const Exclusions> excluded;  // valid on this node's box, passed on to the children
  bool operator<(const OpenNode& o) const { return upper != o.upper ? upper < o.upper : id > o.id; }
};

class BranchAndBound {
 public:
  BranchAndBound(const LipProblem& p, const LipschitzOptions& o)
      : p_(p), o_(o), rng_(o.seed), threads_(o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency())),
        arena_(int(threads_)) {
    root_box_ = lipschitz_problem_dbox(p);
    const std::size_t d = p.net.input_dim;
    const Layer& first = p.net.layers.front();
    for (std::size_t c = 0; c < d; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < first.out_dim(); ++r) s += std::fabs(first.weights_f[r * d + c]);
      double width = p.unbounded ? 0 : rational_to_double(p.hi[c] - p.lo[c]);
      // In log2, so that huge weights or widths still rank the coordinates.
      sensitivity_.push_back(std::log2(std::fmin(s, std::numeric_limits<double>::max()) + 1e-300) +
                             std::log2(std::fmin(width, std::numeric_limits<double>::max())));
      lo_i_.push_back(p.unbounded ? DInterval::whole() : DInterval::from_rational(p.lo[c]));
      width_i_.push_back(p.unbounded ? DInterval::whole() : DInterval::from_rational(p.hi[c] - p.lo[c]));
    }
    symbolic_ = !o.want_certificate || lipschitz_certificate_bounds(p.net) == "symbolic";
    gap_ = rational_to_double(o.rel_gap);
    prune_d_ = rational_to_double(o.prune_lower);
  }

  LipschitzResult run() {
    LipschitzResult res;
    Cell root{std::vector<std::uint8_t>(p_.net.input_dim, 0), std::vector<std::uint64_t>(p_.net.input_dim, 0)};
    Evaluation e = evaluate(root, std::numeric_limits<double>::infinity(), -1.0, nullptr);
    tree_.push_back({-1, -1, e.upper, o_.want_certificate ? std::move(e.found) : Exclusions{}});
    nodes_ = 1;
    vertices_ = e.vertices;
    seed_candidates(e);
    certify_candidates();
    if (!p_.unbounded) open_.push({e.upper, 0, root, e.excluded});
    else stuck_max_ = e.upper;  // R^d: a single leaf, every neuron unstable
    return finish(res, search());
  }

 private:
  const LipProblem& p_;
  const LipschitzOptions& o_;
  std::mt19937_64 rng_;
  DBox root_box_;
  std::vector<double> sensitivity_;
  std::vector<DInterval> lo_i_, width_i_;
  unsigned threads_;
  tbb::task_arena arena_;  // at most threads_ threads, the caller's included
  bool symbolic_ = true;
  Clock::time_point start_ = Clock::now();
  double gap_ = 0;
  double prune_d_ = 0;  // options' prune_lower, for the splitting threshold only
  double last_progress_ = 0;

  std::vector<TreeNode> tree_;
  std::priority_queue<OpenNode> open_;
  double stuck_max_ = 0;  // leaves that cannot be split further
  MagnitudeFallback bound_rational_{p_};  // a bound as a rational, the magnitude product when it overflowed
  std::uint64_t nodes_ = 0, vertices_ = 0;
  Rational lower_ = 0;
  double lower_d_ = 0;
  std::optional<Witness> witness_;
  std::vector<Candidate> candidates_;

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // Nodes at or below this bound need no split: upper <= lower (1 + gap),
  // with lower the best of this search's and the options' prune_lower.
  double threshold() const {
    const double lower = std::fmax(lower_d_, prune_d_);
    return lower > 0 ? next_down(next_down(lower * (1 + gap_))) : 0.0;
  }

  DBox cell_box(const Cell& cell) const {
    DBox box = root_box_;
    for (std::size_t i = 0; i < box.size(); ++i) {
      if (!p_.free[i] || cell.level[i] == 0) continue;
      double scale = std::ldexp(1.0, -int(cell.level[i]));
      DInterval left = lo_i_[i] + width_i_[i] * DInterval::point(double(cell.index[i]) * scale);
      DInterval right = lo_i_[i] + width_i_[i] * DInterval::point(double(cell.index[i] + 1) * scale);
      box[i] = {std::fmax(left.lo, root_box_[i].lo), std::fmin(right.hi, root_box_[i].hi)};
    }
    return box;
  }

  // The node's bound: with few unstable neurons the vertex bound; with more,
  // the Clarke bound first, and the vertex bound (when still few enough) only
  // if the Clarke bound stays above `enough`, the batch's pruning threshold
  // (fixed before the batch, so the result does not depend on the thread
  // count): a walk over 2^u vertices costs more than one Clarke enclosure.
  // Both bounds hold, so their minimum does. Reads only state that is fixed
  // during a batch, so children may be evaluated concurrently.
  Evaluation evaluate(const Cell& cell, double parent_upper, double enough, const std::shared_ptr<const Exclusions>& inherited) const {
    Evaluation e;
    e.box = cell_box(cell);
    e.bounds = symbolic_ ? lipschitz_symbolic_bounds(p_, e.box) : net_ibp(p_.net, e.box);
    const std::size_t unstable = e.bounds.unstable_count();
    e.upper = unstable < kClarkeFirst ? std::numeric_limits<double>::infinity() : lipschitz_upper_clarke(p_, e.bounds);
    Exclusions excluded;
    if (inherited)
      for (const PatternExclusion& x : *inherited)
        if (pattern_exclusion_possible(x, e.bounds)) excluded.push_back(x);
    if (e.upper > enough && unstable <= kVertexLimit) e.upper = std::fmin(e.upper, vertex_bound(e, excluded, enough));
    if (!e.candidate && e.upper > enough) e.candidate = centre_candidate(e.box);
    if (std::isnan(e.upper)) e.upper = std::numeric_limits<double>::infinity();
    e.upper = std::fmin(e.upper, parent_upper);
    if (!excluded.empty()) e.excluded = std::make_shared<const Exclusions>(std::move(excluded));
    return e;
  }

  // Untrusted: the box's centre, when its float estimate beats the lower bound.
  std::optional<Candidate> centre_candidate(const DBox& box) const {
    std::vector<double> x(box.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.5 * (box[i].lo + box[i].hi);
    const double estimate = witness_estimate(p_, x);
    if (!std::isfinite(estimate) || estimate <= lower_d_) return std::nullopt;
    return Candidate{estimate, std::move(x)};
  }

  // The vertex bound without the excluded patterns. The largest vertex's
  // region is searched (an untrusted linear program) when it is above
  // `enough`: a point inside gives the bound (and a witness candidate); an
  // empty region, once proved, is excluded (added to `excluded` and e.found).
  // With at most kListAll unstable neurons a second walk then lists every
  // vertex left, searched in order the same way; with more, the largest
  // vertex left bounds the node (rest).
  double vertex_bound(Evaluation& e, Exclusions& excluded, double enough) const {
    const std::size_t unstable = e.bounds.unstable_count();
    const int rounds = unstable <= kListAll ? 2 : 1;
    double bound = std::numeric_limits<double>::infinity();
    for (int round = 0; round < rounds; ++round) {
      // The listing round needs no certified norm of a vertex that cheap bounds keep below `enough`.
      VertexBound v = round == 0 ? lipschitz_upper_vertex(p_, e.bounds, excluded, 1)
                                 : lipschitz_upper_vertex(p_, e.bounds, excluded, std::size_t(1) << unstable, enough);
      e.vertices += v.vertices;
      bound = v.rest;
      bool settled = false;
      const std::size_t walked = excluded.size();  // the walk skipped what these match
      for (auto& listed : v.top) {
        const double value = listed.first;
        const HiddenPattern& pattern = listed.second;
        if (std::any_of(excluded.begin() + std::ptrdiff_t(walked), excluded.end(),
                        [&](const PatternExclusion& x) { return pattern_exclusion_matches(x, pattern); }))
          continue;
        bound = std::fmax(bound, value);
        if (value <= enough) { settled = true; break; }
        PatternRegion region = pattern_region_search(p_, e.box, e.bounds, pattern);
        if (region.exclusion) {
          bound = v.rest;
          excluded.push_back(*region.exclusion);
          e.found.push_back(std::move(*region.exclusion));
          continue;
        }
        settled = true;
        if (region.point) {
          const double estimate = witness_estimate(p_, *region.point);
          if (std::isfinite(estimate) && estimate > lower_d_) e.candidate = Candidate{estimate, std::move(*region.point)};
        }
        break;
      }
      if (settled || bound <= enough) break;
    }
    return bound;
  }

  // The free coordinate with the largest sensitivity-weighted width, or -1.
  int split_coordinate(const Cell& cell) const {
    int best = -1;
    double score = 0;
    for (std::size_t i = 0; i < cell.level.size(); ++i) {
      if (!p_.free[i] || cell.level[i] >= kMaxLevel) continue;
      double s = sensitivity_[i] - double(cell.level[i]);
      if (best < 0 || s > score) { best = int(i); score = s; }
    }
    return best;
  }

  void consider(const std::vector<double>& x) {
    double est = witness_estimate(p_, x);
    if (std::isfinite(est) && est > lower_d_) candidates_.push_back({est, x});
  }

  void seed_candidates(Evaluation& root) {
    std::vector<double> centre(p_.net.input_dim);
    for (std::size_t i = 0; i < centre.size(); ++i)
      centre[i] = p_.unbounded ? 0.0 : 0.5 * (root_box_[i].lo + root_box_[i].hi);
    for (Candidate& c : witness_seed_candidates(p_, root_box_, centre, lower_d_, rng_, [this] { return !stop_reason(); }))
      candidates_.push_back(std::move(c));
    if (root.candidate) candidates_.push_back(std::move(*root.candidate));
    // A node limit asks for a bounded amount of work, which the beam's
    // network evaluations would exceed unseen.
    if (!p_.unbounded && o_.node_limit == 0 && root.bounds.unstable_count() >= kBeamUnstable) seed_beam();
  }

  void seed_beam() {
    std::vector<std::vector<double>> starts;
    for (int k = 0; k < kBeamStarts; ++k) starts.push_back(witness_random_point(p_, root_box_, rng_));
    for (const Candidate& c : candidates_) starts.push_back(c.x);
    const double until = kBeamShare * o_.time_limit_seconds;
    for (const std::vector<double>& x : witness_region_beam(p_, root_box_, starts, kBeamWidth, kBeamRounds,
                                                            [this, until] { return !stop_reason() && elapsed() < until; }))
      consider(x);
  }

  // Certifies the kCertifyTries most promising candidates, in chunks of
  // threads_ certified concurrently, and adopts the first one in estimate
  // order that improves the lower bound: the same one for any thread count.
  void certify_candidates() {
    std::stable_sort(candidates_.begin(), candidates_.end(),
                     [](const Candidate& a, const Candidate& b) { return a.estimate > b.estimate; });
    std::size_t n = 0;
    while (n < candidates_.size() && n < kCertifyTries && candidates_[n].estimate > lower_d_) ++n;
    for (std::size_t first = 0; first < n; first += threads_) {
      const std::size_t count = std::min<std::size_t>(threads_, n - first);
      std::vector<std::optional<Witness>> w(count);
      run_parallel(count, [&](std::size_t i) { w[i] = witness_certify(p_, candidates_[first + i].x); });
      for (std::optional<Witness>& c : w) {
        if (!c || c->value <= lower_) continue;
        lower_ = c->value;
        lower_d_ = rational_to_double(lower_);
        witness_ = std::move(c);
        candidates_.clear();
        return;
      }
    }
    candidates_.clear();
  }

  std::optional<SearchStatus> stop_reason() const {
    return lipschitz_stop_reason(o_, elapsed() + lipschitz_certificate_kept(o_, current_upper(), certificate_reserve()), nodes_, memory_estimate());
  }

  // The certificate's reserve (certificate_canonical.hpp): every split adds two nodes and one leaf.
  double certificate_reserve() const {
    return o_.certificate_costs.upper + o_.certificate_costs.leaf * double((nodes_ + 1) / 2);
  }

  // Bytes held by the frontier and the partition tree: each open node owns a
  // cell (one level byte and one index word per coordinate, two heap blocks).
  // The failed patterns handed down are shared by whole subtrees and not counted.
  std::size_t memory_estimate() const {
    const std::size_t d = p_.net.input_dim;
    const std::size_t per_open = sizeof(OpenNode) + d * (sizeof(std::uint8_t) + sizeof(std::uint64_t)) + 2 * kHeapOverhead;
    return open_.size() * per_open + tree_.capacity() * sizeof(TreeNode);
  }

  void report_progress() {
    if (!o_.progress) return;
    double t = elapsed();
    if (t - last_progress_ < 1.0) return;
    last_progress_ = t;
    o_.progress({lower_, bound_rational_(current_upper()), nodes_, open_.size(), t});
  }

  double current_upper() const { return std::fmax(stuck_max_, open_.empty() ? 0.0 : open_.top().upper); }

  SearchStatus search() {
    while (true) {
      double thr = threshold();
      if (open_.empty() || open_.top().upper <= thr) return stuck_max_ <= thr ? SearchStatus::Converged : SearchStatus::NotConverged;
      if (std::optional<SearchStatus> reason = stop_reason()) return *reason;
      report_progress();
      // The batch: children of up to kBatchParents nodes above the threshold.
      std::vector<std::pair<int, Cell>> children;
      std::vector<double> parent_upper;
      std::vector<std::shared_ptr<const Exclusions>> parent_excluded;
      while (!open_.empty() && open_.top().upper > thr && children.size() < 2 * kBatchParents) {
        OpenNode node = open_.top();
        open_.pop();
        int c = std::isfinite(node.upper) ? split_coordinate(node.cell) : -1;
        if (c < 0) { stuck_max_ = std::fmax(stuck_max_, node.upper); continue; }
        const int first_child = int(tree_.size());
        tree_[node.id].split = c;
        tree_[node.id].child = first_child;
        for (int side = 0; side < 2; ++side) {
          Cell child = node.cell;
          child.level[c] += 1;
          child.index[c] = 2 * child.index[c] + side;
          tree_.push_back({-1, -1, node.upper, {}});
          children.emplace_back(first_child + side, std::move(child));
          parent_upper.push_back(node.upper);
          parent_excluded.push_back(node.excluded);
        }
      }
      std::vector<Evaluation> evals(children.size());
      run_parallel(children.size(), [&](std::size_t i) {
        evals[i] = evaluate(children[i].second, parent_upper[i], thr, parent_excluded[i]);
      });
      for (std::size_t i = 0; i < children.size(); ++i) {
        Evaluation& e = evals[i];
        ++nodes_;
        vertices_ += e.vertices;
        tree_[children[i].first].bound = e.upper;
        if (o_.want_certificate) tree_[children[i].first].found = std::move(e.found);
        if (e.candidate) candidates_.push_back(std::move(*e.candidate));
        open_.push({e.upper, children[i].first, std::move(children[i].second), std::move(e.excluded)});
      }
      certify_candidates();
    }
  }

  // f(0), ..., f(n-1) on the arena's threads, one index per task: the costs
  // differ by orders of magnitude, so the indices are handed out dynamically.
  template <class F>
  void run_parallel(std::size_t n, F&& f) {
    if (threads_ <= 1 || n <= 1) { for (std::size_t i = 0; i < n; ++i) f(i); return; }
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1),
                        [&](const tbb::blocked_range<std::size_t>& r) { for (std::size_t i = r.begin(); i < r.end(); ++i) f(i); },
                        tbb::simple_partitioner());
    });
  }

  // Preorder: a node is its split coordinate (-1 for a leaf), or
  // {"split": c, "exclude": [...]} when exclusions were proved on its box.
  void write_tree(int id, Json& shape, std::vector<double>& leaf_bounds) const {
    const TreeNode& t = tree_[id];
    if (t.split < 0) leaf_bounds.push_back(t.bound);
    if (t.found.empty()) shape.push_back(t.split);
    else {
      Json exclude = Json::array();
      for (const PatternExclusion& x : t.found) exclude.push_back(pattern_exclusion_json(x));
      shape.push_back(Json{{"split", t.split}, {"exclude", exclude}});
    }
    if (t.split < 0) return;
    write_tree(t.child, shape, leaf_bounds);
    write_tree(t.child + 1, shape, leaf_bounds);
  }

  LipschitzResult finish(LipschitzResult res, SearchStatus status) {
    double upper = current_upper();
    const Rational prune_level = std::max(lower_, o_.prune_lower);
    std::uint64_t leaves = 0, pruned = 0;
    for (const TreeNode& t : tree_)
      if (t.split < 0) { ++leaves; pruned += bound_rational_(t.bound) <= prune_level; }
    lipschitz_result_settle(res, o_, status, upper, bound_rational_(upper), lower_,
                            p_.unbounded ? "vertex-pattern/Clarke bound over R^d (every neuron unstable)"
                                         : "branch and bound: vertex-pattern Jacobians (outward DInterval) or Clarke interval per leaf",
                            witness_.has_value());
    res.nodes = nodes_;
    res.leaves = leaves;
    res.pruned = pruned;
    res.vertices = vertices_;
    res.seconds = elapsed();
    res.certificate_seconds = certificate_reserve();
    if (o_.want_certificate) {
      Json shape = Json::array();
      write_tree(0, shape, res.leaf_bounds);
      Json cert{{"method", p_.unbounded ? "unbounded-all-unstable" : "box-partition"},
                {"norm", norm_name(p_.norm)},
                {"lower", rational_to_string(res.lower)},
                {"upper", rational_to_string(res.upper)},
                {"tree", shape}};
      if (!p_.unbounded) cert["bounds"] = symbolic_ ? "symbolic" : "interval";
      if (witness_) cert["witness"] = witness_json(*witness_);
      res.certificate = cert;
    }
    return res;
  }
};

}  // namespace

namespace {

using ExactSearch = bool (*)(const LipProblem&, const LipschitzOptions&, LipschitzResult&);

// Auto takes activation branching on a box when symbolic propagation leaves
// at most half of the hidden neurons unstable there: then most neurons are
// fixed by their ranges and the activation tree stays small, while with most
// neurons unstable, input splits make many of them stable at once. Measured
// (docs/lipschitz.md): ACAS Xu on [-0.01,0.01]^5 (74 of 300 unstable) and
// 5-20-20-1 (14 of 40) are 20x and 4x faster by activation branching;
// 2-32-32-1, 2-16-16-1 and 3-16-16-16-4 (57 of 64, 32 of 32, 35 of 48) are
// 3-25x faster by input splits.
bool box_activation_wanted(const LipProblem& p, const LipschitzOptions& options) {
  if (options.engine == LipschitzOptions::Engine::BoxPartition || !box_activation_applies(p)) return false;
  if (options.engine == LipschitzOptions::Engine::BoxActivation) return true;
  return 2 * lipschitz_root_symbolic_bounds(p)->unstable_count() <= p.net.hidden_neuron_count();
}

// On R^d without a clamp: region enumeration (one hidden layer) or activation
// branching (more); on a box, activation branching when wanted.
ExactSearch exact_search(const LipProblem& p, const LipschitzOptions& options) {
  if (!p.unbounded) {
    if (box_activation_wanted(p, options)) return global_activation_bound;
    return nullptr;
  }
  if (global_one_layer_applies(p)) return global_one_layer_bound;
  if (global_activation_applies(p)) return global_activation_bound;
  return nullptr;
}

std::string engine_name(const LipProblem& p, ExactSearch exact) {
  if (!exact) return p.unbounded ? "unbounded-all-unstable" : "box-partition";
  if (exact == global_one_layer_bound) return "one-layer-regions";
  return p.unbounded ? "global-activation" : "box-activation";
}

// Input splits above ReLU branching when asked for, or (auto) when most
// neurons are unstable on the box and it has at least 5 inputs, and when it
// applies. Measured (docs/lipschitz.md, 4c): ACAS Xu 1_1 on [-0.05,0.05]^5
// (193 of 300 unstable) and 2_1 on [-0.02,0.02]^5 (171) converge with it
// (128 and 52 CPU s) and with neither other engine in 40 s or 600 s;
// 2-32-32-1, 2-16-16-1 and 3-16-16-16-4 converge 2-6x faster by input splits
// alone (0.01-0.1 s), whose cost grows with the number of inputs.
constexpr std::size_t kHybridMinInputs = 5;

bool box_hybrid_wanted(const LipProblem& p, const LipschitzOptions& options) {
  if (!box_hybrid_applies(p, options)) return false;
  if (options.engine == LipschitzOptions::Engine::BoxHybrid) return true;
  return options.engine == LipschitzOptions::Engine::Auto && p.net.input_dim >= kHybridMinInputs &&
         !box_activation_wanted(p, options);
}

// The product of layer norms and the Clarke bound over the whole domain.
LipschitzBaselines lipschitz_baselines(const LipProblem& p, const std::function<bool()>& out_of_time) {
  const double clarke = lipschitz_upper_clarke(p, net_ibp(p.net, lipschitz_problem_dbox(p)));
  return {lipschitz_upper_product(p, out_of_time), std::isfinite(clarke) ? rational_from_double(clarke) : lipschitz_upper_magnitude(p)};
}

// A product of layer norms below the search's upper is the upper, when no
// certificate is to state the search's (the checker has no product
// certificate): deep networks over R^d, where the Clarke bound multiplies
// interval widths layer after layer (20 layers of 200: 4.6e20 against 3.6e6).
void lipschitz_take_product(const LipschitzOptions& options, LipschitzResult& r) {
  if (options.want_certificate || r.status == SearchStatus::Converged || !r.baselines || !(r.baselines->product_upper < r.upper)) return;
  r.upper = r.baselines->product_upper;
  r.upper_method = "product of layer operator norms (outward-rounded; below the search's " + r.upper_method + ")";
}

LipschitzResult lipschitz_search(const Network& net, const LipschitzOptions& options) {
  LipProblem p = lipschitz_problem(net, options);
  if (box_hybrid_wanted(p, options)) {
    return box_hybrid_bound(p, options);
  }
  const ExactSearch exact = exact_search(p, options);
  if (!exact) {
    LipschitzResult r = BranchAndBound(p, options).run();
    r.engine = engine_name(p, nullptr);
    return r;
  }
  const auto start = Clock::now();
  LipschitzResult r;
  r.engine = engine_name(p, exact);
  if (exact(p, options, r)) return r;
  // The search gave up (budget, overflow, time or SIGINT): the general bound, within the time left.
  LipschitzOptions rest = options;
  rest.time_limit_seconds -= std::chrono::duration<double>(Clock::now() - start).count();
  LipschitzResult fallback = BranchAndBound(p, rest).run();
  fallback.engine = engine_name(p, nullptr);
  if (fallback.status == SearchStatus::NotConverged) {
    if (options.stop && options.stop->load()) fallback.status = SearchStatus::Interrupted;
    else if (rest.time_limit_seconds <= 0) fallback.status = SearchStatus::TimeLimit;
  }
  return fallback;
}

// With a finite time limit and LipSDP enabled, the search leaves 1.25 times
// the estimated solve time, at most 3/4 of the limit, to the SDP.
constexpr double kLipsdpShareMax = 0.75, kLipsdpReserve = 1.25;

bool lipsdp_asked(const LipschitzOptions& o) {
  return o.norm == Norm::L2 &&
         (o.lipsdp == LipschitzOptions::Lipsdp::On || (o.lipsdp == LipschitzOptions::Lipsdp::Auto && o.domain.global));
}

bool lipsdp_wanted(SearchStatus status) {
  return status == SearchStatus::TimeLimit || status == SearchStatus::NodeLimit || status == SearchStatus::MemoryLimit ||
         status == SearchStatus::NotConverged;
}

// The witness of the result's lower in its certificate (a union: in the piece that states that lower).
std::optional<Json> certificate_witness(const LipschitzResult& r) {
  if (!r.certificate.is_object()) return std::nullopt;
  if (r.certificate_kind == CertificateKind::Lipschitz)
    return r.certificate.contains("witness") ? std::optional<Json>(r.certificate["witness"]) : std::nullopt;
  for (const Json& piece : r.certificate.value("pieces", Json::array()))
    if (piece.contains("witness") && rational_from_json(piece["lower"], "piece lower") == r.lower) return piece["witness"];
  return std::nullopt;
}

// One verified LipSDP solve: its bound, or nullopt with the reason in `note`.
struct LipsdpRun {
  std::optional<LipsdpBound> bound;
  std::string note;
  double seconds = 0;
};

LipsdpRun lipsdp_run(const LipProblem& p, const LipschitzOptions& options, double budget) {
  const auto start = Clock::now();
  LipsdpRun run;
  run.bound = lipschitz_upper_lipsdp(p, budget, options.stop, run.note);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

// Records the solve in r (its time, added to any earlier attempt's, whether
// it verified and its bound, or why not).
void lipsdp_record(const LipsdpRun& run, LipschitzResult& r) {
  r.lipsdp_ran = true;
  r.lipsdp_seconds += run.seconds;
  r.seconds += run.seconds;
  r.lipsdp_note = run.bound ? std::string() : run.note;
  r.lipsdp_verified = run.bound.has_value();
  if (run.bound) r.lipsdp_upper = run.bound->upper;
}

// The verified bound b becomes r's upper, with a "lipsdp" certificate when one is wanted.
void lipsdp_replace(const LipProblem& p, const LipschitzOptions& options, const LipsdpBound& b, LipschitzResult& r) {
  r.upper = b.upper;
  r.upper_method = std::string("LipSDP-Neuron (") + (p.unbounded ? "global" : "local") +
                   " slopes), verified: exact PSD proof of the rounded LMI";
  if (r.upper <= r.lower * (1 + options.rel_gap)) r.status = SearchStatus::Converged;
  else if (r.status == SearchStatus::Converged) r.status = SearchStatus::NotConverged;
  if (!options.want_certificate) return;
  Json cert{{"method", "lipsdp"}, {"norm", "l2"}, {"lower", rational_to_string(r.lower)}, {"upper", rational_to_string(r.upper)}};
  if (std::optional<Json> w = certificate_witness(r)) cert["witness"] = *w;
  cert.update(b.proof);
  r.certificate = cert;
  r.certificate_kind = CertificateKind::Lipschitz;
  r.certificate_error.clear();
}

// Records the solve; a verified bound below r.upper becomes the upper. True when it did.
bool lipsdp_take(const LipProblem& p, const LipschitzOptions& options, const LipsdpRun& run, LipschitzResult& r) {
  lipsdp_record(run, r);
  if (!run.bound || run.bound->upper >= r.upper) return false;
  lipsdp_replace(p, options, *run.bound, r);
  return true;
}

bool lipschitz_apply_lipsdp(const LipProblem& p, const LipschitzOptions& options, double budget, LipschitzResult& r) {
  return lipsdp_take(p, options, lipsdp_run(p, options, budget), r);
}

}  // namespace

double lipschitz_lipsdp_reserve(const Network& net, const LipschitzOptions& options) {
  if (!lipsdp_asked(options) || !std::isfinite(options.time_limit_seconds)) return 0;
  return std::min(options.time_limit_seconds * kLipsdpShareMax, kLipsdpReserve * lipschitz_lipsdp_estimated_seconds(net));
}

// Measured: 20 layers of 200 (1.5e8 units of min(in, out)^2 max(in, out)) in about 10 s.
constexpr double kLdltSecondsPerUnit = 7e-8, kProductShareMax = 0.1;

double lipschitz_product_reserve(const Network& net, const LipschitzOptions& options) {
  // With a certificate the product cannot become the upper: no reserve.
  if (options.norm != Norm::L2 || options.want_certificate || !std::isfinite(options.time_limit_seconds)) return 0;
  double units = 0;
  for (const Layer& l : net.layers) {
    const double small = double(std::min(l.in_dim(), l.out_dim())), large = double(std::max(l.in_dim(), l.out_dim()));
    if (small > 1) units += small * small * large;  // a vector's norm needs no LDL^T
  }
  return std::min(options.time_limit_seconds * kProductShareMax, 2 * kLdltSecondsPerUnit * units);
}

bool lipschitz_lipsdp_finish(const Network& net, const LipschitzOptions& options, double seconds, LipschitzResult& r) {
  const bool stopped = options.stop && options.stop->load();
  if (!lipsdp_asked(options) || stopped || !(options.lipsdp == LipschitzOptions::Lipsdp::On || lipsdp_wanted(r.status)))
    return false;
  const bool applied = lipschitz_apply_lipsdp(lipschitz_problem(net, options), options, std::max(seconds, 0.0), r);
  if (options.stop && options.stop->load() && r.status != SearchStatus::Converged) r.status = SearchStatus::Interrupted;
  return applied;
}

// The time ran out before the search's certificate was canonical, on a box:
// the one-leaf certificate of the interval Clarke bound over the whole domain
// (a few exact tests), with the search's lower and witness; its upper becomes
// the result's. False on R^d or when the bound overflows.
bool whole_domain_clarke_certificate(const Network& net, const LipschitzOptions& options, LipschitzResult& r) {
  const LipProblem p = lipschitz_problem(net, options);
  if (p.unbounded) return false;
  PieceOutcome whole;
  whole.box = {p.lo, p.hi};
  LipschitzOptions box = options;
  box.domain = {false, p.lo, p.hi};
  try {
    whole.upper = piece_clarke_upper(net, options.norm, whole.box);
  } catch (const InputError&) {
    return false;
  }
  if (!piece_clarke_certificate(net, box, whole)) return false;
  Json witness = r.certificate.is_object() ? r.certificate.value("witness", Json()) : Json();
  r.certificate = whole.certificate;
  if (!witness.is_null()) {
    r.certificate["lower"] = rational_to_string(r.lower);
    r.certificate["witness"] = witness;
  }
  r.upper = whole.upper;
  r.upper_method = "Clarke interval over the whole domain: the time limit came before the search's certificate was canonical";
  return true;
}

LipschitzResult lipschitz_bound(const Network& net, const LipschitzOptions& options) {
  const auto start = Clock::now();
  // Under On the SDP runs whatever the search finds. On a global domain, where
  // it is usually the tighter bound, it runs first, within its reserve: the
  // search then keeps time for its own certificate only while it beats it.
  std::optional<LipsdpRun> sdp;
  LipschitzOptions rest = options;
  if (options.lipsdp == LipschitzOptions::Lipsdp::On && options.domain.global && lipsdp_asked(options)) {
    const double budget = std::isfinite(options.time_limit_seconds) ? lipschitz_lipsdp_reserve(net, options)
                                                                       : std::numeric_limits<double>::infinity();
    sdp = lipsdp_run(lipschitz_problem(net, options), options, budget);
    rest.lipsdp = LipschitzOptions::Lipsdp::Off;
  }
  LipschitzOptions search = lipschitz_search_budget(net, rest, start);
  if (sdp && sdp->bound) search.certificate_needed_below = rational_to_double(sdp->bound->upper);
  if (sdp && options.progress) {
    // The search's clock starts after the SDP: progress counts from the command's start.
    const double before = std::chrono::duration<double>(Clock::now() - start).count();
    search.progress = [&options, before](const LipschitzProgress& q) {
      LipschitzProgress shifted = q;
      shifted.seconds += before;
      options.progress(shifted);
    };
  }
  LipschitzResult r = lipschitz_search(net, search);
  if (options.baselines || r.status != SearchStatus::Converged) {
    // Within the limit and Ctrl-C: past them, the layers' LDL^T refinement is skipped.
    const auto out_of_time = [&options, start] {
      return (options.stop && options.stop->load()) ||
             std::chrono::duration<double>(Clock::now() - start).count() >= options.time_limit_seconds;
    };
    r.baselines = lipschitz_baselines(lipschitz_problem(net, options), out_of_time);
    lipschitz_take_product(options, r);
  }
  // The SDP gets what the search left, less the time its certificate kept back.
  const double left = options.time_limit_seconds - std::chrono::duration<double>(Clock::now() - start).count() -
                      (options.want_certificate ? r.certificate_seconds : 0);
  if (sdp) {
    if (options.stop && options.stop->load() && r.status != SearchStatus::Converged) r.status = SearchStatus::Interrupted;
    if (lipsdp_take(lipschitz_problem(net, options), options, *sdp, r)) return r;
    // Killed at its share: once more (a search that converged early leaves most of the limit).
    if (!sdp->bound && std::isfinite(left) && left > 0 && lipschitz_lipsdp_finish(net, options, left, r)) return r;
  } else if (lipschitz_lipsdp_finish(net, options, left, r)) {
    return r;
  }
  // A certificate states the canonical upper the checker requires, which
  // rises above the search's where the checker's leaf tests are weaker. When
  // a leaf's bound lies off the grid's range, or the time runs out first,
  // there is no certificate to state: the bounds stay (the search proved
  // them), and certificate_error says why. (A union of pieces is made
  // canonical piece by piece by its search.) A verified SDP bound solved
  // first is the certificate instead when it is lower than the canonical
  // upper or the search's certificate could not be made.
  if (options.want_certificate && r.certificate_kind == CertificateKind::Lipschitz) {
    const Rational searched = r.upper;
    const Canonical made = lipschitz_certificate_canonicalize(lipschitz_problem(net, options), r, lipschitz_out_of_time(options, start),
                                                              options.certificate_progress);
    const bool sdp_instead = sdp && sdp->bound && (made != Canonical::Done || sdp->bound->upper < r.upper);
    if (sdp_instead) {
      lipsdp_replace(lipschitz_problem(net, options), options, *sdp->bound, r);
      return r;
    }
    const bool whole = made == Canonical::OutOfTime && whole_domain_clarke_certificate(net, options, r);
    if (made != Canonical::Done && !whole) {
      r.certificate = nullptr;
      r.certificate_error = lipschitz_canonical_failure(made) + " (upper " + rational_to_string(r.upper) + ")";
    } else if (!whole && r.upper > searched) {
      r.upper_method += "; raised to the least value the checker's leaf tests confirm";
    }
    if (r.status == SearchStatus::Converged && r.upper > r.lower * (1 + options.rel_gap)) r.status = SearchStatus::NotConverged;
  }
  return r;
}

}  // namespace rl
