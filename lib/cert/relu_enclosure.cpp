#include "cert/relu_enclosure.hpp"

#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace rl {
namespace {

// The steps of the evaluation, one overload per number type, so that the
// evaluation itself is written once. The exact weight's sign picks the end
// points in both.
void add_product(RInterval& acc, const Rational& w, int sign, const RInterval& m) {
  if (sign > 0) { acc.lo += w * m.lo; acc.hi += w * m.hi; }
  else { acc.lo += w * m.hi; acc.hi += w * m.lo; }
}
void add_product(EndEnclosures& acc, const DInterval& w, int sign, const EndEnclosures& m) {
  if (m.lo.lo == 0 && m.lo.hi == 0 && m.hi.lo == 0 && m.hi.hi == 0) return;  // exact: both products are 0
  acc.lo += w * (sign > 0 ? m.lo : m.hi);
  acc.hi += w * (sign > 0 ? m.hi : m.lo);
}
// D_ii in [0, 1]: lo becomes min(lo, 0) and hi max(hi, 0) (both monotone,
// so applied to the end points' enclosures they enclose the results).
void widen_to_zero(RInterval& v) {
  if (v.lo > 0) v.lo = 0;
  if (v.hi < 0) v.hi = 0;
}
void widen_to_zero(EndEnclosures& v) {
  v.lo = {std::fmin(v.lo.lo, 0.0), std::fmin(v.lo.hi, 0.0)};
  v.hi = {std::fmax(v.hi.lo, 0.0), std::fmax(v.hi.hi, 0.0)};
}

// The point v, exactly or as enclosures of both end points.
template <class P>
P point(int v) {
  if constexpr (std::is_same_v<P, RInterval>) return {v, v};
  else return {DInterval{double(v), double(v)}, DInterval{double(v), double(v)}};
}

// The exact weight and bias, or their enclosures (network_finalize) for the
// double evaluation.
void require_finalized(const Layer& l) {
  if (l.weights_i.size() != l.out_dim() * l.in_dim() || l.bias_i.size() != l.out_dim())
    throw std::logic_error("relu_enclosure: network not finalized");
}
template <class P>
const auto& weight_of(const Layer& l, std::size_t i, std::size_t j) {
  if constexpr (std::is_same_v<P, RInterval>) return l.weights[i][j];
  else return l.weights_i[i * l.in_dim() + j];
}
template <class P>
P bias_of(const Layer& l, std::size_t i) {
  if constexpr (std::is_same_v<P, RInterval>) return {l.bias[i], l.bias[i]};
  else return {l.bias_i[i], l.bias_i[i]};
}

Rational relu_of(const Rational& x) { return x < 0 ? Rational(0) : x; }
DInterval relu_of(const DInterval& x) { return dinterval_relu(x); }

// Interval propagation of every layer's pre-activations on the box, written
// once for two number types: P = RInterval gives the exact intervals; P =
// EndEnclosures encloses each of their end points (the same formula, each step
// rounded outward; the weight's exact sign picks the end points).
template <class P>
Grid<P> preactivation_intervals(const Network& g, const std::vector<P>& box) {
  Grid<P> out;
  std::vector<P> cur = box;
  for (const Layer& l : g.layers) {
    require_finalized(l);
    std::vector<P> z;
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      P s = bias_of<P>(l, i);
      for (std::size_t j = 0; j < l.in_dim(); ++j) {
        const int sign = l.weights[i][j].sign();
        if (sign == 0) continue;
        const auto& w = weight_of<P>(l, i, j);
        s.lo += w * (sign > 0 ? cur[j].lo : cur[j].hi);
        s.hi += w * (sign > 0 ? cur[j].hi : cur[j].lo);
      }
      z.push_back(s);
    }
    out.push_back(z);
    for (P& v : z) { v.lo = relu_of(v.lo); v.hi = relu_of(v.hi); }
    cur = std::move(z);
  }
  return out;
}

template <class P>
Grid<P> jacobian_enclosure(const Network& g, const NeuronStates& states, const std::vector<bool>& free) {
  const std::size_t d = g.input_dim;
  const P zero = point<P>(0), one = point<P>(1);
  Grid<P> m(d, std::vector<P>(d, zero));
  for (std::size_t i = 0; i < d; ++i) if (free[i]) m[i][i] = one;
  for (std::size_t k = 0; k < g.layers.size(); ++k) {
    const Layer& l = g.layers[k];
    require_finalized(l);
    Grid<P> next(l.out_dim(), std::vector<P>(d, zero));
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      const int state = k < states.size() ? states[k][i] : 1;
      if (state == 0) continue;
      for (std::size_t j = 0; j < l.in_dim(); ++j) {
        const int sign = l.weights[i][j].sign();
        if (sign == 0) continue;
        for (std::size_t c = 0; c < d; ++c) add_product(next[i][c], weight_of<P>(l, i, j), sign, m[j][c]);
      }
      if (state == 2) for (P& v : next[i]) widen_to_zero(v);
    }
    m = std::move(next);
  }
  return m;
}

// The exact rational matrix of finite doubles; false when one is not finite.
bool to_rational(const Grid<double>& m, RMatrix& out) {
  out.assign(m.size(), {});
  for (std::size_t r = 0; r < m.size(); ++r)
    for (double x : m[r]) {
      if (!std::isfinite(x)) return false;
      out[r].push_back(rational_from_double(x));
    }
  return true;
}

// The least magnitude in an interval.
double mig(const DInterval& v) { return v.lo > 0 ? v.lo : (v.hi < 0 ? -v.hi : 0.0); }

// Holds when ||upper|| <= u, Violated when ||lower|| > u, for entrywise
// bounds lower <= |A| <= upper of a matrix A whose norm, for these norms and
// matrices, is monotone in its entries' magnitudes.
Verdict bracket_decide(const Grid<double>& lower, const Grid<double>& upper, OperatorNorm norm, const Rational& u) {
  RMatrix exact;
  if (to_rational(upper, exact) && norm_at_most(exact, norm, u)) return Verdict::Holds;
  if (to_rational(lower, exact) && !norm_at_most(exact, norm, u)) return Verdict::Violated;
  return Verdict::Inconclusive;
}

// The meet of two enclosures of the same point.
DInterval meet(const DInterval& a, const DInterval& b) { return {std::fmax(a.lo, b.lo), std::fmin(a.hi, b.hi)}; }

}  // namespace

Grid<RInterval> preactivation_intervals_exact(const Network& g, const std::vector<RInterval>& box) {
  return preactivation_intervals(g, box);
}

std::optional<NeuronStates> preactivation_states_decide(const Network& g, const std::vector<RInterval>& box) {
  std::vector<EndEnclosures> ends;
  for (const RInterval& b : box) ends.push_back({DInterval::from_rational(b.lo), DInterval::from_rational(b.hi)});
  const Grid<EndEnclosures> pre = preactivation_intervals(g, ends);
  NeuronStates s;
  for (std::size_t k = 0; k + 1 < pre.size(); ++k) {
    s.emplace_back();
    for (const EndEnclosures& z : pre[k]) {
      if (z.lo.lo >= 0) s.back().push_back(1);
      else if (z.lo.hi < 0 && z.hi.hi <= 0) s.back().push_back(0);
      else if (z.lo.hi < 0 && z.hi.lo > 0) s.back().push_back(2);
      else return std::nullopt;
    }
  }
  return s;
}

Grid<RInterval> jacobian_enclosure_exact(const Network& g, const NeuronStates& states, const std::vector<bool>& free) {
  return jacobian_enclosure<RInterval>(g, states, free);
}

Grid<EndEnclosures> jacobian_enclosure_ends(const Network& g, const NeuronStates& states, const std::vector<bool>& free) {
  return jacobian_enclosure<EndEnclosures>(g, states, free);
}

namespace {

// True when the symmetric integer matrix a is positive semidefinite:
// fraction-free (Bareiss) elimination, so no rational is normalized. With
// the earlier pivots positive, pivot k is the ratio of two leading minors'
// signs times a positive factor: a negative one refutes; a zero one needs
// its row zero, which then leaves the elimination (the divisor stays).
bool psd_integer(std::vector<std::vector<Integer>> a) {
  const std::size_t n = a.size();
  Integer previous = 1;
  for (std::size_t k = 0; k < n; ++k) {
    const int pivot_sign = a[k][k].sign();
    if (pivot_sign < 0) return false;
    if (pivot_sign == 0) {
      for (std::size_t i = k + 1; i < n; ++i) if (a[i][k] != 0) return false;
      continue;
    }
    for (std::size_t i = k + 1; i < n; ++i)
      for (std::size_t j = k + 1; j < n; ++j) {
        Integer t = a[k][k] * a[i][j] - a[i][k] * a[k][j];
        mpz_divexact(integer_mpz(a[i][j]), integer_mpz(t), integer_mpz(previous));
      }
    previous = a[k][k];
  }
  return true;
}

// ||a||_2 <= u for u >= 0: with a = N / D and u = p / q in lowest terms,
// p^2 D^2 I - q^2 N^T N (or N N^T, the smaller) is positive semidefinite.
// All in integers: the rational Gram matrix and elimination spent most of a
// certificate's grid placement in gcds.
bool spectral_norm_at_most(const RMatrix& a, const Rational& u) {
  if (a.empty() || a[0].empty()) return true;  // the empty map, norm 0
  const std::size_t rows = a.size(), cols = a[0].size();
  std::vector<const Rational*> entries;
  for (const auto& row : a) for (const Rational& x : row) entries.push_back(&x);
  std::vector<Integer> n;
  const Integer d = rational_common_denominator(entries, n);
  const Integer p = boost::multiprecision::numerator(u), q = boost::multiprecision::denominator(u);
  const Integer diagonal = p * p * d * d, scale = q * q;
  const bool by_cols = cols <= rows;
  const std::size_t size = by_cols ? cols : rows, k = by_cols ? rows : cols;
  const auto at = [&](std::size_t r, std::size_t c) -> const Integer& { return n[r * cols + c]; };
  std::vector<std::vector<Integer>> m(size, std::vector<Integer>(size));
  for (std::size_t i = 0; i < size; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      Integer s = 0;
      for (std::size_t r = 0; r < k; ++r) s += by_cols ? at(r, i) * at(r, j) : at(i, r) * at(j, r);
      m[i][j] = m[j][i] = (i == j ? diagonal : Integer(0)) - scale * s;
    }
  return psd_integer(std::move(m));
}

}  // namespace

bool norm_at_most(const RMatrix& a, OperatorNorm norm, const Rational& u) {
  if (u < 0) return false;
  const std::size_t rows = a.size(), cols = rows ? a[0].size() : 0;
  if (norm == OperatorNorm::Linf || norm == OperatorNorm::L1) {
    const std::size_t outer = norm == OperatorNorm::Linf ? rows : cols, inner = norm == OperatorNorm::Linf ? cols : rows;
    for (std::size_t i = 0; i < outer; ++i) {
      Rational s = 0;
      for (std::size_t j = 0; j < inner; ++j) s += rational_abs(norm == OperatorNorm::Linf ? a[i][j] : a[j][i]);
      if (s > u) return false;
    }
    return true;
  }
  if (rows == 1 || cols == 1) {
    Rational s = 0;
    for (const auto& row : a) for (const Rational& x : row) s += x * x;
    return s <= u * u;
  }
  return spectral_norm_at_most(a, u);
}

RMatrix magnitude_matrix(const Grid<RInterval>& m) {
  RMatrix mag(m.size());
  for (std::size_t r = 0; r < m.size(); ++r)
    for (const RInterval& v : m[r]) mag[r].push_back(std::max(rational_abs(v.lo), rational_abs(v.hi)));
  return mag;
}


// The exact magnitude max(|lo|, |hi|) lies between the largest least
// magnitude and the largest magnitude of the two end points' enclosures.
Verdict magnitude_norm_decide(const Grid<EndEnclosures>& m, OperatorNorm norm, const Rational& u) {
  Grid<double> lower(m.size()), upper(m.size());
  for (std::size_t r = 0; r < m.size(); ++r)
    for (const EndEnclosures& v : m[r]) {
      lower[r].push_back(std::fmax(mig(v.lo), mig(v.hi)));
      upper[r].push_back(std::fmax(v.lo.mag(), v.hi.mag()));
    }
  return bracket_decide(lower, upper, norm, u);
}

Verdict point_norm_decide(const Grid<EndEnclosures>& a, OperatorNorm norm, const Rational& u) {
  const std::size_t rows = a.size(), cols = rows ? a[0].size() : 0;
  Grid<DInterval> entry(rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (const EndEnclosures& v : a[r]) {
      entry[r].push_back(meet(v.lo, v.hi));
      if (!std::isfinite(entry[r].back().lo) || !std::isfinite(entry[r].back().hi)) return Verdict::Inconclusive;
    }
  if (norm != OperatorNorm::L2 || rows == 1 || cols == 1) {  // monotone in the magnitudes
    Grid<double> lower(rows), upper(rows);
    for (std::size_t r = 0; r < rows; ++r)
      for (const DInterval& v : entry[r]) { lower[r].push_back(mig(v)); upper[r].push_back(v.mag()); }
    return bracket_decide(lower, upper, norm, u);
  }
  // A = C + R with C the midpoints (any doubles) and |R_rc| <= radius_rc.
  Grid<double> mid(rows);
  double squares = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (const DInterval& v : entry[r]) {
      const double c = v.lo / 2 + v.hi / 2;
      const double radius = next_up(std::fmax(c - v.lo, v.hi - c));
      mid[r].push_back(c);
      squares = add_up(squares, mul_up(radius, radius));
    }
  RMatrix center;
  const double frobenius = sqrt_up(squares);
  if (!std::isfinite(frobenius) || !to_rational(mid, center)) return Verdict::Inconclusive;
  const Rational radius = rational_from_double(frobenius);
  if (norm_at_most(center, OperatorNorm::L2, u - radius)) return Verdict::Holds;
  if (!norm_at_most(center, OperatorNorm::L2, u + radius)) return Verdict::Violated;
  return Verdict::Inconclusive;
}

}  // namespace rl
