// Robustness claims as their front ends ask for them: the ball given as text
// (the command line's --input, --radius, --norm, --label), read with the
// command line's messages, and the results as the JSON reports that
// `robustlaw certify --json` prints. The command line and the Python module
// share them.
#pragma once
#include <optional>
#include <string>

#include "io/json_exact.hpp"
#include "robustness/cases.hpp"
#include "robustness/certify.hpp"

namespace rl {

struct RobustnessRequest {
  std::string input;               // comma-separated decimals or fractions
  std::string radius;
  std::string norm = "linf";       // linf, l2 or l1
  std::optional<long long> label;  // signed, so that a negative class is reported as typed
};

// Throws InputError naming the option.
RobustnessQuery robustness_query_parse(const RobustnessRequest& request);

// The report of a ball claim (the keys of `robustlaw certify --json`).
Json robustness_ball_report_json(const Network& net, const RobustnessQuery& query, const CertifyResult& result, int digits);

// The VNN-LIB answer: "unsat" (verified), "sat" (refuted), "timeout" or "unknown".
std::string vnnlib_result_name(const CasesResult& result);
// The report of a VNN-LIB property with `case_count` input boxes, searched
// with `options` (the keys of `robustlaw certify --vnnlib --json`).
Json robustness_property_report_json(const Network& net, const std::string& vnnlib_path, std::size_t case_count,
                                     const BranchOptions& options, const CasesResult& result, int digits);

}  // namespace rl
