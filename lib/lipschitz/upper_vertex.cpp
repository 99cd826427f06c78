#include <bit>

#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/upper_bounds.hpp"

namespace rl {
namespace {

// Walks the vertex patterns from the output layer back to the inputs. At hidden
// layer k the partial product B = W_L D_{L-1} ... W_{k+1} (m x n_k) is fixed;
// the patterns of layer k's unstable neurons are visited in Gray-code order, so
// each step adds or removes one rank-one term B[:,i] W_k[i,:].
class VertexWalk {
 public:
  VertexWalk(const LipProblem& p, const BoxBounds& b) : p_(p), b_(b), m_(p.net.output_dim()) {
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
  std::vector<std::vector<std::uint8_t>> state_;
  VertexBound out_;

  // acc += sign * B[:,i] W[i,:]
  static void add_rank_one(IntervalMatrix& acc, const IntervalMatrix& b, std::size_t i, const DInterval* w, bool subtract) {
    for (std::size_t r = 0; r < acc.rows; ++r) {
      DInterval coef = b.at(r, i);
      if (coef.lo == 0 && coef.hi == 0) continue;
      if (subtract) coef = -coef;
      DInterval* row = &acc.entries[r * acc.cols];
      for (std::size_t c = 0; c < acc.cols; ++c) row[c] += coef * w[c];
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
    double u = imatrix_norm_upper(j, p_.norm);
    if (out_.vertices == 1 || u > out_.upper) { out_.upper = u; out_.argmax = state_; }
  }
};

}  // namespace

VertexBound lipschitz_upper_vertex(const LipProblem& p, const BoxBounds& b) { return VertexWalk(p, b).run(); }

}  // namespace rl
