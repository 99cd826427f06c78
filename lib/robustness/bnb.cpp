#include "robustness/bnb.hpp"

#include <chrono>
#include <cmath>
#include <random>

#include "net/eval.hpp"
#include "robustness/attack.hpp"
#include "robustness/ball.hpp"
#include "robustness/bnb_linear.hpp"
#include "robustness/symbolic.hpp"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

struct Box {
  std::vector<Rational> lo, hi;
};

struct Search {
  const Network& net;
  const SafetyProperty& property;
  const BranchOptions& options;
  Network atoms;                             // one output row per atom, conjunctions in order
  std::vector<std::vector<std::size_t>> rows;  // per conjunction, its rows in `atoms`
  Clock::time_point start = Clock::now();
  std::mt19937_64 rng;

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  bool out_of_time() const {
    return elapsed() > options.time_limit_seconds || (options.stop && options.stop->load());
  }
};

constexpr std::size_t kNoSplit = static_cast<std::size_t>(-1);

// Heap bytes of a box: the Rational objects and their numerator/denominator limbs.
std::size_t box_bytes(const Box& b) {
  std::size_t n = 0;
  for (const auto* side : {&b.lo, &b.hi})
    for (const Rational& q : *side) {
      mpq_srcptr r = q.backend().data();
      n += sizeof(Rational) + (mpz_size(mpq_numref(r)) + mpz_size(mpq_denref(r))) * sizeof(mp_limb_t);
    }
  return n;
}

struct NodeOutcome {
  std::string leaf;                 // "I", "S", "O" or empty (not proven)
  std::size_t split_dim = kNoSplit; // kNoSplit: the box is a single point
};

// True when every conjunction has a row whose upper bound is < 0.
bool all_conjunctions_refuted(const Search& s, const std::vector<double>& upper) {
  for (const auto& conj : s.rows) {
    bool refuted = false;
    for (std::size_t r : conj) refuted = refuted || upper[r] < 0;
    if (!refuted) return false;
  }
  return true;
}

DBox point_box(const std::vector<Rational>& x) {
  DBox b;
  for (const Rational& c : x) b.push_back(DInterval::from_rational(c));
  return b;
}

// The coordinate whose split should shrink the unproven bounds most: the
// largest mean-value slack |G_i| r_i over the rows of unrefuted conjunctions.
std::size_t split_coordinate(const Search& s, const Box& box, const std::vector<double>& upper,
                             const std::vector<std::vector<double>>& slack) {
  std::size_t best_i = kNoSplit;
  double best = -1;
  for (std::size_t i = 0; i < box.lo.size(); ++i) {
    if (!(box.hi[i] > box.lo[i])) continue;
    double score = 1e-300 * rational_to_double(box.hi[i] - box.lo[i]);  // widest wins when no slack is known
    for (const auto& conj : s.rows) {
      bool refuted = false;
      for (std::size_t r : conj) refuted = refuted || upper[r] < 0;
      if (refuted || slack.empty()) continue;
      for (std::size_t r : conj) score = std::fmax(score, slack[r][i]);
    }
    if (score > best) { best = score; best_i = i; }
  }
  return best_i;
}

NodeOutcome evaluate(const Search& s, const Box& box) {
  if (s.property.ball && ball_box_disjoint(*s.property.ball, box.lo, box.hi)) return {"O", 0};
  if (s.rows.empty() || s.atoms.output_dim() == 0) return {"", split_coordinate(s, box, {}, {})};
  DBox dbox = dbox_from_rationals(box.lo, box.hi);
  BoxBounds b = net_ibp(s.atoms, dbox);
  const std::size_t n = s.atoms.output_dim(), d = box.lo.size();
  std::vector<double> upper(n);
  for (std::size_t r = 0; r < n; ++r) upper[r] = b.output()[r].hi;
  if (all_conjunctions_refuted(s, upper)) return {"I", 0};
  if (s.options.symbolic) {
    std::vector<double> symbolic = symbolic_output_upper(s.atoms, dbox);
    for (std::size_t r = 0; r < n; ++r) upper[r] = std::fmin(upper[r], symbolic[r]);
    if (all_conjunctions_refuted(s, upper)) return {"S", 0};
  }
  // Mean-value form around the box center, and the ball margin argument when the box holds x.
  IntervalMatrix jac = net_jacobian_enclosure(s.atoms, b);
  std::vector<Rational> center(d);
  std::vector<double> half(d);
  for (std::size_t i = 0; i < d; ++i) {
    center[i] = (box.lo[i] + box.hi[i]) / 2;
    half[i] = DInterval::from_rational((box.hi[i] - box.lo[i]) / 2).hi;
  }
  BoxBounds at_center = net_ibp(s.atoms, point_box(center));
  const auto& ball = s.property.ball;
  bool holds_x = ball.has_value();
  for (std::size_t i = 0; holds_x && i < d; ++i) holds_x = box.lo[i] <= ball->center[i] && ball->center[i] <= box.hi[i];
  std::optional<BoxBounds> at_x;
  if (holds_x) at_x = net_ibp(s.atoms, point_box(ball->center));
  // Where rounding leaves the sign of an atom at the center undecided, its exact value decides it.
  std::vector<double> center_upper(n);
  std::optional<std::vector<Rational>> exact_center;
  for (std::size_t r = 0; r < n; ++r) {
    const DInterval& v = at_center.output()[r];
    center_upper[r] = v.hi;
    if (v.lo <= 0 && v.hi >= 0 && upper[r] >= 0) {
      if (!exact_center) exact_center = net_eval_exact(s.atoms, center);
      center_upper[r] = DInterval::from_rational((*exact_center)[r]).hi;
    }
  }
  std::vector<std::vector<double>> slack(n, std::vector<double>(d));
  for (std::size_t r = 0; r < n; ++r) {
    double sum = 0;
    std::vector<double> mags(d);
    for (std::size_t i = 0; i < d; ++i) {
      mags[i] = jac.at(r, i).mag();
      slack[r][i] = mul_up(mags[i], half[i]);
      sum = add_up(sum, slack[r][i]);
    }
    upper[r] = std::fmin(upper[r], add_up(center_upper[r], sum));
    if (at_x) {
      double lip = ball_dual_norm_up(ball->norm, mags);
      upper[r] = std::fmin(upper[r], add_up(at_x->output()[r].hi, mul_up(lip, DInterval::from_rational(ball->radius).hi)));
    }
  }
  if (all_conjunctions_refuted(s, upper)) return {"S", 0};
  return {"", split_coordinate(s, box, upper, slack)};
}

bool try_candidates(const Search& s, const std::vector<std::vector<double>>& candidates, BranchResult& result, const char* source) {
  for (const auto& y : candidates) {
    if (auto cex = counterexample_check(s.net, s.property, y)) {
      result.counterexample = cex;
      result.counterexample_source = source;
      return true;
    }
  }
  return false;
}

// Exact probe points of the region: its center, and the corners of the box
// (up to 12 coordinates) or, for an l2 / l1 ball, the points x +- R e_i,
// where a piecewise-linear margin most often reaches its minimum.
std::vector<std::vector<Rational>> probe_points(const SafetyProperty& p) {
  std::vector<Rational> c;
  if (p.ball) c = p.ball->center;
  else for (std::size_t i = 0; i < p.lo.size(); ++i) c.push_back((p.lo[i] + p.hi[i]) / 2);
  std::vector<std::vector<Rational>> out{c};
  const std::size_t d = c.size();
  if (p.ball && p.ball->norm != Norm::Linf) {
    for (std::size_t i = 0; i < d; ++i)
      for (int sign : {-1, 1}) {
        out.push_back(c);
        out.back()[i] += sign * p.ball->radius;
      }
  } else if (d <= 12) {
    for (std::size_t mask = 0; mask < (std::size_t(1) << d); ++mask) {
      out.emplace_back(d);
      for (std::size_t i = 0; i < d; ++i) out.back()[i] = (mask >> i) & 1 ? p.hi[i] : p.lo[i];
    }
  }
  return out;
}

bool initial_attack(Search& s, BranchResult& result) {
  for (const auto& y : probe_points(s.property))
    if (auto cex = counterexample_check(s.net, s.property, y)) {
      result.counterexample = cex;
      result.counterexample_source = "probe point";
      return true;
    }
  auto ends = attack_pgd(s.net, s.property, s.property.lo, s.property.hi, s.rng, AttackOptions{16, 80, {}, {}});
  ends.resize(std::min<std::size_t>(ends.size(), 4));
  return try_candidates(s, ends, result, "pgd");
}

// Probes an unproven box: its exact center when floats call it unsafe or nearly so, and sometimes a short PGD.
bool probe_box(Search& s, const Box& box, std::uint64_t unproven, BranchResult& result) {
  std::vector<Rational> c(box.lo.size());
  std::vector<double> cd(box.lo.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i] = (box.lo[i] + box.hi[i]) / 2;
    cd[i] = rational_to_double(c[i]);
  }
  if (attack_objective(s.net, s.property, cd) >= -1e-9) {
    if (auto cex = counterexample_check(s.net, s.property, c)) {
      result.counterexample = cex;
      result.counterexample_source = "box-center";
      return true;
    }
  }
  if ((unproven & (unproven - 1)) != 0 && unproven % 256 != 0) return false;
  auto ends = attack_pgd(s.net, s.property, box.lo, box.hi, s.rng, AttackOptions{2, 30, {}, {}});
  ends.resize(1);
  return try_candidates(s, ends, result, "pgd");
}

bool linear_search_applies(const SafetyProperty& property, const BranchOptions& options) {
  if (!options.linear_bounds || (property.ball && property.ball->norm != Norm::Linf)) return false;
  for (const auto& conj : property.unsafe)
    if (conj.empty()) return false;
  return true;
}

}  // namespace

std::string property_verdict_name(PropertyVerdict verdict) {
  switch (verdict) {
    case PropertyVerdict::Verified: return "verified";
    case PropertyVerdict::Refuted: return "refuted";
    case PropertyVerdict::Unknown: return "unknown";
  }
  return "unknown";
}

std::string unknown_reason_name(UnknownReason reason) {
  switch (reason) {
    case UnknownReason::TimeLimit: return "time-limit";
    case UnknownReason::Interrupted: return "interrupted";
    case UnknownReason::MemoryLimit: return "memory-limit";
    case UnknownReason::UndecidedPoint: return "undecided-point";
  }
  return "undecided-point";
}

void BranchProgressClock::tick(std::uint64_t nodes, std::uint64_t leaves, std::uint64_t open) {
  if (!options_.progress) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::seconds(1)) return;
  last_ = now;
  options_.progress({nodes, leaves, open, std::chrono::duration<double>(now - start_).count()});
}

BranchResult branch_and_bound(const Network& net, const SafetyProperty& property, const BranchOptions& options) {
  if (linear_search_applies(property, options)) return branch_and_bound_linear(net, property, options);
  const PropertyAtoms atoms = property_atoms(property);
  Search s{net, property, options, atoms.all.empty() ? net : property_atoms_network(net, atoms.all), atoms.rows, Clock::now(),
           std::mt19937_64(options.seed)};
  if (atoms.all.empty()) s.rows.clear();  // an empty conjunction is unsafe everywhere: nothing to refute
  BranchResult result;
  auto finish = [&](PropertyVerdict status, std::optional<UnknownReason> reason = std::nullopt) {
    result.status = status;
    result.reason = reason;
    result.seconds = s.elapsed();
    if (status != PropertyVerdict::Verified) result.tree = Json::array();
    return result;
  };
  if (property.unsafe.empty()) {
    result.tree.push_back("I");
    result.leaves = result.nodes = 1;
    return finish(PropertyVerdict::Verified);
  }
  if (initial_attack(s, result)) return finish(PropertyVerdict::Refuted);
  std::vector<Box> stack{Box{property.lo, property.hi}};
  std::size_t stack_bytes = box_bytes(stack.back());
  std::uint64_t unproven = 0;
  BranchProgressClock progress(options);
  while (!stack.empty()) {
    progress.tick(result.nodes, result.leaves, stack.size());
    if (s.out_of_time())
      return finish(PropertyVerdict::Unknown, options.stop && options.stop->load() ? UnknownReason::Interrupted : UnknownReason::TimeLimit);
    if (options.max_memory_bytes && stack_bytes + result.tree.size() * sizeof(Json) > options.max_memory_bytes)
      return finish(PropertyVerdict::Unknown, UnknownReason::MemoryLimit);
    Box box = std::move(stack.back());
    stack.pop_back();
    stack_bytes -= box_bytes(box);
    ++result.nodes;
    NodeOutcome o = evaluate(s, box);
    if (!o.leaf.empty()) {
      ++result.leaves;
      if (options.want_certificate) result.tree.push_back(o.leaf);
      continue;
    }
    if (o.split_dim == kNoSplit) {
      // A single point that rounding kept unproven: decide it exactly.
      if (auto cex = counterexample_check(net, property, box.lo)) {
        result.counterexample = cex;
        result.counterexample_source = "box-center";
        return finish(PropertyVerdict::Refuted);
      }
      ++result.leaves;
      if (options.want_certificate) result.tree.push_back("I");
      continue;
    }
    if (probe_box(s, box, ++unproven, result)) return finish(PropertyVerdict::Refuted);
    if (options.want_certificate) result.tree.push_back(o.split_dim);
    Box left = box, right = box;
    Rational mid = (box.lo[o.split_dim] + box.hi[o.split_dim]) / 2;
    left.hi[o.split_dim] = mid;
    right.lo[o.split_dim] = mid;
    stack_bytes += box_bytes(left) + box_bytes(right);
    stack.push_back(std::move(right));
    stack.push_back(std::move(left));
  }
  return finish(PropertyVerdict::Verified);
}

}  // namespace rl
