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

}  // namespace rl
