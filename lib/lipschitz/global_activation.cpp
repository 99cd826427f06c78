#include "lipschitz/global_activation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <random>

#include "cert/producer_api.hpp"
#include "lipschitz/strict_system.hpp"
#include "lipschitz/symbolic_bounds.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "lipschitz/witness.hpp"

namespace rl {
namespace {

constexpr std::size_t kMaxHidden = 128;
constexpr std::size_t kVertexLimit = 10;  // unfixed neurons up to which a node also takes the vertex bound
// On a box, unstable neurons up to which a node takes the vertex bound: on
// ACAS Xu the walks over more changed no node count and cost up to 25 % of
// the time (docs/lipschitz.md, 4b).
constexpr std::size_t kBoxVertexLimit = 3;
constexpr std::size_t kCertifyTries = 2;  // witness candidates certified per expansion, at most
constexpr double kInheritSlack = 1e-9;    // relative slack a parent's point needs to serve a child
constexpr std::size_t kHeapOverhead = 16;
// A form's double range must clear 0 by this fraction of its magnitude bound
// (which majorizes the rounding error of the forms and of the range) before
// the search fixes the neuron as stable; the checker re-proves it exactly.
constexpr double kStableMargin = 1e-10;

using Clock = std::chrono::steady_clock;
using States = std::vector<std::int8_t>;  // per hidden neuron (flat index): -1 unfixed, 0 inactive, 1 active

// Row i of a layer's exact forms as integers over the layer's denominator
// (ScaledForms::den): a = A / den, c = C / den.
struct ScaledRow {
  std::vector<Integer> a;
  Integer c;
};

// The pre-activation forms of one hidden layer along the fixed states of the
// layers before it: doubles for the search, exact on demand (the
// certificates' supports).
struct LayerForms {
  std::size_t layer = 0;
  std::vector<double> a, c;  // n x d coefficients, n constants
  std::vector<double> mag;   // boxed: per neuron, a bound on |c| + sum |a_col| max|x_col| of the exact form (and its rounding)
  std::shared_ptr<const LayerForms> prev;
  States prev_states;                   // the previous layer's states, which these forms read
  mutable std::vector<std::optional<ScaledRow>> exact;  // filled row by row by scaled_form
};

// Hidden layer k's exact forms are integers over den[k], whatever the states:
// with W = A / D and b = B / E (layer_scaled), a form is
// sum_j (A_ij / D) (A_j / den[k-1]) + B_i / E, so den[k] = D den[k-1] E,
// A_i = E sum_j A_ij A_j and C_i = E sum_j A_ij C_j + B_i D den[k-1].
struct ScaledForms {
  std::vector<std::shared_ptr<const ScaledLayer>> layers;
  std::vector<Integer> den, bias_scale;  // den[k] and D den[k-1]

  explicit ScaledForms(const Network& net, std::size_t hidden) {
    Integer below = 1;
    for (std::size_t k = 0; k < hidden; ++k) {
      layers.push_back(layer_scaled(net.layers[k]));
      bias_scale.push_back(layers.back()->d * below);
      den.push_back(bias_scale.back() * layers.back()->e);
      below = den.back();
    }
  }
};
using Forms = std::vector<std::shared_ptr<const LayerForms>>;

struct Node {
  double upper = 0;
  int id = 0;
  States state;
  std::vector<std::uint32_t> path;  // the fixed neurons in fixing order (the certificate's multiplier order)
  std::vector<std::uint8_t> path_stable;  // per path entry: fixed by its range over the box (its row is implied by the box rows)
  Forms forms;                      // layers 0 .. layer
  std::size_t layer = 0;            // the first layer with an unfixed neuron (the hidden count when complete)
  std::vector<double> point;        // untrusted: inside the node's region (empty: none known)
  bool operator<(const Node& o) const { return upper != o.upper ? upper < o.upper : id > o.id; }
};

struct TreeNode {
  enum class Kind : std::uint8_t { Leaf, Split, Refuted, Stable };
  Kind kind = Kind::Leaf;
  std::uint32_t neuron = 0;  // a split's or stable fix's neuron (flat index)
  int child = -1;            // a split's children at child (inactive) and child + 1 (active); a stable fix's one child
  std::int8_t state = 0;     // a stable fix's state
  double bound = 0;
  std::vector<Rational> farkas;  // a refuted node's multipliers, in path order
};

using Candidate = WitnessCandidate;

// A point on one side of a neuron, found while testing that side.
struct SidePoint {
  int side = -1;
  std::vector<double> x;
};

// The checker's test of an activation leaf (exact forms of the first unfixed
// layer, exact interval propagation from there, then the Clarke test) against
// the input-box leaf that lipschitz_certificate_costs times: measured
// 4.8 ms against 1.5 ms on ACAS Xu 1_1 ([-0.05, 0.05]^5, normalized, 477
// leaves), about 3 times.
constexpr double kLeafTestRatio = 3;
// A refuted node's Motzkin check against the same leaf test, from the time
// both passes took over R^d (random networks, l1 / l2 / linf, 2 146 to
// 301 218 splits, about ten refuted nodes per leaf): 0.24 to 0.93 of a leaf
// test beyond the leaves' 3 each (5-20-20-1, l2: 279 511 refuted nodes,
// 44.3 s). Kept above the largest, as a reserve that runs short loses the
// whole certificate and one that runs long only some of the search.
constexpr double kRefutedTestRatio = 1.25;

class ActivationSearch {
 public:
  ActivationSearch(const LipProblem& p, const LipschitzOptions& o, ActivationBranching branching)
      : p_(p), o_(o), branching_(branching), d_(p.net.input_dim), hidden_(p.net.layers.size() - 1),
        rng_(o.seed) {
    for (std::size_t k = 0; k < hidden_; ++k) {
      offset_.push_back(total_);
      for (std::size_t i = 0; i < p.net.layers[k].out_dim(); ++i) where_.emplace_back(k, i);
      total_ += p.net.layers[k].out_dim();
    }
    gap_ = rational_to_double(o.rel_gap);
    prune_d_ = rational_to_double(o.prune_lower);
    boxed_ = !p.unbounded;
    if (boxed_) set_up_box();
    // A boxed certificate's checker first recomputes the root bounds, as
    // set_up_box just did, twice (certificate_canonical.hpp).
    if (o.certificate_costs.leaf > 0) certificate_root_seconds_ = 2 * elapsed();
  }

  bool run(LipschitzResult& res) {
    Node root;
    root.state.assign(total_, -1);
    root.forms.push_back(first_layer_forms());
    root.upper = bound(root.state, root, true);
    if (!std::isfinite(root.upper)) return false;
    tree_.push_back({});
    tree_[0].bound = root.upper;
    nodes_ = 1;
    seed_candidates();
    certify_candidates();
    open_.push(std::move(root));
    finish(res, search());
    return true;
  }

 private:
  const LipProblem& p_;
  const LipschitzOptions& o_;
  ActivationBranching branching_;
  std::size_t d_, hidden_, total_ = 0;
  // The exact forms' integer layers, made on first use: a search that refutes
  // no pattern and certifies no form never needs them.
  mutable std::once_flag scaled_once_;
  mutable std::optional<ScaledForms> scaled_forms_;
  const ScaledForms& scaled() const {
    std::call_once(scaled_once_, [this] { scaled_forms_.emplace(p_.net, hidden_); });
    return *scaled_forms_;
  }
  bool boxed_ = false;
  DBox box_;                               // boxed: an enclosure of E
  std::vector<double> lo_d_, hi_d_, xmax_;  // boxed: E's sides (nearest doubles) and max |x_c| (rounded up)
  std::vector<DBox> root_;                 // boxed: the checker's pre-activation bounds on E (outward)
  std::vector<std::size_t> offset_;                          // flat index of each layer's first neuron
  std::vector<std::pair<std::size_t, std::size_t>> where_;  // flat index -> (layer, neuron)
  std::mt19937_64 rng_;
  double gap_ = 0, prune_d_ = 0;
  Clock::time_point start_ = Clock::now();  // the root bounds of a certificate's box count
  double last_progress_ = 0;

  std::vector<TreeNode> tree_;
  std::priority_queue<Node> open_;
  double stuck_max_ = 0;  // complete regions whose witness did not close them
  MagnitudeFallback bound_rational_{p_};  // a bound as a rational, the magnitude product when it overflowed
  std::uint64_t nodes_ = 0, vertices_ = 0, splits_ = 0, refuted_ = 0;
  double certificate_root_seconds_ = 0;  // the certificate's reserve (certificate_canonical.hpp)
  Rational lower_ = 0;
  double lower_d_ = 0;
  std::optional<Witness> witness_;
  std::vector<Candidate> candidates_;

  // The checker tests every leaf (one, one more per split, one fewer per
  // refuted node) and checks every refuted node's Motzkin certificate.
  double certificate_reserve() const {
    const LipschitzOptions::CertificateCosts& c = o_.certificate_costs;
    const double leaves = double(1 + splits_) - double(refuted_);
    return certificate_root_seconds_ + c.upper + c.leaf * (kLeafTestRatio * leaves + kRefutedTestRatio * double(refuted_));
  }

  void set_up_box() {
    box_ = lipschitz_problem_dbox(p_);
    for (std::size_t c = 0; c < d_; ++c) {
      lo_d_.push_back(rational_to_double(p_.lo[c]));
      hi_d_.push_back(rational_to_double(p_.hi[c]));
      xmax_.push_back(next_up(std::fmax(std::fabs(box_[c].lo), std::fabs(box_[c].hi))));
    }
    // A certificate's leaves start from the checker's own root bounds (the
    // bounds core, which it recomputes), so the search takes the same ones.
    // Without one, the search's symbolic propagation in outward-rounded
    // doubles, which it keeps per box.
    if (!o_.want_certificate) {
      root_ = lipschitz_root_symbolic_bounds(p_)->preactivations;
      root_.pop_back();  // the output layer
      return;
    }
    for (const auto& layer : cert_lipschitz_box_preactivations(p_.net, p_.lo, p_.hi)) {
      DBox z;
      for (const auto& [l, h] : layer) z.push_back(DInterval::from_rationals(l, h));
      root_.push_back(std::move(z));
    }
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  double threshold() const {
    const double lower = std::fmax(lower_d_, prune_d_);
    return lower > 0 ? next_down(next_down(lower * (1 + gap_))) : 0.0;
  }

  // ---- forms -------------------------------------------------------------

  std::shared_ptr<const LayerForms> first_layer_forms() const {
    auto f = std::make_shared<LayerForms>();
    const Layer& l = p_.net.layers.front();
    f->a = l.weights_f;
    f->c = l.bias_f;
    if (boxed_)
      for (std::size_t i = 0; i < l.out_dim(); ++i) {
        double m = std::fabs(l.bias_f[i]);
        for (std::size_t col = 0; col < d_; ++col) m += std::fabs(l.weights_f[i * d_ + col]) * xmax_[col];
        f->mag.push_back(m);
      }
    return f;
  }

  // Layer k + 1's forms from layer k's and layer k's (complete) states.
  std::shared_ptr<const LayerForms> next_forms(const std::shared_ptr<const LayerForms>& f, const States& st) const {
    const std::size_t k = f->layer;
    const Layer& l = p_.net.layers[k + 1];
    const std::size_t n = l.out_dim(), in = l.in_dim();
    auto g = std::make_shared<LayerForms>();
    g->layer = k + 1;
    g->prev = f;
    g->prev_states.assign(st.begin() + std::ptrdiff_t(offset_[k]), st.begin() + std::ptrdiff_t(offset_[k] + in));
    g->a.assign(n * d_, 0.0);
    g->c = l.bias_f;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < in; ++j) {
        const double w = l.weights_f[i * in + j];
        if (w == 0 || g->prev_states[j] != 1) continue;
        g->c[i] += w * f->c[j];
        for (std::size_t col = 0; col < d_; ++col) g->a[i * d_ + col] += w * f->a[j * d_ + col];
      }
    if (boxed_)
      for (std::size_t i = 0; i < n; ++i) {
        double m = std::fabs(l.bias_f[i]);
        for (std::size_t j = 0; j < in; ++j)
          if (g->prev_states[j] == 1) m += std::fabs(l.weights_f[i * in + j]) * f->mag[j];
        g->mag.push_back(m);
      }
    return g;
  }

  // Row i of f exactly.
  ExactRow exact_form(const LayerForms& f, std::size_t i) const {
    const ScaledRow& r = scaled_form(f, i);
    const Integer& den = scaled().den[f.layer];
    ExactRow e{std::vector<Rational>(d_), Rational(r.c, den)};
    for (std::size_t col = 0; col < d_; ++col) e.a[col] = Rational(r.a[col], den);
    return e;
  }

  // Row i of f over its layer's denominator (ScaledForms). Computed on demand
  // and kept: a refutation needs its support's rows, which read the active
  // rows of the layers below only.
  const ScaledRow& scaled_form(const LayerForms& f, std::size_t i) const {
    const ScaledLayer& l = *scaled().layers[f.layer];
    if (f.exact.empty()) f.exact.resize(l.a.size());
    if (f.exact[i]) return *f.exact[i];
    ScaledRow r{std::vector<Integer>(d_, Integer(0)), Integer(0)};
    if (!f.prev) {
      r.a = l.a[i];  // the inputs' forms are the unit vectors over 1
    } else {
      for (std::size_t j = 0; j < l.a[i].size(); ++j) {
        const Integer& w = l.a[i][j];
        if (w == 0 || f.prev_states[j] != 1) continue;
        const ScaledRow& below = scaled_form(*f.prev, j);
        r.c += w * below.c;
        for (std::size_t col = 0; col < d_; ++col)
          if (below.a[col] != 0) r.a[col] += w * below.a[col];
      }
    }
    for (Integer& v : r.a) v *= l.e;
    r.c = r.c * l.e + l.b[i] * scaled().bias_scale[f.layer];
    return f.exact[i].emplace(std::move(r));
  }

  // Boxed: an enclosure of neuron i's form over the box (the rounding of the
  // forms and of the sums is within the margin).
  DInterval form_range(const LayerForms& f, std::size_t i) const {
    double lo = f.c[i], hi = f.c[i];
    for (std::size_t col = 0; col < d_; ++col) {
      const double a = f.a[i * d_ + col];
      lo += a * (a > 0 ? lo_d_[col] : hi_d_[col]);
      hi += a * (a > 0 ? hi_d_[col] : lo_d_[col]);
    }
    const double m = kStableMargin * f.mag[i];
    return {lo - m, hi + m};
  }

  // Boxed: 1 (0) when the form is > 0 (< 0) on the whole box, -1 otherwise.
  int stable_state(const LayerForms& f, std::size_t i) const {
    const DInterval r = form_range(f, i);
    return r.lo > 0 ? 1 : (r.hi < 0 ? 0 : -1);
  }

  // Fixes the layers that are complete: forms for the next layer.
  void advance(Node& n) const {
    while (n.layer < hidden_) {
      const std::size_t k = n.layer, end = offset_[k] + p_.net.layers[k].out_dim();
      for (std::size_t t = offset_[k]; t < end; ++t) if (n.state[t] < 0) return;
      if (k + 1 < hidden_) n.forms.push_back(next_forms(n.forms[k], n.state));
      ++n.layer;
    }
  }

  // ---- strict systems ----------------------------------------------------

  // The strict system of the node's fixed neurons (rows in path order; an
  // inactive neuron with an identically zero form constrains nothing and has
  // no row). row_of[t] is the path position of row t.
  struct System {
    std::vector<StrictRow> rows;
    std::vector<std::size_t> row_of;
  };
  System system(const Node& n) const {
    System s;
    for (std::size_t at = 0; at < n.path.size(); ++at) {
      if (n.path_stable[at]) continue;  // implied by the box rows
      const std::uint32_t t = n.path[at];
      const auto [k, i] = where_[t];
      const LayerForms& f = *n.forms[k];
      const double sign = n.state[t] ? 1.0 : -1.0;
      StrictRow r{std::vector<double>(d_), sign * f.c[i]};
      bool zero = f.c[i] == 0;
      for (std::size_t col = 0; col < d_; ++col) {
        r.a[col] = sign * f.a[i * d_ + col];
        zero &= r.a[col] == 0;
      }
      if (zero && !n.state[t]) continue;
      s.rows.push_back(std::move(r));
      s.row_of.push_back(at);
    }
    for (std::size_t col = 0; boxed_ && col < d_; ++col)
      for (int side = 0; side < 2; ++side) {  // x_col - lo_col > 0, hi_col - x_col > 0
        StrictRow r{std::vector<double>(d_, 0.0), side ? hi_d_[col] : -lo_d_[col]};
        r.a[col] = side ? -1.0 : 1.0;
        s.rows.push_back(std::move(r));
        s.row_of.push_back(n.path.size() + 2 * col + std::size_t(side));
      }
    return s;
  }

  ExactRow box_row(std::size_t index) const {
    const std::size_t col = index / 2;
    const bool upper = index % 2;
    ExactRow r{std::vector<Rational>(d_, Rational(0)), upper ? p_.hi[col] : Rational(-p_.lo[col])};
    r.a[col] = upper ? -1 : 1;
    return r;
  }

  // A verified Motzkin certificate for the node (multipliers in path order), or nothing.
  // multipliers: strict_system_slack's for s, when it found no point.
  std::optional<std::vector<Rational>> refute(const Node& n, const System& s, const std::vector<double>* multipliers = nullptr) const {
    std::vector<bool> zero_inactive(s.rows.size(), false);
    auto y = strict_system_refutation(s.rows, d_, [&](std::size_t r) {
      if (s.row_of[r] >= n.path.size()) return box_row(s.row_of[r] - n.path.size());
      const std::uint32_t t = n.path[s.row_of[r]];
      const auto [k, i] = where_[t];
      ExactRow row = exact_form(*n.forms[k], i);
      bool zero = row.c == 0;
      for (const Rational& v : row.a) zero &= v == 0;
      zero_inactive[r] = zero && !n.state[t];
      if (!n.state[t]) {
        for (Rational& v : row.a) v = -v;
        row.c = -row.c;
      }
      return row;
    }, boxed_ ? std::optional<std::size_t>(s.rows.size() - 2 * d_) : std::nullopt, multipliers);
    if (!y) return std::nullopt;
    std::vector<Rational> full(n.path.size() + (boxed_ ? 2 * d_ : 0), Rational(0));
    for (std::size_t r = 0; r < s.rows.size(); ++r) {
      if ((*y)[r] != 0 && zero_inactive[r]) return std::nullopt;  // the checker counts no such row
      full[s.row_of[r]] = (*y)[r];
    }
    return full;
  }

  // Whether x lies on side `side` of neuron t with some slack (doubles, a hint only).
  bool on_side(const Node& n, std::uint32_t t, int side, const std::vector<double>& x) const {
    if (x.empty()) return false;
    const auto [k, i] = where_[t];
    const LayerForms& f = *n.forms[k];
    double z = f.c[i], scale = std::fabs(f.c[i]);
    for (std::size_t col = 0; col < d_; ++col) {
      z += f.a[i * d_ + col] * x[col];
      scale += std::fabs(f.a[i * d_ + col] * x[col]);
    }
    return side ? z > kInheritSlack * scale : z < -kInheritSlack * scale;
  }

  // ---- bounds ------------------------------------------------------------

  // Boxed: the layers before n.layer are fixed (their states as points);
  // layer n.layer's unfixed neurons range over their forms' ranges, and the
  // later layers over interval propagation from there, all intersected with
  // the root bounds (the same computation the checker repeats exactly).
  BoxBounds box_state_bounds(const States& st, const Node& n) const {
    BoxBounds b;
    b.raw_input = b.input = box_;
    DBox post;
    for (std::size_t k = 0; k < hidden_; ++k) {
      const Layer& l = p_.net.layers[k];
      DBox z(l.out_dim());
      if (k < n.layer) {
        for (std::size_t i = 0; i < z.size(); ++i) z[i] = DInterval::point(st[offset_[k] + i] ? 1 : -1);
      } else if (k == n.layer) {
        post.assign(z.size(), DInterval::point(0));
        for (std::size_t i = 0; i < z.size(); ++i) {
          const int s = st[offset_[k] + i];
          const DInterval r = intersect(form_range(*n.forms[k], i), root_[k][i]);
          z[i] = s < 0 ? r : DInterval::point(s ? 1 : -1);
          if (s != 0) post[i] = relu(r);
        }
      } else {
        for (std::size_t i = 0; i < z.size(); ++i) {
          DInterval v = l.bias_i[i];
          for (std::size_t j = 0; j < l.in_dim(); ++j)
            if (post[j].hi > 0) v = v + l.weights_i[i * l.in_dim() + j] * post[j];
          z[i] = intersect(v, root_[k][i]);
        }
        post.assign(z.size(), DInterval::point(0));
        for (std::size_t i = 0; i < z.size(); ++i) post[i] = relu(z[i]);
      }
      b.preactivations.push_back(std::move(z));
    }
    b.preactivations.push_back(DBox(p_.net.output_dim(), DInterval::whole()));
    return b;
  }

  static DInterval intersect(DInterval a, DInterval b) { return {std::fmax(a.lo, b.lo), std::fmin(a.hi, b.hi)}; }
  static DInterval relu(DInterval a) { return {std::fmax(a.lo, 0.0), std::fmax(a.hi, 0.0)}; }

  BoxBounds state_bounds(const States& st, const Node& n) const {
    if (boxed_) return box_state_bounds(st, n);
    BoxBounds b;
    b.raw_input = b.input = DBox(d_, DInterval::whole());
    for (std::size_t k = 0; k < hidden_; ++k) {
      DBox z(p_.net.layers[k].out_dim());
      for (std::size_t i = 0; i < z.size(); ++i) {
        const int s = st[offset_[k] + i];
        z[i] = s < 0 ? DInterval{-1, 1} : DInterval::point(s ? 1 : -1);
      }
      b.preactivations.push_back(std::move(z));
    }
    b.preactivations.push_back(DBox(p_.net.output_dim(), DInterval::whole()));
    return b;
  }

  // The Clarke bound of the completions of st, and with few unfixed neurons the vertex bound.
  double bound(const States& st, const Node& n, bool vertices) {
    const BoxBounds b = state_bounds(st, n);
    double u = lipschitz_upper_clarke(p_, b);
    if (vertices && b.unstable_count() <= (boxed_ ? kBoxVertexLimit : kVertexLimit)) {
      const VertexBound v = lipschitz_upper_vertex(p_, b);
      vertices_ += v.vertices;
      u = std::fmin(u, v.upper);
    }
    return std::isnan(u) ? std::numeric_limits<double>::infinity() : u;
  }

  // ---- tree --------------------------------------------------------------

  // Turns tree node `id` into a split on t; returns its first child's id.
  int split_tree(int id, std::uint32_t t) {
    const int child = int(tree_.size());
    tree_[id].kind = TreeNode::Kind::Split;
    tree_[id].neuron = t;
    tree_[id].child = child;
    tree_.emplace_back();
    tree_.emplace_back();
    nodes_ += 2;
    ++splits_;
    return child;
  }

  void refute_node(int id, std::vector<Rational> farkas) {
    tree_[id].kind = TreeNode::Kind::Refuted;
    tree_[id].farkas = std::move(farkas);
    ++refuted_;
  }

  void fix(Node& n, std::uint32_t t, int side) {
    n.id = split_tree(n.id, t) + side;
    tree_[n.id].bound = n.upper;
    n.state[t] = std::int8_t(side);
    n.path.push_back(t);
    n.path_stable.push_back(0);
  }

  // Boxed: fixes t to the state its range over the box proves (one child).
  void fix_stable(Node& n, std::uint32_t t, int side) {
    const int child = int(tree_.size());
    TreeNode& parent = tree_[n.id];
    parent.kind = TreeNode::Kind::Stable;
    parent.neuron = t;
    parent.child = child;
    parent.state = std::int8_t(side);
    tree_.emplace_back();
    ++nodes_;
    n.id = child;
    tree_[child].bound = n.upper;
    n.state[t] = std::int8_t(side);
    n.path.push_back(t);
    n.path_stable.push_back(1);
  }

  // ---- search ------------------------------------------------------------

  // Fixes the neurons of the current layer whose other state is refuted, layer
  // after layer; records, for the others, a point on the side the node's point
  // is not on. False when both states of some neuron are refuted (the node
  // holds no generic point).
  bool fix_implied(Node& n, std::vector<SidePoint>& other) {
    while (n.layer < hidden_) {
      const std::size_t k = n.layer;
      for (std::uint32_t t = std::uint32_t(offset_[k]); t < offset_[k] + p_.net.layers[k].out_dim(); ++t) {
        if (n.state[t] >= 0) continue;
        if (boxed_) {
          const int stable = stable_state(*n.forms[k], t - offset_[k]);
          if (stable >= 0) {
            fix_stable(n, t, stable);
            continue;
          }
        }
        std::optional<std::vector<Rational>> refuted[2];
        for (int side = 0; side < 2; ++side) {
          if (on_side(n, t, side, n.point)) continue;
          Node trial = n;
          trial.state[t] = std::int8_t(side);
          trial.path.push_back(t);
          trial.path_stable.push_back(0);
          const System s = system(trial);
          StrictSlack slack = strict_system_slack(s.rows, d_);
          if (slack.point) {
            if (n.point.empty()) n.point = *slack.point;
            else other[t] = {side, std::move(*slack.point)};
          } else {
            refuted[side] = refute(trial, s, &slack.multipliers);
          }
        }
        if (refuted[0] && refuted[1]) {
          const int child = split_tree(n.id, t);
          refute_node(child, std::move(*refuted[0]));
          refute_node(child + 1, std::move(*refuted[1]));
          return false;
        }
        for (int side = 0; side < 2; ++side)
          if (refuted[side]) {
            fix(n, t, 1 - side);
            refute_node(n.id - 1 + 2 * side, std::move(*refuted[side]));
          }
      }
      const std::size_t before = n.layer;
      advance(n);
      if (n.layer == before) return true;
    }
    return true;
  }

  // The unfixed neuron of the current layer to split on.
  std::uint32_t choose(const Node& n) {
    const std::size_t k = n.layer;
    std::uint32_t best = 0;
    double score = std::numeric_limits<double>::infinity();
    bool found = false;
    for (std::uint32_t t = std::uint32_t(offset_[k]); t < offset_[k] + p_.net.layers[k].out_dim(); ++t) {
      if (n.state[t] >= 0) continue;
      if (branching_ == ActivationBranching::LayerOrder) return t;
      States st = n.state;
      st[t] = 0;
      const double inactive = bound(st, n, false);
      st[t] = 1;
      const double s = std::fmax(inactive, bound(st, n, false));
      if (!found || s < score) { best = t; score = s; found = true; }
    }
    return best;
  }

  void split(const Node& n, std::uint32_t t, const SidePoint& other) {
    const int first = split_tree(n.id, t);
    for (int side = 0; side < 2; ++side) {
      Node c;
      c.id = first + side;
      c.state = n.state;
      c.state[t] = std::int8_t(side);
      c.path = n.path;
      c.path.push_back(t);
      c.path_stable = n.path_stable;
      c.path_stable.push_back(0);
      c.forms = n.forms;
      c.layer = n.layer;
      if (on_side(n, t, side, n.point)) c.point = n.point;
      else if (other.side == side) c.point = other.x;
      else {
        const System s = system(c);
        StrictSlack slack = strict_system_slack(s.rows, d_);
        if (slack.point) c.point = std::move(*slack.point);
        else if (auto y = refute(c, s, &slack.multipliers)) {
          refute_node(c.id, std::move(*y));
          continue;
        }
      }
      advance(c);
      c.upper = std::fmin(n.upper, bound(c.state, c, true));
      tree_[c.id].bound = c.upper;
      consider(c.point);
      open_.push(std::move(c));
    }
  }

  void expand(Node n) {
    if (n.layer == hidden_) {  // a complete region that its witness did not close
      stuck_max_ = std::fmax(stuck_max_, n.upper);
      return;
    }
    std::vector<SidePoint> other(total_);
    const std::size_t fixed = n.path.size();
    if (!fix_implied(n, other)) return;
    if (n.path.size() > fixed) {
      n.upper = std::fmin(n.upper, bound(n.state, n, true));
      tree_[n.id].bound = n.upper;
    }
    if (n.layer == hidden_ || n.upper <= threshold()) {  // complete, or pruned by its implied states: a leaf
      consider(n.point);
      open_.push(std::move(n));
      return;
    }
    const std::uint32_t t = choose(n);
    split(n, t, other[t]);
  }

  SearchStatus search() {
    while (true) {
      const double thr = threshold();
      if (open_.empty() || open_.top().upper <= thr) return stuck_max_ <= thr ? SearchStatus::Converged : SearchStatus::NotConverged;
      if (std::optional<SearchStatus> reason = stop_reason()) return *reason;
      report_progress();
      Node n = open_.top();
      open_.pop();
      expand(std::move(n));
      certify_candidates();
    }
  }

  std::optional<SearchStatus> stop_reason() const {
    return lipschitz_stop_reason(o_, elapsed() + lipschitz_certificate_kept(o_, current_upper(), certificate_reserve()), nodes_, memory_estimate());
  }

  // Bytes held by the open nodes and the tree (estimate; the shared forms are not counted).
  std::size_t memory_estimate() const {
    const std::size_t per_open = sizeof(Node) + total_ * (1 + sizeof(std::uint32_t)) + d_ * sizeof(double) + 3 * kHeapOverhead;
    return open_.size() * per_open + tree_.capacity() * sizeof(TreeNode);
  }

  double current_upper() const { return std::fmax(stuck_max_, open_.empty() ? 0.0 : open_.top().upper); }

  void report_progress() {
    if (!o_.progress) return;
    const double t = elapsed();
    if (t - last_progress_ < 1.0) return;
    last_progress_ = t;
    o_.progress({lower_, bound_rational_(current_upper()), nodes_, open_.size(), t});
  }

  // ---- witnesses ---------------------------------------------------------

  void consider(const std::vector<double>& x) {
    if (x.empty()) return;
    const double estimate = witness_estimate(p_, x);
    if (std::isfinite(estimate) && estimate > lower_d_ * (1 + 1e-12)) candidates_.push_back({estimate, x});
  }

  void seed_candidates() {
    const DBox whole = boxed_ ? box_ : DBox(d_, DInterval::whole());
    std::vector<double> centre(d_, 0.0);
    for (std::size_t c = 0; boxed_ && c < d_; ++c) centre[c] = lo_d_[c] / 2 + hi_d_[c] / 2;
    for (Candidate& c : witness_seed_candidates(p_, whole, centre, lower_d_ * (1 + 1e-12), rng_, [this] { return !stop_reason(); }))
      candidates_.push_back(std::move(c));
  }

  // Certifies the most promising candidates and keeps the first that improves the lower bound.
  void certify_candidates() {
    std::stable_sort(candidates_.begin(), candidates_.end(),
                     [](const Candidate& a, const Candidate& b) { return a.estimate > b.estimate; });
    for (std::size_t i = 0; i < candidates_.size() && i < kCertifyTries; ++i) {
      if (!(candidates_[i].estimate > lower_d_)) break;
      std::optional<Witness> w = witness_certify(p_, candidates_[i].x);
      if (!w || w->value <= lower_) continue;
      lower_ = w->value;
      lower_d_ = rational_to_double(lower_);
      witness_ = std::move(w);
      break;
    }
    candidates_.clear();
  }

  // ---- result ------------------------------------------------------------

  void write_tree(int id, Json& shape, std::vector<double>& leaf_bounds) const {
    const TreeNode& t = tree_[id];
    if (t.kind == TreeNode::Kind::Refuted) {
      Json y = Json::array();
      for (const Rational& q : t.farkas) y.push_back(rational_to_string(q));
      shape.push_back(Json{{"farkas", y}});
      return;
    }
    if (t.kind == TreeNode::Kind::Leaf) {
      leaf_bounds.push_back(t.bound);
      shape.push_back(-1);
      return;
    }
    if (t.kind == TreeNode::Kind::Stable) {
      shape.push_back(Json{{"stable", Json::array({where_[t.neuron].first, where_[t.neuron].second, int(t.state)})}});
      write_tree(t.child, shape, leaf_bounds);
      return;
    }
    shape.push_back(Json::array({where_[t.neuron].first, where_[t.neuron].second}));
    write_tree(t.child, shape, leaf_bounds);
    write_tree(t.child + 1, shape, leaf_bounds);
  }

  void finish(LipschitzResult& res, SearchStatus status) {
    const double upper = current_upper();
    const Rational prune_level = std::max(lower_, o_.prune_lower);
    std::uint64_t leaves = 0, pruned = 0;
    for (const TreeNode& t : tree_)
      if (t.kind == TreeNode::Kind::Leaf) { ++leaves; pruned += bound_rational_(t.bound) <= prune_level; }
    lipschitz_result_settle(res, o_, status, upper, bound_rational_(upper), lower_,
                            boxed_ ? "activation-pattern branch and bound on the box: vertex-pattern or Clarke bound per leaf, "
                                     "stable neurons fixed by their certified ranges (exact with a certificate, outward-rounded without), empty patterns refuted by Motzkin certificates"
                                   : "activation-pattern branch and bound over R^d: vertex-pattern or Clarke bound per leaf, "
                                     "empty patterns refuted by Motzkin certificates",
                            witness_.has_value());
    res.nodes = nodes_;
    res.leaves = leaves;
    res.pruned = pruned;
    res.vertices = vertices_;
    res.seconds = elapsed();
    res.certificate_seconds = certificate_reserve();
    if (!o_.want_certificate) return;
    Json shape = Json::array();
    write_tree(0, shape, res.leaf_bounds);
    res.certificate = Json{{"method", boxed_ ? "box-activation" : "global-activation"}, {"norm", norm_name(p_.norm)}, {"lower", rational_to_string(res.lower)},
                           {"upper", rational_to_string(res.upper)}, {"tree", shape}};
    if (witness_) res.certificate["witness"] = witness_json(*witness_);
  }
};

}  // namespace

bool global_activation_applies(const LipProblem& p) {
  if (!p.unbounded || p.net.layers.size() < 3) return false;
  return p.net.hidden_neuron_count() <= kMaxHidden;
}

bool box_activation_applies(const LipProblem& p) {
  if (p.unbounded || p.net.layers.size() < 2 || !p.vertex_float_ok) return false;
  for (std::size_t c = 0; c < p.lo.size(); ++c) if (!(p.lo[c] < p.hi[c])) return false;
  return true;
}

bool global_activation_bound(const LipProblem& p, const LipschitzOptions& options, LipschitzResult& result,
                             ActivationBranching branching) {
  return ActivationSearch(p, options, branching).run(result);
}

// On a box, layer order: most neurons are fixed by their ranges and few are
// split, so the lowest-bound rule saves few nodes and pays two Clarke bounds
// per candidate (docs/lipschitz.md, 4b).
bool global_activation_bound(const LipProblem& p, const LipschitzOptions& options, LipschitzResult& result) {
  return global_activation_bound(p, options, result,
                                 p.unbounded ? ActivationBranching::LowestBound : ActivationBranching::LayerOrder);
}

}  // namespace rl
