#include "lipschitz/lipsdp_solve.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "io/plugin.hpp"
#include "lipschitz/sdpa_plugin.hpp"

namespace rl {
namespace {

constexpr const char* kSdpaPluginName = "librobustlaw_sdpa.so";

using Entries = std::map<std::pair<int, int>, double>;  // upper triangle, 1-based (SDPA's indexing)

void add(Entries& e, int i, int j, double v) {
  if (v == 0) return;
  if (i > j) std::swap(i, j);
  e[{i + 1, j + 1}] += v;
}

const char* const kPhases[] = {"noINFO", "pFEAS", "dFEAS", "pdFEAS", "pdINF", "pFEAS_dINF", "pINF_dFEAS", "pdOPT", "pUNBD", "dUNBD"};

std::string phase_name(int i) { return i >= 0 && i < 10 ? kPhases[i] : "unknown"; }

int phase_index(const std::string& name) {
  for (int i = 0; i < 10; ++i) if (name == kPhases[i]) return i;
  return -1;
}

struct SdpData {
  Entries f0;
  std::vector<Entries> f;  // SDP block of each unknown
};

// ||W||_2^2 of a layer's double weights, by power iteration on W^T W (an
// estimate: it only scales the SDP).
double spectral_squared(const Layer& l) {
  const std::size_t rows = l.out_dim(), cols = l.in_dim();
  std::vector<double> v(cols, 1.0), wv(rows);
  double lambda = 0;
  for (int it = 0; it < 50; ++it) {
    for (std::size_t r = 0; r < rows; ++r) {
      wv[r] = 0;
      for (std::size_t c = 0; c < cols; ++c) wv[r] += l.weights_f[r * cols + c] * v[c];
    }
    double norm = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      v[c] = 0;
      for (std::size_t r = 0; r < rows; ++r) v[c] += l.weights_f[r * cols + c] * wv[r];
      norm += v[c] * v[c];
    }
    norm = std::sqrt(norm);
    if (!(norm > 0) || !std::isfinite(norm)) return 1;
    lambda = norm;
    for (double& x : v) x /= norm;
  }
  return lambda;
}

// Layer scales c_k (k = 0: inputs, then the hidden layers): c_{L-1} =
// ||W_L||^2 and c_{k-1} = c_k ||W_k||^2, the sizes of rho and of layer k's t
// when every layer is as expanding as its norm allows.
std::vector<double> layer_scales(const Network& g) {
  std::vector<double> c(g.layers.size());
  c.back() = spectral_squared(g.layers.back());
  for (std::size_t k = g.layers.size() - 1; k-- > 0;) c[k] = c[k + 1] * spectral_squared(g.layers[k]);
  return c;
}

// The SDPA data, in scaled unknowns rho = c_0 r and t_i = c_k tau_i, and rows
// scaled by S = diag(c_k^-1/2) so that every block is of size about 1:
// F_0 = S M0 S + eta I and, per unknown (r, tau_1, ...), F_k with
// X = sum_k F_k x_k - F_0 = S (-M(rho, t)) S - eta I (block 1), X = diag(tau) (block 2).
SdpData sdp_data(const Network& g, const std::vector<std::pair<int, int>>& slopes, const std::vector<double>& c, double eta) {
  const int d0 = static_cast<int>(g.input_dim);
  const int n = d0 + static_cast<int>(slopes.size());
  std::vector<double> row_scale(n);
  SdpData s;
  s.f.resize(1 + slopes.size());
  int pos = 0;
  for (std::size_t k = 0; k < g.layers.size(); ++k) {
    const int width = k == 0 ? d0 : static_cast<int>(g.layers[k - 1].out_dim());
    for (int i = 0; i < width; ++i) row_scale[pos + i] = 1 / std::sqrt(c[k]);
    pos += width;
  }
  for (int i = 0; i < d0; ++i) add(s.f[0], i, i, 1.0);
  for (int i = 0; i < n; ++i) add(s.f0, i, i, eta);
  int prev = 0;
  pos = d0;
  std::size_t neuron = 0;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    const Layer& l = g.layers[k];
    const int in = static_cast<int>(l.in_dim());
    for (int r = 0; r < static_cast<int>(l.out_dim()); ++r, ++neuron) {
      Entries& e = s.f[1 + neuron];
      const double both = 2.0 * slopes[neuron].first * slopes[neuron].second, sum = slopes[neuron].first + slopes[neuron].second;
      const double* w = &l.weights_f[std::size_t(r) * std::size_t(in)];
      const double ck = c[k + 1];
      const int p = pos + r;
      for (int i = 0; i < in; ++i) {
        if (both != 0)
          for (int j = i; j < in; ++j) add(e, prev + i, prev + j, ck * row_scale[prev + i] * row_scale[prev + j] * both * w[i] * w[j]);
        add(e, prev + i, p, -ck * row_scale[prev + i] * row_scale[p] * sum * w[i]);
      }
      add(e, p, p, 2.0 * ck * row_scale[p] * row_scale[p]);
    }
    prev = pos;
    pos += static_cast<int>(l.out_dim());
  }
  const Layer& out = g.layers.back();
  const int in = static_cast<int>(out.in_dim());
  for (int i = 0; i < in; ++i)
    for (int j = i; j < in; ++j) {
      double v = 0;
      for (std::size_t o = 0; o < out.out_dim(); ++o) v += out.weights_f[o * in + i] * out.weights_f[o * in + j];
      add(s.f0, prev + i, prev + j, row_scale[prev + i] * row_scale[prev + j] * v);
    }
  return s;
}

// The solve itself, in the calling process.
LipsdpSolution solve_here(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta) {
  const std::vector<double> c = layer_scales(g);
  const SdpData data = sdp_data(g, slopes, c, eta);
  const int n = static_cast<int>(g.input_dim + slopes.size()), hidden = static_cast<int>(slopes.size());
  std::vector<RlSdpEntry> entries;
  for (const auto& [ij, v] : data.f0) entries.push_back({0, 1, ij.first, ij.second, v});
  for (std::size_t k = 0; k < data.f.size(); ++k)
    for (const auto& [ij, v] : data.f[k]) entries.push_back({static_cast<int>(k) + 1, 1, ij.first, ij.second, v});
  for (int i = 0; i < hidden; ++i) entries.push_back({i + 2, 2, i + 1, i + 1, 1.0});
  std::vector<double> cost(1 + hidden, 0.0), x(1 + hidden, 0.0);
  cost[0] = 1.0;
  const RlSdpProblem problem{1 + hidden, n, hidden, cost.data(), entries.data(), entries.size()};
  const int phase = sdpa_plugin().solve(&problem, x.data());
  if (phase < 0) throw std::runtime_error("the SDPA solve failed");
  LipsdpSolution sol;
  sol.rho = c[0] * x[0];
  std::size_t neuron = 0;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k)
    for (std::size_t r = 0; r < g.layers[k].out_dim(); ++r, ++neuron) sol.t.push_back(c[k + 1] * x[1 + neuron]);
  sol.phase = phase_name(phase);
  return sol;
}

// The child's answer on the pipe: phase index, rho, t (doubles).
void child_run(int fd, const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta) {
  // SDPA prints warnings on stdout, which belongs to the command's output (--json).
  const int null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, 1);
  const LipsdpSolution sol = solve_here(g, slopes, eta);
  std::vector<double> out{static_cast<double>(phase_index(sol.phase)), sol.rho};
  out.insert(out.end(), sol.t.begin(), sol.t.end());
  const char* p = reinterpret_cast<const char*>(out.data());
  std::size_t left = out.size() * sizeof(double);
  while (left > 0) {
    const ssize_t w = write(fd, p, left);
    if (w <= 0) break;
    p += w;
    left -= static_cast<std::size_t>(w);
  }
}

SdpaPlugin sdpa_plugin_load() {
  // OpenBLAS sizes its thread pool when it is loaded; a multithreaded one
  // spins its idle workers, and one thread is no slower for these matrices
  // (LipSDP-Neuron on ACAS Xu 1_1: 5.0 s wall and 5.1 s CPU, against 5.3 s and
  // 9.2 s with two).
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  void* handle = plugin_open(kSdpaPluginName, ROBUSTLAW_SDPA_PLUGIN, false);
  return {plugin_symbol<RlSdpaSolveFn>(handle, kSdpaPluginName, "rl_sdpa_solve"),
          plugin_symbol<RlEigenvaluesFn>(handle, kSdpaPluginName, "rl_lapack_eigenvalues"),
          plugin_symbol<RlCholeskyFn>(handle, kSdpaPluginName, "rl_lapack_cholesky_upper")};
}

}  // namespace

const SdpaPlugin& sdpa_plugin() {
  static const SdpaPlugin plugin = sdpa_plugin_load();
  return plugin;
}

std::optional<LipsdpSolution> lipsdp_solve(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta,
                                           double seconds, const std::atomic<bool>* stop) {
  // The plugin is loaded here, before the fork: a child forked from a
  // multithreaded process may wait forever in dlopen on a lock that another
  // thread held at the fork. A plugin that does not load is a failed solve.
  try {
    sdpa_plugin();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) { close(fds[0]); close(fds[1]); return std::nullopt; }
  if (child == 0) {
    close(fds[0]);
    // Nothing may unwind out of the child: it would resume the parent's code
    // (and print its results) in a second process. A failed solve reports
    // nothing, which the parent reads as no solution.
    try {
      child_run(fds[1], g, slopes, eta);
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(std::max(seconds, 0.0));
  std::string bytes;
  bool done = false, killed = false;
  while (!done) {
    if ((stop && stop->load()) || std::chrono::steady_clock::now() >= deadline) { kill(child, SIGKILL); killed = true; break; }
    pollfd pfd{fds[0], POLLIN, 0};
    if (poll(&pfd, 1, 50) <= 0) continue;
    char buf[65536];
    const ssize_t r = read(fds[0], buf, sizeof buf);
    if (r > 0) bytes.append(buf, static_cast<std::size_t>(r));
    else if (r == 0 || errno != EINTR) done = true;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  const std::size_t expected = (2 + slopes.size()) * sizeof(double);
  if (killed || !WIFEXITED(status) || bytes.size() != expected) return std::nullopt;
  std::vector<double> v(2 + slopes.size());
  std::memcpy(v.data(), bytes.data(), expected);
  LipsdpSolution sol;
  sol.phase = phase_name(static_cast<int>(v[0]));
  sol.rho = v[1];
  sol.t.assign(v.begin() + 2, v.end());
  return sol;
}

}  // namespace rl
