#include "lipschitz/global_one_layer.hpp"

#include <chrono>
#include <cmath>
#include <optional>

#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/strict_system.hpp"
#include "lipschitz/tight_arith.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "lipschitz/witness.hpp"

namespace rl {
namespace {

constexpr std::size_t kMaxNeurons = 20;
constexpr std::size_t kMaxInputs = 8;
constexpr std::uint64_t kMaxNodes = 200000;

class RegionSearch {
 public:
  RegionSearch(const LipProblem& p, const LipschitzOptions& o) : p_(p), o_(o), start_(std::chrono::steady_clock::now()) {
    const Layer& first = p.net.layers.front();
    for (std::size_t j = 0; j < first.out_dim(); ++j) {
      bool nonzero = false;
      for (const Rational& w : first.weights[j]) nonzero |= w != 0;
      if (nonzero) neurons_.push_back(j);
    }
  }

  bool run(LipschitzResult& res) {
    std::vector<int> signs;
    const std::size_t d = p_.net.input_dim;
    if (!dfs(signs, std::vector<double>(d, 0.0), true)) return false;
    if (!refute_deferred()) return false;
    res.lower = lower_;
    res.upper = rational_from_double(upper_);
    res.status = res.upper <= res.lower * (1 + o_.rel_gap) ? SearchStatus::Converged : SearchStatus::NotConverged;
    res.upper_method = "exact region enumeration (one hidden layer, R^d): max over regions not refuted by a Motzkin certificate";
    res.lower_method = witness_ ? "witness point: interval-certified Jacobian norm at a point interior to a linear region"
                                : "trivial (0)";
    res.nodes = nodes_;
    res.leaves = leaves_;
    res.pruned = pruned_;
    res.vertices = leaves_;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (o_.want_certificate) {
      res.certificate = Json{{"method", "one-layer-regions"}, {"norm", norm_name(p_.norm)},
                             {"lower", rational_to_string(res.lower)}, {"upper", rational_to_string(res.upper)},
                             {"tree", tree_}};
      if (witness_) res.certificate["witness"] = witness_json(*witness_);
    }
    return true;
  }

 private:
  const LipProblem& p_;
  const LipschitzOptions& o_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::size_t> neurons_;
  std::vector<std::vector<int>> deferred_;  // partial patterns the LP found empty, not yet refuted
  std::uint64_t nodes_ = 0, leaves_ = 0, pruned_ = 0;
  double upper_ = 0;
  Rational lower_ = 0;
  double lower_d_ = 0;
  std::optional<Witness> witness_;
  Json tree_ = Json::array();

  double value(std::size_t j, const std::vector<double>& x) const {
    const Layer& l = p_.net.layers.front();
    double s = l.bias_f[j];
    for (std::size_t c = 0; c < x.size(); ++c) s += l.weights_f[j * x.size() + c] * x[c];
    return s;
  }

  // The strict system of the decided signs: s_j (w_j . x + b_j) > 0.
  std::vector<StrictRow> rows(const std::vector<int>& signs) const {
    const Layer& l = p_.net.layers.front();
    const std::size_t d = p_.net.input_dim;
    std::vector<StrictRow> out;
    for (std::size_t t = 0; t < signs.size(); ++t) {
      const std::size_t j = neurons_[t];
      StrictRow r{std::vector<double>(d), signs[t] * l.bias_f[j]};
      for (std::size_t c = 0; c < d; ++c) r.a[c] = signs[t] * l.weights_f[j * d + c];
      out.push_back(std::move(r));
    }
    return out;
  }

  // Untrusted: a point with the largest normalized slack for the decided signs.
  std::optional<std::vector<double>> feasible_point(const std::vector<int>& signs) const {
    return strict_system_point(rows(signs), p_.net.input_dim);
  }

  // A Motzkin certificate for the decided signs, verified exactly, or nothing.
  std::optional<std::vector<Rational>> motzkin(const std::vector<int>& signs) const {
    const Layer& l = p_.net.layers.front();
    return strict_system_refutation(rows(signs), p_.net.input_dim, [&](std::size_t t) {
      const std::size_t j = neurons_[t];
      ExactRow r{l.weights[j], signs[t] * l.bias[j]};
      for (Rational& w : r.a) w *= signs[t];
      return r;
    });
  }

  bool dfs(std::vector<int>& signs, const std::vector<double>& x, bool x_valid) {
    if (++nodes_ > kMaxNodes) return false;
    if ((o_.stop && o_.stop->load()) ||
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() > o_.time_limit_seconds)
      return false;
    if (signs.size() == neurons_.size()) return leaf(signs, x, x_valid);
    if (o_.want_certificate) tree_.push_back("s");
    const std::size_t j = neurons_[signs.size()];
    for (int side = 0; side < 2; ++side) {
      const int s = side ? 1 : -1;
      signs.push_back(s);
      bool ok;
      if (x_valid && s * value(j, x) > 0) {
        ok = dfs(signs, x, true);
      } else if (auto y = feasible_point(signs)) {
        ok = dfs(signs, *y, true);
      } else if (!o_.want_certificate) {
        deferred_.push_back(signs);
        ++pruned_;
        ok = true;
      } else if (auto cert = motzkin(signs)) {
        if (o_.want_certificate) {
          Json farkas = Json::array();
          for (const Rational& q : *cert) farkas.push_back(rational_to_string(q));
          tree_.push_back(Json{{"farkas", farkas}});
        }
        ++pruned_;
        ok = true;
      } else {
        ok = dfs(signs, x, false);  // not refuted: keep it, sound but maybe loose
      }
      signs.pop_back();
      if (!ok) return false;
    }
    return true;
  }

  // Encloses W_2 D W_1 for every completion of the partial pattern `signs`
  // (over the first signs.size() non-constant neurons): D_jj = 1 for a
  // neuron decided on, 0 for one decided off or constant, [0, 1] otherwise.
  IntervalMatrix region_jacobian(const std::vector<int>& signs) const {
    const Layer& l1 = p_.net.layers.front();
    const Layer& l2 = p_.net.layers.back();
    const std::size_t d = p_.net.input_dim, m = l2.out_dim(), k = l1.out_dim();
    IntervalMatrix j{m, d, std::vector<DInterval>(m * d, DInterval::point(0))};
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t i = 0; i < neurons_.size(); ++i) {
        const bool decided = i < signs.size();
        if (decided && signs[i] < 0) continue;
        const std::size_t t = neurons_[i];
        const DInterval a = l2.weights_i[r * k + t];
        for (std::size_t c = 0; c < d; ++c) {
          DInterval term = tight_mul(a, l1.weights_i[t * d + c]);
          if (!decided) term = {std::fmin(0.0, term.lo), std::fmax(0.0, term.hi)};
          j.at(r, c) = tight_add(j.at(r, c), term);
        }
      }
    return j;
  }

  // The partial patterns the LP found empty, without a certificate run: one
  // whose completions' bound does not exceed the upper bound over the regions
  // changes nothing, so only the others need a verified Motzkin certificate;
  // one that gets none counts with that bound (sound, maybe loose). Returns
  // false when a bound overflows in double.
  bool refute_deferred() {
    for (const std::vector<int>& signs : deferred_) {
      const double u = imatrix_norm_upper(region_jacobian(signs), p_.norm);
      if (!std::isfinite(u)) return false;
      if (u <= upper_ || motzkin(signs)) continue;
      upper_ = u;
    }
    return true;
  }

  bool leaf(const std::vector<int>& signs, const std::vector<double>& x, bool x_valid) {
    if (o_.want_certificate) tree_.push_back("l");
    ++leaves_;
    // ||W_2 D W_1|| rounded up, constant neurons off.
    double u = imatrix_norm_upper(region_jacobian(signs), p_.norm);
    if (!std::isfinite(u)) return false;  // overflow in double: give up, the general engine reports it
    upper_ = std::fmax(upper_, u);
    // Only a region whose bound beats the best lower bound can raise it.
    if (x_valid && u > lower_d_) {
      auto w = witness_certify(p_, x);
      if (w && w->value > lower_) { lower_ = w->value; lower_d_ = rational_to_double(lower_); witness_ = std::move(w); }
    }
    return true;
  }
};

}  // namespace

bool global_one_layer_applies(const LipProblem& p) {
  if (!p.unbounded || p.net.layers.size() != 2 || p.net.input_dim > kMaxInputs) return false;
  std::size_t n = 0;
  for (const auto& row : p.net.layers.front().weights) {
    bool nonzero = false;
    for (const Rational& w : row) nonzero |= w != 0;
    n += nonzero;
  }
  return n <= kMaxNeurons;
}

bool global_one_layer_bound(const LipProblem& p, const LipschitzOptions& options, LipschitzResult& result) {
  return RegionSearch(p, options).run(result);
}

}  // namespace rl
