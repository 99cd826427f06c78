// The trusted checker on arbitrary claim files, every registered kind:
// json_parse_exact, then claim_check (envelope, certificate_file, dispatch to
// the verifier of the kind). claim_check must return a report, never throw,
// crash or hang; its expected verdict is never a reserved one ("error",
// "rejected": the checker's own findings) and the claim passes exactly when
// the verdict equals the expected one. The claim lies in tests/fuzz/nets,
// which is also its repository root, so that networks named by a claim are
// the small ones found there.
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "cert/claims.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  rl::Json document;
  try {
    document = rl::json_parse_exact(text, "fuzz-claim.json");
  } catch (const rl::InputError&) {
    return 0;
  }
  const std::string root = ROBUSTLAW_SOURCE_DIR "/tests/fuzz/nets";
  rl::ClaimReport report = rl::claim_check(document, root + "/fuzz-claim.json", root);
  const bool reserved = report.expected == rl::ClaimVerdict::Error || report.expected == rl::ClaimVerdict::Rejected;
  FUZZ_REQUIRE(!reserved);
  FUZZ_REQUIRE(report.passed == (report.expected == report.verdict));
  FUZZ_REQUIRE(report.verdict != rl::ClaimVerdict::Error || !report.passed);
  return 0;
}
