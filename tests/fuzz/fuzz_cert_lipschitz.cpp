// The trusted Lipschitz certificate checker on arbitrary claim files: the
// verdict is "holds" or "rejected", or an InputError for parameters it cannot
// read (the "error" of proofs/schema.md), never a crash, hang or sanitizer
// report.
// Claims name networks relative to tests/fuzz/nets (small networks, so that
// one input stays fast).
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "cert/cert_lipschitz.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  rl::Json claim;
  try {
    claim = rl::json_parse_exact(text, "fuzz-claim.json");
  } catch (const rl::InputError&) {
    return 0;
  }
  rl::ClaimContext context{"fuzz-claim.json", ROBUSTLAW_SOURCE_DIR "/tests/fuzz/nets", ROBUSTLAW_SOURCE_DIR "/tests/fuzz/nets"};
  rl::ClaimOutcome outcome;
  try {
    outcome = rl::cert_lipschitz_verify(claim, context);
  } catch (const rl::InputError&) {
    return 0;
  }
  FUZZ_REQUIRE(outcome.verdict == rl::ClaimVerdict::Holds || outcome.verdict == rl::ClaimVerdict::Rejected);
  return 0;
}
