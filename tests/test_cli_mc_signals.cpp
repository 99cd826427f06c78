// The Monte Carlo commands under SIGINT / SIGTERM and --time-limit: they stop
// sampling, print the intervals of the samples drawn so far (status
// "interrupted" or "time-limit"), and exit with 128 + signal after a signal.
// The partial intervals are checked against an exact value where one is known
// (the tail of x_1 on the sphere, the MGF of U[-1, 1]) and recomputed from the
// printed counts with the Clopper-Pearson bounds.
#include <signal.h>
#include <sys/wait.h>

#include "arith/rational.hpp"
#include "io/json_exact.hpp"
#include "prob/clopper_pearson.hpp"
#include "test_cli_signal_support.hpp"

using namespace rl::test;

namespace {

rl::Rational exact_of(const rl::Json& decimal) { return rl::rational_parse(decimal.get<std::string>(), "test"); }

void check_stopped_by(const Interrupted& r, int signal) {
  INFO("stdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err);
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 128 + signal);
  CHECK(r.err.find(signal == SIGINT ? "stopped by SIGINT" : "stopped by SIGTERM") != std::string::npos);
}

}  // namespace

TEST_CASE("cli: SIGINT stops concentration by Monte Carlo with intervals of the samples drawn that contain the exact tail") {
  // phi = x_1 on S^9 sampled (--method mc) at one t; the exact path gives the true tail.
  const std::vector<std::string> common{"concentration", "--measure=sphere", "--d=10", "--function=coordinate",
                                        "--c=1",         "--t=1/2",          "--json"};
  std::vector<std::string> mc = common;
  for (const char* a : {"--method=mc", "--samples=1000000000", "--threads=1", "--confidence=0.999999"}) mc.push_back(a);
  Interrupted r = run_and_signal(mc, SIGINT, std::chrono::milliseconds(400), std::chrono::seconds(30));
  check_stopped_by(r, SIGINT);
  CHECK(r.seconds_after < 10);
  rl::Json j = rl::Json::parse(r.out);
  CHECK(j["status"] == "interrupted");
  const std::uint64_t drawn = j["monte_carlo"]["samples_drawn"], planned = j["monte_carlo"]["samples_planned"];
  CHECK(drawn >= 16384);  // at least one block
  CHECK(drawn < planned);
  REQUIRE(j["points"].size() == 1);
  const rl::Json& p = j["points"][0];
  const std::uint64_t n = p["samples"], outer = p["count_outer"], inner = p["count_inner"];
  CHECK(n >= 16384);
  CHECK(n <= drawn);
  // The printed interval encloses the Clopper-Pearson bounds of the printed counts.
  const rl::Rational alpha = rl::rational_parse(j["monte_carlo"]["alpha_per_bound"].get<std::string>(), "alpha");
  CHECK(exact_of(p["tail"]["lower"]) <= rl::clopper_pearson_lower(inner, n, alpha));
  CHECK(exact_of(p["tail"]["upper"]) >= rl::clopper_pearson_upper(outer, n, alpha));
  // And contains the exact tail (failure probability 1e-6 by construction).
  CliResult exact = cli_run(common);
  REQUIRE(exact.exit_code == 0);
  rl::Json e = rl::Json::parse(exact.out);
  CHECK(exact_of(p["tail"]["lower"]) <= exact_of(e["points"][0]["tail"]["upper"]));
  CHECK(exact_of(e["points"][0]["tail"]["lower"]) <= exact_of(p["tail"]["upper"]));
}

TEST_CASE("cli: SIGTERM stops subgaussian --mc; the partial MGF intervals contain the exact MGF") {
  Interrupted r = run_and_signal({"subgaussian", "--distribution=uniform", "--mc", "--samples=5000000",
                                  "--confidence=0.999999", "--json"},
                                 SIGTERM, std::chrono::milliseconds(500), std::chrono::seconds(30));
  check_stopped_by(r, SIGTERM);
  rl::Json j = rl::Json::parse(r.out)["mgf_monte_carlo"];
  CHECK(j["status"] == "interrupted");
  const std::uint64_t n = j["samples"], planned = j["samples_planned"];
  CHECK(planned == 5000000);
  CHECK(n >= 4096);
  CHECK(n < planned);
  REQUIRE(j["points"].size() == 16);
  for (const auto& p : j["points"]) {
    CHECK(exact_of(p["mgf"]["lower"]) <= exact_of(p["mgf"]["upper"]));
    CHECK(p["exact_inside"] == true);
  }
}

TEST_CASE("cli: SIGINT stops events with Clopper-Pearson intervals over the data sets simulated") {
  Interrupted r = run_and_signal({"events", "--n=200000", "--trials=1000000", "--json"}, SIGINT,
                                 std::chrono::milliseconds(400), std::chrono::seconds(30));
  check_stopped_by(r, SIGINT);
  rl::Json j = rl::Json::parse(r.out);
  CHECK(j["status"] == "interrupted");
  const std::uint64_t run = j["trials_run"];  // whole data sets only: 0 when the first was interrupted
  CHECK(run < 1000000);
  const rl::Rational alpha = rl::Rational(1, 100) / 8;
  REQUIRE(j["events"].size() == 4);
  for (const auto& e : j["events"]) {
    const std::uint64_t failures = e["failures"];
    CHECK(failures <= run);
    CHECK(exact_of(e["failure_probability"]["lower"]) <= rl::clopper_pearson_lower(failures, run, alpha));
    CHECK(exact_of(e["failure_probability"]["upper"]) >= rl::clopper_pearson_upper(failures, run, alpha));
  }
}

TEST_CASE("cli: --time-limit ends the Monte Carlo commands with status time-limit and exit 0") {
  CliResult ev = cli_run({"events", "--n=200000", "--trials=1000000", "--time-limit=0.3", "--json"});
  INFO(ev.err);
  REQUIRE(ev.exit_code == 0);
  rl::Json e = rl::Json::parse(ev.out);
  CHECK(e["status"] == "time-limit");
  CHECK(e["trials_run"].get<std::uint64_t>() < 1000000);

  CliResult co = cli_run({"concentration", "--measure=cube", "--d=50", "--function=norm", "--c=1", "--t=1/10",
                          "--samples=1000000000", "--threads=1", "--time-limit=0.3", "--json"});
  INFO(co.err);
  REQUIRE(co.exit_code == 0);
  rl::Json c = rl::Json::parse(co.out);
  CHECK(c["status"] == "time-limit");
  CHECK(c["monte_carlo"]["samples_drawn"].get<std::uint64_t>() < c["monte_carlo"]["samples_planned"].get<std::uint64_t>());

  CliResult sg = cli_run({"subgaussian", "--distribution=measure", "--measure=sphere", "--d=200", "--samples=100000000",
                          "--time-limit=0.3", "--json"});
  INFO(sg.err);
  // 10^8 samples would hold 1.6 GB: the run must end by the time limit long before.
  REQUIRE(sg.exit_code == 0);
  rl::Json s = rl::Json::parse(sg.out)["mgf_monte_carlo"];
  CHECK(s["status"] == "time-limit");
  CHECK(s["samples"].get<std::uint64_t>() < 100000000);

  CliResult full = cli_run({"events", "--n=10", "--trials=100", "--time-limit=600", "--json"});
  REQUIRE(full.exit_code == 0);
  CHECK(rl::Json::parse(full.out)["status"] == "complete");
}

TEST_CASE("cli: --max-memory of the Monte Carlo commands refuses runs that cannot fit, up front") {
  const std::string big = cli_scratch().write("samples-2mb.csv", std::string(2 * 1048576, '\n'));
  const std::size_t ran = cli_check_all_refused({
      {{"concentration", "--measure=sphere", "--d=10", "--function=norm", "--c=1", "--max-memory=1"}, {"--max-memory", "resident"}},
      {{"concentration", "--measure=sphere", "--d=10", "--function=norm", "--c=1", "--max-memory=-5"}, {"--max-memory"}},
      {{"concentration", "--measure=sphere", "--d=10", "--function=norm", "--c=1", "--time-limit=-1"}, {"--time-limit"}},
      {{"subgaussian", "--distribution=uniform", "--mc", "--samples=100000000", "--max-memory=200"}, {"--max-memory", "samples"}},
      {{"subgaussian", "--distribution=measure", "--measure=sphere", "--d=3", "--samples=100000000", "--max-memory=500"},
       {"--max-memory"}},
      {{"subgaussian", "--distribution=file:" + big, "--support=0,1", "--max-memory=1"}, {big, "bytes", "--max-memory"}},
      {{"subgaussian", "--distribution=uniform", "--mc", "--max-memory=zero"}, {"--max-memory"}},
      {{"subgaussian", "--distribution=uniform", "--mc", "--time-limit=-2"}, {"--time-limit"}},
      {{"events", "--max-memory=1"}, {"--max-memory"}},
      {{"events", "--time-limit=-1"}, {"--time-limit"}},
  });
  CHECK(ran == 10);
  // A cap that fits lets the runs through.
  for (const std::vector<std::string>& ok : std::vector<std::vector<std::string>>{
           {"concentration", "--measure=sphere", "--d=10", "--function=norm", "--c=1", "--samples=1000", "--max-memory=4096"},
           {"subgaussian", "--distribution=uniform", "--mc", "--samples=1000", "--max-memory=4096"},
           {"events", "--n=10", "--trials=20", "--max-memory=4096"}}) {
    CliResult r = cli_run(ok);
    INFO(cli_describe(ok, r));
    CHECK(r.exit_code == 0);
  }
}
