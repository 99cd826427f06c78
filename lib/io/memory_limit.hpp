// The --max-memory option of the long-running commands (searches, Monte Carlo, check).
//
// Semantics: memory_limit_parse(text, where) reads a positive number of
// megabytes (exact decimal or fraction, 1 MB = 2^20 bytes) and returns the
// byte count, rounded up (saturating at SIZE_MAX). Zero, negative and
// non-numeric values throw InputError(where, ...).
#pragma once
#include <cstddef>
#include <string>

namespace rl {

std::size_t memory_limit_parse(const std::string& text, const std::string& where);

}  // namespace rl
