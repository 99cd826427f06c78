// Linear-relaxation bounds by back-substitution (DeepPoly / CROWN), with
// optimizable lower slopes (alpha-CROWN) and split multipliers (beta-CROWN).
//
// One algorithm, two arithmetics: the search instantiates it with
// FloatArith (plain doubles, fast, proves nothing) and the trusted checker
// with OutwardArith (every sum and product enclosed, the result an upper
// bound of the exact one: DInterval per neuron, and for the weight products
// of a layer a float product with an a priori rounding-error bound, see
// OutwardArith::transpose_product). The search confirms each leaf in
// OutwardArith before writing it, so the checker's arithmetic is the
// search's. This header is the whole of it and depends only on lib/net and
// lib/arith, so the checker includes it; lib/cert/linear_exact.hpp is the
// same bound in exact rationals (the checker's fallback, the tests' reference).
//
// Contract (OutwardArith), for any recorded slopes alpha in [0, 1] and
// multipliers beta >= 0 (finite doubles) and row (finite doubles):
// preactivation_bounds returns lo <= z_{k,j}(x) <= hi for every x of the node
// (or empty = true only when the node holds no point), and spec_upper returns
// a double >= row . f(x) for every x of the node (+inf when a bound
// overflows; never NaN). Rounding is to nearest throughout; every error is
// bounded and moved outward (next_up / next_down after each operation, or
// the transpose_product bound).
//
// The region of a node: the input box [in_lo, in_hi] (after the network's
// input clamp) intersected with the split constraints z_{k,j} >= 0 (state
// +1, "active") or z_{k,j} <= 0 (state -1, "inactive") on hidden
// pre-activations. On the region:
// - preactivation_bounds encloses every hidden pre-activation z_{k,j} in
//   [lo, hi] (interval propagation intersected with back-substitution, then
//   the split constraints applied); `empty` says the constraints contradict
//   the bounds, so the region holds no point.
// - spec_upper(row) bounds row . z_top from above (z_top: layer `top`'s
//   pre-activations, the output layer for a property), valid for ANY slopes
//   alpha in [0, 1] and multipliers beta >= 0:
//     unstable ReLU (lo < 0 < hi): relu(z) <= s z + t (the chord, s = hi/(hi-lo),
//       t rounded up so the line stays above relu at both ends), relu(z) >= alpha z;
//     active: relu(z) = z; inactive or hi <= 0: relu(z) = 0;
//     a split neuron adds beta * z (active, z >= 0) or -beta * z (inactive)
//       to the bounded function, which only raises it on the region.
//   A coefficient's rounding error (OutwardArith) is the radius of its
//   interval times a bound of |variable|, moved into the constant.
// Soundness never depends on how alpha or beta were found: the checker
// applies recorded values, any value in range is valid.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "arith/dinterval.hpp"
#include "net/network.hpp"

namespace rl::bounds {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Upper bound of a sum or maximum in which NaN (from inf - inf) means "unbounded".
inline double guard_up(double x) { return std::isnan(x) ? kInfinity : x; }

struct FloatArith {
  using Num = double;
  static Num weight(const Layer& l, std::size_t k) { return l.weights_f[k]; }
  static Num bias(const Layer& l, std::size_t i) { return l.bias_f[i]; }
  static Num point(double x) { return x; }
  static double hi(Num x) { return x; }
  static double mid(Num x) { return x; }
  static double rad(Num) { return 0; }
  static double add_up(double a, double b) { return a + b; }
  static double add_down(double a, double b) { return a + b; }
  static double mul_up(double a, double b) { return a * b; }  // a, b >= 0
  // max / min of w x over x in [lo, hi].
  static double max_times(Num w, double lo, double hi) { return w == 0 ? 0 : (w > 0 ? w * hi : w * lo); }
  static double min_times(Num w, double lo, double hi) { return w == 0 ? 0 : (w > 0 ? w * lo : w * hi); }
  // min_times and max_times at once.
  static void times_range(Num w, double lo, double hi, double& min, double& max) {
    min = min_times(w, lo, hi);
    max = max_times(w, lo, hi);
  }
  // lambda_j = sum_i mu_i W_ij and b = sum_i mu_i bias_i (rows with mu_i = 0 skipped).
  static void transpose_product(const Layer& l, const std::vector<double>& mu, std::vector<Num>& lambda, Num& b) {
    const std::size_t n_in = l.in_dim();
    for (std::size_t i = 0; i < mu.size(); ++i) {
      if (mu[i] == 0) continue;
      const double m = mu[i];
      b = b + m * l.bias_f[i];
      const double* w = &l.weights_f[i * n_in];
      for (std::size_t j = 0; j < n_in; ++j) lambda[j] = lambda[j] + m * w[j];
    }
  }
};

struct OutwardArith {
  using Num = DInterval;
  static Num weight(const Layer& l, std::size_t k) { return l.weights_i[k]; }
  static Num bias(const Layer& l, std::size_t i) { return l.bias_i[i]; }
  static Num point(double x) { return DInterval::point(x); }
  static double hi(Num x) { return guard_up(x.hi); }
  static double mid(Num x) {
    double m = x.lo == x.hi ? x.lo : 0.5 * x.lo + 0.5 * x.hi;
    return std::isfinite(m) ? m : 0.0;
  }
  // |x - mid(x)| <= rad(x) for every x in the interval; 0 for a point, whose
  // mid is the point itself. (next_up(0) there was a subnormal, and every
  // product with it took a microcode assist: a fifth of an ACAS Xu search.)
  static double rad(Num x) {
    if (x.lo == x.hi && std::isfinite(x.lo)) return 0;
    double m = mid(x);
    return guard_up(std::fmax(next_up(x.hi - m), next_up(m - x.lo)));
  }
  static double add_up(double a, double b) { return guard_up(next_up(a + b)); }
  static double add_down(double a, double b) {
    double s = next_down(a + b);
    return std::isnan(s) ? -kInfinity : s;
  }
  static double mul_up(double a, double b) { return a == 0 || b == 0 ? 0 : guard_up(next_up(a * b)); }
  static double max_times(Num w, double lo, double hi) {
    if (w.lo == 0 && w.hi == 0) return 0;
    return guard_up((w * DInterval{lo, hi}).hi);
  }
  // Lower and upper bounds of w x over x in [lo, hi] (max as max_times), with one interval product.
  static void times_range(Num w, double lo, double hi, double& min, double& max) {
    if (w.lo == 0 && w.hi == 0) {
      min = max = 0;
      return;
    }
    DInterval p = w * DInterval{lo, hi};
    max = guard_up(p.hi);
    min = std::isnan(p.lo) ? -kInfinity : p.lo;
  }
  // Encloses lambda_j = sum_i mu_i W_ij and b = sum_i mu_i bias_i for every
  // weight W_ij in its enclosure [w.lo, w.hi] (mu exact doubles, the rows
  // with mu_i = 0 skipped), at the cost of three float dot products rather
  // than n interval products per entry:
  //   c_j = fl(sum mu_i w.lo), s_j = fl(sum |mu_i| |w.lo|), t_j = fl(sum |mu_i| (w.hi - w.lo)),
  //   lambda_j in c_j +- r_j,  r_j = up(t_j + g (t_j + s_j)) + 4 (n + 1) eta,
  // with n the number of rows summed, u = 2^-53, g = 2 (n + 2) u, eta = 2^-1074.
  // Why (round to nearest, any summation order, Higham, Accuracy and
  // Stability, ch. 3): |c_j - sum mu_i w.lo| <= gamma_n s*_j + n eta with s*_j
  // the exact sum of |mu_i| |w.lo| (eta: a product's underflow; sums of
  // doubles underflow exactly); |W - w.lo| <= w.hi - w.lo gives the t*_j term; and
  // the computed s_j, t_j (nonnegative terms, at most n + 2 roundings each)
  // satisfy s* <= (s + n eta) / (1 - gamma_{n+2}) <= (s + n eta)(1 + g), same for t.
  // Together the error is <= t + g (t + s) + 4 n eta while g <= 1 (n < 2^51).
  // Overflow or NaN anywhere gives the whole line.
  static void transpose_product(const Layer& l, const std::vector<double>& mu, std::vector<Num>& lambda, Num& b) {
    const std::size_t n_in = l.in_dim();
    std::vector<double> c(n_in, 0.0), s(n_in, 0.0), t(n_in, 0.0);
    double cb = 0, sb = 0, tb = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < mu.size(); ++i) {
      if (mu[i] == 0) continue;
      ++n;
      const double m = mu[i], am = std::fabs(m);
      cb += m * l.bias_i[i].lo;
      sb += am * std::fabs(l.bias_i[i].lo);
      tb += am * (l.bias_i[i].hi - l.bias_i[i].lo);
      const DInterval* w = &l.weights_i[i * n_in];
      for (std::size_t j = 0; j < n_in; ++j) {
        c[j] += m * w[j].lo;
        s[j] += am * std::fabs(w[j].lo);
        t[j] += am * (w[j].hi - w[j].lo);
      }
    }
    const double g = std::ldexp(static_cast<double>(n + 2), -52);
    const double tiny = static_cast<double>(4 * (n + 1)) * std::numeric_limits<double>::denorm_min();
    auto enclose = [&](double cj, double sj, double tj) {
      double r = next_up(next_up(tj + next_up(g * next_up(tj + sj))) + tiny);
      if (!std::isfinite(cj) || !std::isfinite(r)) return DInterval::whole();
      return DInterval{next_down(cj - r), next_up(cj + r)};
    };
    for (std::size_t j = 0; j < n_in; ++j) lambda[j] = enclose(c[j], s[j], t[j]);
    b = enclose(cb, sb, tb);
  }
};

// Per hidden layer, per neuron.
using StateMatrix = std::vector<std::vector<std::int8_t>>;  // 0 free, +1 active (z >= 0), -1 inactive (z <= 0)
using NeuronValues = std::vector<std::vector<double>>;

struct PreBounds {
  std::vector<double> in_lo, in_hi;     // the box after the input clamp
  NeuronValues lo, hi;                  // hidden pre-activations, split constraints applied
  bool empty = false;                   // the split constraints contradict the bounds
};

enum class Gate : std::uint8_t { dead, pass, unstable };

inline Gate relu_gate(double lo, double hi, std::int8_t state) {
  if (state < 0 || hi <= 0) return Gate::dead;
  if (state > 0 || lo >= 0) return Gate::pass;
  return Gate::unstable;
}

// CROWN's adaptive lower slope: the lower line of smaller area.
inline double default_alpha(double lo, double hi) { return hi > -lo ? 1.0 : 0.0; }

// The chord above relu on [lo, hi] (lo < 0 < hi): slope s, intercept t with
// s z + t >= relu(z) at z = lo and z = hi, hence on [lo, hi] (relu is convex).
template <class A>
void chord(double lo, double hi, double& s, double& t) {
  using Num = typename A::Num;
  s = hi / (hi - lo);
  if (!std::isfinite(s)) s = 1;
  Num sn = A::point(s);
  t = guard_up(std::fmax(A::hi(A::point(0) - sn * A::point(lo)), A::hi(A::point(hi) - sn * A::point(hi))));
  if (t < 0) t = 0;
}

// What the search needs to differentiate a bound (FloatArith only): the
// coefficient on every hidden activation h_{k,j} before its relaxation, and
// the box corner that attains the bound.
struct BacksubTrace {
  NeuronValues h_coefficient;
  std::vector<double> input_coefficient;  // the bound's linear function on the (clamped) input
  std::vector<double> corner;
};

template <class A>
struct Backsub {
  using Num = typename A::Num;
  const Network& net;
  const PreBounds& pb;
  const StateMatrix& states;
  const NeuronValues* alpha;  // nullptr: default_alpha
  const NeuronValues* beta;   // nullptr: no split multipliers

  double zmax(std::size_t k, std::size_t j) const { return std::fmax(std::fabs(pb.lo[k][j]), std::fabs(pb.hi[k][j])); }

  // Upper bound of row . z_top + constant over the region.
  double upper(std::size_t top, std::vector<double> mu, double constant, BacksubTrace* trace) const {
    if (trace) {
      trace->h_coefficient.assign(top, {});
      trace->corner.assign(pb.in_lo.size(), 0);
      trace->input_coefficient.assign(pb.in_lo.size(), 0);
    }
    double err = 0;
    for (std::size_t k = top + 1; k-- > 0;) {
      const Layer& l = net.layers[k];
      const std::size_t n_in = l.in_dim();
      Num b = A::point(0);
      std::vector<Num> lambda(n_in, A::point(0));
      A::transpose_product(l, mu, lambda, b);
      constant = A::add_up(constant, A::hi(b));
      if (k == 0) {
        for (std::size_t j = 0; j < n_in; ++j) {
          constant = A::add_up(constant, A::max_times(lambda[j], pb.in_lo[j], pb.in_hi[j]));
          if (trace) {
            trace->input_coefficient[j] = A::mid(lambda[j]);
            trace->corner[j] = A::mid(lambda[j]) >= 0 ? pb.in_hi[j] : pb.in_lo[j];
          }
        }
        return A::add_up(constant, err);
      }
      mu = relax_layer(k - 1, lambda, constant, err, trace);
    }
    return A::add_up(constant, err);  // not reached: layer 0 returns
  }

  // Coefficients on z_{k} from coefficients `lambda` on h_{k} = relu(z_{k}).
  std::vector<double> relax_layer(std::size_t k, const std::vector<Num>& lambda, double& constant, double& err, BacksubTrace* trace) const {
    const std::size_t n = lambda.size();
    std::vector<double> mu(n, 0);
    if (trace) trace->h_coefficient[k].assign(n, 0);
    for (std::size_t j = 0; j < n; ++j) {
      const double lo = pb.lo[k][j], hi = pb.hi[k][j];
      double m = A::mid(lambda[j]);
      err = A::add_up(err, A::mul_up(A::rad(lambda[j]), std::fmax(hi, 0.0)));  // 0 <= h <= max(hi, 0)
      if (trace) trace->h_coefficient[k][j] = m;
      Num coefficient = A::point(0);
      switch (relu_gate(lo, hi, states[k][j])) {
        case Gate::dead: break;
        case Gate::pass: coefficient = A::point(m); break;
        case Gate::unstable:
          if (m >= 0) {
            double s, t;
            chord<A>(lo, hi, s, t);
            coefficient = A::point(m) * A::point(s);
            constant = A::add_up(constant, A::mul_up(m, t));
          } else {
            double a = alpha ? (*alpha)[k][j] : default_alpha(lo, hi);
            coefficient = A::point(m) * A::point(a);
          }
          break;
      }
      if (beta && states[k][j] != 0 && (*beta)[k][j] != 0) coefficient = coefficient + A::point(states[k][j] > 0 ? (*beta)[k][j] : -(*beta)[k][j]);
      mu[j] = A::mid(coefficient);
      err = A::add_up(err, A::mul_up(A::rad(coefficient), zmax(k, j)));
    }
    return mu;
  }
};

// The input box after the clamp: it holds clamp(x) for every x in [lo, hi].
inline void clamp_box(const Network& net, std::vector<double>& lo, std::vector<double>& hi) {
  if (!net.clamp) return;
  for (std::size_t i = 0; i < lo.size(); ++i) {
    DInterval c_lo = DInterval::from_rational(net.clamp->lo[i]), c_hi = DInterval::from_rational(net.clamp->hi[i]);
    lo[i] = std::fmin(std::fmax(lo[i], c_lo.lo), c_hi.lo);
    hi[i] = std::fmin(std::fmax(hi[i], c_lo.hi), c_hi.hi);
  }
}

// Interval propagation of hidden layer k from the bounds below it.
template <class A>
void interval_layer(const Network& net, const PreBounds& pb, std::size_t k, std::vector<double>& lo, std::vector<double>& hi) {
  const Layer& l = net.layers[k];
  const std::size_t n_in = l.in_dim();
  lo.assign(l.out_dim(), 0);
  hi.assign(l.out_dim(), 0);
  std::vector<double> v_lo(n_in), v_hi(n_in);  // the layer's inputs: the box, or the activations below
  for (std::size_t j = 0; j < n_in; ++j) {
    v_lo[j] = k == 0 ? pb.in_lo[j] : std::fmax(pb.lo[k - 1][j], 0.0);
    v_hi[j] = k == 0 ? pb.in_hi[j] : std::fmax(pb.hi[k - 1][j], 0.0);
  }
  for (std::size_t i = 0; i < l.out_dim(); ++i) {
    double s_lo = -A::hi(A::point(0) - A::bias(l, i)), s_hi = A::hi(A::bias(l, i));
    for (std::size_t j = 0; j < n_in; ++j) {
      double t_lo, t_hi;
      A::times_range(A::weight(l, i * n_in + j), v_lo[j], v_hi[j], t_lo, t_hi);
      s_lo = A::add_down(s_lo, t_lo);
      s_hi = A::add_up(s_hi, t_hi);
    }
    lo[i] = s_lo;
    hi[i] = s_hi;
  }
}

// Back-substitution under the default slopes, the tightening of
// preactivation_bounds: an upper bound of sign * z_{k,j} over the node from
// the bounds of the layers below k (pb holds them).
template <class A>
struct DefaultSlopesTightening {
  const Network& net;
  const StateMatrix& states;
  double upper(const PreBounds& pb, std::size_t k, std::size_t j, double sign) const {
    std::vector<double> e(net.layers[k].out_dim(), 0);
    e[j] = sign;
    return Backsub<A>{net, pb, states, nullptr, nullptr}.upper(k, std::move(e), 0, nullptr);
  }
  void layer_done(const PreBounds&, std::size_t) const {}  // Backsub reads each layer's bounds as it goes
};

// Bounds of every hidden pre-activation on the node (box + split states).
// Layer 0 by interval propagation (exact up to rounding: it is affine in x),
// deeper layers by interval propagation, tightened by `tighten` (an upper
// bound of +-z_{k,j}; told by layer_done when layer k's bounds are final) for
// the neurons interval propagation leaves unstable.
// `outer`: bounds valid on a region that holds the node's (in a split tree,
// the parent node's, computed the same way), intersected with each layer's
// interval bounds before back-substitution (a neuron they fix is not bounded
// again) and so inherited down the tree. An intersection of two enclosures is
// an enclosure; empty intersection: the node holds no point.
// `inherited`: how many of the lowest hidden layers are taken from `outer`
// as they are (split states still applied), for a node that differs from
// outer's only by a ReLU split in layer inherited - 1 (same box, same states
// below): recomputing them would give outer's bounds exactly, as each is
// outer's own computation on the same inputs, intersected with its result.
template <class A, class Tightening>
PreBounds preactivation_bounds_tightened(const Network& net, std::vector<double> in_lo, std::vector<double> in_hi,
                                         const StateMatrix& states, const PreBounds* outer, Tightening& tighten,
                                         std::size_t inherited = 0) {
  PreBounds pb;
  clamp_box(net, in_lo, in_hi);
  pb.in_lo = std::move(in_lo);
  pb.in_hi = std::move(in_hi);
  const std::size_t hidden = net.layers.size() - 1;
  for (std::size_t k = 0; k < hidden; ++k) {
    std::vector<double> lo, hi;
    if (outer && k < inherited) {
      lo = outer->lo[k];
      hi = outer->hi[k];
    } else {
      interval_layer<A>(net, pb, k, lo, hi);
      if (outer)
        for (std::size_t j = 0; j < lo.size(); ++j) {
          lo[j] = std::fmax(lo[j], outer->lo[k][j]);
          hi[j] = std::fmin(hi[j], outer->hi[k][j]);
        }
      if (k > 0)
        for (std::size_t j = 0; j < lo.size(); ++j) {
          if (lo[j] >= 0 || hi[j] <= 0) continue;  // stable already: its relaxation cannot change
          hi[j] = std::fmin(hi[j], tighten.upper(pb, k, j, 1));
          lo[j] = std::fmax(lo[j], -tighten.upper(pb, k, j, -1));
        }
    }
    for (std::size_t j = 0; j < lo.size(); ++j) {
      if (states[k][j] > 0) {
        if (hi[j] < 0) pb.empty = true;
        lo[j] = std::fmax(lo[j], 0.0);
      } else if (states[k][j] < 0) {
        if (lo[j] > 0) pb.empty = true;
        hi[j] = std::fmin(hi[j], 0.0);
      }
      if (lo[j] > hi[j]) pb.empty = true;
    }
    pb.lo.push_back(std::move(lo));
    pb.hi.push_back(std::move(hi));
    tighten.layer_done(pb, k);
  }
  return pb;
}

template <class A>
PreBounds preactivation_bounds(const Network& net, std::vector<double> in_lo, std::vector<double> in_hi, const StateMatrix& states,
                               const PreBounds* outer = nullptr, std::size_t inherited = 0) {
  DefaultSlopesTightening<A> tighten{net, states};
  return preactivation_bounds_tightened<A>(net, std::move(in_lo), std::move(in_hi), states, outer, tighten, inherited);
}

// Upper bound of row . f(x) over the node (f: the network's outputs), with
// the given slopes and multipliers.
template <class A>
double spec_upper(const Network& net, const PreBounds& pb, const StateMatrix& states, const std::vector<double>& row,
                  const NeuronValues* alpha, const NeuronValues* beta, BacksubTrace* trace = nullptr) {
  Backsub<A> bs{net, pb, states, alpha, beta};
  return bs.upper(net.layers.size() - 1, row, 0, trace);
}

// A free StateMatrix (no split) shaped like the network's hidden layers.
inline StateMatrix free_states(const Network& net) {
  StateMatrix s;
  for (std::size_t k = 0; k + 1 < net.layers.size(); ++k) s.emplace_back(net.layers[k].out_dim(), 0);
  return s;
}

}  // namespace rl::bounds
