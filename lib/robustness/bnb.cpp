#include "robustness/bnb.hpp"

#include <chrono>
#include <cmath>
#include <random>

#include "net/eval.hpp"
#include "robustness/attack.hpp"
#include "robustness/ball.hpp"

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
  std::vector<std::vector<Network>> atoms;  // per conjunction
  Clock::time_point start = Clock::now();
  std::mt19937_64 rng;

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  bool out_of_time() const {
    return elapsed() > options.time_limit_seconds || (options.stop && options.stop->load());
  }
};

// Upper bounds of one atom on a box: by IBP, and by IBP + mean value (+ ball margin).
struct AtomUpper {
  double ibp = 0, best = 0;
  std::vector<double> slack;  // per coordinate, |G_i| r_i: what splitting i would shrink
};

AtomUpper atom_upper(const Search& s, const Network& g, const Box& box, const DBox& dbox, bool want_mean_value) {
  AtomUpper u;
  BoxBounds b = net_ibp(g, dbox);
  u.ibp = u.best = b.output()[0].hi;
  if (!want_mean_value) return u;
  IntervalMatrix jac = net_jacobian_enclosure(g, b);
  std::vector<Rational> center(box.lo.size());
  std::vector<double> mags(box.lo.size());
  DInterval sum = DInterval::point(0);
  u.slack.resize(box.lo.size());
  for (std::size_t i = 0; i < box.lo.size(); ++i) {
    center[i] = (box.lo[i] + box.hi[i]) / 2;
    mags[i] = jac.at(0, i).mag();
    DInterval r = DInterval::from_rational((box.hi[i] - box.lo[i]) / 2);
    u.slack[i] = mul_up(mags[i], r.hi);
    sum.hi = add_up(sum.hi, u.slack[i]);
  }
  DBox cbox;
  for (const Rational& c : center) cbox.push_back(DInterval::from_rational(c));
  double gc = net_ibp(g, cbox).output()[0].hi;
  u.best = std::fmin(u.best, add_up(gc, sum.hi));
  const auto& ball = s.property.ball;
  bool holds_center = ball.has_value();
  for (std::size_t i = 0; holds_center && i < box.lo.size(); ++i)
    holds_center = box.lo[i] <= ball->center[i] && ball->center[i] <= box.hi[i];
  if (holds_center) {
    DBox xbox;
    for (const Rational& c : ball->center) xbox.push_back(DInterval::from_rational(c));
    double gx = net_ibp(g, xbox).output()[0].hi;
    double lip = ball_dual_norm_up(ball->norm, mags);
    u.best = std::fmin(u.best, add_up(gx, mul_up(lip, DInterval::from_rational(ball->radius).hi)));
  }
  return u;
}

constexpr std::size_t kNoSplit = static_cast<std::size_t>(-1);

struct NodeOutcome {
  std::string leaf;                 // "I", "M", "O" or empty (not proven)
  std::size_t split_dim = kNoSplit; // kNoSplit: the box is a single point
};

NodeOutcome evaluate(const Search& s, const Box& box) {
  if (s.property.ball && ball_box_disjoint(*s.property.ball, box.lo, box.hi)) return {"O", 0};
  DBox dbox = dbox_from_rationals(box.lo, box.hi);
  bool ibp_all = true, all = true;
  std::vector<double> score(box.lo.size(), 0.0);
  for (const auto& conj : s.atoms) {
    bool by_ibp = false, by_any = false;
    std::vector<AtomUpper> ups;
    for (const Network& g : conj) {
      AtomUpper u = atom_upper(s, g, box, dbox, false);
      if (u.ibp < 0) { by_ibp = by_any = true; break; }
      ups.push_back(u);
    }
    if (!by_ibp) {
      for (const Network& g : conj) {
        AtomUpper u = atom_upper(s, g, box, dbox, true);
        if (u.best < 0) { by_any = true; break; }
        for (std::size_t i = 0; i < score.size(); ++i) score[i] = std::fmax(score[i], u.slack[i]);
      }
    }
    ibp_all = ibp_all && by_ibp;
    all = all && by_any;
  }
  if (ibp_all) return {"I", 0};
  if (all) return {"M", 0};
  NodeOutcome out;
  double best = -1;  // any box of positive width gets a split coordinate
  for (std::size_t i = 0; i < score.size(); ++i) {
    double w = rational_to_double(box.hi[i] - box.lo[i]);
    double v = score[i] > 0 ? score[i] : 1e-300 * w;
    if (w > 0 && v > best) { best = v; out.split_dim = i; }
  }
  return out;
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

// Exact probes before the search: the ball center (or box center) and PGD ends.
bool initial_attack(Search& s, BranchResult& result) {
  std::vector<Rational> c;
  if (s.property.ball) c = s.property.ball->center;
  else for (std::size_t i = 0; i < s.property.lo.size(); ++i) c.push_back((s.property.lo[i] + s.property.hi[i]) / 2);
  if (auto cex = counterexample_check(s.net, s.property, c)) {
    result.counterexample = cex;
    result.counterexample_source = "center";
    return true;
  }
  auto ends = attack_pgd(s.net, s.property, s.property.lo, s.property.hi, s.rng, AttackOptions{16, 80});
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
  auto ends = attack_pgd(s.net, s.property, box.lo, box.hi, s.rng, AttackOptions{2, 30});
  ends.resize(1);
  return try_candidates(s, ends, result, "pgd");
}

}  // namespace

BranchResult branch_and_bound(const Network& net, const SafetyProperty& property, const BranchOptions& options) {
  Search s{net, property, options, {}, Clock::now(), std::mt19937_64(options.seed)};
  for (const auto& conj : property.unsafe) {
    std::vector<Network> nets;
    for (const OutputAtom& a : conj) nets.push_back(property_atom_network(net, a));
    s.atoms.push_back(std::move(nets));
  }
  BranchResult result;
  auto finish = [&](const std::string& status, const std::string& reason) {
    result.status = status;
    result.reason = reason;
    result.seconds = s.elapsed();
    if (status != "verified") result.tree = Json::array();
    return result;
  };
  if (property.unsafe.empty()) {
    result.tree.push_back("I");
    result.leaves = result.nodes = 1;
    return finish("verified", "");
  }
  if (initial_attack(s, result)) return finish("refuted", "");
  std::vector<Box> stack{Box{property.lo, property.hi}};
  std::uint64_t unproven = 0;
  while (!stack.empty()) {
    if (s.out_of_time()) return finish("unknown", options.stop && options.stop->load() ? "interrupted" : "time-limit");
    Box box = std::move(stack.back());
    stack.pop_back();
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
        return finish("refuted", "");
      }
      ++result.leaves;
      if (options.want_certificate) result.tree.push_back("I");
      continue;
    }
    if (probe_box(s, box, ++unproven, result)) return finish("refuted", "");
    if (options.want_certificate) result.tree.push_back(o.split_dim);
    Box left = box, right = box;
    Rational mid = (box.lo[o.split_dim] + box.hi[o.split_dim]) / 2;
    left.hi[o.split_dim] = mid;
    right.lo[o.split_dim] = mid;
    stack.push_back(std::move(right));
    stack.push_back(std::move(left));
  }
  return finish("verified", "");
}

}  // namespace rl
