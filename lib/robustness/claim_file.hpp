// Claim files (schema "robustlaw-claim", kind "robustness") for certify results.
//
// A verified claim carries the box-partition tree (expected "holds"), a
// refuted one its counterexample as exact rationals (expected "violated").
// The parameters restate the claim so the checker rebuilds it on its own.
#pragma once
#include <string>

#include "io/json_exact.hpp"
#include "robustness/certify.hpp"

namespace rl {

// For a robustness ball claim on `net`; model_path is stored as given (as the
// claim should name the model: claim_path_for, lib/cert/claim_path.hpp).
Json claim_robustness_ball(const std::string& id, const std::string& model_path, const Network& net, const Ball& ball,
                           const CertifyResult& result);

// For a box property (e.g. from VNN-LIB); the verdict is "verified" or "refuted".
Json claim_robustness_property(const std::string& id, const std::string& statement, const std::string& model_path,
                               const Network& net, const SafetyProperty& property, const BranchResult& result);

std::string norm_text(Norm norm);

}  // namespace rl
