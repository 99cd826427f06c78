#include "net/eval.hpp"

#include <algorithm>

namespace rl {

void layer_affine_double(const Layer& l, const double* v, double* z) {
  const std::size_t n = l.in_dim(), rows = l.out_dim();
  std::copy(l.bias_f.begin(), l.bias_f.end(), z);
  // Column by column: each z_i still adds w_ij v_j in the order j = 0, 1, ...
  // of a row's dot product (the same sums, up to the sign of an exact zero),
  // but the inner loop runs over a contiguous column and vectorizes, and a
  // zero input (an inactive ReLU below) skips its column.
  for (std::size_t j = 0; j < n; ++j) {
    const double a = v[j];
    if (a == 0) continue;
    const double* column = &l.weights_ft[j * rows];
    for (std::size_t i = 0; i < rows; ++i) z[i] += column[i] * a;
  }
}


std::vector<double> net_eval_double(const Network& net, const std::vector<double>& x) {
  net_check_input_dim(net, x.size());
  std::vector<double> cur = x;
  if (net.clamp)
    for (std::size_t i = 0; i < x.size(); ++i) {
      double lo = rational_to_double(net.clamp->lo[i]), hi = rational_to_double(net.clamp->hi[i]);
      cur[i] = cur[i] < lo ? lo : (cur[i] > hi ? hi : cur[i]);
    }
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<double> z(l.out_dim());
    layer_affine_double(l, cur.data(), z.data());
    if (k + 1 < net.layers.size())
      for (double& s : z) s = s < 0 ? 0.0 : s;
    cur = std::move(z);
  }
  return cur;
}

std::vector<Interval> net_eval_interval(const Network& net, const std::vector<Interval>& box) {
  net_check_input_dim(net, box.size());
  mpfr_prec_t prec = box.empty() ? kDefaultPrecision : box.front().precision();
  std::vector<Interval> cur = box;
  if (net.clamp)
    for (std::size_t i = 0; i < box.size(); ++i)
      cur[i] = interval_min(interval_max(cur[i], Interval(net.clamp->lo[i], prec)), Interval(net.clamp->hi[i], prec));
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<Interval> z;
    z.reserve(l.out_dim());
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      Interval s(l.bias[i], prec);
      for (std::size_t j = 0; j < l.in_dim(); ++j)
        if (l.weights[i][j] != 0) s += Interval(l.weights[i][j], prec) * cur[j];
      z.push_back(k + 1 < net.layers.size() ? interval_relu(s) : s);
    }
    cur = std::move(z);
  }
  return cur;
}

std::size_t BoxBounds::unstable_count() const {
  std::size_t n = 0;
  for (std::size_t k = 0; k + 1 < preactivations.size(); ++k)
    for (const DInterval& z : preactivations[k]) n += (z.lo < 0 && z.hi > 0);
  return n;
}

DBox dbox_from_rationals(const std::vector<Rational>& lo, const std::vector<Rational>& hi) {
  DBox b;
  for (std::size_t i = 0; i < lo.size(); ++i) b.push_back(DInterval::from_rationals(lo[i], hi[i]));
  return b;
}

BoxBounds net_ibp(const Network& net, const DBox& box) {
  net_check_input_dim(net, box.size());
  BoxBounds out;
  out.raw_input = box;
  out.input = box;
  if (net.clamp)
    for (std::size_t i = 0; i < box.size(); ++i) {
      // clamp(x) = min(max(x, lo), hi) is monotone in x, lo and hi.
      DInterval lo = DInterval::from_rational(net.clamp->lo[i]), hi = DInterval::from_rational(net.clamp->hi[i]);
      out.input[i].lo = std::fmin(std::fmax(box[i].lo, lo.lo), hi.lo);
      out.input[i].hi = std::fmin(std::fmax(box[i].hi, lo.hi), hi.hi);
    }
  DBox cur = out.input;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    const std::size_t n = l.in_dim();
    DBox z(l.out_dim());
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      DInterval s = l.bias_i[i];
      const DInterval* w = &l.weights_i[i * n];
      for (std::size_t j = 0; j < n; ++j) s += w[j] * cur[j];
      z[i] = s;
    }
    out.preactivations.push_back(z);
    if (k + 1 < net.layers.size())
      for (DInterval& v : z) v = dinterval_relu(v);
    cur = std::move(z);
  }
  return out;
}

IntervalMatrix net_jacobian_enclosure(const Network& net, const BoxBounds& bounds) {
  std::size_t d = net.input_dim;
  // M starts as the Clarke Jacobian of the clamp: 1 inside, 0 outside, [0,1] on a bound.
  IntervalMatrix m{d, d, std::vector<DInterval>(d * d, DInterval::point(0))};
  for (std::size_t i = 0; i < d; ++i) {
    DInterval g = DInterval::point(1);
    if (net.clamp) {
      DInterval lo = DInterval::from_rational(net.clamp->lo[i]), hi = DInterval::from_rational(net.clamp->hi[i]);
      const DInterval& x = bounds.raw_input[i];
      bool inside = x.lo >= lo.hi && x.hi <= hi.lo;
      bool constant = x.hi <= lo.lo || x.lo >= hi.hi;
      g = inside ? DInterval::point(1) : (constant ? DInterval::point(0) : DInterval{0, 1});
    }
    m.at(i, i) = g;
  }
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    const std::size_t n = l.in_dim();
    // A row of M that is exactly 0 (a neuron off on the whole box) adds exactly
    // 0 to every product: skipping it is exact, and saves an outward rounding.
    std::vector<std::size_t> live;
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t c = 0; c < d; ++c)
        if (m.at(j, c).lo != 0 || m.at(j, c).hi != 0) {
          live.push_back(j);
          break;
        }
    IntervalMatrix next{l.out_dim(), d, std::vector<DInterval>(l.out_dim() * d, DInterval::point(0))};
    std::vector<DInterval> row(d);
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      bool gated = false;
      if (k + 1 < net.layers.size()) {
        const DInterval& z = bounds.preactivations[k][i];
        // z <= 0 on the box: relu(z) is constantly 0 there; z >= 0: relu(z) = z.
        if (z.hi <= 0) continue;
        gated = z.lo < 0;
      }
      std::fill(row.begin(), row.end(), DInterval::point(0));
      for (std::size_t j : live) {
        const DInterval w = l.weights_i[i * n + j];
        for (std::size_t c = 0; c < d; ++c) row[c] += w * m.at(j, c);
      }
      // An unstable neuron's derivative is anywhere in [0, 1]: [0, 1] * s is the hull of 0 and s, exactly.
      for (std::size_t c = 0; c < d; ++c)
        next.at(i, c) = gated ? DInterval{min_of(row[c].lo, 0.0), max_of(row[c].hi, 0.0)} : row[c];
    }
    m = std::move(next);
  }
  return m;
}

}  // namespace rl
