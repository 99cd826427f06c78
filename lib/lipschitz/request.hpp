// A Lipschitz search as its front ends ask for it: the options as text (the
// command line's --norm, --box, --rel-gap, ...), read into LipschitzOptions
// with the command line's messages, and the result as the JSON report that
// `robustlaw lipschitz --json` prints and the claim file that carries the
// certificate. The command line and the Python module share it, so both read
// the same options the same way and report the same keys.
#pragma once
#include <optional>
#include <string>

#include "io/json_exact.hpp"
#include "lipschitz/lipschitz.hpp"

namespace rl {

struct LipschitzRequest {
  std::string norm = "l2";
  bool global = false;
  std::string box;                      // "LO:HI[,LO:HI...]": one interval for every input, or one per input
  std::string rel_gap = "1e-9";
  double time_limit = 0;                // seconds, 0: none
  unsigned threads = 0;                 // 0: all hardware threads
  std::optional<std::size_t> output;    // analyse output i alone
  std::string output_diff;              // "i,j": analyse f_i - f_j
  std::uint64_t node_limit = 0;
  std::optional<std::string> max_memory;  // MB
  std::string lipsdp = "auto";
  std::string engine = "auto";          // auto, box-partition, box-activation or box-hybrid
  bool want_certificate = false;
  bool baselines = false;               // report the baselines even when the search converged
  int digits = 17;                      // significant digits of the reported decimals
};

struct LipschitzRun {
  Network net;              // the network analysed (after --output / --output-diff)
  LipschitzOptions options;
  Json output = nullptr;    // the report's "output" member
  LipschitzResult result;
};

// Reads the request (throws InputError naming the option) and the network's
// output selection; `stop` and `progress` are the caller's.
LipschitzRun lipschitz_prepare(Network net, const LipschitzRequest& request);
// lipschitz_prepare, then the search.
void lipschitz_run(LipschitzRun& run);

// A relative gap at which a search stops: a rational of at least
// kLipschitzLeastRelGap. The searches bound in double precision, so their
// upper stays a few thousand ulps above the exact lower at best; a smaller
// gap would never be reached, and a run without a time limit would not end.
inline constexpr double kLipschitzLeastRelGap = 1e-12;
Rational lipschitz_rel_gap_parse(const std::string& text, const std::string& option);

// The box option: one interval LO:HI for every input, or one per input.
LipschitzDomain lipschitz_box_parse(const std::string& text, std::size_t input_dim);

// The JSON report (the keys of `robustlaw lipschitz --json`).
Json lipschitz_report_json(const LipschitzRun& run, const std::string& norm_text, int digits);
// Its LipSDP keys (lipsdp_upper, lipsdp_seconds, lipsdp_note), when the step ran.
void lipschitz_lipsdp_report(const LipschitzResult& r, int digits, Json& j);

// The --lipsdp option: auto, on or off (auto is off outside l2; on outside l2 is an InputError).
LipschitzOptions::Lipsdp lipschitz_lipsdp_parse(const std::string& text, Norm norm);
// The claim (kind lipschitz, or lipschitz-box-union for box-hybrid) whose certificate `robustlaw check` replays,
// with the given id; `model` is stored as given (a producer writing the claim
// to a file passes claim_path_for, cert/claim_path.hpp, so that it resolves
// from the claim's folder).
Json lipschitz_claim_json(const LipschitzRun& run, const std::string& id, const std::string& model, bool normalized);

// upper/lower - 1 at 3 digits, rounded up ("0" when equal, "inf" when lower <= 0).
std::string lipschitz_gap_text(const Rational& lower, const Rational& upper);

}  // namespace rl
