// The acceptance contract of `robustlaw theorem --json`, through the binary:
// --opt=value form, one JSON object with the required keys, exit status 2
// and no stdout on bad input.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include "io/json_exact.hpp"

using namespace rl;

namespace {

struct TheoremRun {
  int status;
  std::string out;
};

TheoremRun theorem_run(const std::string& args) {
  std::string cmd = std::string(ROBUSTLAW_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t got = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), got);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("theorem cli: the acceptance command prints the contract's keys") {
  for (const char* edition : {"seed", "neurips2021"}) {
    TheoremRun r = theorem_run(std::string("theorem --edition=") + edition +
                " --n=60000 --d=784 --p=786000 --epsilon=0.1 --delta=1/100 --c=1 --W=1 --J=1 --k=1 --sigma=0.5 --C1=1 --C2=2 --sparsity=100 --json");
    REQUIRE(r.status == 0);
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
    TheoremRun r = theorem_run(std::string("theorem --n=100 --d=3 --p=10 --c=1 --W=1 --J=1 ") + bad + " --json");
    CHECK(r.status == 2);
    CHECK(r.out.empty());
  }
  TheoremRun missing = theorem_run("theorem --edition=seed --n=100 --json");
  CHECK(missing.status == 2);
  TheoremRun report = theorem_run("theorem --report --json");
  REQUIRE(report.status == 0);
  Json j = json_parse_exact(report.out, "stdout");
  CHECK(j["rows"].size() == 8);
}
