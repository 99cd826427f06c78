#include "lipschitz/lipsdp_solve.hpp"

#include <sdpa_call.h>
#include <unistd.h>

#include <cstdio>
#include <fcntl.h>
#include <map>

namespace rl {
namespace {

using Entries = std::map<std::pair<int, int>, double>;  // upper triangle, 1-based (SDPA's indexing)

void add(Entries& e, int i, int j, double v) {
  if (v == 0) return;
  if (i > j) std::swap(i, j);
  e[{i + 1, j + 1}] += v;
}

// SDPA prints warnings on stdout, which belongs to the command's output
// (--json): stdout goes to /dev/null while it runs.
class StdoutSilenced {
 public:
  StdoutSilenced() {
    std::fflush(stdout);
    saved_ = dup(1);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) { dup2(null, 1); close(null); }
  }
  ~StdoutSilenced() {
    std::fflush(stdout);
    if (saved_ >= 0) { dup2(saved_, 1); close(saved_); }
  }
  StdoutSilenced(const StdoutSilenced&) = delete;
  StdoutSilenced& operator=(const StdoutSilenced&) = delete;

 private:
  int saved_ = -1;
};

std::string phase_name(SDPA::PhaseType p) {
  static const char* names[] = {"noINFO", "pFEAS", "dFEAS", "pdFEAS", "pdINF", "pFEAS_dINF", "pINF_dFEAS", "pdOPT", "pUNBD", "dUNBD"};
  const int i = static_cast<int>(p);
  return i >= 0 && i < 10 ? names[i] : "unknown";
}

// The SDPA data: F_0 = M0 + eta I and, per variable x = (rho, t_1, ...), F_k
// with X = sum_k F_k x_k - F_0 = -M(rho, t) - eta I (block 1) and X = diag(t) (block 2).
struct SdpData {
  Entries f0;
  std::vector<Entries> f;  // SDP block of each variable
};

SdpData sdp_data(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta) {
  const int d0 = static_cast<int>(g.input_dim);
  const int n = d0 + static_cast<int>(slopes.size());
  SdpData s;
  s.f.resize(1 + slopes.size());
  for (int i = 0; i < d0; ++i) add(s.f[0], i, i, 1.0);
  for (int i = 0; i < n; ++i) add(s.f0, i, i, eta);
  int prev = 0, pos = d0;
  std::size_t neuron = 0;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    const Layer& l = g.layers[k];
    const int in = static_cast<int>(l.in_dim());
    for (int r = 0; r < static_cast<int>(l.out_dim()); ++r, ++neuron) {
      Entries& e = s.f[1 + neuron];
      const double both = 2.0 * slopes[neuron].first * slopes[neuron].second, sum = slopes[neuron].first + slopes[neuron].second;
      const double* w = &l.weights_f[std::size_t(r) * std::size_t(in)];
      for (int i = 0; i < in; ++i) {
        if (both != 0)
          for (int j = i; j < in; ++j) add(e, prev + i, prev + j, both * w[i] * w[j]);
        add(e, prev + i, pos + r, -sum * w[i]);
      }
      add(e, pos + r, pos + r, 2.0);
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
      add(s.f0, prev + i, prev + j, v);
    }
  return s;
}

}  // namespace

LipsdpSolution lipsdp_solve(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta) {
  const SdpData data = sdp_data(g, slopes, eta);
  const int n = static_cast<int>(g.input_dim + slopes.size()), hidden = static_cast<int>(slopes.size());
  SDPA sdpa;
  sdpa.setDisplay(nullptr);
  sdpa.setParameterType(SDPA::PARAMETER_DEFAULT);
  sdpa.inputConstraintNumber(1 + hidden);
  sdpa.inputBlockNumber(hidden > 0 ? 2 : 1);
  sdpa.inputBlockSize(1, n);
  sdpa.inputBlockType(1, SDPA::SDP);
  if (hidden > 0) {
    sdpa.inputBlockSize(2, hidden);
    sdpa.inputBlockType(2, SDPA::LP);
  }
  sdpa.initializeUpperTriangleSpace();
  sdpa.inputCVec(1, 1.0);
  for (const auto& [ij, v] : data.f0) sdpa.inputElement(0, 1, ij.first, ij.second, v);
  for (std::size_t k = 0; k < data.f.size(); ++k)
    for (const auto& [ij, v] : data.f[k]) sdpa.inputElement(static_cast<int>(k) + 1, 1, ij.first, ij.second, v);
  for (int i = 0; i < hidden; ++i) sdpa.inputElement(i + 2, 2, i + 1, i + 1, 1.0);
  LipsdpSolution sol;
  {
    StdoutSilenced quiet;
    sdpa.initializeUpperTriangle();
    sdpa.initializeSolve();
    sdpa.solve();
  }
  const double* x = sdpa.getResultXVec();
  sol.rho = x[0];
  sol.t.assign(x + 1, x + 1 + hidden);
  sol.phase = phase_name(sdpa.getPhaseValue());
  sdpa.terminate();
  return sol;
}

}  // namespace rl
