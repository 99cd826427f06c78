// The untrusted LipSDP-Neuron solve (SDPA, in doubles).
//
// Semantics: none certified. lipsdp_solve asks SDPA for
//   minimize rho  subject to  -M(rho, t) - eta I >= 0,  t >= 0,
// with M as in cert/cert_lipsdp.hpp built from the nearest-double weights, and
// returns SDPA's last iterate. The margin eta leaves room for rounding t and
// rho to short dyadic rationals; the caller proves the rounded LMI exactly.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "net/network.hpp"

namespace rl {

struct LipsdpSolution {
  double rho = 0;
  std::vector<double> t;   // one per hidden neuron
  std::string phase;       // SDPA's final phase (pdOPT, pdFEAS, ...)
};

LipsdpSolution lipsdp_solve(const Network& g, const std::vector<std::pair<int, int>>& slopes, double eta);

}  // namespace rl
