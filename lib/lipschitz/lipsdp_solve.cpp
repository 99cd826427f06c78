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

#include "cert/producer_api.hpp"
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

using DoubleRow = std::vector<std::pair<int, double>>;

DoubleRow double_row(const LipsdpRow& row) {
  DoubleRow out;
  for (const auto& [c, v] : row) out.emplace_back(static_cast<int>(c), rational_to_double(v));
  return out;
}

// The SDPA data over the reduced coordinates (cert/cert_lipsdp.hpp: the
// neurons with equal slope bounds are eliminated, and have no unknown), in
// scaled unknowns rho = c_0 r and t_i = c_k tau_i, and rows scaled by
// S = diag(c_k^-1/2) (c_k of the layer a coordinate belongs to) so that every
// block is of size about 1: F_0 = S M0 S + eta I and, per unknown (r, then
// tau of each neuron kept), F_k with X = sum_k F_k x_k - F_0 = S (-M(rho, t)) S
// - eta I (block 1), X = diag(tau) (block 2).
struct ReducedSdp {
  SdpData data;
  int rows = 0;                             // the reduced coordinates
  std::vector<std::size_t> unknown_neuron;  // the hidden neuron of each tau
  std::vector<double> unknown_scale;        // its t = unknown_scale tau
};

ReducedSdp sdp_data(const Network& g, const std::vector<std::pair<int, int>>& slopes, const std::vector<double>& c, double eta) {
  const LipsdpReduction red = cert_lipsdp_reduction(g, slopes);
  const int d0 = static_cast<int>(g.input_dim);
  std::vector<double> row_scale(red.size, 1 / std::sqrt(c[0])), neuron_scale;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k)
    for (std::size_t r = 0; r < g.layers[k].out_dim(); ++r) {
      const long p = red.position[neuron_scale.size()];
      if (p >= 0) row_scale[static_cast<std::size_t>(p)] = 1 / std::sqrt(c[k + 1]);
      neuron_scale.push_back(c[k + 1]);
    }
  ReducedSdp s;
  s.rows = static_cast<int>(red.size);
  s.data.f.emplace_back();
  for (int i = 0; i < d0; ++i) add(s.data.f[0], i, i, 1.0);
  for (int i = 0; i < static_cast<int>(red.size); ++i) add(s.data.f0, i, i, eta);
  for (std::size_t neuron = 0; neuron < slopes.size(); ++neuron) {
    if (red.position[neuron] < 0) continue;
    s.unknown_neuron.push_back(neuron);
    s.unknown_scale.push_back(neuron_scale[neuron]);
    Entries& e = s.data.f.emplace_back();
    const int p = static_cast<int>(red.position[neuron]);
    const double both = 2.0 * slopes[neuron].first * slopes[neuron].second, sum = slopes[neuron].first + slopes[neuron].second;
    const double ck = neuron_scale[neuron];
    const DoubleRow row = double_row(red.rows[neuron]);
    for (const auto& [i, wi] : row) {
      if (both != 0)
        for (const auto& [j, wj] : row)
          if (j >= i) add(e, i, j, ck * row_scale[i] * row_scale[j] * both * wi * wj);
      add(e, i, p, -ck * row_scale[i] * row_scale[p] * sum * wi);
    }
    add(e, p, p, 2.0 * ck * row_scale[p] * row_scale[p]);
  }
  for (const LipsdpRow& out : red.outputs) {
    const DoubleRow row = double_row(out);
    for (const auto& [i, wi] : row)
      for (const auto& [j, wj] : row)
        if (j >= i) add(s.data.f0, i, j, row_scale[i] * row_scale[j] * wi * wj);
  }
  return s;
}

// The solve itself, in the calling process.
LipsdpSolution solve_here(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta) {
  const std::vector<double> c = layer_scales(g);
  const ReducedSdp reduced = sdp_data(g, slopes, c, eta);
  const SdpData& data = reduced.data;
  const int n = reduced.rows;
  const int unknowns = static_cast<int>(reduced.unknown_neuron.size());
  std::vector<RlSdpEntry> entries;
  for (const auto& [ij, v] : data.f0) entries.push_back({0, 1, ij.first, ij.second, v});
  for (std::size_t k = 0; k < data.f.size(); ++k)
    for (const auto& [ij, v] : data.f[k]) entries.push_back({static_cast<int>(k) + 1, 1, ij.first, ij.second, v});
  for (int i = 0; i < unknowns; ++i) entries.push_back({i + 2, 2, i + 1, i + 1, 1.0});
  std::vector<double> cost(1 + unknowns, 0.0), x(1 + unknowns, 0.0);
  cost[0] = 1.0;
  const RlSdpProblem problem{1 + unknowns, n, unknowns, cost.data(), entries.data(), entries.size()};
  const int phase = sdpa_plugin().solve(&problem, x.data());
  if (phase < 0) throw std::runtime_error("the SDPA solve failed");
  LipsdpSolution sol;
  sol.rho = c[0] * x[0];
  sol.t.assign(slopes.size(), 0.0);  // the eliminated neurons' stay 0
  for (int i = 0; i < unknowns; ++i) sol.t[reduced.unknown_neuron[i]] = reduced.unknown_scale[i] * x[1 + i];
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
