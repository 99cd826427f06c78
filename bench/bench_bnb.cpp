#include "bench_bnb.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <queue>

#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "bench_float_jacobian.hpp"
#include "bench_interval.hpp"
#include "bench_norms.hpp"
#include "net/eval.hpp"

namespace rl::bench {
namespace {

using Clock = std::chrono::steady_clock;

template <class I>
struct BoxNet {
  std::vector<std::size_t> in, out;
  std::vector<std::vector<I>> w, b;

  explicit BoxNet(const Network& net) {
    I* tag = nullptr;
    for (const Layer& l : net.layers) {
      in.push_back(l.in_dim());
      out.push_back(l.out_dim());
      std::vector<I> wl, bl;
      for (std::size_t i = 0; i < l.weights_i.size(); ++i) wl.push_back(ival_from(tag, l.weights_i[i], l.weights_f[i]));
      for (std::size_t i = 0; i < l.bias_i.size(); ++i) bl.push_back(ival_from(tag, l.bias_i[i], l.bias_f[i]));
      w.push_back(std::move(wl));
      b.push_back(std::move(bl));
    }
  }
};

// The Jacobian enclosure accumulated backwards from the output layer, each
// neuron's derivative being 0 (state 0), 1 (state 1) or [0, 1] (state 2).
template <class I>
std::vector<I> backward_jacobian(const BoxNet<I>& net, const std::vector<std::vector<int>>& state) {
  std::size_t depth = net.w.size(), m = net.out.back(), width = net.in.back();
  std::vector<I> g = net.w.back();  // m x width
  for (std::size_t k = depth - 1; k-- > 0;) {
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t j = 0; j < width; ++j) {
        I& e = g[r * width + j];
        if (state[k][j] == 0) e = {0.0, 0.0};
        else if (state[k][j] == 2) e = ival_hull0(e);
      }
    std::size_t nin = net.in[k];
    std::vector<I> ng(m * nin, I{0.0, 0.0});
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t j = 0; j < width; ++j) {
        const I& e = g[r * width + j];
        if (e.lo == 0 && e.hi == 0) continue;
        for (std::size_t c = 0; c < nin; ++c) ng[r * nin + c] = ng[r * nin + c] + e * net.w[k][j * nin + c];
      }
    g = std::move(ng);
    width = nin;
  }
  return g;
}

// At most this many unstable neurons are resolved by enumeration.
constexpr std::size_t kMaxEnumerated = 8;

// Upper bound of the Jacobian's l2 norm over the box. Bound propagation fixes
// each neuron's derivative (0, 1, or [0, 1] when unstable); the bound is the
// norm of that enclosure, or, with few unstable neurons, the largest norm over
// every 0/1 choice for them (at a differentiable point each unstable neuron's
// derivative is 0 or 1, so one of the choices is the Jacobian there). The
// enumeration runs only if the enclosure's bound does not already fall below
// `enough` (the box would be discarded anyway).
template <class I>
double box_upper(const BoxNet<I>& net, const std::vector<I>& box, double enough) {
  std::size_t depth = net.w.size();
  std::vector<std::vector<int>> state(depth - 1);  // 0 inactive, 1 active, 2 unstable
  std::vector<std::pair<std::size_t, std::size_t>> unstable;
  std::vector<I> z = box;
  for (std::size_t k = 0; k + 1 < depth; ++k) {
    std::vector<I> next(net.out[k]);
    state[k].resize(net.out[k]);
    for (std::size_t r = 0; r < net.out[k]; ++r) {
      I s = net.b[k][r];
      for (std::size_t c = 0; c < net.in[k]; ++c) s = s + net.w[k][r * net.in[k] + c] * z[c];
      state[k][r] = s.hi <= 0 ? 0 : (s.lo >= 0 ? 1 : 2);
      if (state[k][r] == 2) unstable.push_back({k, r});
      next[r] = ival_relu(s);
    }
    z = std::move(next);
  }
  std::size_t m = net.out.back(), d = net.in.front();
  double hull = interval_matrix_norm_upper(backward_jacobian(net, state), m, d);
  if (unstable.empty() || unstable.size() > kMaxEnumerated || hull <= enough) return hull;
  double worst = 0;
  for (std::size_t mask = 0; mask < (std::size_t(1) << unstable.size()); ++mask) {
    for (std::size_t u = 0; u < unstable.size(); ++u) state[unstable[u].first][unstable[u].second] = (mask >> u) & 1;
    worst = std::fmax(worst, interval_matrix_norm_upper(backward_jacobian(net, state), m, d));
  }
  return std::fmin(hull, worst);
}

// An exact lower bound on L at the rational point x: ||J v|| / ||v|| with the
// exact Jacobian of x's linear region, rounded down; false if x is not
// provably interior to one region.
bool exact_lower_at(const Network& net, const std::vector<double>& x, const std::vector<double>& v, Rational& out) {
  std::vector<Rational> xq;
  for (double c : x) xq.push_back(rational_from_double(c));
  ExactTrace trace = net_trace_exact(net, xq);
  if (!trace.is_interior()) return false;
  RationalMatrix j = net_jacobian_exact(net, trace.pattern());
  Rational vv = 0, jv2 = 0;
  std::vector<Rational> vq;
  for (double c : v) {
    vq.push_back(rational_from_double(c));
    vv += vq.back() * vq.back();
  }
  if (vv == 0) return false;
  for (const auto& row : j) {
    Rational s = 0;
    for (std::size_t c = 0; c < row.size(); ++c) s += row[c] * vq[c];
    jv2 += s * s;
  }
  out = interval_sqrt(Interval(jv2 / vv)).lower();
  return true;
}

struct Node {
  double upper;
  std::vector<double> lo, hi;
  bool operator<(const Node& o) const { return upper < o.upper; }
};

template <class I>
BnbResult run(const Network& net, const BnbOptions& o) {
  auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  constexpr bool rigorous = std::is_same_v<I, UInterval>;
  std::optional<UpwardRounding> upward;
  if constexpr (rigorous) upward.emplace();
  BoxNet<I> bn(net);
  BnbResult res;
  double best_lower = 0;      // float value of the best lower bound (rounded down when rigorous)
  Rational best_lower_exact = 0;
  // Float value at the last exactly verified point: the exact check runs only
  // when a centre beats it by a quarter of the gap, not at every node.
  double verified_candidate = 0;
  double discarded_upper = 0; // max upper of the leaves dropped as converged
  std::priority_queue<Node> queue;
  auto bound = [&](std::vector<double> lo, std::vector<double> hi) {
    std::vector<I> box;
    std::vector<double> mid;
    for (std::size_t i = 0; i < lo.size(); ++i) {
      box.push_back(I{lo[i], hi[i]});
      mid.push_back(0.5 * lo[i] + 0.5 * hi[i]);
    }
    ++res.nodes;
    DenseMatrix jac = float_jacobian(net, mid);
    double l = spectral_norm_estimate(jac);
    if (l > best_lower) {
      if constexpr (rigorous) {
        Rational q;
        if (l > verified_candidate * (1 + o.rel_gap / 4) && exact_lower_at(net, mid, top_right_singular_vector(jac), q) &&
            q > best_lower_exact) {
          verified_candidate = l;
          best_lower_exact = q;
          best_lower = std::fmax(best_lower, next_down(rational_to_double(q)));
        }
      } else {
        best_lower = l;
      }
    }
    double u = box_upper(bn, box, best_lower * (1 + o.rel_gap));
    if (!(u >= 0)) u = std::numeric_limits<double>::infinity();  // NaN from 0 * inf
    if (u <= best_lower * (1 + o.rel_gap)) discarded_upper = std::fmax(discarded_upper, u);
    else queue.push(Node{u, std::move(lo), std::move(hi)});
  };
  {
    DBox root = dbox_from_rationals(o.lo, o.hi);
    std::vector<double> lo, hi;
    for (const DInterval& d : root) {
      lo.push_back(d.lo);
      hi.push_back(d.hi);
    }
    bound(std::move(lo), std::move(hi));
  }
  res.status = "converged";
  while (!queue.empty() && queue.top().upper > best_lower * (1 + o.rel_gap)) {
    if (res.nodes >= o.node_limit) { res.status = "node-limit"; break; }
    if (elapsed() > o.time_limit_seconds) { res.status = "time-limit"; break; }
    Node n = queue.top();
    queue.pop();
    std::size_t axis = 0;
    for (std::size_t i = 1; i < n.lo.size(); ++i)
      if (n.hi[i] - n.lo[i] > n.hi[axis] - n.lo[axis]) axis = i;
    double mid = 0.5 * n.lo[axis] + 0.5 * n.hi[axis];
    if (!(mid > n.lo[axis] && mid < n.hi[axis])) { res.status = "resolution-limit"; break; }
    std::vector<double> left_hi = n.hi, right_lo = n.lo;
    left_hi[axis] = mid;
    right_lo[axis] = mid;
    bound(n.lo, std::move(left_hi));
    bound(std::move(right_lo), std::move(n.hi));
  }
  double upper = std::fmax(discarded_upper, queue.empty() ? 0.0 : queue.top().upper);
  res.upper = rational_from_double(upper);
  res.lower = rigorous ? best_lower_exact : rational_from_double(best_lower);
  res.seconds = elapsed();
  return res;
}

}  // namespace

BnbResult bnb_lipschitz_l2(const Network& net, const BnbOptions& options) {
  if (net.clamp) throw InputError(net.source, "the benchmark's branch and bound needs a network without input clamp (use --normalized)");
  if (net.layers.size() < 2) throw InputError(net.source, "the benchmark's branch and bound needs at least one hidden layer");
  if (options.lo.size() != net.input_dim) throw InputError("--box", "needs one LO:HI per input or a single one");
  return options.arithmetic == Arithmetic::Rigorous ? run<UInterval>(net, options) : run<FInterval>(net, options);
}

}  // namespace rl::bench
