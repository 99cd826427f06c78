// The verdict of a claim (proofs/schema.md, "Verdicts and outcome"), as a
// typed value. Its name is written only where a result is printed (text,
// JSON, Python) and read only where a claim file's "expected" is parsed.
#pragma once
#include <string>

#include "arith/verdict.hpp"

namespace rl {

// Rejected and Error are the checker's own findings (claim.hpp): a verifier
// signals them, and a claim file cannot expect them.
enum class ClaimVerdict { Holds, Violated, BoundInRange, Inconclusive, Undecided, Rejected, Error };

inline constexpr ClaimVerdict kClaimVerdicts[] = {ClaimVerdict::Holds,        ClaimVerdict::Violated,  ClaimVerdict::BoundInRange,
                                                  ClaimVerdict::Inconclusive, ClaimVerdict::Undecided, ClaimVerdict::Rejected,
                                                  ClaimVerdict::Error};

// The claim verdict with the numeric verdict's meaning (and name).
ClaimVerdict claim_verdict_of(Verdict verdict);

// "holds", "violated", "bound-in-range", "inconclusive", "undecided",
// "rejected", "error".
std::string claim_verdict_name(ClaimVerdict verdict);
// The inverse; throws InputError naming `where` for any other word.
ClaimVerdict claim_verdict_parse(const std::string& text, const std::string& where);
// A claim file's "expected": any verdict but the reserved "rejected" and
// "error" (expecting one would let a broken claim pass). Throws InputError
// naming `where` and the key for any other word.
ClaimVerdict claim_expected_parse(const std::string& text, const std::string& where);

}  // namespace rl
