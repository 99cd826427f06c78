// The replay of claim files, as `robustlaw check` reports it: one
// report per file with its wall time, duplicate ids marked failed, and the
// JSON summary that `robustlaw check --json` prints. The command line and
// the Python module share it; the verdicts come from claim_check alone.
#pragma once
#include <string>
#include <vector>

#include "cert/claims.hpp"
#include "io/json_exact.hpp"

namespace rl {

struct TimedClaimReport {
  ClaimReport report;
  double seconds = 0;  // wall time, for the report only
};

// Replays `claim` the way `robustlaw check` will once it is written to
// `path`: from the claim's own location (relative paths beside it, the
// repository root found above it). The report's `passed` says whether it
// would pass.
ClaimReport claim_replay(const Json& claim, const std::string& path);

// For producers, after writing a claim to `path`: reads the file back and
// replays it as `robustlaw check PATH` does. When it does not pass, the file
// is removed and an InputError names it with the checker's verdict and
// detail. Returns the replay's detail.
std::string claim_replay_written(const std::string& path);

// Checks one *.json file and appends its report to `out`; a file that is
// valid JSON without the claim schema is appended to `skipped` instead when
// it was found in a folder (named == false: certificate_file targets live
// there). Never throws: an unreadable file is a report with verdict "error".
void claim_replay_one(const std::string& path, bool named, const std::string& repo_root, std::vector<TimedClaimReport>& out,
                      std::vector<std::string>& skipped);

// A second claim with an id already seen fails, naming the first file.
void claim_replay_mark_duplicate_ids(std::vector<TimedClaimReport>& reports);

// The summary of `robustlaw check --json`. `status` is "complete", or why the
// run stopped ("time-limit", "memory-limit", "interrupted") with the files
// not checked.
Json claim_replay_json(const std::vector<TimedClaimReport>& reports, const std::vector<std::string>& skipped, double seconds,
                       const std::string& status, const std::vector<std::string>& not_checked);

}  // namespace rl
