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
// each step adds or removes one rank-one term B[:,i] W_k[i,:].
class VertexWalk {
 public:
  VertexWalk(const LipProblem& p, const BoxBounds& b, VertexTop& top) : p_(p), b_(b), m_(p.net.output_dim()), top_(top) {
    for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) state_.emplace_back(p.net.layers[k].out_dim(), 0);
  }

  VertexBound run() {
    const std::size_t hidden = p_.net.layers.size() - 1;
    if (hidden == 0) {
      evaluate(IntervalMatrix{m_, p_.net.input_dim, p_.first_weights_free});
    } else {
      const Layer& last = p_.net.layers.back();
      walk(hidden, IntervalMatrix{m_, last.in_dim(), last.weights_i});
    }
    return out_;
  }

 private:
  const LipProblem& p_;
  const BoxBounds& b_;
  std::size_t m_;
  VertexTop& top_;
  std::vector<std::vector<std::uint8_t>> state_;
  VertexBound out_;

  // acc += sign * B[:,i] W[i,:]
  static void add_rank_one(IntervalMatrix& acc, const IntervalMatrix& b, std::size_t i, const DInterval* w, bool subtract) {
    for (std::size_t r = 0; r < acc.rows; ++r) {
      DInterval coef = b.at(r, i);
      if (coef.lo == 0 && coef.hi == 0) continue;
      if (subtract) coef = -coef;
      DInterval* row = &acc.entries[r * acc.cols];
      for (std::size_t c = 0; c < acc.cols; ++c) row[c] = tight_add(row[c], tight_mul(coef, w[c]));
    }
  }

  // b: m x n_k with k = hidden layer (1-based); multiplies by D_k W_k for every pattern.
  void walk(std::size_t k, const IntervalMatrix& b) {
    const Layer& l = p_.net.layers[k - 1];
    const std::size_t nin = l.in_dim();
    const DInterval* w = k == 1 ? p_.first_weights_free.data() : l.weights_i.data();
    const DBox& z = b_.preactivations[k - 1];
    IntervalMatrix acc{m_, nin, std::vector<DInterval>(m_ * nin, DInterval::point(0))};
    std::vector<std::size_t> unstable;
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      state_[k - 1][i] = 0;
      if (z[i].lo >= 0) { state_[k - 1][i] = 1; add_rank_one(acc, b, i, w + i * nin, false); }
      else if (z[i].hi > 0) unstable.push_back(i);
    }
    visit(k, acc);
    const std::uint64_t count = std::uint64_t(1) << unstable.size();
    for (std::uint64_t s = 1; s < count; ++s) {
      std::size_t i = unstable[std::countr_zero(s)];
      std::uint8_t& on = state_[k - 1][i];
      on ^= 1;
      add_rank_one(acc, b, i, w + i * nin, on == 0);
      visit(k, acc);
    }
  }

  void visit(std::size_t k, const IntervalMatrix& acc) {
    if (k == 1) evaluate(acc);
    else walk(k - 1, acc);
  }

  void evaluate(const IntervalMatrix& j) {
    ++out_.vertices;
    if (top_.excluded(state_)) return;
    double u = imatrix_norm_upper(j, p_.norm);
    if (std::isnan(u)) u = std::numeric_limits<double>::infinity();
    top_.add(u, state_);
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
class FloatVertexWalk {
 public:
  FloatVertexWalk(const LipProblem& p, const BoxBounds& b, VertexTop& top) : p_(p), b_(b), m_(p.net.output_dim()), top_(top) {
    for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) state_.emplace_back(p.net.layers[k].out_dim(), 0);
  }

  VertexBound run() {
    const std::size_t hidden = p_.net.layers.size() - 1;
    const std::vector<double>& top = hidden == 0 ? p_.first_weights_free_f : p_.net.layers.back().weights_f;
    std::vector<double> err(top.size());
    for (std::size_t i = 0; i < top.size(); ++i) err[i] = up_mul(std::fabs(top[i]), 0x1p-53);
    if (hidden == 0) {
      error_norm_ = error_norm(err);
      evaluate(top);
    } else {
      std::vector<double> bar(top.size());
      for (std::size_t i = 0; i < top.size(); ++i) bar[i] = std::fabs(top[i]);
      for (std::size_t k = hidden; k >= 1; --k) layer_error(k, bar, err);
      error_norm_ = error_norm(err);
      walk(hidden, top);
    }
    return out_;
  }

  double largest_error() const { return largest_error_; }

 private:
  const LipProblem& p_;
  const BoxBounds& b_;
  std::size_t m_;
  VertexTop& top_;
  std::vector<std::vector<std::uint8_t>> state_;
  VertexBound out_;
  double error_norm_ = 0, largest_error_ = 0;

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
  void layer_error(std::size_t k, std::vector<double>& bar, std::vector<double>& err) const {
    const Layer& l = p_.net.layers[k - 1];
    const std::size_t nk = l.out_dim(), nin = l.in_dim();
    const double* w = k == 1 ? p_.first_weights_free_f.data() : l.weights_f.data();
    const DBox& z = b_.preactivations[k - 1];
    const double u = 0x1p-53, t = double(nk + kVertexRebase + 1);
    const double gamma = up_add(up_mul(up_mul(2 * t, u), up_add(1, up_mul(t, u))), 2 * u);
    const double grow = up_add(1, 2 * u), slack = up_add(1, up_mul(double(2 * (nk + 2)), u));
    std::vector<double> ea(m_ * nin, 0.0), mag(m_ * nin, 0.0);
    for (std::size_t r = 0; r < m_; ++r)
      for (std::size_t i = 0; i < nk; ++i) {
        if (z[i].hi <= 0) continue;
        const double e = err[r * nk + i], b = bar[r * nk + i];
        const double coef = up_add(up_mul(grow, e), up_mul(gamma, b)), whole = up_add(b, e);
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

  void walk(std::size_t k, const std::vector<double>& b) {
    const Layer& l = p_.net.layers[k - 1];
    const std::size_t nk = l.out_dim(), nin = l.in_dim();
    const double* w = k == 1 ? p_.first_weights_free_f.data() : l.weights_f.data();
    const DBox& z = b_.preactivations[k - 1];
    std::vector<std::size_t> unstable;
    std::vector<std::uint8_t>& st = state_[k - 1];
    for (std::size_t i = 0; i < nk; ++i) {
      st[i] = z[i].lo >= 0 ? 1 : 0;
      if (z[i].lo < 0 && z[i].hi > 0) unstable.push_back(i);
    }
    std::vector<double> acc(m_ * nin);
    auto rebuild = [&] {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (std::size_t i = 0; i < nk; ++i)
        if (st[i]) add(acc, b, nk, i, w + i * nin, nin, 1.0);
    };
    rebuild();
    visit(k, acc);
    const std::uint64_t count = std::uint64_t(1) << unstable.size();
    std::size_t since = 0;
    for (std::uint64_t s = 1; s < count; ++s) {
      std::size_t i = unstable[std::countr_zero(s)];
      st[i] ^= 1;
      if (++since >= kVertexRebase) { rebuild(); since = 0; }
      else add(acc, b, nk, i, w + i * nin, nin, st[i] ? 1.0 : -1.0);
      visit(k, acc);
    }
  }

  void add(std::vector<double>& acc, const std::vector<double>& b, std::size_t nk, std::size_t i, const double* w,
           std::size_t nin, double sign) const {
    for (std::size_t r = 0; r < m_; ++r) {
      const double coef = sign * b[r * nk + i];
      if (coef == 0) continue;
      double* row = &acc[r * nin];
      for (std::size_t c = 0; c < nin; ++c) row[c] += coef * w[c];
    }
  }

  void visit(std::size_t k, const std::vector<double>& acc) {
    if (k == 1) evaluate(acc);
    else walk(k - 1, acc);
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

  void evaluate(const std::vector<double>& j) {
    ++out_.vertices;
    if (top_.excluded(state_)) return;
    largest_error_ = std::fmax(largest_error_, error_norm_);
    if (m_ > 1 && p_.norm == Norm::L2) {
      // Cheap bounds on the spectral norm (Frobenius, and sqrt(||J||_1 ||J||_inf)): a
      // vertex that cannot enter the list is only counted in rest, without its certified norm.
      const double f = up_add(std::fmin(frobenius_upper(j), l1_linf_upper(j)), error_norm_);
      if (f <= top_.entry()) { top_.skip(f); return; }
    }
    double u = up_add(norm_upper(j), error_norm_);
    if (std::isnan(u)) u = std::numeric_limits<double>::infinity();
    top_.add(u, state_);
  }
};

}  // namespace

VertexBound lipschitz_upper_vertex(const LipProblem& p, const BoxBounds& b, const std::vector<PatternExclusion>& excluded,
                                   std::size_t top_count, double floor) {
  auto exact_walk = [&] {
    VertexTop top(excluded, top_count, floor, b);
    VertexBound v = VertexWalk(p, b, top).run();
    top.finish(v);
    return v;
  };
  if (!p.vertex_float_ok) return exact_walk();
  VertexTop top(excluded, top_count, floor, b);
  FloatVertexWalk walk(p, b, top);
  VertexBound v = walk.run();
  top.finish(v);
  // Nearly constant on the box: the interval walk keeps exact zeros exact, so L = 0 can be proved.
  if (v.upper <= 4 * walk.largest_error()) {
    VertexBound exact = exact_walk();
    if (exact.upper < v.upper) return exact;
  }
  return v;
}

}  // namespace rl
