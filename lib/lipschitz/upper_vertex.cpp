#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/tight_arith.hpp"
#include "lipschitz/upper_bounds.hpp"

namespace rl {
namespace {

// The largest vertex bounds seen, with their patterns, and a bound on the
// others. Exclusions are matched on the box's unstable neurons as bit masks
// (their key neurons that are stable on the box agree, or the exclusion
// cannot match and is dropped).
class VertexTop {
 public:
  VertexTop(const std::vector<PatternExclusion>& excluded, std::size_t count, double floor, const BoxBounds& b)
      : count_(count), floor_(floor) {
    std::vector<std::vector<int>> position;
    for (std::size_t k = 0; k + 1 < b.preactivations.size(); ++k) {
      position.emplace_back(b.preactivations[k].size(), -1);
      for (std::size_t i = 0; i < b.preactivations[k].size(); ++i) {
        const DInterval& z = b.preactivations[k][i];
        if (z.lo < 0 && z.hi > 0) {
          position[k][i] = int(unstable_.size());
          unstable_.emplace_back(k, i);
        }
      }
    }
    if (unstable_.size() > 64) throw std::logic_error("vertex walk over more than 64 unstable neurons");
    for (const PatternExclusion& e : excluded) {
      if (!pattern_exclusion_possible(e, b)) continue;
      std::uint64_t mask = 0, value = 0;
      for (const KeyNeuron& t : e.key) {
        const int at = position[t.layer][t.neuron];
        if (at < 0) continue;
        mask |= std::uint64_t(1) << at;
        if (t.state) value |= std::uint64_t(1) << at;
      }
      masks_.emplace_back(mask, value);
    }
  }

  bool excluded(const HiddenPattern& state) const {
    if (masks_.empty()) return false;
    std::uint64_t bits = 0;
    for (std::size_t t = 0; t < unstable_.size(); ++t)
      if (state[unstable_[t].first][unstable_[t].second]) bits |= std::uint64_t(1) << t;
    for (const auto& [mask, value] : masks_)
      if ((bits & mask) == value) return true;
    return false;
  }
  // A vertex needs its certified norm only if it could enter the list and is above the floor.
  double entry() const { return std::fmax(floor_, top_.size() < count_ ? -1.0 : top_.back().first); }
  void skip(double bound) { rest_ = std::fmax(rest_, bound); }
  void add(double u, const HiddenPattern& state) {
    if (top_.size() == count_) {
      if (u <= top_.back().first) { rest_ = std::fmax(rest_, u); return; }
      rest_ = std::fmax(rest_, top_.back().first);
      top_.pop_back();
    }
    auto at = std::find_if(top_.begin(), top_.end(), [&](const auto& t) { return t.first < u; });
    top_.insert(at, {u, state});
  }
  void finish(VertexBound& out) {
    out.upper = top_.empty() ? rest_ : std::fmax(top_.front().first, rest_);
    out.top = std::move(top_);
    out.rest = rest_;
  }

 private:
  std::vector<std::pair<std::size_t, std::size_t>> unstable_;  // (layer, neuron), bit t of a pattern
  std::vector<std::pair<std::uint64_t, std::uint64_t>> masks_;  // per exclusion: key bits and their states
  std::size_t count_;
  double floor_;
  std::vector<std::pair<double, HiddenPattern>> top_;
  double rest_ = 0;
};

// Walks the vertex patterns from the output layer back to the inputs. At hidden
// layer k the partial product B = W_L D_{L-1} ... W_{k+1} (m x n_k) is fixed;
// the patterns of layer k's unstable neurons are visited in Gray-code order, so
// each step adds or removes one rank-one term B[:,i] W_k[i,:]. The arithmetic
// is a policy: IntervalWalk (outward intervals) or FloatWalk (doubles with a
// running error bound, whose accumulators are rebuilt every kRebuild steps).
template <class Arith>
class GrayWalk {
 public:
  using Matrix = typename Arith::Matrix;
  GrayWalk(const LipProblem& p, const BoxBounds& b, Arith& arith) : p_(p), b_(b), arith_(arith) {
    for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) state_.emplace_back(p.net.layers[k].out_dim(), 0);
  }

  // top: W_L, or with no hidden layer the first layer's weights.
  void run(const Matrix& top) {
    const std::size_t hidden = p_.net.layers.size() - 1;
    if (hidden == 0) arith_.evaluate(top, state_);
    else walk(hidden, top);
  }

 private:
  const LipProblem& p_;
  const BoxBounds& b_;
  Arith& arith_;
  HiddenPattern state_;

  // b: m x n_k with k = hidden layer (1-based); multiplies by D_k W_k for every pattern.
  void walk(std::size_t k, const Matrix& b) {
    const Layer& l = p_.net.layers[k - 1];
    const std::size_t nk = l.out_dim(), nin = l.in_dim();
    const auto* w = arith_.weights(k);
    const DBox& z = b_.preactivations[k - 1];
    std::vector<std::uint8_t>& st = state_[k - 1];
    std::vector<std::size_t> unstable;
    for (std::size_t i = 0; i < nk; ++i) {
      st[i] = z[i].lo >= 0 ? 1 : 0;
      if (z[i].lo < 0 && z[i].hi > 0) unstable.push_back(i);
    }
    Matrix acc;
    auto rebuild = [&] {
      acc = arith_.zero(nin);
      for (std::size_t i = 0; i < nk; ++i)
        if (st[i]) arith_.add_rank_one(acc, b, nk, i, w + i * nin, false);
    };
    rebuild();
    visit(k, acc);
    const std::uint64_t count = std::uint64_t(1) << unstable.size();
    std::size_t since = 0;
    for (std::uint64_t s = 1; s < count; ++s) {
      const std::size_t i = unstable[std::countr_zero(s)];
      st[i] ^= 1;
      if (Arith::kRebuild && ++since >= Arith::kRebuild) { rebuild(); since = 0; }
      else arith_.add_rank_one(acc, b, nk, i, w + i * nin, st[i] == 0);
      visit(k, acc);
    }
  }

  void visit(std::size_t k, const Matrix& acc) {
    if (k == 1) arith_.evaluate(acc, state_);
    else walk(k - 1, acc);
  }
};

// The walk in outward-rounded intervals: each accumulator encloses the exact one.
class IntervalWalk {
 public:
  using Matrix = IntervalMatrix;
  static constexpr std::size_t kRebuild = 0;  // enclosures stay enclosures: never rebuilt
  IntervalWalk(const LipProblem& p, VertexTop& top) : p_(p), m_(p.net.output_dim()), top_(top) {}

  VertexBound run(const BoxBounds& b) {
    const bool hidden = p_.net.layers.size() > 1;
    const Layer& last = p_.net.layers.back();
    GrayWalk<IntervalWalk>(p_, b, *this)
        .run(hidden ? IntervalMatrix{m_, last.in_dim(), last.weights_i} : IntervalMatrix{m_, p_.net.input_dim, p_.first_weights_free});
    return out_;
  }

 private:
  friend class GrayWalk<IntervalWalk>;
  const LipProblem& p_;
  std::size_t m_;
  VertexTop& top_;
  VertexBound out_;

  const DInterval* weights(std::size_t k) const { return k == 1 ? p_.first_weights_free.data() : p_.net.layers[k - 1].weights_i.data(); }
  IntervalMatrix zero(std::size_t cols) const { return {m_, cols, std::vector<DInterval>(m_ * cols, DInterval::point(0))}; }

  // acc += or -= B[:,i] W[i,:]
  void add_rank_one(IntervalMatrix& acc, const IntervalMatrix& b, std::size_t, std::size_t i, const DInterval* w, bool subtract) const {
    for (std::size_t r = 0; r < acc.rows; ++r) {
      DInterval coef = b.at(r, i);
      if (coef.lo == 0 && coef.hi == 0) continue;
      if (subtract) coef = -coef;
      DInterval* row = &acc.entries[r * acc.cols];
      for (std::size_t c = 0; c < acc.cols; ++c) row[c] = tight_add(row[c], tight_mul(coef, w[c]));
    }
  }

  void evaluate(const IntervalMatrix& j, const HiddenPattern& state) {
    ++out_.vertices;
    if (top_.excluded(state)) return;
    double u = imatrix_norm_upper(j, p_.norm);
    if (std::isnan(u)) u = std::numeric_limits<double>::infinity();
    top_.add(u, state);
  }
};

// The same walk in plain doubles, with a running rounding-error bound. At
// hidden layer k the walk holds B^ (float) and E_B with |B^ - B| <= E_B
// entrywise for the exact B = W_L D ... W_{k+1}. Layer k's accumulator is
// rebuilt at most kVertexRebase Gray steps apart, so each entry suffers at most
// T = n_k + kVertexRebase + 1 roundings of sums bounded by S = |B^||W^_k|
// (over the neurons not inactive on the box); with |W - W^| <= u |W^|
// (u = 2^-53, weights in the normal range) every pattern's accumulator A^ satisfies
//   |A^ - A| <= (1 + 2u) E_B |W^_k| + (2T u (1 + T u) + 2u) S =: E_A.
// The right side grows with E_B and |B^|, so it is computed once per box and
// layer from bounds valid for every pattern of the layers above: Bbar >= |B^|
// and Ebar >= E_B, starting from |W^_L| and u |W^_L|, with
//   |A^| <= |A| + E_A <= (1 + u) (Bbar + Ebar) |W^_k| + E_A =: Bbar_(k-1)
// (|B| <= |B^| + E_B, |W| <= (1 + u) |W^|, inactive neurons dropped), all with
// upward rounding. At the inputs ||J^ - J|| <= ||E_0|| (+ the underflow
// allowance p.vertex_float_error), added to the rigorous norm of each float
// Jacobian J^.
class FloatWalk {
 public:
  using Matrix = std::vector<double>;
  static constexpr std::size_t kRebuild = kVertexRebase;
  FloatWalk(const LipProblem& p, VertexTop& top) : p_(p), m_(p.net.output_dim()), top_(top) {}

  VertexBound run(const BoxBounds& b) {
    const std::size_t hidden = p_.net.layers.size() - 1;
    const std::vector<double>& top = hidden == 0 ? p_.first_weights_free_f : p_.net.layers.back().weights_f;
    std::vector<double> err(top.size());
    for (std::size_t i = 0; i < top.size(); ++i) err[i] = up_mul(std::fabs(top[i]), 0x1p-53);
    std::vector<double> bar(top.size());
    for (std::size_t i = 0; i < top.size(); ++i) bar[i] = std::fabs(top[i]);
    for (std::size_t k = hidden; k >= 1; --k) layer_error(b, k, bar, err);
    error_norm_ = error_norm(err);
    GrayWalk<FloatWalk>(p_, b, *this).run(top);
    return out_;
  }

  double largest_error() const { return largest_error_; }

 private:
  friend class GrayWalk<FloatWalk>;
  const LipProblem& p_;
  std::size_t m_;
  VertexTop& top_;
  VertexBound out_;
  double error_norm_ = 0, largest_error_ = 0;

  const double* weights(std::size_t k) const { return k == 1 ? p_.first_weights_free_f.data() : p_.net.layers[k - 1].weights_f.data(); }
  std::vector<double> zero(std::size_t cols) const { return std::vector<double>(m_ * cols, 0.0); }

  // acc += or -= B[:,i] W[i,:]
  void add_rank_one(std::vector<double>& acc, const std::vector<double>& b, std::size_t nk, std::size_t i, const double* w,
                    bool subtract) const {
    const std::size_t nin = acc.size() / m_;
    for (std::size_t r = 0; r < m_; ++r) {
      const double coef = subtract ? -b[r * nk + i] : b[r * nk + i];
      if (coef == 0) continue;
      double* row = &acc[r * nin];
      for (std::size_t c = 0; c < nin; ++c) row[c] += coef * w[c];
    }
  }

  // Upper bound on the norm of the non-negative error matrix (m x d), plus the underflow allowance.
  double error_norm(const std::vector<double>& e) const {
    const std::size_t d = e.size() / m_;
    double s = 0;
    if (p_.norm == Norm::L2) {
      for (double x : e) s = up_add(s, up_mul(x, x));
      s = up_sqrt(s);
    } else if (p_.norm == Norm::Linf) {
      for (std::size_t r = 0; r < m_; ++r) {
        double t = 0;
        for (std::size_t c = 0; c < d; ++c) t = up_add(t, e[r * d + c]);
        s = std::fmax(s, t);
      }
    } else {
      for (std::size_t c = 0; c < d; ++c) {
        double t = 0;
        for (std::size_t r = 0; r < m_; ++r) t = up_add(t, e[r * d + c]);
        s = std::fmax(s, t);
      }
    }
    return up_add(s, p_.vertex_float_error);
  }

  // From bar >= |B^| and err >= E_B (m x n_k, every pattern above layer k) to
  // the same bounds for layer k's accumulators (m x n_(k-1)). Neurons inactive
  // on the whole box never enter an accumulator. The sums of non-negative
  // terms are computed in round-to-nearest and then scaled by 1 + 2 (n_k + 2) u,
  // which covers their own rounding; the 2^-1000 added to E_A covers the
  // underflow of both sums (at most n_k 2^-1075 each).
  void layer_error(const BoxBounds& b, std::size_t k, std::vector<double>& bar, std::vector<double>& err) const {
    const Layer& l = p_.net.layers[k - 1];
    const std::size_t nk = l.out_dim(), nin = l.in_dim();
    const double* w = k == 1 ? p_.first_weights_free_f.data() : l.weights_f.data();
    const DBox& z = b.preactivations[k - 1];
    const double u = 0x1p-53, t = double(nk + kVertexRebase + 1);
    const double gamma = up_add(up_mul(up_mul(2 * t, u), up_add(1, up_mul(t, u))), 2 * u);
    const double grow = up_add(1, 2 * u), slack = up_add(1, up_mul(double(2 * (nk + 2)), u));
    std::vector<double> ea(m_ * nin, 0.0), mag(m_ * nin, 0.0);
    for (std::size_t r = 0; r < m_; ++r)
      for (std::size_t i = 0; i < nk; ++i) {
        if (z[i].hi <= 0) continue;
        const double e = err[r * nk + i], above = bar[r * nk + i];
        const double coef = up_add(up_mul(grow, e), up_mul(gamma, above)), whole = up_add(above, e);
        if (whole == 0) continue;
        double *row = &ea[r * nin], *mrow = &mag[r * nin];
        for (std::size_t c = 0; c < nin; ++c) {
          const double a = std::fabs(w[i * nin + c]);
          row[c] += coef * a;
          mrow[c] += whole * a;
        }
      }
    for (std::size_t i = 0; i < ea.size(); ++i) {
      ea[i] = up_add(up_mul(ea[i], slack), 0x1p-1000);
      mag[i] = up_add(up_mul(up_mul(mag[i], slack), grow), ea[i]);
    }
    err = std::move(ea);
    bar = std::move(mag);
  }

  static double frobenius_upper(const std::vector<double>& j) {
    double f = 0;
    for (double x : j) f = up_add(f, up_mul(x, x));
    return up_sqrt(f);
  }

  // ||J||_2 <= sqrt(||J||_1 ||J||_inf), rounded up.
  double l1_linf_upper(const std::vector<double>& j) const {
    const std::size_t d = j.size() / m_;
    double row = 0, col = 0;
    for (std::size_t r = 0; r < m_; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < d; ++c) s = up_add(s, std::fabs(j[r * d + c]));
      row = std::fmax(row, s);
    }
    for (std::size_t c = 0; c < d; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < m_; ++r) s = up_add(s, std::fabs(j[r * d + c]));
      col = std::fmax(col, s);
    }
    return up_sqrt(up_mul(row, col));
  }

  // A rigorous upper bound on the norm of the double matrix j.
  double norm_upper(const std::vector<double>& j) const {
    const std::size_t d = p_.net.input_dim;
    if (m_ == 1) {
      double s = 0;
      if (p_.norm == Norm::L2) { for (double x : j) s = up_add(s, up_mul(x, x)); return up_sqrt(s); }
      if (p_.norm == Norm::Linf) { for (double x : j) s = up_add(s, std::fabs(x)); return s; }
      for (double x : j) s = std::fmax(s, std::fabs(x));
      return s;
    }
    IntervalMatrix m{m_, d, std::vector<DInterval>(j.size())};
    for (std::size_t i = 0; i < j.size(); ++i) m.entries[i] = DInterval::point(j[i]);
    return imatrix_norm_upper(m, p_.norm);
  }

  void evaluate(const std::vector<double>& j, const HiddenPattern& state) {
    ++out_.vertices;
    if (top_.excluded(state)) return;
    largest_error_ = std::fmax(largest_error_, error_norm_);
    if (m_ > 1 && p_.norm == Norm::L2) {
      // Cheap bounds on the spectral norm (Frobenius, and sqrt(||J||_1 ||J||_inf)): a
      // vertex that cannot enter the list is only counted in rest, without its certified norm.
      const double f = up_add(std::fmin(frobenius_upper(j), l1_linf_upper(j)), error_norm_);
      if (f <= top_.entry()) { top_.skip(f); return; }
    }
    double u = up_add(norm_upper(j), error_norm_);
    if (std::isnan(u)) u = std::numeric_limits<double>::infinity();
    top_.add(u, state);
  }
};

}  // namespace

VertexBound lipschitz_upper_vertex(const LipProblem& p, const BoxBounds& b, const std::vector<PatternExclusion>& excluded,
                                   std::size_t top_count, double floor) {
  auto exact_walk = [&] {
    VertexTop top(excluded, top_count, floor, b);
    VertexBound v = IntervalWalk(p, top).run(b);
    top.finish(v);
    return v;
  };
  if (!p.vertex_float_ok) return exact_walk();
  VertexTop top(excluded, top_count, floor, b);
  FloatWalk walk(p, top);
  VertexBound v = walk.run(b);
  top.finish(v);
  // Nearly constant on the box: the interval walk keeps exact zeros exact, so L = 0 can be proved.
  if (v.upper <= 4 * walk.largest_error()) {
    VertexBound exact = exact_walk();
    if (exact.upper < v.upper) return exact;
  }
  return v;
}

}  // namespace rl
