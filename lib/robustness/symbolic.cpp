#include "robustness/symbolic.hpp"

#include <cmath>

namespace rl {
namespace {

struct Form {
  std::vector<DInterval> a;  // per input
  DInterval b;
};

// Bounds of the form over the box: [min, max] of a.x + b, outward.
DInterval form_range(const Form& f, const DBox& box) {
  DInterval s = f.b;
  for (std::size_t i = 0; i < box.size(); ++i)
    if (f.a[i].lo != 0 || f.a[i].hi != 0) s += f.a[i] * box[i];
  return s;
}

void form_add_scaled(Form& acc, const DInterval& w, const Form& f) {
  for (std::size_t i = 0; i < acc.a.size(); ++i)
    if (f.a[i].lo != 0 || f.a[i].hi != 0) acc.a[i] += w * f.a[i];
  acc.b += w * f.b;
}

}  // namespace

std::vector<double> symbolic_output_upper(const Network& net, const DBox& box) {
  const std::size_t d = box.size();
  const Form zero{std::vector<DInterval>(d, DInterval::point(0)), DInterval::point(0)};
  std::vector<Form> lower, upper;
  for (std::size_t i = 0; i < d; ++i) {
    Form f = zero;
    bool inside = true;
    DInterval v = box[i];
    if (net.clamp) {
      DInterval lo = DInterval::from_rational(net.clamp->lo[i]), hi = DInterval::from_rational(net.clamp->hi[i]);
      inside = box[i].lo >= lo.hi && box[i].hi <= hi.lo;
      v = {std::fmin(std::fmax(box[i].lo, lo.lo), hi.lo), std::fmin(std::fmax(box[i].hi, lo.hi), hi.hi)};
    }
    if (inside) f.a[i] = DInterval::point(1);
    else f.b = v;
    lower.push_back(f);
    upper.push_back(f);
  }
  std::vector<double> out;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    const std::size_t n = l.in_dim();
    const bool hidden = k + 1 < net.layers.size();
    std::vector<Form> next_lower, next_upper;
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      Form lo = zero, up = zero;
      lo.b = up.b = l.bias_i[i];
      for (std::size_t j = 0; j < n; ++j) {
        const Rational& w = l.weights[i][j];
        if (w == 0) continue;
        const DInterval& wi = l.weights_i[i * n + j];
        form_add_scaled(lo, wi, w > 0 ? lower[j] : upper[j]);
        form_add_scaled(up, wi, w > 0 ? upper[j] : lower[j]);
      }
      if (!hidden) {
        out.push_back(form_range(up, box).hi);
        continue;
      }
      double zlo = form_range(lo, box).lo, zhi = form_range(up, box).hi;
      if (zlo >= 0) {
      } else if (zhi <= 0) {
        lo = up = zero;
      } else {
        double lambda = next_up(zhi / next_down(zhi - zlo));
        up.b = up.b - DInterval::point(zlo);
        Form scaled = zero;
        form_add_scaled(scaled, DInterval::point(lambda), up);
        up = scaled;
        if (zhi <= -zlo) lo = zero;  // relu(z) >= z or >= 0: keep the one with the smaller area
      }
      next_lower.push_back(std::move(lo));
      next_upper.push_back(std::move(up));
    }
    lower = std::move(next_lower);
    upper = std::move(next_upper);
  }
  return out;
}

}  // namespace rl
