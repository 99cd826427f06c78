// The untrusted LipSDP-Neuron solve (SDPA, in doubles).
//
// Semantics: none certified. lipsdp_solve asks SDPA for
//   minimize rho  subject to  -M(rho, t) - eta I >= 0,  t >= 0,
// with M as in cert/cert_lipsdp.hpp built from the nearest-double weights over
// the reduced coordinates (the neurons with equal slope bounds eliminated;
// their t is 0), and returns SDPA's last iterate. The LMI is solved with its rows and unknowns
// scaled layer by layer (the margin applies to the scaled matrix, so eta is
// relative). The margin eta leaves room for rounding t and
// rho to short dyadic rationals; the caller proves the rounded LMI exactly.
#pragma once
#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lipschitz/sdpa_plugin.hpp"
#include "net/network.hpp"

namespace rl {

struct LipsdpSolution {
  double rho = 0;
  std::vector<double> t;   // one per hidden neuron
  std::string phase;       // SDPA's final phase (pdOPT, pdFEAS, ...)
};

// The plugin (sdpa_plugin.hpp), loaded on the first call: from beside the
// binary or Python module that holds this code, else from the build tree.
// Throws std::runtime_error when it cannot be loaded.
struct SdpaPlugin {
  RlSdpaSolveFn solve;
  RlEigenvaluesFn eigenvalues;
  RlCholeskyFn cholesky_upper;
};
const SdpaPlugin& sdpa_plugin();

// The solve runs in a child process (fork), killed when `seconds` pass or
// `stop` is set (nullopt then, or when the child fails): an SDPA solve cannot
// be interrupted otherwise, and its output stays off our stdout.
std::optional<LipsdpSolution> lipsdp_solve(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta,
                                           double seconds, const std::atomic<bool>* stop);

}  // namespace rl
