#include "lipschitz/box_hybrid.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <queue>
#include <random>

#include "arith/error.hpp"
#include "lipschitz/box_partition.hpp"
#include "lipschitz/box_pieces.hpp"
#include "lipschitz/certificate_canonical.hpp"
#include "lipschitz/global_activation.hpp"
#include "lipschitz/symbolic_bounds.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "lipschitz/witness.hpp"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

// Measured on ACAS Xu 1_1 on [-0.05,0.05]^5 and 2_1 on [-0.02,0.02]^5
// (docs/lipschitz.md, 4c): the activation search's work on a box grows with
// its linear regions, not with its unstable neurons, so small pieces only
// repeat the regions their faces cut (pieces of at most 55 or 70 unstable
// neurons of 300 took 1-10 s each, about 200 of them); pieces of about a third
// of the neurons unstable, searched to the end, did best. The node budget is
// a safety net for a piece whose search does not end: doubled on each halving.
constexpr double kMaxUnstableShare = 1.0 / 3;
constexpr std::uint64_t kPieceNodes = 1000000;
// The union checker refuses split trees deeper than 256; past this depth a
// piece is searched without a budget.
constexpr std::size_t kMaxDepth = 200;
constexpr double kInf = std::numeric_limits<double>::infinity();
// The first lower bound: random points of E, region walks from the best.
constexpr int kSeedPoints = 1024;
constexpr std::size_t kSeedWalks = 16;
constexpr int kSeedSteps = 64;
constexpr std::size_t kSeedCertify = 4;

struct Node {
  RationalBox box;
  long axis = -1;  // a split node's axis; its halves are nodes child and child + 1
  int child = -1;
  std::size_t depth = 0;
  std::size_t unstable = 0;   // neurons symbolic propagation leaves unstable on the box
  double clarke = kInf;       // the Clarke bound over the box
  bool searched = false;
  double search_upper = kInf; // its own search's upper
  Json certificate;           // that search's certificate (with want_certificate)
  std::vector<double> leaf_bounds;
  double bound = kInf;        // the least of its own bounds and its ancestors'
  bool budget_spent = false;  // its search ran out of its node budget: split it
  std::uint64_t budget = 0;   // its search's node budget: twice its parent's when the parent's search ran out of it
};

struct Open {
  double bound;
  int id;
  bool operator<(const Open& o) const { return bound != o.bound ? bound < o.bound : id > o.id; }
};

// A double no smaller than q (a sound upper bound stays one).
double double_at_least(const Rational& q) {
  const double d = rational_to_double(q);
  return std::isfinite(d) && rational_from_double(d) < q ? next_up(d) : d;
}

class HybridSearch {
 public:
  HybridSearch(const LipProblem& p, const LipschitzOptions& o)
      : p_(p), o_(o), piece_(p),
        max_unstable_(o.hybrid.max_unstable ? o.hybrid.max_unstable : std::max<std::size_t>(1, std::size_t(kMaxUnstableShare * double(p.net.hidden_neuron_count())))),
        piece_nodes_(o.hybrid.piece_nodes ? o.hybrid.piece_nodes : kPieceNodes) {
    gap_ = rational_to_double(o.rel_gap);
    for (std::size_t c = 0; c < p.lo.size(); ++c) root_width_.push_back(p.hi[c] - p.lo[c]);
  }

  LipschitzResult run() {
    Node root;
    root.box = {p_.lo, p_.hi};
    evaluate(root);
    root.bound = root.clarke;
    root.budget = piece_nodes_;
    tree_.push_back(std::move(root));
    nodes_ = 1;
    seed_lower();
    open_.push({tree_[0].bound, 0});
    return finish(search());
  }

 private:
  const LipProblem& p_;
  const LipschitzOptions& o_;
  LipProblem piece_;  // p_ on the piece being searched
  std::size_t max_unstable_;
  std::uint64_t piece_nodes_;
  double gap_ = 0;
  std::vector<Rational> root_width_;
  Clock::time_point start_ = Clock::now();
  double last_progress_ = 0;
  MagnitudeFallback bound_rational_{p_};  // a bound as a rational, the magnitude product when it overflowed

  std::vector<Node> tree_;
  std::priority_queue<Open> open_;
  double done_max_ = 0;  // the largest bound over the closed leaves
  std::uint64_t nodes_ = 0, vertices_ = 0, splits_ = 0;
  Rational lower_ = 0;
  double lower_d_ = 0;
  Json witness_;  // the best lower's witness (with want_certificate)
  // The certificate's reserve (certificate_canonical.hpp): the searched
  // pieces' own, and a one-leaf Clarke certificate for every piece.
  double certificate_seconds_ = 0;
  double certificate_reserve() const {
    const LipschitzOptions::CertificateCosts& c = o_.certificate_costs;
    return certificate_seconds_ + (c.leaf + c.upper) * double(1 + splits_);
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  double threshold() const { return lower_d_ > 0 ? next_down(next_down(lower_d_ * (1 + gap_))) : 0.0; }

  // The piece's unstable count (symbolic propagation) and, with `clarke`, its Clarke bound.
  void evaluate(Node& n, bool clarke = true) const {
    const BoxBounds b = lipschitz_symbolic_bounds(p_, dbox_from_rationals(n.box.lo, n.box.hi));
    n.unstable = b.unstable_count();
    if (!clarke) return;
    const double c = lipschitz_upper_clarke(p_, b);
    n.clarke = std::isnan(c) ? kInf : c;
  }

  // Untrusted: random points of E, region walks from the best, and the best
  // certified. The pieces' searches are pruned by the lower bound, so a good
  // one early saves most of their work.
  void seed_lower() {
    struct Candidate {
      double estimate;
      std::vector<double> x;
    };
    std::mt19937_64 rng(o_.seed);
    const DBox box = lipschitz_problem_dbox(p_);
    std::vector<Candidate> starts;
    for (int k = 0; k < kSeedPoints; ++k) {
      std::vector<double> x = witness_random_point(p_, box, rng);
      const double e = witness_estimate(p_, x);
      if (std::isfinite(e)) starts.push_back({e, std::move(x)});
    }
    const auto larger = [](const Candidate& a, const Candidate& b) { return a.estimate > b.estimate; };
    std::stable_sort(starts.begin(), starts.end(), larger);
    if (starts.size() > kSeedWalks) starts.resize(kSeedWalks);
    std::vector<Candidate> ends;
    for (const Candidate& c : starts) {
      std::vector<double> y = witness_region_walk(p_, box, c.x, kSeedSteps, [this] { return !stop_reason(); });
      const double e = witness_estimate(p_, y);
      if (std::isfinite(e)) ends.push_back({e, std::move(y)});
    }
    std::stable_sort(ends.begin(), ends.end(), larger);
    for (std::size_t i = 0; i < ends.size() && i < kSeedCertify; ++i)
      if (std::optional<Witness> w = witness_certify(p_, ends[i].x); w && w->value > lower_) {
        adopt_lower(w->value, witness_json(*w));
        break;
      }
  }

  void adopt_lower(const Rational& value, Json witness) {
    lower_ = value;
    lower_d_ = rational_to_double(lower_);
    if (o_.want_certificate) witness_ = std::move(witness);
  }

  std::optional<SearchStatus> stop_reason() const {
    return lipschitz_stop_reason(o_, elapsed() + certificate_reserve(), nodes_, 0);
  }

  double current_upper() const { return std::fmax(done_max_, open_.empty() ? 0.0 : open_.top().bound); }

  void report(double upper) {
    if (!o_.progress) return;
    const double t = elapsed();
    if (t - last_progress_ < 1.0) return;
    last_progress_ = t;
    o_.progress({lower_, bound_rational_(upper), nodes_, open_.size(), t});
  }

  SearchStatus search() {
    while (true) {
      const double thr = threshold();
      if (open_.empty() || open_.top().bound <= thr) return done_max_ <= thr ? SearchStatus::Converged : SearchStatus::NotConverged;
      if (std::optional<SearchStatus> reason = stop_reason()) return *reason;
      report(current_upper());
      const int id = open_.top().id;
      open_.pop();
      const Node& n = tree_[std::size_t(id)];
      const bool splittable = n.depth < kMaxDepth && std::isfinite(n.bound);
      // Many unstable neurons: halve the piece, unless no half has fewer
      // (hyperplanes through one point stay unstable on every sub-box).
      if (splittable && (n.budget_spent || n.unstable > max_unstable_) && split(id, !n.budget_spent)) continue;
      if (std::optional<SearchStatus> stopped = search_piece(id)) return *stopped;
    }
  }

  void close(int id) { done_max_ = std::fmax(done_max_, tree_[std::size_t(id)].bound); }

  // Searches the piece by activation branching; a status when the whole search must stop.
  std::optional<SearchStatus> search_piece(int id) {
    Node& n = tree_[std::size_t(id)];
    piece_.lo = n.box.lo;
    piece_.hi = n.box.hi;
    LipschitzOptions o = o_;
    o.domain.lo = n.box.lo;
    o.domain.hi = n.box.hi;
    o.prune_lower = lower_;
    o.time_limit_seconds = o_.time_limit_seconds - elapsed() - certificate_reserve();
    o.seed = o_.seed + std::uint64_t(id);
    const bool budget = n.depth < kMaxDepth && std::isfinite(n.bound);
    o.node_limit = budget ? n.budget : 0;
    if (o_.node_limit) o.node_limit = std::min(budget ? o.node_limit : o_.node_limit, o_.node_limit - nodes_);
    const double others = current_upper();
    o.progress = [&](const LipschitzProgress& q) { report(std::fmax(others, std::fmin(n.bound, double_at_least(q.upper)))); };
    LipschitzResult r;
    if (!global_activation_bound(piece_, o, r)) {  // its root bound overflows in double: the piece keeps its bound
      close(id);
      return std::nullopt;
    }
    nodes_ += r.nodes;
    vertices_ += r.vertices;
    certificate_seconds_ += r.certificate_seconds;
    if (r.lower > lower_) adopt_lower(r.lower, o_.want_certificate ? r.certificate.value("witness", Json()) : Json());
    n.searched = true;
    n.search_upper = double_at_least(r.upper);
    n.bound = std::fmin(n.bound, n.search_upper);
    if (o_.want_certificate) {
      n.certificate = std::move(r.certificate);
      n.leaf_bounds = std::move(r.leaf_bounds);
    }
    switch (r.status) {
      case SearchStatus::Converged:
        close(id);
        return std::nullopt;
      case SearchStatus::NotConverged:
        // A complete region whose witness was not certified (the search
        // certifies few candidates per step): the halves' searches find it again.
        if (n.bound > threshold() && n.depth < kMaxDepth) {
          split(id, false);
          return std::nullopt;
        }
        close(id);
        return std::nullopt;
      case SearchStatus::UnboundedInDouble:
        close(id);
        return std::nullopt;
      case SearchStatus::NodeLimit:
        if (o_.node_limit && nodes_ >= o_.node_limit) break;
        n.budget_spent = true;
        if (n.bound <= threshold()) close(id);
        else split(id, false);
        return std::nullopt;
      default:
        break;
    }
    open_.push({n.bound, id});
    return r.status;
  }

  // The axis to halve and the evaluated halves.
  int choose_axis(const Node& n, Node halves[2]) const {
    int best = -1;
    double best_key[3] = {0, 0, 0};
    const bool clarke = o_.hybrid.split == LipschitzOptions::HybridSplit::SmallestClarke;
    for (std::size_t c = 0; c < n.box.lo.size(); ++c) {
      double key[3];
      if (o_.hybrid.split == LipschitzOptions::HybridSplit::Widest) {
        // The widest side relative to the root's: fewest halvings of that axis.
        key[0] = -rational_to_double((n.box.hi[c] - n.box.lo[c]) / root_width_[c]);
        key[1] = key[2] = double(c);
      } else {
        Node h[2];
        halve(n, c, h, clarke);
        const double most = double(std::max(h[0].unstable, h[1].unstable)), sum = double(h[0].unstable + h[1].unstable);
        key[0] = clarke ? std::fmax(h[0].clarke, h[1].clarke) : most;
        key[1] = clarke ? most : sum;
        key[2] = double(c);
      }
      if (best < 0 || std::lexicographical_compare(key, key + 3, best_key, best_key + 3)) {
        best = int(c);
        std::copy(key, key + 3, best_key);
      }
    }
    halve(n, std::size_t(best), halves, true);
    return best;
  }

  void halve(const Node& n, std::size_t axis, Node h[2], bool clarke) const {
    const Rational mid = (n.box.lo[axis] + n.box.hi[axis]) / 2;
    for (int side = 0; side < 2; ++side) {
      h[side] = Node{};
      h[side].box = n.box;
      (side ? h[side].box.lo : h[side].box.hi)[axis] = mid;
      h[side].depth = n.depth + 1;
      evaluate(h[side], clarke);
    }
  }

  // Halves the piece; with `if_fewer`, only when a half has fewer unstable neurons (else false).
  bool split(int id, bool if_fewer) {
    Node halves[2];
    const int axis = choose_axis(tree_[std::size_t(id)], halves);
    if (if_fewer && std::min(halves[0].unstable, halves[1].unstable) >= tree_[std::size_t(id)].unstable) return false;
    const int first = int(tree_.size());
    tree_[std::size_t(id)].axis = axis;
    tree_[std::size_t(id)].child = first;
    ++splits_;
    const double parent = tree_[std::size_t(id)].bound, thr = threshold();
    const std::uint64_t budget = tree_[std::size_t(id)].budget * (tree_[std::size_t(id)].budget_spent ? 2 : 1);
    for (int side = 0; side < 2; ++side) {
      halves[side].bound = std::fmin(parent, halves[side].clarke);
      halves[side].budget = budget;
      tree_.push_back(std::move(halves[side]));
      ++nodes_;
      if (tree_.back().bound <= thr) close(first + side);
      else open_.push({tree_.back().bound, first + side});
    }
    return true;
  }

  // ---- result ------------------------------------------------------------

  double own(const Node& n) const { return std::fmin(n.clarke, n.search_upper); }

  // The least largest bound over the cuts of the subtree (cut[id]: the node itself is in the best cut).
  double best_cut(int id, std::vector<char>& cut) const {
    const Node& n = tree_[std::size_t(id)];
    double kids = kInf;
    if (n.axis >= 0) kids = std::fmax(best_cut(n.child, cut), best_cut(n.child + 1, cut));
    cut[std::size_t(id)] = n.axis < 0 || own(n) <= kids;
    return std::fmin(own(n), kids);
  }

  void write_cut(int id, const std::vector<char>& cut, std::vector<long>& shape, std::vector<int>& pieces) const {
    const Node& n = tree_[std::size_t(id)];
    if (cut[std::size_t(id)]) {
      shape.push_back(-1);
      pieces.push_back(id);
      return;
    }
    shape.push_back(n.axis);
    write_cut(n.child, cut, shape, pieces);
    write_cut(n.child + 1, cut, shape, pieces);
  }

  // A piece without a search: the one-leaf input-box certificate of its
  // interval Clarke bound (box_pieces.hpp). Its exact test needs only interval
  // propagation and, with more than 16 unstable neurons, no vertex walk,
  // where a box-activation leaf's tighter states can leave 16 or fewer and
  // an exact walk over up to 2^16 vertex Jacobians (seconds a piece on ACAS Xu).
  bool clarke_certificate(const Node& n, PieceOutcome& out) const {
    LipschitzOptions o = o_;
    o.domain.lo = n.box.lo;
    o.domain.hi = n.box.hi;
    out.box = n.box;
    try {
      out.upper = piece_clarke_upper(p_.net, p_.norm, n.box);
    } catch (const InputError&) {  // the bound overflows in double
      return false;
    }
    out.lower = 0;
    return piece_clarke_certificate(p_.net, o, out);
  }

  // The piece's canonical certificate: its search's, or the one-leaf
  // input-box certificate of its interval Clarke bound, also when the time
  // runs out before the search's is canonical. An error text when there is none.
  std::optional<std::string> piece_certificate(const Node& n, PieceOutcome& out, const std::function<bool()>& out_of_time) {
    piece_.lo = n.box.lo;
    piece_.hi = n.box.hi;
    if (n.searched && n.search_upper <= n.clarke) {
      LipschitzResult r;
      r.upper = bound_rational_(n.search_upper);
      r.lower = rational_from_json(n.certificate.at("lower"), "piece lower");
      r.certificate = n.certificate;
      r.leaf_bounds = n.leaf_bounds;
      const Canonical made = lipschitz_certificate_canonicalize(piece_, r, out_of_time);
      if (made == Canonical::Refused) return lipschitz_canonical_failure(made);
      if (made == Canonical::Done) {
        keep_certificate(n, std::move(r), out);
        // Risen above the piece's Clarke bound: its Clarke certificate when lower.
        PieceOutcome clarke;
        if (out.upper > bound_rational_(n.clarke) && clarke_certificate(n, clarke) && clarke.upper < out.upper) out = std::move(clarke);
        return std::nullopt;
      }
    }
    if (clarke_certificate(n, out)) return std::nullopt;
    // The interval bound overflows in double: the one-leaf box-activation
    // certificate (the checker's root bounds are the bounds core's; where
    // they do not confirm n.clarke, its canonical upper rises to what they do).
    LipschitzResult r;
    r.upper = bound_rational_(n.clarke);
    r.certificate = Json{{"method", "box-activation"}, {"norm", norm_name(p_.norm)}, {"lower", "0"},
                         {"upper", rational_to_string(r.upper)}, {"tree", Json::array({-1})}};
    if (lipschitz_certificate_canonicalize(piece_, r) != Canonical::Done) return "the checker's exact test does not confirm its Clarke bound";
    keep_certificate(n, std::move(r), out);
    return std::nullopt;
  }

  static void keep_certificate(const Node& n, LipschitzResult r, PieceOutcome& out) {
    out.box = n.box;
    out.lower = r.lower;
    out.upper = r.upper;
    out.certificate = std::move(r.certificate);
  }

  // The best witness moves into the first piece that contains it.
  void place_witness(std::vector<PieceOutcome>& pieces) const {
    if (witness_.is_null()) return;
    std::vector<Rational> x;
    for (const Json& v : witness_.at("point")) x.push_back(rational_from_json(v, "witness point"));
    for (PieceOutcome& p : pieces) {
      bool inside = true;
      for (std::size_t c = 0; c < x.size(); ++c) inside &= p.box.lo[c] <= x[c] && x[c] <= p.box.hi[c];
      if (!inside) continue;
      if (p.lower < lower_) {
        p.lower = lower_;
        p.certificate["lower"] = rational_to_string(lower_);
        p.certificate["witness"] = witness_;
      }
      return;
    }
  }

  void certify(LipschitzResult& res) {
    const std::function<bool()> out_of_time = lipschitz_out_of_time(o_, start_);
    std::vector<char> cut(tree_.size(), 0);
    best_cut(0, cut);
    std::vector<long> shape;
    std::vector<int> ids;
    write_cut(0, cut, shape, ids);
    std::vector<PieceOutcome> pieces(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k) {
      // After a signal the pieces' exact Clarke certificates are not waited
      // for either (760 pieces of ACAS Xu took 40 s after Ctrl-C).
      if (o_.stop && o_.stop->load() && out_of_time()) {
        res.certificate_error = "stopped by a signal with " + std::to_string(ids.size() - k) + " of " + std::to_string(ids.size()) +
                                " pieces without a certificate";
        return;
      }
      if (std::optional<std::string> error = piece_certificate(tree_[std::size_t(ids[k])], pieces[k], out_of_time)) {
        res.certificate_error = "piece " + std::to_string(k) + ": " + *error;
        return;
      }
    }
    place_witness(pieces);
    res.certificate = lipschitz_pieces_certificate(shape, pieces);
    res.certificate_kind = CertificateKind::BoxUnion;
    res.lower = rational_from_json(res.certificate.at("lower"), "lower");
    res.upper = rational_from_json(res.certificate.at("upper"), "upper");
  }

  LipschitzResult finish(SearchStatus status) {
    LipschitzResult res;
    double upper = 0;
    std::uint64_t leaves = 0;
    for (const Node& n : tree_)
      if (n.axis < 0) { upper = std::fmax(upper, n.bound); ++leaves; }
    res.engine = "box-hybrid";
    res.lower = lower_;
    res.upper = bound_rational_(upper);
    res.status = status;
    res.upper_method = "input splits above activation-pattern branch and bound: per piece, its search's bound "
                       "or its Clarke bound, the least over the piece and the boxes that contain it";
    if (!std::isfinite(upper)) {
      res.status = SearchStatus::UnboundedInDouble;
      res.upper_method = "product of the layers' magnitude norms (exact rationals): the double bounds overflow";
    }
    res.lower_method = lower_ > 0 ? "witness point: interval-certified Jacobian norm at a point interior to a linear region"
                                  : "trivial (0)";
    res.nodes = nodes_;
    res.leaves = leaves;
    res.pieces = leaves;
    res.vertices = vertices_;
    res.certificate_seconds = certificate_reserve();
    if (o_.want_certificate) certify(res);
    if (res.status == SearchStatus::Converged && res.upper > res.lower * (1 + o_.rel_gap)) res.status = SearchStatus::NotConverged;
    res.seconds = elapsed();
    return res;
  }
};

}  // namespace

bool box_hybrid_applies(const LipProblem& p, const LipschitzOptions& options) {
  if (options.domain.global || !box_activation_applies(p)) return false;
  return p.lo == options.domain.lo && p.hi == options.domain.hi;
}

LipschitzResult box_hybrid_bound(const LipProblem& p, const LipschitzOptions& options) {
  return HybridSearch(p, options).run();
}

}  // namespace rl
