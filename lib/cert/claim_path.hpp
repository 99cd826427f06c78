// Where a path named inside a claim file (a model) is looked up.
//
// Rule: an absolute path is used as it is. A relative path is looked up
// beside the claim file first, then under the repository root (the folder
// holding data/); the first that exists is used. There is no third place: a
// relative path found in neither is an InputError naming the claim file, the
// member and both folders tried, so a claim's verdict never depends on the
// folder `robustlaw check` runs in.
#pragma once
#include <string>

#include "cert/claim.hpp"

namespace rl {

// `member` names the claim member for the message (e.g. "parameters.model").
std::string claim_resolve_path(const std::string& path, const ClaimContext& ctx, const std::string& member);

// For producers, the inverse: how a claim written to `claim_path` names
// `file` (as typed, relative to the working folder): relative to the claim's
// folder, so that a folder holding both moves as a whole; absolute when no
// relative path leads there (another drive root).
std::string claim_path_for(const std::string& file, const std::string& claim_path);

// For producers: the id of a claim written to `claim_path`, its file stem
// with characters outside the id alphabet replaced by '-' (ids are then
// unique among the claims of one folder).
std::string claim_id_for(const std::string& claim_path);

}  // namespace rl
