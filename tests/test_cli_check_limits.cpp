// `robustlaw check` under --time-limit, --max-memory and SIGINT: the claims
// finished before the stop are reported with their verdicts, every other file
// is listed as not checked, and the exit status says the replay is incomplete
// (1 at a limit, 128 + signal after a signal).
#include <signal.h>
#include <sys/wait.h>

#include <set>

#include "cert/claims.hpp"
#include "io/json_exact.hpp"
#include "test_cli_signal_support.hpp"

using namespace rl::test;

namespace {

const std::string kProofs = std::string(ROBUSTLAW_SOURCE_DIR) + "/proofs";

// Every file of proofs/ is accounted for exactly once: checked, skipped or not checked.
void check_partition(const rl::Json& report) {
  std::multiset<std::string> seen;
  for (const rl::Json& c : report["claims"]) {
    seen.insert(c["file"].get<std::string>());
    CHECK_MESSAGE(c["ok"].get<bool>(), c["id"]);
  }
  for (const rl::Json& f : report["skipped"]) seen.insert(f.get<std::string>());
  for (const rl::Json& f : report["not_checked"]) seen.insert(f.get<std::string>());
  const std::vector<std::string> all = rl::claim_files_collect({kProofs});
  CHECK(seen == std::multiset<std::string>(all.begin(), all.end()));
  CHECK(report["not_checked"].size() > 0);
}

}  // namespace

TEST_CASE("cli: check --time-limit reports the claims finished, lists the others as not checked, exits 1") {
  const auto start = std::chrono::steady_clock::now();
  CliResult r = cli_run({"check", kProofs, "--time-limit=0.5", "--json"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(seconds < 8.0);  // the replay of proofs/ takes longer than that even in Release
  rl::Json report = rl::json_parse_exact(r.out, "check output");
  CHECK(report["status"] == "time-limit");
  check_partition(report);
  CHECK(r.err.find("stopped (time-limit)") != std::string::npos);
}

TEST_CASE("cli: check --max-memory stops past the cap with status memory-limit; bad limits are refused") {
  CliResult r = cli_run({"check", kProofs, "--max-memory=1", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  rl::Json report = rl::json_parse_exact(r.out, "check output");
  CHECK(report["status"] == "memory-limit");
  check_partition(report);
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"check", kProofs, "--max-memory=0"},
                                              std::vector<std::string>{"check", kProofs, "--time-limit=-1"}}) {
    CliResult b = cli_run(bad);
    CHECK(b.exit_code == 2);
    CHECK(b.out.empty());
  }
}

TEST_CASE("cli: SIGINT stops check with the verdicts reached, status interrupted, exit 130") {
  Interrupted r = run_and_signal({"check", kProofs, "--json"}, SIGINT, std::chrono::milliseconds(300), std::chrono::seconds(20));
  INFO(r.err);
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 130);
  rl::Json report = rl::json_parse_exact(r.out, "check output");
  CHECK(report["status"] == "interrupted");
  check_partition(report);
}
