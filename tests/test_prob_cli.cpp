// The subgaussian and concentration commands end to end: Monte Carlo MGF
// intervals from a sample file, plots by gnuplot after the report, and the
// refused inputs of the Monte Carlo MGF and plot options.
#include <doctest/doctest.h>

#include <cmath>

#include "io/json_exact.hpp"
#include "test_cli_errors_support.hpp"

using namespace rl;
using namespace rl::test;

TEST_CASE("prob cli: file:SAMPLES.csv gives simultaneous MGF intervals that contain the sample mean, and a PNG") {
  std::string csv = "# a two-point variable\n";
  for (int i = 0; i < 400; ++i) csv += (i % 4 == 0 ? "1\n" : "0\n");  // mean of e^{l(X - 1/2)} known exactly
  const std::string path = cli_scratch().write("two-point.csv", csv), png = cli_scratch().path("mgf.png");
  CliResult r = cli_run({"subgaussian", "--distribution=file:" + path, "--support", "0,1", "--lambda-points", "2",
                         "--plot", png, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Json j = Json::parse(r.out);
  const Json& m = j["mgf_monte_carlo"];
  CHECK(m["samples"] == 400);
  CHECK(m["center"] == "1/2");
  REQUIRE(m["points"].size() == 4);
  for (const Json& p : m["points"]) {
    const double l = std::stod(p["lambda"].get<std::string>());
    const double mean = 0.25 * std::exp(l / 2) + 0.75 * std::exp(-l / 2);  // the empirical mean
    CHECK(std::stod(p["mgf"]["lower"].get<std::string>()) < mean);
    CHECK(mean < std::stod(p["mgf"]["upper"].get<std::string>()));
    CHECK((p["narrower"] == "hoeffding" || p["narrower"] == "empirical-bernstein"));
  }
  CHECK(cli_slurp(png).substr(0, 4) == "\x89PNG");
}

TEST_CASE("prob cli: the Monte Carlo MGF and plot options refuse bad input") {
  const std::string csv = cli_scratch().write("out-of-support.csv", "0.5\n0.25\n3\n");
  const std::string bad = cli_scratch().write("bad.csv", "0.5\nx\n");
  const std::vector<BadInput> cases = {
      {{"subgaussian", "--distribution", "file:" + csv}, {"--support", "required"}},
      {{"subgaussian", "--distribution", "file:" + csv, "--support", "0,1"}, {"out-of-support.csv:3", "outside"}},
      {{"subgaussian", "--distribution", "file:" + bad, "--support", "0,1"}, {"bad.csv:2"}},
      {{"subgaussian", "--distribution", "file:" + cli_scratch().path("none.csv"), "--support", "0,1"}, {"none.csv"}},
      {{"subgaussian", "--distribution", "file:" + csv, "--support", "1,0"}, {"--support"}},
      {{"subgaussian", "--distribution", "gaussian", "--mc"}, {"--mc", "unbounded"}},
      {{"subgaussian", "--distribution", "uniform", "--mc", "--samples", "1"}, {"--samples"}},
      {{"subgaussian", "--distribution", "uniform", "--mc", "--lambda-max", "1000"}, {"--lambda-max"}},
      {{"subgaussian", "--distribution", "uniform", "--plot", cli_scratch().path("p.txt")}, {"--plot", ".svg or .png"}},
      {{"concentration", "--measure", "sphere", "--d", "10", "--c", "1", "--plot", cli_scratch().path("p.pdf")},
       {"--plot", ".svg or .png"}},
  };
  CHECK(cli_check_all_refused(cases) == cases.size());
}
