// The exact paths of `concentration` (--find-c, the grid check) under SIGINT
// and --time-limit: they stop at the next tail evaluation, print what they
// certified so far with its status, and exit with 128 + signal after a signal.
#include <signal.h>
#include <sys/wait.h>

#include "arith/rational.hpp"
#include "io/json_exact.hpp"
#include "test_cli_signal_support.hpp"

using namespace rl::test;

namespace cli_exact_stop {

rl::Rational exact_of(const rl::Json& decimal) { return rl::rational_parse(decimal.get<std::string>(), "test"); }

}  // namespace cli_exact_stop

TEST_CASE("cli: concentration --find-c under --time-limit prints an enclosure overlapping the complete run's") {
  // d = 10^8 + 1 needs about 2.5 s in full; 0.3 s stops it early.
  const std::vector<std::string> common{"concentration", "--measure=sphere", "--d=100000001", "--find-c", "--json"};
  std::vector<std::string> limited = common;
  limited.push_back("--time-limit=0.3");
  CliResult part = cli_run(limited), full = cli_run(common);
  INFO("limited: " << part.out << part.err << "\nfull: " << full.out << full.err);
  REQUIRE(part.exit_code == 0);
  REQUIRE(full.exit_code == 0);
  const rl::Json p = rl::Json::parse(part.out)["find_c"], f = rl::Json::parse(full.out)["find_c"];
  CHECK(p["status"] == "time-limit");
  CHECK(f["status"] == "complete");
  CHECK(p["evaluations"].get<std::size_t>() < f["evaluations"].get<std::size_t>());
  using cli_exact_stop::exact_of;
  CHECK(exact_of(p["c"]["lower"]) <= exact_of(f["c"]["upper"]));
  CHECK(exact_of(f["c"]["lower"]) <= exact_of(p["c"]["upper"]));
}

TEST_CASE("cli: SIGINT stops concentration --find-c at d = 2^31 - 1 with its enclosure so far") {
  Interrupted r = run_and_signal({"concentration", "--measure=sphere", "--d=2147483647", "--find-c", "--json"}, SIGINT,
                                 std::chrono::milliseconds(1000), std::chrono::seconds(30));
  INFO("stdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err);
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 128 + SIGINT);
  CHECK(r.seconds_after < 10);
  const rl::Json j = rl::Json::parse(r.out)["find_c"];
  CHECK(j["status"] == "interrupted");
  using cli_exact_stop::exact_of;
  // c sqrt(d) lies near sqrt(2) for large d (d = 10^8: [1.41386, 1.41669]); the enclosure must hold it.
  CHECK(exact_of(j["c_sqrt_d"]["lower"]) <= rl::Rational(14167, 10000));
  CHECK(exact_of(j["c_sqrt_d"]["upper"]) >= rl::Rational(14138, 10000));
}

TEST_CASE("cli: the grid check under --time-limit is inconclusive, with status time-limit, never holds") {
  CliResult r = cli_run({"concentration", "--measure=sphere", "--d=2147483647", "--c=1", "--time-limit=0.5", "--json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const rl::Json j = rl::Json::parse(r.out);
  CHECK(j["status"] == "time-limit");
  CHECK(j["verdict"] == "inconclusive");
}
