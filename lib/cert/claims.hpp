// Claim files: loading, envelope validation and dispatch to the verifier of
// the claim's kind (proofs/schema.md documents the format).
//
// A claim passes when its verifier's verdict equals the file's "expected"
// verdict. A verifier exception is never fatal: CertificateInvalid becomes
// "rejected", any other (bad parameters, a missing model) "error" with the
// claim named (claim.hpp states the rule), so a replay of a whole folder
// always runs to the end.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cert/claim.hpp"
#include "io/json_exact.hpp"

namespace rl {

constexpr const char* kClaimSchema = "robustlaw-claim";
constexpr int kClaimSchemaVersion = 1;

struct ClaimReport {
  std::string file, id, kind;
  std::optional<ClaimVerdict> expected;  // none when the file names no verdict a claim can expect
  ClaimVerdict verdict = ClaimVerdict::Error;
  std::string detail;
  bool passed = false;
};

// The name of the report's expected verdict, "" when it has none.
std::string claim_expected_name(const ClaimReport& report);

// True when `document` is a JSON object whose "schema" is "robustlaw-claim".
bool claim_is_claim(const Json& document);

// Checks the envelope (schema, version, id, kind, statement, reference,
// parameters, expected, certificate / certificate_file, produced_by) and that
// the kind is registered. Throws InputError naming `path` and the key.
void claim_validate(const Json& claim, const std::string& path);

// Replaces "certificate_file" (relative to the claim's folder) by the
// certificate it holds, under "certificate". A file that is itself a claim
// contributes its own "certificate" member. Throws InputError naming both files.
Json claim_resolve_certificate(const Json& claim, const std::string& path);

// The folder above `path` that holds data/nets (the bundled networks), or the
// claim's own folder when there is none.
std::string claim_repo_root_find(const std::string& path);

// Runs the registered verifier on a validated, resolved claim.
// CertificateInvalid becomes ClaimOutcome{Rejected, message}, any other
// exception ClaimOutcome{Error, "<path>: <message>"}.
ClaimOutcome claim_verify(const Json& claim, const ClaimContext& context);

// Validates, resolves and verifies a parsed claim file; never throws for a bad
// claim (the report then has verdict Error and passed == false).
ClaimReport claim_check(const Json& document, const std::string& path, const std::string& repo_root);

// The *.json files named by `paths`: files as given, folders recursively, in
// sorted order. Throws InputError for a path that does not exist.
std::vector<std::string> claim_files_collect(const std::vector<std::string>& paths);

// The registered kinds, sorted.
std::vector<std::string> claim_kinds();

}  // namespace rl
