// robustlaw-check, the trusted checker linked alone (robustlaw_check and the
// `check` front end, no search code): it replays claims as `robustlaw check`
// does, with the subcommand implied.
#include <doctest/doctest.h>

#include "io/json_exact.hpp"
#include "test_cli_errors_support.hpp"
#include "test_support.hpp"

using namespace rl::test;

namespace {

CliResult run_binary(const std::string& binary, const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string out = cli_scratch().path("standalone_out" + std::to_string(counter));
  const std::string err = cli_scratch().path("standalone_err" + std::to_string(counter++));
  std::string cmd = cli_quote(binary);
  for (const std::string& a : args) cmd += " " + cli_quote(a);
  cmd += " </dev/null >" + cli_quote(out) + " 2>" + cli_quote(err);
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.signaled = status == -1 || WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) >= 128);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = cli_slurp(out);
  r.err = cli_slurp(err);
  return r;
}

// A copy of a certified Lipschitz claim of proofs/ with an absolute model path,
// its certificate's upper optionally replaced.
std::string lipschitz_claim_copy(const std::string& name, const std::string& upper) {
  rl::Json claim = rl::json_read_file_exact(kSource + "/proofs/lipschitz/sisl_testnetwork_box_linf.json");
  claim["parameters"]["network"] = kSource + "/data/nets/sisl/TestNetwork.nnet";
  if (!upper.empty()) claim["certificate"]["upper"] = upper;
  return cli_scratch().write(name, claim.dump(1));
}

}  // namespace

TEST_CASE("robustlaw-check: a certified claim holds, the same claim with a lowered upper fails, as in robustlaw check") {
  const std::string good = lipschitz_claim_copy("standalone_good.json", "");
  // The certified upper is 6097803339329129/2^30; half of it bounds no leaf.
  const std::string tampered = lipschitz_claim_copy("standalone_tampered.json", "6097803339329129/2147483648");
  for (const std::string& file : {good, tampered}) {
    const CliResult alone = run_binary(ROBUSTLAW_CHECK_BINARY, {file, "--json", "--repo-root", kSource});
    const CliResult full = run_binary(ROBUSTLAW_BINARY, {"check", file, "--json", "--repo-root", kSource});
    INFO(file, "\n", alone.err);
    REQUIRE_FALSE(alone.signaled);
    const rl::Json a = rl::json_parse_exact(alone.out, "robustlaw-check output");
    const rl::Json f = rl::json_parse_exact(full.out, "robustlaw check output");
    CHECK(alone.exit_code == (file == good ? 0 : 1));
    CHECK(alone.exit_code == full.exit_code);
    CHECK(a["claims"][0]["verdict"] == f["claims"][0]["verdict"]);
    CHECK(a["claims"][0]["ok"] == (file == good));
  }
}

TEST_CASE("robustlaw-check: the same claim kinds as robustlaw check; --version; bad input refused") {
  const CliResult alone = run_binary(ROBUSTLAW_CHECK_BINARY, {"--list-kinds"});
  const CliResult full = run_binary(ROBUSTLAW_BINARY, {"check", "--list-kinds"});
  CHECK(alone.exit_code == 0);
  CHECK(alone.out.find("lipschitz\n") != std::string::npos);
  CHECK(alone.out == full.out);
  CHECK(run_binary(ROBUSTLAW_CHECK_BINARY, {"--version"}).exit_code == 0);
  const CliResult missing = run_binary(ROBUSTLAW_CHECK_BINARY, {cli_scratch().path("no_such_claim.json")});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("no_such_claim.json") != std::string::npos);
}
