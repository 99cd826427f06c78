// The trusted checker's claim framework.
//
// A claim file (proofs/**/*.json, schema "robustlaw-claim" version 1) holds a
// statement, its seed reference, parameters, the expected verdict and,
// where it applies, a certificate. Each claim "kind" has one verifier,
// registered with a static ClaimKindRegistrar in lib/cert/cert_<kind>.cpp.
// Verifiers use exact rationals (MPFI/Arb only for transcendental
// constants, documented at the use) and never search.
#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "cert/claim_verdict.hpp"
#include "io/json_exact.hpp"

namespace rl {

struct ClaimOutcome {
  // Error until a verifier says otherwise: an outcome without a verdict never passes.
  ClaimVerdict verdict = ClaimVerdict::Error;
  std::string detail;  // one line: what was checked, the numbers
};

// One failure semantics for every kind (proofs/schema.md, "Verdicts"):
// - Error ("error"): the claim cannot be checked as stated. Its envelope or
//   parameters are malformed, or a file it names (the model, a
//   certificate_file) is missing or unreadable. Verifiers throw InputError.
// - Rejected ("rejected"): the claim can be checked and its certificate is
//   not a proof of it: a member missing, malformed, unexpected, or a check
//   that fails. Verifiers return it, or throw CertificateInvalid (claim_verify
//   maps it).
struct CertificateInvalid : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A certificate member, as a rational or an integer; CertificateInvalid
// naming "certificate.<key>" when it is absent or not one.
const Json& certificate_member(const Json& certificate, const std::string& key);
Rational certificate_rational(const Json& certificate, const std::string& key);
long long certificate_integer(const Json& certificate, const std::string& key);

struct ClaimContext {
  std::string claim_path;   // the claim file
  std::string base_dir;     // its folder: relative paths in the claim resolve against it
  std::string repo_root;    // folder holding data/ (for bundled networks)
};

using ClaimVerifier = std::function<ClaimOutcome(const Json& claim, const ClaimContext& context)>;

std::map<std::string, ClaimVerifier>& claim_kind_registry();

struct ClaimKindRegistrar {
  ClaimKindRegistrar(const std::string& kind, ClaimVerifier verifier) {
    claim_kind_registry()[kind] = std::move(verifier);
  }
};

}  // namespace rl
