#include "lipschitz/symbolic_bounds.hpp"

#include <cmath>
#include <limits>

#include "lipschitz/tight_arith.hpp"

namespace rl {
namespace {

// The linear forms of one layer's neurons, flat: neuron j has coefficients
// coef[j d .. j d + d) and constant c[j]; value <= coef . x + c (upper forms)
// or value >= coef . x + c (lower forms).
struct Forms {
  std::size_t d = 0;
  std::vector<double> coef, c;
  Forms(std::size_t n, std::size_t d_) : d(d_), coef(n * d_, 0.0), c(n, 0.0) {}
  const double* row(std::size_t j) const { return &coef[j * d]; }
  double* row(std::size_t j) { return &coef[j * d]; }
};

double form_max(const double* coef, double c, const DBox& box) {
  double s = c;
  for (std::size_t k = 0; k < box.size(); ++k)
    if (coef[k] != 0) s = up_add(s, coef[k] > 0 ? up_mul(coef[k], box[k].hi) : up_mul(coef[k], box[k].lo));
  return s;
}

double form_min(const double* coef, double c, const DBox& box) {
  double s = c;
  for (std::size_t k = 0; k < box.size(); ++k)
    if (coef[k] != 0) s = down_add(s, coef[k] > 0 ? down_mul(coef[k], box[k].lo) : down_mul(coef[k], box[k].hi));
  return s;
}

class Propagation {
 public:
  Propagation(const LipProblem& p, const DBox& box) : p_(p), box_(box), d_(box.size()), mag_up_(d_), mag_lo_(d_) {
    for (const DInterval& x : box) xmax_.push_back(x.mag());
  }

  BoxBounds run() {
    BoxBounds out = net_ibp(p_.net, box_);
    if (!p_.vertex_float_ok) return out;
    for (const DInterval& x : box_) if (!std::isfinite(x.lo) || !std::isfinite(x.hi)) return out;
    Forms lo(d_, d_), up(d_, d_);
    for (std::size_t i = 0; i < d_; ++i) lo.row(i)[i] = up.row(i)[i] = 1;
    for (std::size_t k = 0; k + 1 < p_.net.layers.size(); ++k) {
      const Layer& l = p_.net.layers[k];
      Forms zlo(l.out_dim(), d_), zup(l.out_dim(), d_);
      for (std::size_t j = 0; j < l.out_dim(); ++j) {
        affine(l, j, lo, up, zlo, zup);
        DInterval& z = out.preactivations[k][j];
        z.lo = std::fmax(z.lo, form_min(zlo.row(j), zlo.c[j], box_));
        z.hi = std::fmin(z.hi, form_max(zup.row(j), zup.c[j], box_));
        if (z.lo > z.hi) z.lo = z.hi = 0.5 * (z.lo + z.hi);  // cannot happen for sound bounds; stay an interval
      }
      for (std::size_t j = 0; j < l.out_dim(); ++j) relu(out.preactivations[k][j], zlo, zup, j);
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
  std::vector<double> mag_up_, mag_lo_;  // scratch: sum |w h.coef| per coordinate

  // The upper and lower forms of z_j = sum_i w_ji h_i + b_j from the forms of
  // h: for the upper form, positive weights take h's upper forms and negative
  // ones its lower forms; the lower form the other way round. Everything is
  // summed in round-to-nearest; the rounding of those sums and of the weights
  // themselves (|w - w^| <= u |w^|, weights in the normal range) is at most
  // gamma = 1.01 (n + 4) u times the sum of the magnitudes of the terms, plus
  // n 2^-1074 for underflow, and is moved into the constant (for a
  // coefficient, weighted by max |x_t| on the box). The bias enters through
  // its interval enclosure. A form that overflows becomes the trivial one.
  void affine(const Layer& l, std::size_t j, const Forms& lo, const Forms& up, Forms& zlo, Forms& zup) {
    const std::size_t n = l.in_dim();
    double* cu = zup.row(j);
    double* cl = zlo.row(j);
    std::fill(mag_up_.begin(), mag_up_.end(), 0.0);
    std::fill(mag_lo_.begin(), mag_lo_.end(), 0.0);
    double su = 0, sl = 0, mu = 0, ml = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double w = l.weights_f[j * n + i];
      if (w == 0) continue;
      const Forms& fu = w > 0 ? up : lo;
      const Forms& fl = w > 0 ? lo : up;
      const double* hu = fu.row(i);
      const double* hl = fl.row(i);
      for (std::size_t t = 0; t < d_; ++t) {
        const double a = w * hu[t], b = w * hl[t];
        cu[t] += a;
        cl[t] += b;
        mag_up_[t] += std::fabs(a);
        mag_lo_[t] += std::fabs(b);
      }
      const double a = w * fu.c[i], b = w * fl.c[i];
      su += a;
      sl += b;
      mu += std::fabs(a);
      ml += std::fabs(b);
    }
    const double gamma = up_mul(double(n + 4) * 0x1p-53, 1.01), tiny = up_mul(double(n + 1), 0x1p-1074);
    double eu = up_add(up_mul(gamma, mu), tiny), el = up_add(up_mul(gamma, ml), tiny);
    for (std::size_t t = 0; t < d_; ++t) {
      eu = up_add(eu, up_mul(up_add(up_mul(gamma, mag_up_[t]), tiny), xmax_[t]));
      el = up_add(el, up_mul(up_add(up_mul(gamma, mag_lo_[t]), tiny), xmax_[t]));
    }
    const DInterval& bias = l.bias_i[j];
    zup.c[j] = up_add(bias.hi, up_add(su, eu));
    zlo.c[j] = down_add(bias.lo, down_add(sl, -el));
    if (!std::isfinite(zup.c[j])) trivial(cu, zup.c[j], true);
    if (!std::isfinite(zlo.c[j])) trivial(cl, zlo.c[j], false);
  }

  // value <= +inf, value >= -inf: always valid.
  void trivial(double* coef, double& c, bool upper) const {
    std::fill(coef, coef + d_, 0.0);
    c = upper ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  }

  void relu(const DInterval& z, Forms& lo, Forms& up, std::size_t j) const {
    double* lc = lo.row(j);
    double* uc = up.row(j);
    if (z.lo >= 0) return;
    if (z.hi <= 0) {
      std::fill(lc, lc + d_, 0.0);
      std::fill(uc, uc + d_, 0.0);
      lo.c[j] = up.c[j] = 0;
      return;
    }
    // Upper: relu(z) <= relu(U(x)) <= lambda (U(x) - ul) on the box.
    const double ul = form_min(uc, up.c[j], box_), uu = form_max(uc, up.c[j], box_);
    if (ul < 0) {
      const double lambda = up_div(uu, down_add(uu, -ul));
      double err = 0;
      for (std::size_t t = 0; t < d_; ++t) {
        double a = uc[t] * lambda;
        err = up_add(err, up_mul(up_add(up_mul(std::fabs(a), 0x1p-52), 0x1p-1074), xmax_[t]));  // rounding, underflow
        uc[t] = a;
      }
      up.c[j] = up_add(up_mul(lambda, up_add(up.c[j], -ul)), err);
      if (!std::isfinite(up.c[j])) trivial(uc, up.c[j], true);
    }
    // Lower: relu(z) >= relu(L(x)) >= mu L(x), mu in {0, 1}.
    const double ll = form_min(lc, lo.c[j], box_), lu = form_max(lc, lo.c[j], box_);
    if (ll < 0 && !(lu > -ll)) {
      std::fill(lc, lc + d_, 0.0);
      lo.c[j] = 0;
    }
  }
};

}  // namespace

BoxBounds lipschitz_symbolic_bounds(const LipProblem& p, const DBox& box) { return Propagation(p, box).run(); }

std::shared_ptr<const BoxBounds> lipschitz_root_symbolic_bounds(const LipProblem& p) {
  RootBoundsCache& cache = p.root_bounds;
  std::lock_guard<std::mutex> hold(cache.mutex);
  if (!cache.value || cache.unbounded != p.unbounded || cache.lo != p.lo || cache.hi != p.hi) {
    cache.value = std::make_shared<const BoxBounds>(lipschitz_symbolic_bounds(p, lipschitz_problem_dbox(p)));
    cache.unbounded = p.unbounded;
    cache.lo = p.lo;
    cache.hi = p.hi;
  }
  return cache.value;
}

}  // namespace rl
