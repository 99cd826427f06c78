// Trusted checker for claims of kind "robustness".
//
// Parameters, one of two forms:
//   ball:     {"model", "input": [x_i], "radius": R, "norm": "linf"|"l2"|"l1", "label": C}
//             (every form may add "normalized": true, a .nnet read as its raw
//             weights in normalized units, as `--normalized` does);
//             region = closed ball B(x, R); unsafe = some f_j >= f_C, j != C
//             (a tie is unsafe: C must be the unique argmax);
//   property: {"model", "box": {"lo": [...], "hi": [...]},
//              "unsafe": [[{"coefficients": [a_j], "constant": b, "strict": bool}, ...], ...]}
//             region = the box; unsafe = OR of ANDs of sum_j a_j f_j + b >= 0 (> 0 if strict);
//   cases:    {"model", "cases": [{"box", "unsafe"}, ...]}: several property
//             forms at once (the claim holds when every case holds).
// Certificate, one of:
//   {"counterexample": [y_i], "output": [f_j]}: y lies in the region, f is
//   exactly the network's output at y, and it is unsafe -> verdict "violated";
//   {"method": "box-partition", "tree": [...], "leaves": N}: a box partition
//   of the region's box, with N its number of leaves (for a ball, the box
//   [x - R, x + R]) in preorder: an integer k splits the current box at the
//   exact midpoint of coordinate k (left half first); a leaf "I", "M", "S" or
//   "O" must be shown safe -> verdict "holds". Every conjunction must have an
//   atom g with an upper bound < 0 on the leaf by exact interval propagation
//   ("I"), or also ("M", "S") by the mean-value form g(c) + sum_i |G_i| r_i,
//   or ("S") by exact symbolic interval propagation, or, for a
//   leaf holding the ball center x, g(x) + ||G||_dual R (||.||_dual of the
//   Clarke gradient enclosure G over the leaf; for l2 the comparison is done
//   on squares). "O": the leaf misses the ball;
//   {"method": "cases", "cases": [certificate per case]} for the cases form
//   (a counterexample certificate must refute one of the cases).
//   Linear-relaxation nodes (robustness/bnb_linear.hpp): {"relu": [k, j]}
//   splits the current node by hidden neuron j of layer k (first child
//   z_{k,j} <= 0, then z_{k,j} >= 0; a neuron is split once per path); a leaf
//   {"linear": [proof per conjunction]} is safe when the node's bounds
//   contradict its splits, or when each conjunction's recorded relaxation
//   {"lambda", "alpha", "beta"} gives an upper bound < 0 of lambda . atoms
//   (bounds/linear_bounds.hpp applied in outward-rounded arithmetic: slopes
//   and multipliers are taken as recorded, never searched for; where that
//   bound is not below 0, the same relaxation in exact rationals,
//   cert/linear_exact.hpp). z_{k,j} is the pre-activation of the network in
//   the form parameters.normalized names. lambda and beta are exact doubles
//   (dyadic), alpha numerators over 65536 in [0, 65536], and 0 on every
//   neuron the node's bounds do not leave unstable (there it is unused).
//   A node's bounds are its pre-activation bounds (preactivation_bounds in
//   outward-rounded arithmetic) intersected layer by layer with its parent
//   node's, computed the same way from the root down (TreeCheck); after a
//   ReLU split in layer k, layers 0..k are the parent's as they are (valid:
//   the child's region lies in the parent's; and recomputing them gives the
//   parent's exactly, see preactivation_bounds_tightened).
// Everything else here is exact rational arithmetic, no search. It uses the
// network loader and exact evaluation from lib/net, and the header-only
// bounds core lib/bounds/linear_bounds.hpp (lib/net and lib/arith only).

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <memory>
#include <optional>

#include "arith/error.hpp"
#include "arith/rational_double.hpp"
#include "bounds/linear_bounds.hpp"
#include "cert/claim.hpp"
#include "cert/claim_path.hpp"
#include "cert/linear_exact.hpp"
#include "net/eval_exact.hpp"
#include "net/load.hpp"

namespace rl {
namespace {

struct QInterval {
  Rational lo, hi;
};

QInterval q_scale(const Rational& w, const QInterval& a) {
  return w >= 0 ? QInterval{w * a.lo, w * a.hi} : QInterval{w * a.hi, w * a.lo};
}
QInterval q_add(const QInterval& a, const QInterval& b) { return {a.lo + b.lo, a.hi + b.hi}; }
Rational q_mag(const QInterval& a) { return rational_abs(a.lo) > rational_abs(a.hi) ? rational_abs(a.lo) : rational_abs(a.hi); }

struct Atom {
  bool strict = false;
  std::vector<Rational> coefficients;
  Rational constant;
  mutable std::shared_ptr<const Network> net;  // scalar: sum_j a_j f_j + b, built when a leaf needs it
};

struct Region {
  std::vector<Rational> lo, hi;
  bool has_ball = false;
  std::vector<Rational> center;
  Rational radius;
  std::string norm;
};

struct Problem {
  Network net;
  Region region;
  std::vector<std::vector<Atom>> unsafe;
  // Every atom of every conjunction as an output row, in order (one copy of
  // the network, not one per conjunction: mnistfc has 9 conjunctions and
  // 269k weights), built when a linear leaf needs it.
  mutable std::shared_ptr<const Network> atoms_net;
};

// The network x -> (sum_j a_j f_j(x) + b) over atoms (a, b), exactly. Its
// hidden layers are copies of `net`'s (their fast copies included), so only
// the new last layer is converted.
Network atoms_network(const Network& net, const std::vector<const Atom*>& atoms) {
  const Layer& last = net.layers.back();
  RationalMatrix w(atoms.size(), std::vector<Rational>(last.in_dim(), Rational(0)));
  std::vector<Rational> bias;
  for (std::size_t r = 0; r < atoms.size(); ++r) {
    const std::vector<Rational>& a = atoms[r]->coefficients;
    bias.push_back(atoms[r]->constant);
    for (std::size_t j = 0; j < last.out_dim(); ++j) {
      if (a[j] == 0) continue;
      for (std::size_t c = 0; c < last.in_dim(); ++c) w[r][c] += a[j] * last.weights[j][c];
      bias[r] += a[j] * last.bias[j];
    }
  }
  Network top = network_from_layers(last.in_dim(), {{std::move(w), std::move(bias)}}, net.source);
  Network out = net;
  out.layers.back() = std::move(top.layers.front());
  return out;
}

const Network& atom_network(const Network& net, const Atom& atom) {
  if (!atom.net) atom.net = std::make_shared<const Network>(atoms_network(net, {&atom}));
  return *atom.net;
}

const Network& all_atoms_network(const Problem& p) {
  if (!p.atoms_net) {
    std::vector<const Atom*> atoms;
    for (const auto& conj : p.unsafe)
      for (const Atom& a : conj) atoms.push_back(&a);
    p.atoms_net = std::make_shared<const Network>(atoms_network(p.net, atoms));
  }
  return *p.atoms_net;
}

// Exact interval propagation: the pre-activation enclosures of every layer.
std::vector<std::vector<QInterval>> exact_ibp(const Network& net, const std::vector<QInterval>& box, std::vector<QInterval>& input) {
  input = box;
  if (net.clamp)
    for (std::size_t i = 0; i < box.size(); ++i) {
      const Rational &lo = net.clamp->lo[i], &hi = net.clamp->hi[i];
      auto clip = [&](const Rational& v) { return v < lo ? lo : (v > hi ? hi : v); };
      input[i] = {clip(box[i].lo), clip(box[i].hi)};
    }
  std::vector<std::vector<QInterval>> pre;
  std::vector<QInterval> cur = input;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<QInterval> z;
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      QInterval s{l.bias[i], l.bias[i]};
      for (std::size_t j = 0; j < l.in_dim(); ++j)
        if (l.weights[i][j] != 0) s = q_add(s, q_scale(l.weights[i][j], cur[j]));
      z.push_back(s);
    }
    pre.push_back(z);
    if (k + 1 < net.layers.size())
      for (QInterval& v : z) { if (v.lo < 0) v.lo = 0; if (v.hi < 0) v.hi = 0; }
    cur = std::move(z);
  }
  return pre;
}

// |G_i|: magnitudes of an enclosure of the Clarke gradient of a scalar
// network over the box, from the exact pre-activation bounds. A neuron with
// z <= 0 on the box contributes 0, z >= 0 passes, otherwise the gate is [0, 1];
// an input clamp passes strictly inside, blocks strictly outside, [0, 1] else.
// `forward` multiplies the interval Jacobian from the input side, otherwise
// the gradient row is carried back from the output; both enclose the
// gradient set (they differ in tightness only).
struct Gates {
  const Network& net;
  const std::vector<std::vector<QInterval>>& pre;
  std::vector<QInterval> input;

  QInterval hidden(std::size_t k, std::size_t i) const {
    if (k + 1 == net.layers.size()) return QInterval{1, 1};
    const QInterval& z = pre[k][i];
    return z.hi <= 0 ? QInterval{0, 0} : (z.lo >= 0 ? QInterval{1, 1} : QInterval{0, 1});
  }
  static QInterval apply(const QInterval& g, const QInterval& s) {
    if (g.lo == 1) return s;
    if (g.hi == 0) return QInterval{0, 0};
    return QInterval{s.lo < 0 ? s.lo : Rational(0), s.hi > 0 ? s.hi : Rational(0)};
  }
};

std::vector<Rational> exact_gradient_magnitudes(const Network& net, const std::vector<QInterval>& box,
                                                const std::vector<std::vector<QInterval>>& pre, bool forward) {
  const std::size_t d = net.input_dim;
  Gates gates{net, pre, std::vector<QInterval>(d, QInterval{1, 1})};
  if (net.clamp)
    for (std::size_t i = 0; i < d; ++i) {
      const Rational &lo = net.clamp->lo[i], &hi = net.clamp->hi[i];
      if (box[i].lo >= lo && box[i].hi <= hi) continue;
      gates.input[i] = (box[i].hi <= lo || box[i].lo >= hi) ? QInterval{0, 0} : QInterval{0, 1};
    }
  std::vector<Rational> mags(d);
  if (forward) {
    std::vector<std::vector<QInterval>> m(d, std::vector<QInterval>(d, QInterval{0, 0}));
    for (std::size_t i = 0; i < d; ++i) m[i][i] = gates.input[i];
    for (std::size_t k = 0; k < net.layers.size(); ++k) {
      const Layer& l = net.layers[k];
      std::vector<std::vector<QInterval>> next(l.out_dim(), std::vector<QInterval>(d, QInterval{0, 0}));
      for (std::size_t i = 0; i < l.out_dim(); ++i) {
        QInterval g = gates.hidden(k, i);
        if (g.hi == 0) continue;
        for (std::size_t c = 0; c < d; ++c) {
          QInterval s{0, 0};
          for (std::size_t j = 0; j < l.in_dim(); ++j)
            if (l.weights[i][j] != 0) s = q_add(s, q_scale(l.weights[i][j], m[j][c]));
          next[i][c] = Gates::apply(g, s);
        }
      }
      m = std::move(next);
    }
    for (std::size_t i = 0; i < d; ++i) mags[i] = q_mag(m[0][i]);
    return mags;
  }
  std::vector<QInterval> u{QInterval{1, 1}};
  for (std::size_t k = net.layers.size(); k-- > 0;) {
    const Layer& l = net.layers[k];
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = Gates::apply(gates.hidden(k, i), u[i]);
    std::vector<QInterval> down(l.in_dim(), QInterval{0, 0});
    for (std::size_t i = 0; i < l.out_dim(); ++i)
      for (std::size_t j = 0; j < l.in_dim(); ++j)
        if (l.weights[i][j] != 0) down[j] = q_add(down[j], q_scale(l.weights[i][j], u[i]));
    u = std::move(down);
  }
  for (std::size_t i = 0; i < d; ++i) mags[i] = q_mag(Gates::apply(gates.input[i], u[i]));
  return mags;
}

Rational gauge(const std::string& norm, const std::vector<Rational>& d) {
  Rational g = 0;
  for (const Rational& v : d) {
    Rational a = rational_abs(v);
    if (norm == "linf") { if (a > g) g = a; }
    else if (norm == "l1") g += a;
    else g += a * a;
  }
  return g;  // ||d||, or ||d||^2 for l2
}
Rational gauge_radius(const Region& r) { return r.norm == "l2" ? r.radius * r.radius : r.radius; }

// Exact symbolic interval propagation: every neuron z gets linear forms
// l(x) <= z(x) <= u(x) over the box (rational coefficients). A ReLU with
// concrete bounds lo < 0 < hi gets u = hi/(hi - lo) (u(x) - lo), the chord,
// valid on [lo, hi], and keeps l when hi > -lo (relu(z) >= z), else l = 0; a clamped input the box does not keep inside
// the clamp range is the constant interval of its values. Returns the upper
// bound of the (scalar) output.
struct LinearForm {
  std::vector<Rational> a;
  Rational b;
};

Rational form_bound(const LinearForm& f, const std::vector<QInterval>& box, bool upper) {
  Rational s = f.b;
  for (std::size_t i = 0; i < box.size(); ++i)
    if (f.a[i] != 0) s += (f.a[i] > 0) == upper ? f.a[i] * box[i].hi : f.a[i] * box[i].lo;
  return s;
}

Rational exact_symbolic_upper(const Network& net, const std::vector<QInterval>& box) {
  const std::size_t d = box.size();
  const LinearForm zero{std::vector<Rational>(d, Rational(0)), Rational(0)};
  std::vector<LinearForm> lower, upper;
  for (std::size_t i = 0; i < d; ++i) {
    LinearForm lo = zero, up = zero;
    if (!net.clamp || (box[i].lo >= net.clamp->lo[i] && box[i].hi <= net.clamp->hi[i])) {
      lo.a[i] = up.a[i] = 1;
    } else {
      auto clip = [&](const Rational& v) { return v < net.clamp->lo[i] ? net.clamp->lo[i] : (v > net.clamp->hi[i] ? net.clamp->hi[i] : v); };
      lo.b = clip(box[i].lo);
      up.b = clip(box[i].hi);
    }
    lower.push_back(lo);
    upper.push_back(up);
  }
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<LinearForm> next_lower, next_upper;
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      LinearForm lo = zero, up = zero;
      lo.b = up.b = l.bias[i];
      for (std::size_t j = 0; j < l.in_dim(); ++j) {
        const Rational& w = l.weights[i][j];
        if (w == 0) continue;
        const LinearForm& fl = w > 0 ? lower[j] : upper[j];
        const LinearForm& fu = w > 0 ? upper[j] : lower[j];
        for (std::size_t c = 0; c < d; ++c) {
          if (fl.a[c] != 0) lo.a[c] += w * fl.a[c];
          if (fu.a[c] != 0) up.a[c] += w * fu.a[c];
        }
        lo.b += w * fl.b;
        up.b += w * fu.b;
      }
      if (k + 1 == net.layers.size()) return form_bound(up, box, true);
      Rational zlo = form_bound(lo, box, false), zhi = form_bound(up, box, true);
      if (zhi <= 0) {
        lo = up = zero;
      } else if (zlo < 0) {
        Rational lambda = zhi / (zhi - zlo);
        for (Rational& c : up.a) c *= lambda;
        up.b = lambda * (up.b - zlo);
        if (zhi <= -zlo) lo = zero;  // else relu(z) >= z keeps the lower form
      }
      next_lower.push_back(std::move(lo));
      next_upper.push_back(std::move(up));
    }
    lower = std::move(next_lower);
    upper = std::move(next_upper);
  }
  return 0;  // not reached: the last layer returns
}

// The mean-value and ball-margin bounds with gradient magnitudes `mags`.
bool mean_value_negative(const Problem& p, const Atom& atom, const std::vector<QInterval>& box, const std::vector<Rational>& mags) {
  std::vector<Rational> c;
  Rational slack = 0;
  for (std::size_t i = 0; i < box.size(); ++i) {
    c.push_back((box[i].lo + box[i].hi) / 2);
    slack += mags[i] * (box[i].hi - box[i].lo) / 2;
  }
  const Network& g = atom_network(p.net, atom);
  if (net_eval_exact(g, c)[0] + slack < 0) return true;
  const Region& r = p.region;
  if (!r.has_ball) return false;
  for (std::size_t i = 0; i < box.size(); ++i)
    if (r.center[i] < box[i].lo || r.center[i] > box[i].hi) return false;
  Rational gx = net_eval_exact(g, r.center)[0];
  if (gx >= 0) return false;
  // g(y) <= g(x) + ||G||_dual ||y - x|| for y in the leaf and the ball (the segment stays in the leaf).
  Rational s = 0;
  if (r.norm == "linf") { for (auto& m : mags) s += m; return gx + s * r.radius < 0; }
  if (r.norm == "l1") { for (auto& m : mags) if (m > s) s = m; return gx + s * r.radius < 0; }
  for (auto& m : mags) s += m * m;
  return gx * gx > s * r.radius * r.radius;
}

// Is the atom's upper bound on the leaf < 0? "I": interval propagation only;
// "M": also the mean-value and ball-margin forms; "S": also symbolic intervals.
bool atom_negative(const Problem& p, const Atom& atom, const std::vector<QInterval>& box, const std::string& token) {
  const Network& g = atom_network(p.net, atom);
  std::vector<QInterval> input;
  auto pre = exact_ibp(g, box, input);
  if (pre.back()[0].hi < 0) return true;
  if (token == "I") return false;
  if (token == "S" && exact_symbolic_upper(g, box) < 0) return true;
  std::vector<Rational> back = exact_gradient_magnitudes(g, box, pre, false);
  if (mean_value_negative(p, atom, box, back)) return true;
  std::vector<Rational> fwd = exact_gradient_magnitudes(g, box, pre, true);
  for (std::size_t i = 0; i < fwd.size(); ++i) if (back[i] < fwd[i]) fwd[i] = back[i];
  return mean_value_negative(p, atom, box, fwd);
}

bool leaf_safe(const Problem& p, const std::string& token, const std::vector<QInterval>& box) {
  if (token == "O") {
    if (!p.region.has_ball) return false;
    std::vector<Rational> gap;
    for (std::size_t i = 0; i < box.size(); ++i) {
      const Rational& c = p.region.center[i];
      gap.push_back(c < box[i].lo ? box[i].lo - c : (c > box[i].hi ? c - box[i].hi : Rational(0)));
    }
    return gauge(p.region.norm, gap) > gauge_radius(p.region);
  }
  for (const auto& conj : p.unsafe) {
    bool refuted = false;
    for (const Atom& a : conj) if ((refuted = atom_negative(p, a, box, token))) break;
    if (!refuted) return false;
  }
  return true;
}

// A number >= 0 from JSON that is exactly a double (an integer, or a dyadic
// "p/2^k"), so the value applied is the value written; nothing when it is
// negative, malformed or not a double. Any value >= 0 gives a valid bound.
std::optional<double> nonnegative_number(const Json& v) {
  try {
    Rational q = rational_from_json(v, "multiplier");
    double x;
    if (q < 0 || !rational_is_double(q, x)) return std::nullopt;
    return x;
  } catch (const InputError&) {
    return std::nullopt;
  }
}

// One conjunction's recorded relaxation: lambda (per atom), alpha numerators
// over 65536 (per hidden neuron, in [0, 65536]) and beta entries [k, j, value]
// on split neurons. Empty string when well-formed, else the reason.
std::string read_proof(const Json& proof, std::size_t atoms, const bounds::StateMatrix& states, std::vector<double>& lambda,
                       bounds::NeuronValues& alpha, bounds::NeuronValues& beta) {
  if (!proof.is_object() || !proof.contains("lambda") || !proof.contains("alpha") || !proof.contains("beta") || proof.size() != 3)
    return "a proof is {lambda, alpha, beta}";
  const Json &l = proof["lambda"], &a = proof["alpha"], &b = proof["beta"];
  if (!l.is_array() || l.size() != atoms) return "lambda needs one weight per atom of the conjunction";
  for (const Json& v : l) {
    auto x = nonnegative_number(v);
    if (!x) return "a lambda is not a number >= 0 that is exactly a double";
    lambda.push_back(*x);
  }
  if (!a.is_array() || a.size() != states.size()) return "alpha needs one list per hidden layer";
  for (std::size_t k = 0; k < states.size(); ++k) {
    if (!a[k].is_array() || a[k].size() != states[k].size()) return "alpha of layer " + std::to_string(k) + " has the wrong length";
    alpha.emplace_back();
    for (const Json& v : a[k]) {
      if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 65536) return "an alpha is not an integer in [0, 65536] (a slope in [0, 1])";
      alpha.back().push_back(static_cast<double>(v.get<long long>()) / 65536.0);
    }
    beta.emplace_back(states[k].size(), 0.0);
  }
  if (!b.is_array()) return "beta must be a list of [layer, neuron, value]";
  for (const Json& e : b) {
    if (!e.is_array() || e.size() != 3 || !e[0].is_number_unsigned() || !e[1].is_number_unsigned()) return "a beta entry is [layer, neuron, value]";
    std::size_t k = e[0].get<std::size_t>(), j = e[1].get<std::size_t>();
    if (k >= states.size() || j >= states[k].size() || states[k][j] == 0) return "a beta entry names a neuron that is not split";
    auto x = nonnegative_number(e[2]);
    if (!x) return "a beta is not a number >= 0 that is exactly a double";
    beta[k][j] = *x;
  }
  return "";
}

// A node's box in doubles, rounded outward.
void box_doubles(const std::vector<QInterval>& box, std::vector<double>& lo, std::vector<double>& hi) {
  lo.clear();
  hi.clear();
  for (const QInterval& q : box) {
    lo.push_back(DInterval::from_rational(q.lo).lo);
    hi.push_back(DInterval::from_rational(q.hi).hi);
  }
}

// A linear-relaxation leaf: the node (box and split states) holds no point
// (its bounds contradict the splits), or every conjunction has a recorded
// relaxation whose outward-rounded upper bound of lambda . atoms is < 0.
// `outer`: the parent node's bounds (nullptr at the root), `inherited` its
// layers taken as they are, see TreeCheck.
bool linear_leaf_safe(const Problem& p, const Json& proofs, const std::vector<QInterval>& box, const bounds::StateMatrix& states,
                      const bounds::PreBounds* outer, std::size_t inherited, std::string& why) {
  std::vector<double> lo, hi;
  box_doubles(box, lo, hi);
  bounds::PreBounds pb = bounds::preactivation_bounds<bounds::OutwardArith>(p.net, lo, hi, states, outer, inherited);
  if (pb.empty) return true;
  if (!proofs.is_array() || proofs.size() != p.unsafe.size()) { why = "it needs one proof per conjunction"; return false; }
  std::size_t first_row = 0;  // the conjunction's first row in all_atoms_network
  for (std::size_t c = 0; c < p.unsafe.size(); first_row += p.unsafe[c].size(), ++c) {
    std::vector<double> lambda;
    bounds::NeuronValues alpha, beta;
    why = read_proof(proofs[c], p.unsafe[c].size(), states, lambda, alpha, beta);
    if (!why.empty()) return false;
    // Canonical: a slope is written only where the relaxation may use it.
    for (std::size_t k = 0; k < alpha.size(); ++k)
      for (std::size_t j = 0; j < alpha[k].size(); ++j)
        if (alpha[k][j] != 0 && bounds::relu_gate(pb.lo[k][j], pb.hi[k][j], states[k][j]) != bounds::Gate::unstable) {
          why = "alpha of neuron [" + std::to_string(k) + ", " + std::to_string(j) + "] is not 0, but the neuron is not unstable on the node";
          return false;
        }
    if (p.unsafe[c].empty()) { why = "an empty conjunction cannot be refuted"; return false; }
    // lambda . (the conjunction's atoms); the other rows weigh 0, and a zero row adds nothing to any sum.
    const Network& atoms = all_atoms_network(p);
    std::vector<double> row(atoms.output_dim(), 0.0);
    std::copy(lambda.begin(), lambda.end(), row.begin() + static_cast<std::ptrdiff_t>(first_row));
    double upper = bounds::spec_upper<bounds::OutwardArith>(atoms, pb, states, row, &alpha, &beta);
    if (upper < 0) continue;
    // Outward rounding was not conclusive: the same relaxation in exact rationals.
    std::optional<Rational> exact = linear_spec_upper_exact(atoms, pb, states, row, alpha, beta);
    if (!exact || *exact >= 0) { why = "conjunction " + std::to_string(c) + " is not refuted (bound " + std::to_string(upper) + ")"; return false; }
  }
  return true;
}

// The pre-activation bounds of a node are inherited: each node's are
// computed from its box and split states intersected with its parent's
// (preactivation_bounds' `outer`), from the root down, as the search does.
// An inner node's bounds are computed only when a linear leaf below it needs
// them (a tree of "I", "M", "S" leaves needs none), once per node.
struct TreeCheck {
  const Problem& p;
  const Json& tree;
  std::size_t next = 0, leaves = 0;
  std::string failure;
  bounds::StateMatrix states;
  struct Frame {
    std::vector<double> lo, hi;
    bounds::StateMatrix states;
    std::size_t inherited;  // k + 1 when its parent split a ReLU of layer k, else 0
    std::optional<bounds::PreBounds> bounds;
  };
  std::vector<Frame> path;  // the inner nodes from the root to the current node

  // The current node's parent's bounds (nullptr at the root).
  const bounds::PreBounds* parent_bounds() {
    for (std::size_t i = 0; i < path.size(); ++i)
      if (!path[i].bounds)
        path[i].bounds = bounds::preactivation_bounds<bounds::OutwardArith>(p.net, path[i].lo, path[i].hi, path[i].states,
                                                                            i == 0 ? nullptr : &*path[i - 1].bounds, path[i].inherited);
    return path.empty() ? nullptr : &*path.back().bounds;
  }

  void enter(const std::vector<QInterval>& box, std::size_t inherited) {
    path.push_back(Frame{{}, {}, states, inherited, std::nullopt});
    box_doubles(box, path.back().lo, path.back().hi);
  }

  // The node at tree[next]; `inherited` as in Frame.
  bool walk(std::vector<QInterval>& box, std::size_t inherited = 0) {
    // The walk recurses once per level: 200 000 nested splits overflowed the
    // stack, and 4096 did in the sanitized build. Searches within their time
    // limits split far less deep (ACAS Xu: some hundreds of levels at most).
    constexpr std::size_t kMaxDepth = 2048;
    if (path.size() > kMaxDepth) { failure = "the tree is deeper than 2048 splits"; return false; }
    if (next >= tree.size()) { failure = "the tree ends early"; return false; }
    const Json& t = tree[next++];
    if (t.is_object() && t.size() == 1 && t.contains("linear")) {
      ++leaves;
      std::string why;
      if (linear_leaf_safe(p, t["linear"], box, states, parent_bounds(), inherited, why)) return true;
      failure = "leaf " + std::to_string(leaves) + " (linear) is not shown safe: " + why;
      return false;
    }
    if (t.is_object() && t.size() == 1 && t.contains("relu")) return walk_relu(box, t["relu"], inherited);
    if (t.is_string()) {
      std::string token = t.get<std::string>();
      if (token != "I" && token != "M" && token != "S" && token != "O") { failure = "unknown leaf '" + token + "'"; return false; }
      ++leaves;
      if (leaf_safe(p, token, box)) return true;
      failure = "leaf " + std::to_string(leaves) + " (" + token + ") is not shown safe";
      return false;
    }
    if (!t.is_number_integer() || t.get<long long>() < 0 || t.get<long long>() >= static_cast<long long>(box.size())) {
      failure = "entry " + std::to_string(next - 1) + " is neither a coordinate nor a leaf";
      return false;
    }
    std::size_t k = t.get<std::size_t>();
    if (!(box[k].hi > box[k].lo)) { failure = "entry " + std::to_string(next - 1) + " splits a coordinate of width 0"; return false; }
    QInterval whole = box[k];
    Rational mid = (whole.lo + whole.hi) / 2;
    enter(box, inherited);
    box[k] = {whole.lo, mid};
    bool ok = walk(box);
    box[k] = {mid, whole.hi};
    ok = ok && walk(box);
    box[k] = whole;
    path.pop_back();
    return ok;
  }

  // {"relu": [k, j]}: the node's region is cut by z_{k,j} <= 0 (first child) and z_{k,j} >= 0 (second).
  bool walk_relu(std::vector<QInterval>& box, const Json& neuron, std::size_t inherited) {
    if (!neuron.is_array() || neuron.size() != 2 || !neuron[0].is_number_unsigned() || !neuron[1].is_number_unsigned() ||
        neuron[0].get<std::size_t>() >= states.size() || neuron[1].get<std::size_t>() >= states[neuron[0].get<std::size_t>()].size()) {
      failure = "entry " + std::to_string(next - 1) + " names no hidden neuron [layer, neuron]";
      return false;
    }
    std::size_t k = neuron[0].get<std::size_t>(), j = neuron[1].get<std::size_t>();
    if (states[k][j] != 0) { failure = "entry " + std::to_string(next - 1) + " splits a neuron already split"; return false; }
    enter(box, inherited);
    states[k][j] = -1;
    bool ok = walk(box, k + 1);
    states[k][j] = 1;
    ok = ok && walk(box, k + 1);
    states[k][j] = 0;
    path.pop_back();
    return ok;
  }
};

void read_region(Problem& p, const Json& par, const std::string& where);

Problem problem_from_claim(const Json& claim, const ClaimContext& ctx) {
  const std::string where = ctx.claim_path.empty() ? "claim" : ctx.claim_path;
  if (!claim.contains("parameters") || !claim["parameters"].is_object()) throw InputError(where, "missing \"parameters\"");
  const Json& par = claim["parameters"];
  if (!par.contains("model") || !par["model"].is_string()) throw InputError(where, "parameters.model must be a path");
  // "normalized" says which network form the ReLU splits and bounds refer to:
  // a .nnet's raw weights in normalized units, or (default) the network with
  // its input clamp and (de)normalization folded into the first and last layers.
  if (par.contains("normalized") && !par["normalized"].is_boolean()) throw InputError(where, "parameters.normalized must be true or false");
  LoadOptions load;
  load.nnet_normalized = par.value("normalized", false);
  Problem p{network_load(claim_resolve_path(par["model"].get<std::string>(), ctx, "parameters.model"), load), {}, {}, {}};
  read_region(p, par, where);
  return p;
}

// Reads the region and unsafe set of `par` into p, over p.net, already
// loaded from par.model (a claim of several cases loads it once).
void read_region(Problem& p, const Json& par, const std::string& where) {
  p.region = Region{};
  p.unsafe.clear();
  p.atoms_net.reset();
  const std::size_t d = p.net.input_dim, n = p.net.output_dim();
  if (par.contains("input")) {
    json_require_only(par, {"model", "normalized", "input", "radius", "norm", "label"}, where, "parameters (a ball)");
    Region& r = p.region;
    r.has_ball = true;
    r.center = rational_vector_from_json(par["input"], where + ": parameters.input");
    r.radius = rational_from_json(par.at("radius"), where + ": parameters.radius");
    r.norm = par.at("norm").get<std::string>();
    if (r.norm != "linf" && r.norm != "l2" && r.norm != "l1") throw InputError(where, "unknown norm '" + r.norm + "'");
    if (r.center.size() != d || r.radius < 0) throw InputError(where, "the input or the radius does not fit the network");
    for (const Rational& c : r.center) { r.lo.push_back(c - r.radius); r.hi.push_back(c + r.radius); }
    std::size_t label = par.at("label").get<std::size_t>();
    if (label >= n) throw InputError(where, "label out of range");
    for (std::size_t j = 0; j < n; ++j) {
      if (j == label) continue;
      std::vector<Rational> a(n, Rational(0));
      a[j] = 1;
      a[label] = -1;
      p.unsafe.push_back({Atom{false, a, 0, nullptr}});
    }
    return;
  }
  json_require_only(par, {"model", "normalized", "box", "unsafe"}, where, "parameters (a box)");
  json_require_only(par.at("box"), {"lo", "hi"}, where, "parameters.box");
  // An empty list is the empty unsafe region (a property with no output constraint), which holds.
  if (!par.at("unsafe").is_array()) throw InputError(where, "parameters.unsafe must be a list of conjunctions");
  p.region.lo = rational_vector_from_json(par.at("box").at("lo"), where + ": parameters.box.lo");
  p.region.hi = rational_vector_from_json(par.at("box").at("hi"), where + ": parameters.box.hi");
  if (p.region.lo.size() != d || p.region.hi.size() != d) throw InputError(where, "the box does not fit the network");
  for (std::size_t i = 0; i < d; ++i) if (p.region.lo[i] > p.region.hi[i]) throw InputError(where, "the box is empty");
  for (const Json& conj : par.at("unsafe")) {
    if (!conj.is_array() || conj.empty()) throw InputError(where, "each conjunction of parameters.unsafe is a non-empty list of atoms");
    std::vector<Atom> atoms;
    for (const Json& a : conj) {
      json_require_only(a, {"coefficients", "constant", "strict"}, where, "an atom of parameters.unsafe");
      if (a.contains("strict") && !a["strict"].is_boolean()) throw InputError(where, "an atom's strict must be true or false");
      std::vector<Rational> coef = rational_vector_from_json(a.at("coefficients"), where + ": coefficients");
      if (coef.size() != n) throw InputError(where, "an atom does not fit the network's outputs");
      Rational b = rational_from_json(a.at("constant"), where + ": constant");
      atoms.push_back(Atom{a.value("strict", false), coef, b, nullptr});
    }
    p.unsafe.push_back(std::move(atoms));
  }
}

ClaimOutcome check_counterexample(const Problem& p, const Json& point_json, const Json& output_json, const std::string& where) {
  std::vector<Rational> y = rational_vector_from_json(point_json, where + ": counterexample");
  if (y.size() != p.net.input_dim) return {ClaimVerdict::Rejected, "the counterexample has the wrong dimension"};
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] < p.region.lo[i] || y[i] > p.region.hi[i])
      return {ClaimVerdict::Rejected, "the counterexample leaves the box at coordinate " + std::to_string(i)};
  if (p.region.has_ball) {
    std::vector<Rational> dvec;
    for (std::size_t i = 0; i < y.size(); ++i) dvec.push_back(y[i] - p.region.center[i]);
    if (gauge(p.region.norm, dvec) > gauge_radius(p.region)) return {ClaimVerdict::Rejected, "the counterexample lies outside the ball"};
  }
  std::vector<Rational> out = net_eval_exact(p.net, y);
  if (rational_vector_from_json(output_json, where + ": output") != out)
    return {ClaimVerdict::Rejected, "the stated output is not the exact output at the counterexample"};
  for (std::size_t c = 0; c < p.unsafe.size(); ++c) {
    bool all = true;
    for (const Atom& a : p.unsafe[c]) {
      Rational v = a.constant;
      for (std::size_t j = 0; j < out.size(); ++j) v += a.coefficients[j] * out[j];
      all = all && (a.strict ? v > 0 : v >= 0);
    }
    if (all)
      return {ClaimVerdict::Violated, "the counterexample is in the region and its exact output meets unsafe conjunction " + std::to_string(c)};
  }
  return {ClaimVerdict::Rejected, "the counterexample's exact output is safe"};
}

ClaimOutcome verify_robustness(const Json& claim, const ClaimContext& ctx);
ClaimOutcome verify_certificate(const Problem& p, const Json& claim, const std::string& where);
// verify_certificate, with a malformed certificate member a "rejected".
ClaimOutcome verify_case(const Problem& p, const Json& claim, const std::string& where);

// The claim restricted to case k of parameters.cases, with certificate `cert`.
Json case_claim(const Json& claim, std::size_t k, const Json& cert) {
  Json one = claim;
  Json par = claim["parameters"]["cases"][k];
  par["model"] = claim["parameters"]["model"];
  if (claim["parameters"].contains("normalized")) par["normalized"] = claim["parameters"]["normalized"];
  one["parameters"] = par;
  one["certificate"] = cert;
  return one;
}

// Several input boxes: a counterexample of any case is one of the claim; the
// claim holds when every case's own certificate shows it holds. Malformed
// cases are an "error" (parameters), a failing certificate "rejected".
ClaimOutcome verify_cases(const Json& claim, const ClaimContext& ctx) {
  const std::string where = ctx.claim_path.empty() ? "claim" : ctx.claim_path;
  const Json& cases = claim["parameters"]["cases"];
  if (!cases.is_array() || cases.empty()) throw InputError(where, "parameters.cases must be a non-empty list");
  json_require_only(claim["parameters"], {"model", "normalized", "cases"}, where, "parameters (several cases)");
  // Every case is read before any certificate: a malformed one is an error
  // even after a refuted case. The network is loaded once, with the first,
  // and one Problem serves every case in turn (a copy of the network per
  // case would multiply the check's memory by the number of cases).
  Problem p;
  std::vector<std::pair<Region, std::vector<std::vector<Atom>>>> regions;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    json_require_only(cases[k], {"box", "unsafe"}, where, "each of parameters.cases, {box, unsafe},");
    try {
      const Json one = case_claim(claim, k, Json());
      if (k == 0) p = problem_from_claim(one, ctx);
      else read_region(p, one["parameters"], where);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(where, "parameters.cases[" + std::to_string(k) + "]: " + e.what());
    }
    regions.emplace_back(std::move(p.region), std::move(p.unsafe));
  }
  const auto verify_case_k = [&](std::size_t k, const Json& case_cert) {
    p.region = regions[k].first;
    p.unsafe = regions[k].second;
    p.atoms_net.reset();
    return verify_case(p, case_claim(claim, k, case_cert), where);
  };
  if (!claim.contains("certificate") || !claim["certificate"].is_object()) return {ClaimVerdict::Rejected, "no certificate"};
  const Json& cert = claim["certificate"];
  if (cert.contains("counterexample")) {
    std::string last;
    for (std::size_t k = 0; k < cases.size(); ++k) {
      ClaimOutcome o = verify_case_k(k, cert);
      if (o.verdict == ClaimVerdict::Violated) return {ClaimVerdict::Violated, "case " + std::to_string(k) + ": " + o.detail};
      last = o.detail;
    }
    return {ClaimVerdict::Rejected, "the counterexample refutes no case (" + last + ")"};
  }
  if (cert.size() != 2 || cert.value("method", Json()) != "cases" || !cert.contains("cases") || !cert["cases"].is_array() ||
      cert["cases"].size() != cases.size())
    return {ClaimVerdict::Rejected, "a certificate for several cases is {method: cases, cases: [one per case]}"};
  std::size_t leaves = 0;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    ClaimOutcome o = verify_case_k(k, cert["cases"][k]);
    if (o.verdict != ClaimVerdict::Holds) return {ClaimVerdict::Rejected, "case " + std::to_string(k) + ": " + o.detail};
    const Json& case_leaves = cert["cases"][k].value("leaves", Json(0));
    if (!case_leaves.is_number_unsigned()) return {ClaimVerdict::Rejected, "case " + std::to_string(k) + ": leaves must be a count"};
    leaves += case_leaves.get<std::size_t>();
  }
  return {ClaimVerdict::Holds, "each of the " + std::to_string(cases.size()) + " cases holds (" + std::to_string(leaves) + " leaves in all)"};
}

// The parameters first: what cannot be read there is an "error"; then the
// certificate, where any failure to read it is a "rejected" (claim.hpp).
ClaimOutcome verify_robustness(const Json& claim, const ClaimContext& ctx) {
  const std::string where = ctx.claim_path.empty() ? "claim" : ctx.claim_path;
  if (claim.contains("parameters") && claim["parameters"].is_object() && claim["parameters"].contains("cases"))
    return verify_cases(claim, ctx);
  Problem p;
  try {
    p = problem_from_claim(claim, ctx);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("parameters: ") + e.what());
  }
  return verify_case(p, claim, where);
}

ClaimOutcome verify_case(const Problem& p, const Json& claim, const std::string& where) {
  try {
    return verify_certificate(p, claim, where);
  } catch (const std::exception& e) {  // a malformed certificate member
    return {ClaimVerdict::Rejected, e.what()};
  }
}

ClaimOutcome verify_certificate(const Problem& p, const Json& claim, const std::string& where) {
  if (!claim.contains("certificate") || !claim["certificate"].is_object()) return {ClaimVerdict::Rejected, "no certificate"};
  const Json& cert = claim["certificate"];
  if (cert.contains("counterexample")) {
    if (cert.size() != 2 || !cert.contains("output")) return {ClaimVerdict::Rejected, "a counterexample certificate is {counterexample, output}"};
    return check_counterexample(p, cert["counterexample"], cert["output"], where);
  }
  if (!cert.contains("tree") || !cert["tree"].is_array()) return {ClaimVerdict::Rejected, "the certificate has neither a tree nor a counterexample"};
  if (cert.size() != 3 || cert.value("method", Json()) != "box-partition" || !cert.contains("leaves") || !cert["leaves"].is_number_unsigned())
    return {ClaimVerdict::Rejected, "a partition certificate is {method: box-partition, tree, leaves}"};
  std::vector<QInterval> box;
  for (std::size_t i = 0; i < p.region.lo.size(); ++i) box.push_back({p.region.lo[i], p.region.hi[i]});
  TreeCheck t{p, cert["tree"], 0, 0, "", bounds::free_states(p.net), {}};
  if (!t.walk(box)) return {ClaimVerdict::Rejected, "box partition: " + t.failure};
  if (t.next != t.tree.size()) return {ClaimVerdict::Rejected, "box partition: entries left after the last leaf"};
  if (cert["leaves"].get<std::size_t>() != t.leaves) return {ClaimVerdict::Rejected, "box partition: 'leaves' differs from the tree's leaf count"};
  return {ClaimVerdict::Holds,
          "every one of the " + std::to_string(t.leaves) + " leaves of the box partition is safe (exact rational interval arithmetic)"};
}

const ClaimKindRegistrar reg("robustness", verify_robustness);

}  // namespace
}  // namespace rl
