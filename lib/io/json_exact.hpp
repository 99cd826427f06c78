// JSON reading that never rounds a number.
//
// nlohmann::json would turn 0.1 into the double nearest to 1/10. Here every
// non-integer number is kept as its literal text (a JSON string), so that
// rational_from_json reads the exact decimal that was written.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "arith/rational.hpp"

namespace rl {

using Json = nlohmann::json;

// Parses text; throws InputError naming `source` and the line on bad JSON.
Json json_parse_exact(const std::string& text, const std::string& source);
Json json_read_file_exact(const std::string& path);

// A number given as an integer or as a string ("0.1", "1e-3", "2/3").
Rational rational_from_json(const Json& value, const std::string& where);
std::vector<Rational> rational_vector_from_json(const Json& value, const std::string& where);

// A JSON integer >= 0, whether stored signed (built in code) or unsigned
// (parsed); nullopt for anything else.
std::optional<std::uint64_t> json_nonnegative_integer(const Json& value);

// Claim readers refuse members they would not read: an unread member could
// change the claim's meaning unseen (a ball claim with a box, a misspelled
// "strict" or "quantity").
// The first member of `object` (an object) outside `allowed`, if any.
std::optional<std::string> json_unknown_member(const Json& object, const std::set<std::string>& allowed);
// Throws InputError(where, ...) naming `what` when `object` is not an object
// or has a member outside `allowed`.
void json_require_only(const Json& object, const std::set<std::string>& allowed, const std::string& where,
                       const std::string& what);

// Reads a whole file; throws InputError when missing, unreadable or larger than max_bytes.
std::string file_read_text(const std::string& path, size_t max_bytes = size_t(1) << 30);

}  // namespace rl
