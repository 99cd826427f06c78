#include "cert/cert_lipschitz.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "arith/error.hpp"
#include "bounds/linear_bounds.hpp"
#include "cert/cert_lipsdp.hpp"
#include "cert/relu_enclosure.hpp"
#include "cert/claim_path.hpp"
#include "cert/producer_api.hpp"
#include "io/json_exact.hpp"
#include "net/eval_exact.hpp"
#include "net/load.hpp"

namespace rl {
namespace {

struct Rejected {
  std::string reason;
};


constexpr unsigned kLowerGridBits = 64;

// The grid of the canonical upper: binary floats with 53-bit significands
// and any exponent, m 2^e with 2^52 <= m < 2^53 (the doubles, without their
// exponent range). grid_below(u) is the largest grid value below u, for u > 0
// on the grid; exact integer arithmetic, no floating point.
Rational grid_below(const Rational& u) {
  if (u <= 0) throw Rejected{"the upper bound must be positive here"};
  Integer num = boost::multiprecision::numerator(u), den = boost::multiprecision::denominator(u);
  if ((den & (den - 1)) != 0) throw Rejected{"the upper bound is not on the 53-bit grid (denominator not a power of two)"};
  using boost::multiprecision::lsb;
  using boost::multiprecision::msb;
  // u = num 2^-scale; shifts by bit counts, so huge literals cost one pass.
  long scale = static_cast<long>(msb(den));
  const long bits = static_cast<long>(msb(num)) + 1;
  if (bits - static_cast<long>(lsb(num)) > 53) throw Rejected{"the upper bound is not on the 53-bit grid (more than 53 significant bits)"};
  if (bits > 53) num >>= static_cast<unsigned long>(bits - 53);
  else num <<= static_cast<unsigned long>(53 - bits);
  scale += 53 - bits;
  const Integer two53 = Integer(1) << 53, two52 = Integer(1) << 52;
  if (num == two52) return Rational(two53 - 1) / rational_pow2(scale + 1);
  return Rational(num - 1) / rational_pow2(scale);
}

struct Problem {
  Network g;  // clamp-free
  OperatorNorm norm;
  bool unbounded = false;
  std::vector<Rational> lo, hi;
  std::vector<bool> free;
};

const Json& member(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw Rejected{std::string("missing '") + key + "'"};
  return j.at(key);
}

Rational number(const Json& j, const std::string& where) {
  try { return rational_from_json(j, where); } catch (const InputError& e) { throw Rejected{e.what()}; }
}

OperatorNorm norm_parse(const std::string& norm) {
  if (norm == "l1") return OperatorNorm::L1;
  if (norm == "l2") return OperatorNorm::L2;
  if (norm == "linf") return OperatorNorm::Linf;
  throw Rejected{"unknown norm '" + norm + "'"};
}

// A two-element array; checked before indexing (indexing a const Json out of range is undefined).
const Json& pair_member(const Json& v, std::size_t i, const char* what) {
  if (!v.is_array() || v.size() != 2) throw Rejected{std::string(what) + " must be a pair [a, b]"};
  return v[i];
}

std::size_t output_index(const Json& j) {
  if (const auto index = json_nonnegative_integer(j)) return static_cast<std::size_t>(*index);
  throw Rejected{"output: an output index must be an integer >= 0"};
}

// The output the claim is about: every output (absent or null), one
// ({"index": i}) or a difference ({"difference": [i, j]}); anything else is
// refused, since reading it as "every output" would check another claim.
Network select_claimed_output(Network net, const Json& params) {
  if (!params.contains("output") || params["output"].is_null()) return net;
  const Json& out = params["output"];
  if (out.is_object() && out.size() == 1 && out.contains("index")) return network_select_outputs(net, {output_index(out["index"])});
  if (out.is_object() && out.size() == 1 && out.contains("difference"))
    return network_output_difference(net, output_index(pair_member(out["difference"], 0, "output.difference")),
                                     output_index(pair_member(out["difference"], 1, "output.difference")));
  throw Rejected{"output must be null, {\"index\": i} or {\"difference\": [i, j]}"};
}

// The domain: exactly {"global": true} or {"box": [[lo, hi], ...]}.
bool domain_is_global(const Json& dom) {
  const bool global = dom.is_object() && dom.size() == 1 && dom.contains("global");
  if (global && !(dom["global"].is_boolean() && dom["global"].get<bool>())) throw Rejected{"domain: global must be true"};
  if (!global && !(dom.is_object() && dom.size() == 1 && dom.contains("box")))
    throw Rejected{"domain must be {\"global\": true} or {\"box\": [[lo, hi], ...]}"};
  return global;
}

const std::string& text_member(const Json& j, const char* key) {
  const Json& v = member(j, key);
  if (!v.is_string()) throw Rejected{std::string(key) + " must be a string"};
  return v.get_ref<const std::string&>();
}

Problem load_problem(const Json& params, const ClaimContext& ctx) {
  if (std::optional<std::string> key = json_unknown_member(params, {"network", "norm", "domain", "output", "normalized"}))
    throw Rejected{"unknown member '" + *key + "'"};
  LoadOptions lo;
  if (params.contains("normalized") && !params["normalized"].is_boolean()) throw Rejected{"normalized must be true or false"};
  lo.nnet_normalized = params.value("normalized", false);
  Network net = select_claimed_output(
      network_load(claim_resolve_path(text_member(params, "network"), ctx, "parameters.network"), lo), params);
  Problem p;
  p.norm = norm_parse(text_member(params, "norm"));
  const std::size_t d = net.input_dim;
  const Json& dom = member(params, "domain");
  if (domain_is_global(dom)) {
    if (net.clamp) { p.lo = net.clamp->lo; p.hi = net.clamp->hi; }
    else p.unbounded = true;
  } else {
    const Json& box = member(dom, "box");
    if (!box.is_array() || box.size() != d) throw Rejected{"the box needs one interval per input"};
    for (std::size_t i = 0; i < d; ++i) {
      Rational l = number(pair_member(box[i], 0, "box interval"), "box"), h = number(pair_member(box[i], 1, "box interval"), "box");
      if (l > h) throw Rejected{"box interval with lo > hi"};
      if (net.clamp) {
        const Rational &cl = net.clamp->lo[i], &ch = net.clamp->hi[i];
        if (h <= cl) l = h = cl;
        else if (l >= ch) l = h = ch;
        else { if (l < cl) l = cl; if (h > ch) h = ch; }
      }
      p.lo.push_back(l);
      p.hi.push_back(h);
    }
  }
  for (std::size_t i = 0; i < d; ++i) p.free.push_back(p.unbounded || p.lo[i] < p.hi[i]);
  net.clamp.reset();
  p.g = std::move(net);
  return p;
}

// ---- upper bound: leaves ---------------------------------------------------

RMatrix restrict_free(RMatrix j, const Problem& p) {
  for (auto& row : j)
    for (std::size_t c = 0; c < row.size(); ++c) if (!p.free[c]) row[c] = 0;
  return j;
}

// A pattern exclusion proved on a node's box (exclusion_check): no point of
// the node's boxes has an activation pattern that agrees with the key.
struct Exclusion {
  struct Key {
    std::size_t layer, neuron;
    int state;  // 1 active, 0 inactive
  };
  std::vector<Key> key;
  std::vector<Rational> y;
};

// Calls f on the states of every vertex pattern (each unstable neuron of s
// inactive or active) that no exclusion matches, while f returns true; false
// when f stopped it. An exclusion matches a pattern when the pattern agrees
// with its key on every key neuron (the stable ones agree, or it cannot match
// on this box).
template <class F>
bool vertex_patterns(const NeuronStates& s, const std::vector<Exclusion>& excluded, F&& f) {
  std::vector<std::pair<std::size_t, std::size_t>> unstable;
  std::vector<std::vector<int>> bit;
  for (std::size_t k = 0; k < s.size(); ++k) {
    bit.emplace_back(s[k].size(), -1);
    for (std::size_t i = 0; i < s[k].size(); ++i)
      if (s[k][i] == 2) { bit[k][i] = int(unstable.size()); unstable.emplace_back(k, i); }
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> masks;  // key bits, their states
  for (const Exclusion& e : excluded) {
    std::uint64_t mask = 0, value = 0;
    bool possible = true;
    for (const Exclusion::Key& t : e.key) {
      if (s[t.layer][t.neuron] != 2) { possible &= s[t.layer][t.neuron] == t.state; continue; }
      mask |= std::uint64_t(1) << bit[t.layer][t.neuron];
      if (t.state) value |= std::uint64_t(1) << bit[t.layer][t.neuron];
    }
    if (possible) masks.emplace_back(mask, value);
  }
  NeuronStates vertex = s;
  for (std::uint64_t bits = 0; bits < (std::uint64_t(1) << unstable.size()); ++bits) {
    if (std::any_of(masks.begin(), masks.end(), [&](const auto& m) { return (bits & m.first) == m.second; })) continue;
    for (std::size_t t = 0; t < unstable.size(); ++t) vertex[unstable[t].first][unstable[t].second] = int((bits >> t) & 1);
    if (!f(vertex)) return false;
  }
  return true;
}

// The exact Jacobian (free columns) of a vertex pattern (no unstable neuron).
RMatrix vertex_jacobian(const Problem& p, const NeuronStates& vertex) {
  ActivationPattern pat;
  for (const auto& layer : vertex) {
    pat.active.emplace_back();
    for (int x : layer) pat.active.back().push_back(x == 1);
  }
  return restrict_free(net_jacobian_exact(p.g, pat), p);
}

// Every vertex pattern that no exclusion matches: all Jacobian norms <= u.
// The outward product decides first; where it cannot, the exact one does, so
// the answer is the exact one's.
bool vertices_at_most(const Problem& p, const NeuronStates& s, const Rational& u, const std::vector<Exclusion>& excluded) {
  return vertex_patterns(s, excluded, [&](const NeuronStates& vertex) {
    const Verdict v = point_norm_decide(jacobian_enclosure_ends(p.g, vertex, p.free), p.norm, u);
    return v == Verdict::Inconclusive ? norm_at_most(vertex_jacobian(p, vertex), p.norm, u) : v == Verdict::Holds;
  });
}

// The Clarke test: the magnitude matrix of the exact interval Clarke
// enclosure has norm <= u. The double evaluation decides it unless its end
// points are too close to tell (relu_enclosure.hpp); then the exact
// evaluation does. A leaf's two enclosures are kept to test it at many values.
struct ClarkeEnclosure {
  Grid<EndEnclosures> ends;
  std::optional<RMatrix> magnitude;
};

bool clarke_at_most(const Problem& p, const NeuronStates& s, ClarkeEnclosure& e, const Rational& u) {
  const Verdict v = magnitude_norm_decide(e.ends, p.norm, u);
  if (v != Verdict::Inconclusive) return v == Verdict::Holds;
  if (!e.magnitude) e.magnitude = magnitude_matrix(jacobian_enclosure_exact(p.g, s, p.free));
  return norm_at_most(*e.magnitude, p.norm, u);
}

ClarkeEnclosure clarke_enclosure(const Problem& p, const NeuronStates& s) {
  return {jacobian_enclosure_ends(p.g, s, p.free), std::nullopt};
}

std::size_t unstable_count(const NeuronStates& s) {
  std::size_t unstable = 0;
  for (const auto& layer : s) for (int x : layer) unstable += x == 2;
  return unstable;
}

// With at most 16 unstable neurons the vertex test, else the Clarke test.
// The Clarke enclosure contains every vertex Jacobian, so when it passes the
// vertex test passes too: trying it first changes no answer, only the time.
bool leaf_at_most(const Problem& p, const NeuronStates& s, ClarkeEnclosure& clarke, const Rational& u,
                  const std::vector<Exclusion>& excluded) {
  if (clarke_at_most(p, s, clarke, u)) return true;
  return unstable_count(s) <= 16 && vertices_at_most(p, s, u, excluded);
}

// A leaf's part of the claim: its test passes at the upper and, for the
// argmax leaf, fails at the grid value just below.
void leaf_check(const Problem& p, const NeuronStates& s, const Rational& upper, bool argmax, const std::string& leaf,
                const std::vector<Exclusion>& excluded = {}) {
  ClarkeEnclosure clarke = clarke_enclosure(p, s);
  if (!leaf_at_most(p, s, clarke, upper, excluded)) throw Rejected{leaf + ": a Jacobian norm exceeds the claimed upper"};
  if (argmax && leaf_at_most(p, s, clarke, grid_below(upper), excluded))
    throw Rejected{"the upper is not the least grid value that bounds " + leaf};
}

std::string leaf_name(std::size_t leaf) { return "leaf " + std::to_string(leaf); }

// Exact symbolic propagation: linear forms lo(x) <= value <= up(x) on the box,
// ReLU of an unstable neuron relaxed by the chord above (relu(t) <=
// u (t - l) / (u - l) on [l, u]) and by 0 or the identity below.
struct LinearForm {
  std::vector<Rational> coef;
  Rational c;
};

Rational form_extreme(const LinearForm& f, const std::vector<RInterval>& box, bool max) {
  Rational s = f.c;
  for (std::size_t k = 0; k < f.coef.size(); ++k)
    if (f.coef[k] != 0) s += f.coef[k] * ((f.coef[k] > 0) == max ? box[k].hi : box[k].lo);
  return s;
}

void tighten_symbolic(const Problem& p, const std::vector<RInterval>& box, std::vector<std::vector<RInterval>>& pre) {
  const std::size_t d = box.size();
  std::vector<LinearForm> lo(d), up(d);
  for (std::size_t i = 0; i < d; ++i) {
    lo[i].coef.assign(d, Rational(0));
    lo[i].coef[i] = 1;
    up[i] = lo[i];
  }
  for (std::size_t k = 0; k + 1 < p.g.layers.size(); ++k) {
    const Layer& l = p.g.layers[k];
    std::vector<LinearForm> zlo, zup;
    for (std::size_t j = 0; j < l.out_dim(); ++j) {
      LinearForm a{std::vector<Rational>(d, Rational(0)), l.bias[j]}, b = a;
      for (std::size_t i = 0; i < l.in_dim(); ++i) {
        const Rational& w = l.weights[j][i];
        if (w == 0) continue;
        const LinearForm& hu = w > 0 ? up[i] : lo[i];
        const LinearForm& hl = w > 0 ? lo[i] : up[i];
        for (std::size_t t = 0; t < d; ++t) { a.coef[t] += w * hu.coef[t]; b.coef[t] += w * hl.coef[t]; }
        a.c += w * hu.c;
        b.c += w * hl.c;
      }
      RInterval& z = pre[k][j];
      Rational zl = form_extreme(b, box, false), zu = form_extreme(a, box, true);
      if (zl > z.lo) z.lo = zl;
      if (zu < z.hi) z.hi = zu;
      zup.push_back(std::move(a));
      zlo.push_back(std::move(b));
    }
    for (std::size_t j = 0; j < l.out_dim(); ++j) {
      const RInterval& z = pre[k][j];
      if (z.lo >= 0) continue;
      LinearForm zero{std::vector<Rational>(d, Rational(0)), Rational(0)};
      if (z.hi <= 0) { zlo[j] = zero; zup[j] = zero; continue; }
      Rational ul = form_extreme(zup[j], box, false), uu = form_extreme(zup[j], box, true);
      if (ul < 0) {
        const Rational lambda = uu / (uu - ul);  // the chord
        for (Rational& c : zup[j].coef) c *= lambda;
        zup[j].c = lambda * (zup[j].c - ul);
      }
      Rational ll = form_extreme(zlo[j], box, false), lu = form_extreme(zlo[j], box, true);
      if (ll < 0 && !(lu > -ll)) zlo[j] = zero;
    }
    lo = std::move(zlo);
    up = std::move(zup);
  }
}

NeuronStates states_on_box(const Problem& p, const std::vector<RInterval>& box, bool symbolic) {
  if (!symbolic)
    if (std::optional<NeuronStates> s = preactivation_states_decide(p.g, box)) return *s;
  auto pre = preactivation_intervals_exact(p.g, box);
  if (symbolic) tighten_symbolic(p, box, pre);
  NeuronStates s;
  for (std::size_t k = 0; k + 1 < pre.size(); ++k) {
    s.emplace_back();
    for (const RInterval& z : pre[k]) s.back().push_back(z.lo >= 0 ? 1 : (z.hi <= 0 ? 0 : 2));
  }
  return s;
}

// The pre-activation bounds of every hidden layer on the box that the
// box-activation leaves start from: the bounds core the robustness checker
// uses (bounds::preactivation_bounds, outward-rounded interval propagation
// tightened by back-substitution, no split) on the box rounded outward; when
// any bound overflows, exact interval propagation for all.
std::vector<std::vector<RInterval>> box_root_bounds(const Problem& p, const std::vector<RInterval>& box) {
  std::vector<double> lo, hi;
  for (const RInterval& b : box) {
    lo.push_back(DInterval::from_rational(b.lo).lo);
    hi.push_back(DInterval::from_rational(b.hi).hi);
  }
  const bounds::PreBounds pb = bounds::preactivation_bounds<bounds::OutwardArith>(p.g, lo, hi, bounds::free_states(p.g));
  std::vector<std::vector<RInterval>> root;
  for (std::size_t k = 0; k < pb.lo.size(); ++k) {
    root.emplace_back();
    for (std::size_t j = 0; j < pb.lo[k].size(); ++j) {
      if (!std::isfinite(pb.lo[k][j]) || !std::isfinite(pb.hi[k][j])) {
        auto exact = preactivation_intervals_exact(p.g, box);
        exact.pop_back();
        return exact;
      }
      root.back().push_back({rational_from_double(pb.lo[k][j]), rational_from_double(pb.hi[k][j])});
    }
  }
  return root;
}

// ---- upper bound: pattern exclusions ---------------------------------------

Exclusion exclusion_parse(const Json& j, const Problem& p) {
  if (!j.is_object() || j.size() != 2 || !j.contains("key") || !j.contains("y")) throw Rejected{"an exclusion is {key, y}"};
  const Json &key = j["key"], &y = j["y"];
  if (!key.is_array() || !y.is_array() || key.empty() || key.size() != y.size())
    throw Rejected{"an exclusion needs a non-empty key and one multiplier per key neuron"};
  Exclusion e;
  std::set<std::pair<std::size_t, std::size_t>> seen;
  for (std::size_t t = 0; t < key.size(); ++t) {
    const Json& k = key[t];
    auto index = [](const Json& v) { return v.is_number_integer() && v.get<long long>() >= 0; };
    if (!k.is_array() || k.size() != 3 || !index(k[0]) || !index(k[1]) || !index(k[2]))
      throw Rejected{"an exclusion key entry is [layer, neuron, state]"};
    if (k[2].get<long long>() > 1) throw Rejected{"an exclusion key state is 0 or 1"};
    Exclusion::Key n{k[0].get<std::size_t>(), k[1].get<std::size_t>(), int(k[2].get<long long>())};
    if (n.layer + 1 >= p.g.layers.size() || n.neuron >= p.g.layers[n.layer].out_dim() || n.state > 1)
      throw Rejected{"an exclusion key entry names no hidden neuron or state"};
    if (!seen.insert({n.layer, n.neuron}).second) throw Rejected{"an exclusion key names a neuron twice"};
    Rational q = number(y[t], "exclusion multiplier");
    if (q < 0) throw Rejected{"a negative exclusion multiplier"};
    e.key.push_back(n);
    e.y.push_back(std::move(q));
  }
  return e;
}

// The proof of an exclusion on the box with states s. K is the deepest layer
// with a positive multiplier. Backward from those neurons, a pre-activation
// reads the previous layer's activations through its non-zero weights, and an
// active neuron's activation is its pre-activation: every neuron read must
// have a known state (in the key, or stable on the box), so on the points
// whose pattern agrees with the key each key pre-activation is one affine
// form z_t, with sigma_t z_t >= 0 there. The proof is max over the box of
// sum_t y_t sigma_t z_t < 0. Returns false, without a proof, when a stable
// neuron contradicts the key: then no pattern of the box or of its sub-boxes
// agrees with the key.
bool exclusion_check(const Problem& p, const std::vector<RInterval>& box, const NeuronStates& s, const Exclusion& e) {
  std::size_t deepest = 0;
  bool positive = false;
  for (std::size_t t = 0; t < e.key.size(); ++t) {
    const Exclusion::Key& n = e.key[t];
    if (s[n.layer][n.neuron] != 2 && s[n.layer][n.neuron] != n.state) return false;
    if (e.y[t] > 0) { positive = true; deepest = std::max(deepest, n.layer); }
  }
  if (!positive) throw Rejected{"an exclusion without a positive multiplier"};
  std::vector<std::vector<int>> state(deepest + 1);
  std::vector<std::vector<char>> pre(deepest + 1), act(deepest + 1);
  for (std::size_t k = 0; k <= deepest; ++k) {
    for (int x : s[k]) state[k].push_back(x == 2 ? -1 : x);
    pre[k].assign(s[k].size(), 0);
    act[k].assign(s[k].size(), 0);
  }
  for (std::size_t t = 0; t < e.key.size(); ++t) {
    const Exclusion::Key& n = e.key[t];
    if (n.layer > deepest) continue;
    state[n.layer][n.neuron] = n.state;
    if (e.y[t] > 0) pre[n.layer][n.neuron] = 1;
  }
  for (std::size_t k = deepest; k >= 1; --k) {
    const Layer& l = p.g.layers[k];
    for (std::size_t i = 0; i < l.out_dim(); ++i)
      if (pre[k][i])
        for (std::size_t j = 0; j < l.in_dim(); ++j) if (l.weights[i][j] != 0) act[k - 1][j] = 1;
    for (std::size_t j = 0; j < act[k - 1].size(); ++j) {
      if (!act[k - 1][j]) continue;
      if (state[k - 1][j] < 0) throw Rejected{"an exclusion leaves open a neuron its forms read"};
      if (state[k - 1][j] == 1) pre[k - 1][j] = 1;
    }
  }
  // Forward, exactly: the needed pre-activation forms; other activations are 0 (nothing reads them).
  const std::size_t d = p.g.input_dim;
  std::vector<LinearForm> in(d);
  for (std::size_t i = 0; i < d; ++i) {
    in[i].coef.assign(d, Rational(0));
    in[i].coef[i] = 1;
  }
  LinearForm sum{std::vector<Rational>(d, Rational(0)), Rational(0)};
  for (std::size_t k = 0; k <= deepest; ++k) {
    const Layer& l = p.g.layers[k];
    std::vector<LinearForm> out(l.out_dim(), LinearForm{std::vector<Rational>(d, Rational(0)), Rational(0)});
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      if (!pre[k][i]) continue;
      LinearForm& z = out[i];
      z.c = l.bias[i];
      for (std::size_t j = 0; j < l.in_dim(); ++j) {
        const Rational& w = l.weights[i][j];
        if (w == 0 || (k > 0 && !(act[k - 1][j] && state[k - 1][j] == 1))) continue;
        for (std::size_t t = 0; t < d; ++t) if (in[j].coef[t] != 0) z.coef[t] += w * in[j].coef[t];
        z.c += w * in[j].c;
      }
    }
    for (std::size_t t = 0; t < e.key.size(); ++t) {
      const Exclusion::Key& n = e.key[t];
      if (n.layer != k || e.y[t] == 0) continue;
      const Rational ys = n.state ? e.y[t] : -e.y[t];
      for (std::size_t c = 0; c < d; ++c) sum.coef[c] += ys * out[n.neuron].coef[c];
      sum.c += ys * out[n.neuron].c;
    }
    in = std::move(out);
  }
  if (form_extreme(sum, box, true) >= 0) throw Rejected{"an exclusion's combination is not negative on its box"};
  return true;
}

struct TreeWalk {
  const Problem& p;
  const Json& shape;
  const Rational& upper;
  bool symbolic;
  std::optional<std::size_t> argmax;  // this leaf must fail at the grid value below upper
  std::vector<NeuronStates>* leaves_out = nullptr;  // collects every leaf's states (producers)
  std::vector<std::vector<Exclusion>>* exclusions_out = nullptr;  // and the exclusions that apply to it
  std::size_t pos = 0, leaf = 0;
  std::vector<Exclusion> excluded = {};  // proved on the current node's box or an ancestor's

  // A node entry: its split coordinate (-1 for a leaf), or {"split": c,
  // "exclude": [...]} whose exclusions are proved on the node's box and hold
  // on all its descendants.
  int node_entry(const std::vector<RInterval>& box) {
    const Json& entry = shape[pos++];
    if (!entry.is_object()) return entry.get<int>();
    if (entry.size() != 2 || !entry.contains("split") || !entry.contains("exclude")) throw Rejected{"a tree node is c or {split, exclude}"};
    const Json& list = entry["exclude"];
    if (!list.is_array() || list.empty()) throw Rejected{"'exclude' must be a non-empty array"};
    const NeuronStates s = states_on_box(p, box, symbolic);
    for (const Json& j : list) {
      Exclusion e = exclusion_parse(j, p);
      if (exclusion_check(p, box, s, e)) excluded.push_back(std::move(e));
    }
    return entry["split"].get<int>();
  }

  void walk(std::vector<RInterval>& box, int depth) {
    if (pos >= shape.size()) throw Rejected{"the split tree ends early"};
    if (depth > 4000) throw Rejected{"the split tree is too deep"};
    const std::size_t inherited = excluded.size();
    int c = node_entry(box);
    if (c < 0) {
      if (c != -1) throw Rejected{"a tree entry below -1"};
      NeuronStates s = states_on_box(p, box, symbolic);
      if (leaves_out) {
        leaves_out->push_back(s);
        if (exclusions_out) exclusions_out->push_back(excluded);
      } else {
        leaf_check(p, s, upper, argmax == leaf, leaf_name(leaf), excluded);
      }
      ++leaf;
      excluded.resize(inherited);
      return;
    }
    if (std::size_t(c) >= box.size() || !p.free[c]) throw Rejected{"split on a fixed or missing coordinate"};
    RInterval whole = box[c];
    Rational mid = (whole.lo + whole.hi) / 2;
    box[c] = {whole.lo, mid};
    walk(box, depth + 1);
    box[c] = {mid, whole.hi};
    walk(box, depth + 1);
    box[c] = whole;
    excluded.resize(inherited);
  }
};

// One hidden layer on R^d: a preorder tree over the non-constant hidden
// neurons (in index order): "s" splits on the next neuron (inactive, then
// active), "l" is a complete pattern whose Jacobian norm must be <= its bound,
// {"farkas": y} discards the partial pattern: y >= 0, y != 0,
// sum y_t s_t w_t = 0 and sum y_t s_t b_t <= 0 (s_t = -1 inactive, +1 active)
// prove that no x has s_t (w_t . x + b_t) > 0 for every decided t.
struct RegionWalk {
  const Problem& p;
  const Json& shape;
  const Rational& upper;
  std::optional<std::size_t> argmax;  // this region must fail at the grid value below upper
  std::vector<RMatrix>* leaves_out = nullptr;  // collects every region's Jacobian (producers)
  std::vector<std::size_t> neurons;
  std::vector<int> signs;
  std::size_t pos = 0, leaf = 0;

  void walk() {
    if (pos >= shape.size()) throw Rejected{"the region tree ends early"};
    const Json& e = shape[pos++];
    const Layer& l = p.g.layers.front();
    if (e.is_string() && e.get<std::string>() == "s") {
      if (signs.size() >= neurons.size()) throw Rejected{"a split below a complete pattern"};
      for (int s : {-1, 1}) { signs.push_back(s); walk(); signs.pop_back(); }
      return;
    }
    if (e.is_string() && e.get<std::string>() == "l") {
      if (signs.size() != neurons.size()) throw Rejected{"a leaf with an incomplete pattern"};
      ActivationPattern pat;
      pat.active.emplace_back(l.out_dim(), 0);
      for (std::size_t t = 0; t < neurons.size(); ++t) pat.active[0][neurons[t]] = signs[t] > 0;
      RMatrix j = net_jacobian_exact(p.g, pat);
      if (leaves_out) { leaves_out->push_back(std::move(j)); return; }
      if (!norm_at_most(j, p.norm, upper)) throw Rejected{"a region's Jacobian norm exceeds the claimed upper"};
      if (argmax == leaf++ && norm_at_most(j, p.norm, grid_below(upper)))
        throw Rejected{"the upper is not the least grid value that bounds the argmax region"};
      return;
    }
    if (!e.is_object() || !e.contains("farkas")) throw Rejected{"unknown region tree entry"};
    const Json& y = e["farkas"];
    if (!y.is_array() || y.size() != signs.size()) throw Rejected{"a Motzkin certificate of the wrong length"};
    const std::size_t d = p.g.input_dim;
    std::vector<Rational> sum(d, Rational(0));
    Rational c = 0;
    bool nonzero = false;
    for (std::size_t t = 0; t < signs.size(); ++t) {
      Rational yt = number(y[t], "farkas");
      if (yt < 0) throw Rejected{"a negative Motzkin multiplier"};
      nonzero |= yt != 0;
      for (std::size_t k = 0; k < d; ++k) sum[k] += yt * signs[t] * l.weights[neurons[t]][k];
      c += yt * signs[t] * l.bias[neurons[t]];
    }
    if (!nonzero || c > 0) throw Rejected{"an invalid Motzkin certificate"};
    for (const Rational& v : sum) if (v != 0) throw Rejected{"an invalid Motzkin certificate"};
  }
};

// Several hidden layers on R^d: a preorder tree over partial activation
// patterns fixed layer by layer. [k, i] splits on hidden neuron i of hidden
// layer k (inactive child, then active child), which must be unfixed while
// every neuron of the layers before k is fixed; -1 is a leaf, whose vertex or
// Clarke test (leaf_at_most, unfixed neurons unstable) must pass at the upper;
// {"farkas": y} drops the node: one multiplier per fixed neuron in the order
// the path fixed them. Along the path each fixed neuron's pre-activation is an
// exact affine form z_t (the layers before it are fixed: an active neuron's
// activation is its form, an inactive one's is 0). The rows are sigma_t z_t > 0
// (sigma = +1 active, -1 inactive), except for an inactive neuron whose form is
// identically zero: a generic point (every pre-activation non-zero or zero
// nearby) whose effective pattern (active iff z > 0) agrees with the path
// satisfies every row strictly. The certificate: y >= 0, y = 0 off the rows,
// y != 0, sum y_t sigma_t a_t = 0 and sum y_t sigma_t c_t <= 0. Then the leaves
// hold every generic point, whose Jacobian is one of a leaf's vertices, and
// the constant is the supremum over generic points.
//
// On a box E with non-empty interior ("box-activation"), the generic points
// are those of E's interior (L over E is the supremum of ||J|| there, E being
// convex), and each satisfies the 2d box rows x_c - lo_c > 0, hi_c - x_c > 0
// as well: a Motzkin certificate carries one multiplier per fixed neuron and
// then two per coordinate (lo row, hi row). {"stable": [k, i, state]} fixes
// neuron i of layer k (unfixed, every layer before k fixed) with one child:
// state 1 needs min over E of its form > 0, state 0 needs max <= 0, so every
// generic point of the node agrees with the state (an inactive form that is
// identically zero has no row, as above). A leaf's unfixed neurons are
// unstable unless the exact ranges of layer k's forms over E (k the first
// layer with an unfixed neuron), interval propagation from there, and the
// root bounds of box_root_bounds (all intersected) prove them stable on the
// node.

// One layer's pre-activations along the fixed layers before it, as affine
// forms of the input (weights scaled by layer_scaled, net/network.hpp):
// neuron i is (coef[i] . x + c[i]) / q, q > 0.
struct LayerForms {
  Integer q = 1;
  Grid<Integer> coef;
  std::vector<Integer> c;

  bool zero(std::size_t i) const {
    return c[i] == 0 && std::all_of(coef[i].begin(), coef[i].end(), [](const Integer& v) { return v == 0; });
  }
  // The exact range of neuron i's form over the box.
  RInterval range(std::size_t i, const std::vector<RInterval>& box) const {
    Rational lo = Rational(c[i]), hi = lo;
    for (std::size_t k = 0; k < coef[i].size(); ++k) {
      if (coef[i][k] == 0) continue;
      const Rational w(coef[i][k]);
      lo += w * (coef[i][k] > 0 ? box[k].lo : box[k].hi);
      hi += w * (coef[i][k] > 0 ? box[k].hi : box[k].lo);
    }
    const Rational qr(q);
    return {lo / qr, hi / qr};
  }
};

// Layer k's forms from layer k - 1's (null for k = 0: the input itself) and
// its states (only active neurons pass their form on): with q' = D q E,
// coef'_i = E sum_j A_ij coef_j and c'_i = E sum_j A_ij c_j + B_i D q.
LayerForms next_layer_forms(const ScaledLayer& l, const LayerForms* prev, const std::vector<int>* prev_states, std::size_t d) {
  LayerForms f;
  const Integer q_prev = prev ? prev->q : Integer(1);
  f.q = l.d * q_prev * l.e;
  const Integer bias_scale = l.d * q_prev;
  for (std::size_t i = 0; i < l.a.size(); ++i) {
    std::vector<Integer> coef(d, Integer(0));
    Integer c = 0;
    for (std::size_t j = 0; j < l.a[i].size(); ++j) {
      const Integer& w = l.a[i][j];
      if (w == 0) continue;
      if (!prev) { coef[j] += w; continue; }
      if ((*prev_states)[j] != 1) continue;
      for (std::size_t col = 0; col < d; ++col) if (prev->coef[j][col] != 0) coef[col] += w * prev->coef[j][col];
      c += w * prev->c[j];
    }
    for (Integer& v : coef) v *= l.e;
    f.coef.push_back(std::move(coef));
    f.c.push_back(c * l.e + l.b[i] * bias_scale);
  }
  return f;
}

struct ActivationWalk {
  const Problem& p;
  const Json& shape;
  const Rational& upper;
  std::optional<std::size_t> argmax;
  bool boxed = false;
  std::vector<NeuronStates>* leaves_out = nullptr;  // collects every leaf's states (producers)
  NeuronStates s;
  std::vector<std::pair<std::size_t, std::size_t>> path;
  std::vector<std::shared_ptr<const ScaledLayer>> scaled;
  std::vector<LayerForms> forms;  // forms[k]: layer k's pre-activations, valid while layers < k stay fixed
  std::vector<char> forms_valid;
  std::vector<RInterval> box;                   // boxed: E
  std::vector<std::vector<RInterval>> root;     // boxed: box_root_bounds
  std::size_t pos = 0, leaf = 0;

  ActivationWalk(const Problem& problem, const Json& tree, const Rational& u, std::optional<std::size_t> a, bool on_box)
      : p(problem), shape(tree), upper(u), argmax(a), boxed(on_box) {
    if (!boxed && (!p.unbounded || p.g.layers.size() < 3))
      throw Rejected{"activation certificates need two or more hidden layers on R^d"};
    if (boxed) {
      if (p.unbounded || p.g.layers.size() < 2) throw Rejected{"box-activation certificates need a box and a hidden layer"};
      for (std::size_t c = 0; c < p.lo.size(); ++c) {
        if (!(p.lo[c] < p.hi[c])) throw Rejected{"box-activation certificates need every coordinate free (lo < hi)"};
        box.push_back({p.lo[c], p.hi[c]});
      }
      root = box_root_bounds(p, box);
    }
    for (std::size_t k = 0; k + 1 < p.g.layers.size(); ++k) {
      s.emplace_back(p.g.layers[k].out_dim(), 2);
      scaled.push_back(layer_scaled(p.g.layers[k]));
    }
    forms.resize(s.size());
    forms_valid.assign(s.size(), 0);
  }

  std::size_t current_layer() const {
    for (std::size_t k = 0; k < s.size(); ++k)
      for (int x : s[k]) if (x == 2) return k;
    return s.size();
  }

  // Layer k's forms from layer k - 1's forms and states (every layer before k fixed).
  void compute_forms(std::size_t k) {
    forms[k] = next_layer_forms(*scaled[k], k ? &forms[k - 1] : nullptr, k ? &s[k - 1] : nullptr, p.g.input_dim);
    forms_valid[k] = 1;
  }

  void farkas(const Json& y) {
    const std::size_t d = p.g.input_dim, rows = path.size() + (boxed ? 2 * d : 0);
    if (!y.is_array() || y.size() != rows)
      throw Rejected{boxed ? "a Motzkin certificate needs one multiplier per fixed neuron and two per coordinate"
                           : "a Motzkin certificate needs one multiplier per fixed neuron"};
    std::vector<Rational> sum(d, Rational(0));
    Rational c = 0;
    bool nonzero = false;
    // The neurons' rows, summed per layer over the layer's denominator q.
    std::vector<std::vector<Rational>> layer_sum(s.size(), std::vector<Rational>(d, Rational(0)));
    std::vector<Rational> layer_c(s.size(), Rational(0));
    std::vector<char> used(s.size(), 0);
    for (std::size_t col = 0; boxed && col < d; ++col)
      for (int side = 0; side < 2; ++side) {  // x_col - lo_col > 0, hi_col - x_col > 0
        const Rational yt = number(y[path.size() + 2 * col + std::size_t(side)], "farkas");
        if (yt < 0) throw Rejected{"a negative Motzkin multiplier"};
        if (yt == 0) continue;
        sum[col] += side ? Rational(-yt) : yt;
        c += side ? yt * p.hi[col] : Rational(-yt * p.lo[col]);
        nonzero = true;
      }
    for (std::size_t t = 0; t < path.size(); ++t) {
      const Rational yt = number(y[t], "farkas");
      if (yt < 0) throw Rejected{"a negative Motzkin multiplier"};
      if (yt == 0) continue;
      const auto& [k, i] = path[t];
      const LayerForms& z = forms[k];
      const bool active = s[k][i] == 1;
      if (z.zero(i) && !active) throw Rejected{"a Motzkin multiplier on an inactive neuron whose form is zero (no constraint)"};
      const Rational ys = active ? yt : -yt;
      for (std::size_t col = 0; col < d; ++col) if (z.coef[i][col] != 0) layer_sum[k][col] += ys * Rational(z.coef[i][col]);
      layer_c[k] += ys * Rational(z.c[i]);
      used[k] = 1;
      nonzero = true;
    }
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (!used[k]) continue;
      const Rational q(forms[k].q);
      for (std::size_t col = 0; col < d; ++col) sum[col] += layer_sum[k][col] / q;
      c += layer_c[k] / q;
    }
    if (!nonzero || c > 0) throw Rejected{"an invalid Motzkin certificate"};
    for (const Rational& v : sum) if (v != 0) throw Rejected{"an invalid Motzkin certificate"};
  }

  static RInterval meet(const RInterval& a, const RInterval& b) { return {std::max(a.lo, b.lo), std::min(a.hi, b.hi)}; }
  static RInterval relu(RInterval a) {
    if (a.lo < 0) a.lo = 0;
    if (a.hi < 0) a.hi = 0;
    return a;
  }

  // Boxed: the leaf's states with the unfixed neurons that the node's bounds prove stable (see above).
  NeuronStates leaf_states() {
    const std::size_t k = current_layer();
    if (!boxed || k == s.size()) return s;
    const bool computed = !forms_valid[k];
    if (computed) compute_forms(k);
    NeuronStates out = s;
    std::vector<RInterval> post(s[k].size(), RInterval{0, 0});
    for (std::size_t i = 0; i < s[k].size(); ++i) {
      const RInterval z = meet(forms[k].range(i, box), root[k][i]);
      if (s[k][i] == 2) out[k][i] = z.lo >= 0 ? 1 : (z.hi <= 0 ? 0 : 2);
      if (s[k][i] != 0) post[i] = relu(z);
    }
    if (computed) forms_valid[k] = 0;
    for (std::size_t m = k + 1; m < s.size(); ++m) {
      const Layer& l = p.g.layers[m];
      std::vector<RInterval> next;
      for (std::size_t i = 0; i < l.out_dim(); ++i) {
        RInterval v{l.bias[i], l.bias[i]};
        for (std::size_t j = 0; j < l.in_dim(); ++j) {
          const Rational& w = l.weights[i][j];
          if (w > 0) { v.lo += w * post[j].lo; v.hi += w * post[j].hi; }
          else if (w < 0) { v.lo += w * post[j].hi; v.hi += w * post[j].lo; }
        }
        const RInterval z = meet(v, root[m][i]);
        out[m][i] = z.lo >= 0 ? 1 : (z.hi <= 0 ? 0 : 2);
        next.push_back(relu(z));
      }
      post = std::move(next);
    }
    return out;
  }

  void leaf_entry() {
    const NeuronStates ls = leaf_states();
    if (leaves_out) { leaves_out->push_back(ls); return; }
    leaf_check(p, ls, upper, argmax == leaf, leaf_name(leaf));
    ++leaf;
  }

  // {"stable": [k, i, state]}: the state that the form's exact range over E proves (one child).
  template <class Index>
  void stable(const Json& e, const Index& index) {
    if (!boxed) throw Rejected{"a stable fix needs a box"};
    if (!e.is_array() || e.size() != 3 || !index(e[0]) || !index(e[1]) || !index(e[2]) || e[2].get<long long>() > 1)
      throw Rejected{"a stable fix is [layer, neuron, state]"};
    const std::size_t k = e[0].get<std::size_t>(), i = e[1].get<std::size_t>();
    const int state = int(e[2].get<long long>());
    if (k >= s.size() || i >= s[k].size() || s[k][i] != 2) throw Rejected{"a stable fix of a fixed or missing neuron"};
    if (current_layer() != k) throw Rejected{"a stable fix before the layers in front of it are fixed"};
    const bool computed = !forms_valid[k];
    if (computed) compute_forms(k);
    const RInterval r = forms[k].range(i, box);
    if (state == 1 ? !(r.lo > 0) : !(r.hi <= 0)) throw Rejected{"a stable fix that the form's range over the box does not prove"};
    s[k][i] = state;
    path.emplace_back(k, i);
    walk();
    path.pop_back();
    s[k][i] = 2;
    if (computed) forms_valid[k] = 0;
  }

  void walk() {
    if (pos >= shape.size()) throw Rejected{"the activation tree ends early"};
    const Json& e = shape[pos++];
    if (e.is_number_integer() && e.get<long long>() == -1) return leaf_entry();
    if (e.is_object() && e.size() == 1 && e.contains("farkas")) return farkas(e["farkas"]);
    auto index = [](const Json& v) { return v.is_number_integer() && v.get<long long>() >= 0; };
    if (e.is_object() && e.size() == 1 && e.contains("stable")) return stable(e["stable"], index);
    if (!e.is_array() || e.size() != 2 || !index(e[0]) || !index(e[1])) throw Rejected{"unknown activation tree entry"};
    const std::size_t k = e[0].get<std::size_t>(), i = e[1].get<std::size_t>();
    if (k >= s.size() || i >= s[k].size() || s[k][i] != 2) throw Rejected{"a split on a fixed or missing neuron"};
    if (current_layer() != k) throw Rejected{"a split before the layers in front of it are fixed"};
    const bool computed = !forms_valid[k];
    if (computed) compute_forms(k);
    for (int state : {0, 1}) {
      s[k][i] = state;
      path.emplace_back(k, i);
      walk();
      path.pop_back();
    }
    s[k][i] = 2;
    if (computed) forms_valid[k] = 0;
  }
};

void check_activation(const Problem& p, const Json& shape, const Rational& upper, std::optional<std::size_t> argmax, bool boxed) {
  ActivationWalk w(p, shape, upper, argmax, boxed);
  w.walk();
  if (w.pos != shape.size()) throw Rejected{"the activation tree has trailing entries"};
  if (argmax && *argmax >= w.leaf) throw Rejected{"'argmax_leaf' is not a leaf"};
}

RegionWalk region_walk(const Problem& p, const Json& shape, const Rational& upper, std::optional<std::size_t> argmax) {
  if (!p.unbounded || p.g.layers.size() != 2) throw Rejected{"region certificates need one hidden layer on R^d"};
  RegionWalk w{p, shape, upper, argmax, nullptr, {}, {}};
  const Layer& l = p.g.layers.front();
  for (std::size_t j = 0; j < l.out_dim(); ++j) {
    bool nonzero = false;
    for (const Rational& v : l.weights[j]) nonzero |= v != 0;
    if (nonzero) w.neurons.push_back(j);
  }
  return w;
}

void check_regions(const Problem& p, const Json& shape, const Rational& upper, std::optional<std::size_t> argmax) {
  RegionWalk w = region_walk(p, shape, upper, argmax);
  w.walk();
  if (w.pos != shape.size()) throw Rejected{"the region tree has trailing entries"};
  if (argmax && *argmax >= w.leaf) throw Rejected{"'argmax_leaf' is not a leaf"};
}

// The canonical upper (so that a certificate has one valid upper bound): 0,
// or a grid value that bounds every leaf while the one below it does not
// bound leaf `argmax_leaf` (preorder leaf index; the single leaf when there
// is one).
std::optional<std::size_t> argmax_leaf(const Json& cert, const Rational& upper) {
  if (upper == 0) {
    if (cert.contains("argmax_leaf")) throw Rejected{"an upper of 0 has no argmax leaf"};
    return std::nullopt;
  }
  if (cert.value("method", "") == "unbounded-all-unstable") return 0;
  const Json& a = member(cert, "argmax_leaf");
  if (!a.is_number_unsigned()) throw Rejected{"'argmax_leaf' must be a leaf index"};
  return a.get<std::size_t>();
}

// "lipsdp" (cert_lipsdp.hpp): the proof gives L^2 <= rho, and the upper is the
// least grid value whose square is >= rho (0 when rho <= 0).
void check_upper_lipsdp(const Problem& p, const Json& cert, const Rational& upper) {
  if (p.norm != OperatorNorm::L2) throw Rejected{"a LipSDP certificate bounds the l2 constant only"};
  Rational rho;
  try { rho = cert_lipsdp_check(p.g, p.unbounded, p.lo, p.hi, cert); } catch (const InputError& e) { throw Rejected{e.what()}; }
  if (rho <= 0) {
    if (upper != 0) throw Rejected{"the upper is not the least grid value whose square is >= rho"};
    return;
  }
  if (upper * upper < rho) throw Rejected{"upper^2 < rho: the upper is not proved"};
  const Rational below = grid_below(upper);
  if (below * below >= rho) throw Rejected{"the upper is not the least grid value whose square is >= rho"};
}

void check_upper(const Problem& p, const Json& cert, const Rational& upper) {
  const std::string method = member(cert, "method").get<std::string>();
  if (method == "lipsdp") {
    check_upper_lipsdp(p, cert, upper);
    return;
  }
  const Json& shape = member(cert, "tree");
  if (!shape.is_array()) throw Rejected{"'tree' must be an array"};
  const std::optional<std::size_t> argmax = argmax_leaf(cert, upper);
  if (method == "unbounded-all-unstable") {
    if (!p.unbounded) throw Rejected{"method needs an unbounded domain"};
    if (shape != Json::array({-1})) throw Rejected{"an unbounded certificate's tree is [-1]"};
    NeuronStates s;
    for (std::size_t k = 0; k + 1 < p.g.layers.size(); ++k) s.emplace_back(p.g.layers[k].out_dim(), 2);
    leaf_check(p, s, upper, argmax.has_value(), "the leaf");
    return;
  }
  if (method == "one-layer-regions") {
    check_regions(p, shape, upper, argmax);
    return;
  }
  if (method == "global-activation" || method == "box-activation") {
    check_activation(p, shape, upper, argmax, method == "box-activation");
    return;
  }
  if (method != "box-partition" || p.unbounded) throw Rejected{"unknown or inapplicable method '" + method + "'"};
  std::vector<RInterval> box;
  for (std::size_t i = 0; i < p.lo.size(); ++i) box.push_back({p.lo[i], p.hi[i]});
  const std::string bounds_kind = member(cert, "bounds").get<std::string>();
  if (bounds_kind != "interval" && bounds_kind != "symbolic") throw Rejected{"unknown 'bounds' '" + bounds_kind + "'"};
  TreeWalk t{p, shape, upper, bounds_kind == "symbolic", argmax};
  t.walk(box, 0);
  if (t.pos != shape.size()) throw Rejected{"the split tree has trailing entries"};
  if (argmax && *argmax >= t.leaf) throw Rejected{"'argmax_leaf' is not a leaf"};
}

// Every member is load-bearing: one the checker would not read is refused.
void check_members(const Json& cert, const Problem& p) {
  const std::string method = member(cert, "method").get<std::string>();
  std::set<std::string> allowed{"method", "norm", "lower", "upper", "tree", "witness"};
  if (method == "box-partition") allowed.insert("bounds");
  if (method != "unbounded-all-unstable") allowed.insert("argmax_leaf");
  if (method == "lipsdp") allowed = {"method", "norm", "lower", "upper", "witness", "rho", "t", "sigma", "scale", "R", "slopes"};
  if (std::optional<std::string> key = json_unknown_member(cert, allowed))
    throw Rejected{"unexpected member '" + *key + "' in the certificate"};
  if (!cert.contains("witness")) return;
  const Json& w = cert["witness"];
  const bool needs_vector = p.norm == OperatorNorm::L2 && p.g.output_dim() > 1 && p.g.input_dim > 1;
  if (!w.is_object() || !w.contains("point") || w.size() != (needs_vector ? 2u : 1u) || (needs_vector && !w.contains("vector")))
    throw Rejected{needs_vector ? "the witness is {point, vector}" : "the witness is {point}"};
}

// ---- lower bound: the witness ----------------------------------------------

// floor(sqrt(q) 2^64) / 2^64, exactly: floor(sqrt(x)) = floor(sqrt(floor(x))).
Rational sqrt_floor_grid(const Rational& q) {
  Integer scaled = rational_floor(q * rational_pow2(2 * kLowerGridBits));
  return Rational(boost::multiprecision::sqrt(scaled)) / rational_pow2(kLowerGridBits);
}

Rational witness_floor(const RMatrix& j, OperatorNorm norm, const std::vector<Rational>& v) {
  const std::size_t rows = j.size(), d = rows ? j[0].size() : 0;
  if (norm == OperatorNorm::L2) {
    Rational num = 0, den = 0;
    if (rows == 1 || d == 1) {
      for (const auto& row : j) for (const Rational& x : row) num += x * x;
      den = 1;
    } else {
      if (v.size() != d) throw Rejected{"the witness vector needs one coordinate per input"};
      for (const Rational& x : v) den += x * x;
      for (const auto& row : j) {
        Rational s = 0;
        for (std::size_t c = 0; c < d; ++c) s += row[c] * v[c];
        num += s * s;
      }
    }
    if (den == 0) throw Rejected{"the witness vector is zero"};
    return sqrt_floor_grid(num / den);
  }
  // ||J||: the largest row (linf) or column (l1) sum of absolute values.
  Rational best = 0;
  const std::size_t outer = norm == OperatorNorm::Linf ? rows : d, inner = norm == OperatorNorm::Linf ? d : rows;
  for (std::size_t a = 0; a < outer; ++a) {
    Rational s = 0;
    for (std::size_t b = 0; b < inner; ++b) s += rational_abs(norm == OperatorNorm::Linf ? j[a][b] : j[b][a]);
    best = std::max(best, s);
  }
  return rational_floor(best * rational_pow2(kLowerGridBits)) / rational_pow2(kLowerGridBits);
}

// The effective pattern at x (active iff the pre-activation is > 0) when x
// is generic: every hidden pre-activation is non-zero there, or zero together
// with its gradient along the pattern. Layer by layer, the pre-activations
// near x are then the affine forms whose values and gradients are propagated
// here (a zero one is identically zero near x, so its activation is 0 whether
// active or not), g is affine near x, and its Jacobian there is the
// pattern's. nullopt otherwise.
std::optional<ActivationPattern> generic_pattern(const Network& g, const std::vector<Rational>& x) {
  const std::size_t d = g.input_dim;
  std::vector<Rational> a = x;
  RMatrix grad(d, std::vector<Rational>(d, Rational(0)));
  for (std::size_t i = 0; i < d; ++i) grad[i][i] = 1;
  ActivationPattern pattern;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    const Layer& l = g.layers[k];
    std::vector<Rational> z(l.out_dim());
    RMatrix gz(l.out_dim(), std::vector<Rational>(d, Rational(0)));
    pattern.active.emplace_back(l.out_dim(), 0);
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      z[i] = l.bias[i];
      for (std::size_t j = 0; j < l.in_dim(); ++j) {
        const Rational& w = l.weights[i][j];
        if (w == 0) continue;
        z[i] += w * a[j];
        for (std::size_t c = 0; c < d; ++c) if (grad[j][c] != 0) gz[i][c] += w * grad[j][c];
      }
      if (z[i] > 0) { pattern.active[k][i] = 1; continue; }
      if (z[i] == 0)
        for (const Rational& v : gz[i]) if (v != 0) return std::nullopt;
      z[i] = 0;
      for (Rational& v : gz[i]) v = 0;
    }
    a = std::move(z);
    grad = std::move(gz);
  }
  return pattern;
}

// The claimed lower must be exactly the witness's canonical value (so that a
// certificate has one valid lower bound, and any other is refused).
void check_lower(const Problem& p, const Json& cert, const Rational& lower) {
  if (!cert.contains("witness")) {
    if (lower != 0) throw Rejected{"a lower bound other than 0 needs a witness"};
    return;
  }
  const Json& w = member(cert, "witness");
  const Json& pt = member(w, "point");
  const std::size_t d = p.g.input_dim;
  if (!pt.is_array() || pt.size() != d) throw Rejected{"the witness point needs one coordinate per input"};
  std::vector<Rational> x;
  for (std::size_t i = 0; i < d; ++i) {
    x.push_back(number(pt[i], "witness point"));
    if (!p.unbounded && (x[i] < p.lo[i] || x[i] > p.hi[i])) throw Rejected{"the witness point lies outside the domain"};
  }
  const std::optional<ActivationPattern> pattern = generic_pattern(p.g, x);
  if (!pattern) throw Rejected{"the witness point lies on a ReLU boundary"};
  std::vector<Rational> v;
  if (w.contains("vector")) {
    const Json& vj = w["vector"];
    if (!vj.is_array()) throw Rejected{"the witness vector must be an array"};
    for (const Json& e : vj) v.push_back(number(e, "witness vector"));
  }
  Rational canonical = witness_floor(restrict_free(net_jacobian_exact(p.g, *pattern), p), p.norm, v);
  if (lower > canonical) throw Rejected{"the witness does not reach the claimed lower bound"};
  if (lower != canonical) throw Rejected{"the claimed lower is not the witness's value " + rational_to_string(canonical)};
}

}  // namespace

namespace {

// The exact l1 (largest column sum) or linf (largest row sum) norm of a.
Rational norm_l1_linf_exact(const RMatrix& a, OperatorNorm norm) {
  const std::size_t rows = a.size(), cols = rows ? a[0].size() : 0;
  const std::size_t outer = norm == OperatorNorm::Linf ? rows : cols, inner = norm == OperatorNorm::Linf ? cols : rows;
  Rational largest = 0;
  for (std::size_t i = 0; i < outer; ++i) {
    Rational sum = 0;
    for (std::size_t j = 0; j < inner; ++j) sum += rational_abs(norm == OperatorNorm::Linf ? a[i][j] : a[j][i]);
    largest = std::max(largest, sum);
  }
  return largest;
}

// Sorts `jacobians` by their squared Frobenius norm, decreasing, and gives
// each [Frobenius^2, largest column norm^2]: ||J||_2^2 lies between them.
void sort_by_l2_squared_bounds(std::vector<RMatrix>& jacobians, std::vector<std::pair<Rational, Rational>>& bounds) {
  std::vector<std::pair<std::pair<Rational, Rational>, std::size_t>> keyed;
  for (std::size_t k = 0; k < jacobians.size(); ++k) {
    const RMatrix& a = jacobians[k];
    const std::size_t cols = a.empty() ? 0 : a[0].size();
    Rational frobenius = 0, column_most = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      Rational column = 0;
      for (const auto& row : a) column += row[c] * row[c];
      frobenius += column;
      column_most = std::max(column_most, column);
    }
    keyed.push_back({{frobenius, column_most}, k});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) { return x.first.first > y.first.first; });
  std::vector<RMatrix> sorted;
  bounds.clear();
  for (auto& [b, k] : keyed) {
    sorted.push_back(std::move(jacobians[k]));
    bounds.push_back(b);
  }
  jacobians = std::move(sorted);
}

}  // namespace

struct CertLipschitzLeaves::Impl {
  Problem p;
  // The last leaf's Clarke enclosure and vertex Jacobians (at most
  // kCachedEntries rationals), for the producer's bisection, which tests one
  // leaf at many values.
  static constexpr std::size_t kCachedEntries = std::size_t(1) << 21;
  std::size_t clarke_leaf = SIZE_MAX, cached_leaf = SIZE_MAX;
  ClarkeEnclosure clarke;
  std::vector<RMatrix> cached;
  // l1 / linf: the largest norm over `cached`, exact, so that each step of
  // the bisection is one comparison (an open leaf has up to 2^16 vertices).
  std::optional<Rational> cached_largest;
  // l2: per vertex of `cached` (sorted by the first, decreasing), exact
  // bounds on ||J||_2^2: the Frobenius norm squared above and the largest
  // column norm squared below, so that most steps skip the exact test.
  std::vector<std::pair<Rational, Rational>> cached_l2_squared;
  std::vector<NeuronStates> boxes;     // box-partition / unbounded: each leaf's neuron states
  std::vector<std::vector<Exclusion>> excluded;  // box-partition: the exclusions that apply to each leaf
  std::vector<RMatrix> regions;  // one-layer-regions: each region's Jacobian
};

CertLipschitzLeaves::CertLipschitzLeaves(const Network& g, const std::string& norm, bool unbounded, const std::vector<Rational>& lo,
                                         const std::vector<Rational>& hi, const Json& cert)
    : impl_(std::make_shared<Impl>()) {
  Problem& p = impl_->p;
  p.g = g;
  p.unbounded = unbounded;
  p.lo = lo;
  p.hi = hi;
  for (std::size_t i = 0; i < g.input_dim; ++i) p.free.push_back(unbounded || lo[i] < hi[i]);
  try {
    p.norm = norm_parse(norm);
    const std::string method = cert.at("method").get<std::string>();
    const Rational none = 0;
    if (method == "unbounded-all-unstable") {
      NeuronStates s;
      for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) s.emplace_back(g.layers[k].out_dim(), 2);
      impl_->boxes.push_back(s);
    } else if (method == "one-layer-regions") {
      RegionWalk w = region_walk(p, cert.at("tree"), none, std::nullopt);
      w.leaves_out = &impl_->regions;
      w.walk();
    } else if (method == "global-activation" || method == "box-activation") {
      ActivationWalk w(p, cert.at("tree"), none, std::nullopt, method == "box-activation");
      w.leaves_out = &impl_->boxes;
      w.walk();
    } else {
      std::vector<RInterval> box;
      for (std::size_t i = 0; i < lo.size(); ++i) box.push_back({lo[i], hi[i]});
      TreeWalk t{p, cert.at("tree"), none, cert.at("bounds") == "symbolic", std::nullopt, &impl_->boxes, &impl_->excluded};
      t.walk(box, 0);
    }
  } catch (const Rejected& r) {
    throw InputError("lipschitz certificate", r.reason);
  }
}

std::size_t CertLipschitzLeaves::size() const { return impl_->boxes.size() + impl_->regions.size(); }

bool CertLipschitzLeaves::leaf_at_most(std::size_t i, const Rational& u) const {
  Impl& m = *impl_;
  if (!m.regions.empty()) return norm_at_most(m.regions.at(i), m.p.norm, u);
  const NeuronStates& s = m.boxes.at(i);
  const std::vector<Exclusion> none;
  const std::vector<Exclusion>& excluded = i < m.excluded.size() ? m.excluded[i] : none;
  if (m.clarke_leaf != i) {
    m.clarke = clarke_enclosure(m.p, s);
    m.clarke_leaf = i;
  }
  if (clarke_at_most(m.p, s, m.clarke, u)) return true;
  const std::size_t unstable = unstable_count(s), entries = m.p.g.output_dim() * m.p.g.input_dim;
  if (unstable > 16) return false;
  if ((std::size_t(1) << unstable) * entries > Impl::kCachedEntries) return vertices_at_most(m.p, s, u, excluded);
  if (m.cached_leaf != i) {
    m.cached.clear();
    vertex_patterns(s, excluded, [&](const NeuronStates& vertex) { m.cached.push_back(vertex_jacobian(m.p, vertex)); return true; });
    m.cached_leaf = i;
    m.cached_largest.reset();
    if (m.p.norm != OperatorNorm::L2) {
      Rational largest = 0;
      for (const RMatrix& j : m.cached) largest = std::max(largest, norm_l1_linf_exact(j, m.p.norm));
      m.cached_largest = largest;
    } else {
      sort_by_l2_squared_bounds(m.cached, m.cached_l2_squared);
    }
  }
  if (m.cached_largest) return *m.cached_largest <= u;
  if (u < 0) return false;
  const Rational u2 = u * u;
  for (std::size_t k = 0; k < m.cached.size(); ++k) {
    if (m.cached_l2_squared[k].first <= u2) return true;  // this one and every later one: Frobenius <= u
    if (m.cached_l2_squared[k].second > u2 || !norm_at_most(m.cached[k], m.p.norm, u)) return false;
  }
  return true;
}

std::vector<std::pair<int, int>> cert_lipsdp_slopes(const Network& g, bool unbounded, const std::vector<Rational>& lo,
                                                    const std::vector<Rational>& hi) {
  std::vector<std::pair<int, int>> slopes;
  if (unbounded) {
    for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) slopes.insert(slopes.end(), g.layers[k].out_dim(), {0, 1});
    return slopes;
  }
  std::vector<RInterval> box;
  for (std::size_t i = 0; i < lo.size(); ++i) box.push_back({lo[i], hi[i]});
  const std::vector<std::vector<RInterval>> z = preactivation_intervals_exact(g, box);
  for (std::size_t k = 0; k + 1 < z.size(); ++k)
    for (const RInterval& v : z[k]) {
      if (v.hi <= 0) slopes.emplace_back(0, 0);       // inactive (a constant 0 included)
      else if (v.lo >= 0) slopes.emplace_back(1, 1);  // active: the identity
      else slopes.emplace_back(0, 1);
    }
  return slopes;
}

std::vector<std::vector<std::pair<Rational, Rational>>> cert_lipschitz_box_preactivations(const Network& g, const std::vector<Rational>& lo,
                                                                                        const std::vector<Rational>& hi) {
  Problem p;
  p.g = g;
  std::vector<RInterval> box;
  for (std::size_t i = 0; i < lo.size(); ++i) box.push_back({lo[i], hi[i]});
  std::vector<std::vector<std::pair<Rational, Rational>>> out;
  for (const auto& layer : box_root_bounds(p, box)) {
    out.emplace_back();
    for (const RInterval& z : layer) out.back().emplace_back(z.lo, z.hi);
  }
  return out;
}

std::optional<ActivationPattern> cert_lipschitz_generic_pattern(const Network& g, const std::vector<Rational>& x) {
  return generic_pattern(g, x);
}

std::optional<Rational> cert_lipschitz_witness_floor(const std::vector<std::vector<Rational>>& jacobian,
                                                     const std::string& norm, const std::vector<Rational>& vector) {
  try {
    return witness_floor(jacobian, norm_parse(norm), vector);
  } catch (const Rejected&) {
    return std::nullopt;
  }
}

namespace {

// The parameters: what cannot be read there is an "error" (claim.hpp), not a
// rejected certificate.
Problem load_problem_or_error(const Json& claim, const ClaimContext& context) {
  const std::string where = context.claim_path.empty() ? "claim" : context.claim_path;
  try {
    return load_problem(member(claim, "parameters"), context);
  } catch (const Rejected& r) {
    throw InputError(where, "parameters: " + r.reason);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("parameters: ") + e.what());
  }
}

}  // namespace

ClaimOutcome cert_lipschitz_verify(const Json& claim, const ClaimContext& context) {
  Problem p = load_problem_or_error(claim, context);
  try {
    const Json& params = claim.at("parameters");
    // claim_resolve_certificate (claims.hpp) has replaced any certificate_file.
    const Json& cert = member(claim, "certificate");
    if (member(cert, "norm").get<std::string>() != member(params, "norm").get<std::string>())
      throw Rejected{"the certificate's norm differs from the claim's"};
    Rational lower = number(member(cert, "lower"), "lower"), upper = number(member(cert, "upper"), "upper");
    if (lower > upper) throw Rejected{"lower > upper"};
    check_members(cert, p);
    check_lower(p, cert, lower);
    check_upper(p, cert, upper);
    return {ClaimVerdict::Holds, "exact check: " + rational_to_string(lower) + " <= L <= " + rational_to_string(upper)};
  } catch (const Rejected& r) {
    return {ClaimVerdict::Rejected, r.reason};
  } catch (const std::exception& e) {  // a malformed certificate member
    return {ClaimVerdict::Rejected, e.what()};
  }
}

static const ClaimKindRegistrar reg("lipschitz", cert_lipschitz_verify);

}  // namespace rl
