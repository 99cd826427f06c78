#include "lipschitz/symbolic_bounds.hpp"

#include <cmath>

#include "lipschitz/tight_arith.hpp"

namespace rl {
namespace {

// value <= coef . x + c (upper form) or value >= coef . x + c (lower form).
struct Form {
  std::vector<double> coef;
  double c = 0;
};

double form_max(const Form& f, const DBox& box) {
  double s = f.c;
  for (std::size_t k = 0; k < f.coef.size(); ++k)
    if (f.coef[k] != 0) s = up_add(s, f.coef[k] > 0 ? up_mul(f.coef[k], box[k].hi) : up_mul(f.coef[k], box[k].lo));
  return s;
}

double form_min(const Form& f, const DBox& box) {
  double s = f.c;
  for (std::size_t k = 0; k < f.coef.size(); ++k)
    if (f.coef[k] != 0) s = down_add(s, f.coef[k] > 0 ? down_mul(f.coef[k], box[k].lo) : down_mul(f.coef[k], box[k].hi));
  return s;
}

class Propagation {
 public:
  Propagation(const LipProblem& p, const DBox& box) : p_(p), box_(box), d_(box.size()) {
    for (const DInterval& x : box) xmax_.push_back(x.mag());
  }

  BoxBounds run() {
    BoxBounds out = net_ibp(p_.net, box_);
    if (!p_.vertex_float_ok) return out;
    for (const DInterval& x : box_) if (!std::isfinite(x.lo) || !std::isfinite(x.hi)) return out;
    std::vector<Form> lo(d_), up(d_);
    for (std::size_t i = 0; i < d_; ++i) {
      lo[i].coef.assign(d_, 0.0);
      lo[i].coef[i] = 1;
      up[i] = lo[i];
    }
    for (std::size_t k = 0; k + 1 < p_.net.layers.size(); ++k) {
      const Layer& l = p_.net.layers[k];
      std::vector<Form> zlo, zup;
      for (std::size_t j = 0; j < l.out_dim(); ++j) {
        zup.push_back(affine(l, j, up, lo, true));
        zlo.push_back(affine(l, j, lo, up, false));
        DInterval& z = out.preactivations[k][j];
        z.lo = std::fmax(z.lo, form_min(zlo[j], box_));
        z.hi = std::fmin(z.hi, form_max(zup[j], box_));
        if (z.lo > z.hi) z.lo = z.hi = 0.5 * (z.lo + z.hi);  // cannot happen for sound bounds; stay an interval
      }
      for (std::size_t j = 0; j < l.out_dim(); ++j) relu(out.preactivations[k][j], zlo[j], zup[j]);
      lo = std::move(zlo);
      up = std::move(zup);
    }
    return out;
  }

 private:
  const LipProblem& p_;
  const DBox& box_;
  std::size_t d_;
  std::vector<double> xmax_;

  // Upper (or lower) form of sum_i w_ji h_i + b_j from the forms of h: for an
  // upper form, positive weights take the upper forms `same`, negative ones the
  // lower forms `other`.
  Form affine(const Layer& l, std::size_t j, const std::vector<Form>& same, const std::vector<Form>& other, bool upper) const {
    const std::size_t n = l.in_dim();
    Form f;
    f.coef.assign(d_, 0.0);
    std::vector<double> mag(d_, 0.0);
    DInterval c = l.bias_i[j];
    for (std::size_t i = 0; i < n; ++i) {
      const double w = l.weights_f[j * n + i];
      if (w == 0) continue;
      const Form& h = w > 0 ? same[i] : other[i];
      for (std::size_t t = 0; t < d_; ++t) {
        f.coef[t] += w * h.coef[t];
        mag[t] += std::fabs(w * h.coef[t]);
      }
      c = tight_add(c, tight_mul(l.weights_i[j * n + i], DInterval::point(h.c)));
    }
    // Rounding of the coefficients (and of the weights themselves), moved into the constant.
    const double gamma = up_mul(double(n + 4) * 0x1p-53, 1.01);
    double err = 0;
    for (std::size_t t = 0; t < d_; ++t) err = up_add(err, up_mul(up_mul(gamma, mag[t]), xmax_[t]));
    f.c = upper ? up_add(c.hi, err) : down_add(c.lo, -err);
    return f;
  }

  void relu(const DInterval& z, Form& lo, Form& up) const {
    if (z.lo >= 0) return;
    if (z.hi <= 0) {
      std::fill(lo.coef.begin(), lo.coef.end(), 0.0);
      lo.c = 0;
      up = lo;
      return;
    }
    // Upper: relu(z) <= relu(U(x)) <= lambda (U(x) - ul) on the box.
    const double ul = form_min(up, box_), uu = form_max(up, box_);
    if (ul < 0) {
      const double lambda = up_div(uu, down_add(uu, -ul));
      double err = 0;
      for (std::size_t t = 0; t < d_; ++t) {
        double a = up.coef[t] * lambda;
        err = up_add(err, up_mul(up_mul(std::fabs(a), 0x1p-52), xmax_[t]));
        up.coef[t] = a;
      }
      up.c = up_add(up_mul(lambda, up_add(up.c, -ul)), err);
    }
    // Lower: relu(z) >= relu(L(x)) >= mu L(x), mu in {0, 1}.
    const double ll = form_min(lo, box_), lu = form_max(lo, box_);
    if (ll < 0 && !(lu > -ll)) {
      std::fill(lo.coef.begin(), lo.coef.end(), 0.0);
      lo.c = 0;
    }
  }
};

}  // namespace

BoxBounds lipschitz_symbolic_bounds(const LipProblem& p, const DBox& box) { return Propagation(p, box).run(); }

}  // namespace rl
