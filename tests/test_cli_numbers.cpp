// Numeric options are read exactly and never narrowed (audit): CLI11's own
// conversion turned --d 100000000000000000000000 into 2^64 - 1 and decided
// that case, read "-1" into an unsigned seed as 2^64 - 1, and a time limit of
// 1e-400 as 0 (no limit). Every such value is now either used as given or
// refused with a message naming the option.
#include "io/json_exact.hpp"
#include "test_cli_errors_support.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::test;

namespace {

CliResult sphere_isoperimetry(const std::string& d) {
  return cli_run({"concentration", "--measure=sphere", "--function=coordinate", "--d=" + d, "--form=isoperimetry",
                  "--c=99/100", "--t=9.4868e-11", "--json"});
}

}  // namespace

TEST_CASE("cli: concentration decides d = 10^23 itself, not the 2^64 - 1 it used to be narrowed to") {
  // At d = 10^23 the tail 9.844e-198 exceeds the bound 7.867e-198 (mpmath).
  CliResult big = sphere_isoperimetry("100000000000000000000000");
  INFO(big.err);
  REQUIRE(big.exit_code == 0);
  Json j = json_parse_exact(big.out, "stdout");
  CHECK(j["d"] == "100000000000000000000000");
  CHECK(j["verdict"] == "violated");
  const Rational tail_lower = rational_parse(j["witness"]["tail"]["lower"].get<std::string>());
  CHECK(tail_lower > rational_parse("9.84e-198"));
  CHECK(tail_lower < rational_parse("9.85e-198"));
  // d = 2^64 - 1, the value the old parser silently used, is a different case: there the bound holds.
  CliResult saturated = sphere_isoperimetry("18446744073709551615");
  REQUIRE(saturated.exit_code == 0);
  CHECK(json_parse_exact(saturated.out, "stdout")["verdict"] == "holds");
  // Exact parsing: 1e3 is the integer 1000.
  CliResult thousand = sphere_isoperimetry("1e3");
  REQUIRE(thousand.exit_code == 0);
  CHECK(json_parse_exact(thousand.out, "stdout")["d"] == 1000);
}

TEST_CASE("cli: numeric options outside their type are refused, naming the option") {
  const std::vector<std::string> lipschitz = {"lipschitz", kSisl, "--norm=l2", "--global"};
  auto with = [](std::vector<std::string> args, const std::string& extra) {
    args.push_back(extra);
    return args;
  };
  std::vector<BadInput> cases = {
      {{"random-net", "--sizes=2,3,1", "--seed=-1"}, {"--seed", "below"}},
      {{"random-net", "--sizes=2,3,1", "--seed=18446744073709551616"}, {"--seed", "above"}},
      {{"random-net", "--sizes=2,99999999999999999999,1"}, {"--sizes", "99999999999999999999", "not in [1, 100000]"}},
      {{"random-net", "--sizes=2,3,1", "--bias-std=1e400"}, {"--bias-std", "range of a double"}},
      {with(lipschitz, "--output-diff=1.5,0"), {"--output-diff", "not an integer"}},
      {with(lipschitz, "--output-diff=-1,0"), {"--output-diff", "below"}},
      {with(lipschitz, "--time-limit=1e-400"), {"--time-limit", "range of a double"}},
      {{"lipschitz", kSource + "/bench/nets/rand_2-8-1.json", "--norm=l2", "--box=-1e400:1e400"}, {"--box interval 1", "double range"}},
      {{"random-net", "--sizes=2,3,1", "--bias-std=1e308"}, {"--bias-std", "at most 1e300"}},
      {with(lipschitz, "--threads=4294967296"), {"--threads", "above"}},
      {with(lipschitz, "--node-limit=18446744073709551616"), {"--node-limit", "above"}},
      {with(lipschitz, "--digits=4294967301"), {"--digits", "above"}},
      {{"events", "--d=100000000000000000000000"}, {"--d", "above"}},
      {{"events", "--n=1/2"}, {"--n", "not an integer"}},
      {{"concentration", "--measure=sphere", "--d=100000000000000000000000", "--function=norm", "--c=1", "--t=1/10"},
       {"--d", "too large to sample"}},
      {{"concentration", "--measure=sphere", "--d=10", "--c=1", "--seed=99999999999999999999"}, {"--seed", "above"}},
      {{"concentration", "--measure=sphere", "--d=1", "--c=1"}, {"--d", "below"}},
      // The exact grid check at d = 10^12 ended in GMP's abort on an allocation (a crash).
      {{"concentration", "--measure=sphere", "--d=1000000000000", "--c=1"}, {"--d", "2^33 bits"}},
      {{"concentration", "--measure=gaussian", "--d=1000000000000", "--c=1", "--t=1/2"}, {"--d", "2^33 bits"}},
      {{"concentration", "--measure=sphere", "--d=10000000000", "--find-c"}, {"--d", "2^33 bits"}},
      {{"subgaussian", "--distribution=rademacher", "--n=10000000000"}, {"--n", "above"}},
      {{"subgaussian", "--distribution=rademacher", "--budget=-5"}, {"--budget", "below"}},
  };
  CHECK(cli_check_all_refused(cases) == cases.size());
}

// A tiny sigma makes Lemma 1's bound 2 exp(-t^2 / (2 sigma^2)) underflow
// MPFR's exponent range (upper end 2^(-2^30)); printing it stopped the run
// with "interval endpoint is not finite" (exit 3) instead of the verdict.
TEST_CASE("cli: subgaussian --sigma 1e-8 reports Definition 5 and Lemma 1 violated") {
  CliResult r = cli_run({"subgaussian", "--distribution=bernoulli:0.5", "--sigma=1e-8", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const rl::Json j = rl::Json::parse(r.out);
  CHECK(j["definition5"]["verdict"] == "violated");
  CHECK(j["lemma1"]["verdict"] == "violated");
  CHECK(j["lemma1"]["witness"]["bound"]["upper"].get<std::string>().rfind("1e-3232284", 0) == 0);
}
