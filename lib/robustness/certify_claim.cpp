#include "robustness/certify_claim.hpp"

#include <algorithm>

#include "robustness/claim_file.hpp"

namespace rl {
namespace {

Json in_model_form(Json claim, const ClaimTarget& target) {
  if (target.normalized) claim["parameters"]["normalized"] = true;
  return claim;
}

}  // namespace

std::string vnnlib_statement(const std::string& vnnlib_path, const std::string& model_name) {
  return "VNN-LIB property " + vnnlib_path + " holds on " + model_name;
}

Json certify_ball_claim(const ClaimTarget& target, const Network& net, const Ball& ball, const CertifyResult& result) {
  return in_model_form(claim_robustness_ball(target.id, target.model_path, net, ball, result), target);
}

Json certify_cases_claim(const ClaimTarget& target, const std::string& statement, const Network& net,
                         const std::vector<SafetyProperty>& cases, const CasesResult& result) {
  return in_model_form(claim_robustness_cases(target.id, statement, target.model_path, net, cases, result), target);
}

CertifyResult robustness_certify_confirmed(const Network& net, const RobustnessQuery& query, CertifyOptions options,
                                           const ClaimTarget& target, const ClaimConfirm& confirm) {
  CertifyResult r = robustness_certify(net, query, options);
  if (!confirm || r.verdict != PropertyVerdict::Verified || confirm(certify_ball_claim(target, net, query.ball, r))) return r;
  options.symbolic = false;
  options.time_limit_seconds = std::max(1.0, options.time_limit_seconds - r.seconds);
  return robustness_certify(net, query, options);
}

CasesResult property_certify_confirmed(const Network& net, const std::vector<SafetyProperty>& cases, const BranchOptions& options,
                                       const ClaimTarget& target, const std::string& statement, const ClaimConfirm& confirm) {
  if (!confirm || options.linear_bounds) return branch_and_bound_cases(net, cases, options);
  auto redo = [&](const SafetyProperty& c, const BranchResult& r) {
    return !confirm(in_model_form(claim_robustness_property(target.id, statement, target.model_path, net, c, r), target));
  };
  return branch_and_bound_cases(net, cases, options, redo);
}

}  // namespace rl
