#include "bench_float_jacobian.hpp"

#include <cmath>
#include <cstdint>

namespace rl::bench {

DenseMatrix float_jacobian(const Network& net, const std::vector<double>& x) {
  std::vector<double> z = x;
  std::vector<std::vector<std::uint8_t>> act;
  for (std::size_t k = 0; k + 1 < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<double> next(l.out_dim());
    act.emplace_back(l.out_dim());
    for (std::size_t r = 0; r < l.out_dim(); ++r) {
      double s = l.bias_f[r];
      for (std::size_t c = 0; c < l.in_dim(); ++c) s += l.weights_f[r * l.in_dim() + c] * z[c];
      act.back()[r] = s > 0;
      next[r] = s > 0 ? s : 0;
    }
    z = std::move(next);
  }
  const Layer& last = net.layers.back();
  std::size_t m = last.out_dim(), width = last.in_dim();
  std::vector<double> g = last.weights_f;
  for (std::size_t k = net.layers.size() - 1; k-- > 0;) {
    const Layer& l = net.layers[k];
    std::vector<double> ng(m * l.in_dim(), 0.0);
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t j = 0; j < width; ++j)
        if (act[k][j])
          for (std::size_t c = 0; c < l.in_dim(); ++c) ng[r * l.in_dim() + c] += g[r * width + j] * l.weights_f[j * l.in_dim() + c];
    g = std::move(ng);
    width = l.in_dim();
  }
  return DenseMatrix{m, width, std::move(g)};
}

std::vector<double> top_right_singular_vector(const DenseMatrix& j) {
  std::vector<double> v(j.cols, 1.0);
  for (int it = 0; it < 200; ++it) {
    std::vector<double> jv(j.rows, 0.0), next(j.cols, 0.0);
    for (std::size_t r = 0; r < j.rows; ++r)
      for (std::size_t c = 0; c < j.cols; ++c) jv[r] += j.a[r * j.cols + c] * v[c];
    double n = 0;
    for (std::size_t c = 0; c < j.cols; ++c) {
      for (std::size_t r = 0; r < j.rows; ++r) next[c] += j.a[r * j.cols + c] * jv[r];
      n += next[c] * next[c];
    }
    if (n == 0) break;
    n = std::sqrt(n);
    for (std::size_t c = 0; c < j.cols; ++c) v[c] = next[c] / n;
  }
  return v;
}

}  // namespace rl::bench
