// Claim files (schema "robustlaw-claim", kind "lipschitz") for Lipschitz
// results, as `robustlaw lipschitz --certificate` writes them.
//
// The parameters restate the problem so that the checker rebuilds it on its
// own (lib/cert/cert_lipschitz.hpp); `model` is stored as the claim should
// name it (claim_path_for: relative to the claim's folder).
#pragma once
#include <string>

#include "io/json_exact.hpp"
#include "lipschitz/lipschitz.hpp"

namespace rl {

struct LipschitzClaimProblem {
  std::string model;        // as the claim names it
  bool normalized = false;  // .nnet: raw weights in normalized coordinates
  Norm norm = Norm::L2;
  LipschitzDomain domain;
  Json output = nullptr;    // null, {"index": i} or {"difference": [i, j]}
};

// {"global": true} or {"box": [[lo, hi], ...]} with exact rationals.
Json lipschitz_domain_json(const LipschitzDomain& domain);

// The "parameters" member of a lipschitz claim.
Json lipschitz_claim_parameters(const LipschitzClaimProblem& problem);

// A claim with expected verdict "holds" stating lower <= L <= upper and
// carrying `certificate`, whose lower and upper it states.
Json lipschitz_claim(const std::string& id, const LipschitzClaimProblem& problem, const std::string& kind,
                     const Json& certificate, const Rational& lower, const Rational& upper);

}  // namespace rl
