// Bad-input policy of `robustlaw lipschitz` (see test_cli_errors.cpp): every
// malformed model file and option is refused with a named reason, exit
// status below 128 and no number on stdout. Skipped while the subcommand does
// not exist.
#include "test_cli_errors_support.hpp"
#include "test_support.hpp"

using namespace rl::test;

namespace rl::test {
std::vector<std::pair<std::string, std::string>> cli_bad_files();
}

namespace {

// A 2-2-1 network, so that a run which gets past the options ends fast.
std::string tiny_lipschitz_network() {
  return cli_scratch().write("tiny.json", R"({"format":"robustlaw-net","version":1,"input_dim":2,
    "layers":[{"weights":[[1,-1],[2,1]],"bias":[0,"1/2"]},{"weights":[[1,-3]],"bias":[0]}]})");
}

}  // namespace

TEST_CASE("cli: lipschitz refuses every malformed model file") {
  if (!cli_has_subcommand("lipschitz")) { MESSAGE("no lipschitz subcommand yet"); return; }
  std::vector<BadInput> cases;
  for (const auto& [file, reason] : cli_bad_files())
    cases.push_back({{"lipschitz", file, "--norm=l2", "--global", "--json"},
                     {std::filesystem::path(file).filename().string(), reason}});
  CHECK(cli_check_all_refused(cases) == cases.size());
}

TEST_CASE("cli: lipschitz refuses malformed options") {
  if (!cli_has_subcommand("lipschitz")) { MESSAGE("no lipschitz subcommand yet"); return; }
  std::string tiny = tiny_lipschitz_network();
  std::string dir = cli_scratch().path("a-directory");
  std::filesystem::create_directories(dir);
  std::vector<BadInput> cases = {
      {{"lipschitz", kSisl, "--norm=l3", "--global"}, {"--norm", "l3"}},
      {{"lipschitz", kSisl, "--global"}, {"--norm"}},
      {{"lipschitz", kSisl, "--norm=l2"}, {"exactly one of --global and --box"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--box=0:1"}, {"exactly one of --global and --box"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box=1:0"}, {"--box", "LO > HI"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box=-1:1,0:1"}, {"--box", "expected 1 or 5"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box=0:1:2"}, {"--box", "LO:HI"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box=0"}, {"--box", "LO:HI"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box=nan:1"}, {"--box", "not a number"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box=0:1e999999"}, {"--box", "exponent out of range"}},
      {{"lipschitz", kSisl, "--norm=l2", "--box="}, {"--box"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--rel-gap=-1"}, {"--rel-gap"}},
      // Unreachable in double precision: without a time limit the run never ended.
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--rel-gap=0"}, {"--rel-gap", "at least 1e-12"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--rel-gap=1e-20"}, {"--rel-gap", "at least 1e-12"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--rel-gap=abc"}, {"--rel-gap", "not a number"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--time-limit=-1"}, {"--time-limit"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--time-limit=abc"}, {"--time-limit"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--digits=0"}, {"--digits"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--output=99"}, {"output", "does not exist"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--output=-1"}, {"--output"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--output-diff=0,9"}, {"does not exist"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--output-diff=a,b"}, {"--output-diff"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--output-diff=0"}, {"--output-diff"}},
      {{"lipschitz", kSisl, "--norm=l2", "--global", "--output=0", "--output-diff=0,1"}, {"--output"}},
      {{"lipschitz", tiny, "--norm=l2", "--global", "--certificate=" + dir}, {"a-directory", "cannot write"}},
  };
  CHECK(cli_check_all_refused(cases) == cases.size());
}
