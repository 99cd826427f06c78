// The acceptance contract of `robustlaw theorem --json`, through the binary:
// --opt=value form, one JSON object with the required keys, exit status 2
// and no stdout on bad input.
#include <doctest/doctest.h>

#include <sstream>

#include "io/json_exact.hpp"
#include "test_cli_errors_support.hpp"

using namespace rl;
using namespace rl::test;

namespace {

// `robustlaw theorem ...` with the arguments split at spaces.
CliResult theorem_run(const std::string& args) {
  std::vector<std::string> argv;
  std::istringstream words(args);
  for (std::string w; words >> w;) argv.push_back(w);
  return cli_run(argv);
}

}  // namespace

TEST_CASE("theorem cli: the acceptance command prints the contract's keys") {
  for (const char* edition : {"seed", "neurips2021"}) {
    CliResult r = theorem_run(std::string("theorem --edition=") + edition +
                " --n=60000 --d=784 --p=786000 --epsilon=0.1 --delta=1/100 --c=1 --W=1 --J=1 --k=1 --sigma=0.5 --C1=1 --C2=2 --sparsity=100 --json");
    REQUIRE(r.exit_code == 0);
    Json j = json_parse_exact(r.out, "stdout");
    REQUIRE(j["lipschitz_lower_bound"]["lower"].is_string());
    REQUIRE(j["lipschitz_lower_bound"]["upper"].is_string());
    Rational lo = rational_parse(j["lipschitz_lower_bound"]["lower"].get<std::string>());
    Rational hi = rational_parse(j["lipschitz_lower_bound"]["upper"].get<std::string>());
    CHECK(lo <= hi);
    CHECK(lo > 0);
    CHECK(j["lipschitz_lower_bound"]["lower"].get<std::string>().size() >= 30);  // >= 30 significant digits
    CHECK(j["condition_8"]["holds"] == false);
    CHECK(j["least_n"] == (std::string(edition) == "seed" ? "6684612" : "2738017"));
    CHECK(j.contains("sparse_bound_11"));
  }
}

TEST_CASE("theorem cli: bad input exits 2 with nothing on stdout") {
  for (const char* bad : {"--epsilon=1 --delta=0.1", "--epsilon=-0.5 --delta=0.1", "--epsilon=abc --delta=0.1",
                          "--epsilon=0.5 --delta=0", "--epsilon=0.5 --delta=0.1 --k=2.5", "--epsilon=0.5 --delta=0.1 --edition=neurips"}) {
    CliResult r = theorem_run(std::string("theorem --n=100 --d=3 --p=10 --c=1 --W=1 --J=1 ") + bad + " --json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
  CliResult missing = theorem_run("theorem --edition=seed --n=100 --json");
  CHECK(missing.exit_code == 2);
  CliResult report = theorem_run("theorem --report --json");
  REQUIRE(report.exit_code == 0);
  Json j = json_parse_exact(report.out, "stdout");
  CHECK(j["rows"].size() == 8);
}
