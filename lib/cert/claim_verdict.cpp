#include "cert/claim_verdict.hpp"

#include <optional>
#include <vector>

#include "arith/error.hpp"

namespace rl {
namespace {

// Every verdict, or those a claim file may expect.
std::vector<ClaimVerdict> verdicts(bool expectable) {
  std::vector<ClaimVerdict> out;
  for (ClaimVerdict v : kClaimVerdicts)
    if (!expectable || (v != ClaimVerdict::Rejected && v != ClaimVerdict::Error)) out.push_back(v);
  return out;
}

// The one of `among` named `text` (the names come from claim_verdict_name alone).
std::optional<ClaimVerdict> find(const std::string& text, const std::vector<ClaimVerdict>& among) {
  for (ClaimVerdict v : among)
    if (claim_verdict_name(v) == text) return v;
  return std::nullopt;
}

// "holds, violated, ... or error".
std::string names(const std::vector<ClaimVerdict>& among) {
  std::string out = claim_verdict_name(among.front());
  for (std::size_t i = 1; i < among.size(); ++i) out += (i + 1 == among.size() ? " or " : ", ") + claim_verdict_name(among[i]);
  return out;
}

}  // namespace

ClaimVerdict claim_verdict_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::Holds: return ClaimVerdict::Holds;
    case Verdict::Violated: return ClaimVerdict::Violated;
    case Verdict::Inconclusive: return ClaimVerdict::Inconclusive;
  }
  return ClaimVerdict::Inconclusive;
}

std::string claim_verdict_name(ClaimVerdict verdict) {
  switch (verdict) {
    case ClaimVerdict::Holds: return "holds";
    case ClaimVerdict::Violated: return "violated";
    case ClaimVerdict::BoundInRange: return "bound-in-range";
    case ClaimVerdict::Inconclusive: return "inconclusive";
    case ClaimVerdict::Undecided: return "undecided";
    case ClaimVerdict::Rejected: return "rejected";
    case ClaimVerdict::Error: return "error";
  }
  return "error";
}

ClaimVerdict claim_verdict_parse(const std::string& text, const std::string& where) {
  const std::vector<ClaimVerdict> all = verdicts(false);
  if (std::optional<ClaimVerdict> v = find(text, all)) return *v;
  throw InputError(where, "'" + text + "' is not a claim verdict (" + names(all) + ")");
}

ClaimVerdict claim_expected_parse(const std::string& text, const std::string& where) {
  const std::vector<ClaimVerdict> expectable = verdicts(true);
  if (std::optional<ClaimVerdict> v = find(text, expectable)) return *v;
  throw InputError(where, "\"expected\" must be " + names(expectable) + ", not \"" + text +
                              "\" (\"rejected\" and \"error\" are the checker's own findings)");
}

}  // namespace rl
