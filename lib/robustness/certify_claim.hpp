// Certify runs whose claim is written: the path that the command line and the
// Python module share.
//
// A written claim carries the id taken from its file name, names the model as
// the claim file should (claim_path_for, lib/cert/claim_path.hpp), and records
// parameters.normalized when the search analysed a .nnet in normalized
// coordinates, so that the checker reads the same network.
//
// The checker must confirm a verified claim before it is written. The exact
// replay of a symbolic-interval leaf can come out looser than the search's
// outward double bound (the relaxation slopes depend on the bounds), so a
// verified result that the checker does not confirm is searched again without
// those leaves, for the time left. lib/robustness does not link the checker's
// replay: the front end passes it as `confirm`.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "io/json_exact.hpp"
#include "robustness/cases.hpp"
#include "robustness/certify.hpp"

namespace rl {

struct ClaimTarget {
  std::string id;
  std::string model_path;   // as the claim names it
  bool normalized = false;  // the search analysed the raw weights in normalized coordinates
};

// Whether `robustlaw check` would accept the claim once written.
using ClaimConfirm = std::function<bool(const Json& claim)>;

std::string vnnlib_statement(const std::string& vnnlib_path, const std::string& model_name);

// The claims of a decided ball and of a decided VNN-LIB property (throws InputError when unknown).
Json certify_ball_claim(const ClaimTarget& target, const Network& net, const Ball& ball, const CertifyResult& result);
Json certify_cases_claim(const ClaimTarget& target, const std::string& statement, const Network& net,
                         const std::vector<SafetyProperty>& cases, const CasesResult& result);

// robustness_certify, searched again when `confirm` (if set) rejects the verified claim.
CertifyResult robustness_certify_confirmed(const Network& net, const RobustnessQuery& query, CertifyOptions options,
                                           const ClaimTarget& target, const ClaimConfirm& confirm);

// branch_and_bound_cases, each verified case of the interval search searched
// again when `confirm` (if set) rejects its claim. The linear search has no
// symbolic-interval leaves: its leaves are confirmed in the checker's
// arithmetic as they are made, so it is not asked.
CasesResult property_certify_confirmed(const Network& net, const std::vector<SafetyProperty>& cases, const BranchOptions& options,
                                       const ClaimTarget& target, const std::string& statement, const ClaimConfirm& confirm);

}  // namespace rl
