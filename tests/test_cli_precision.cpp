// Loose results are tightened by --digits or say that they are loose (audit):
// --find-c intervals were up to 6e-4 wide whatever --digits asked, the Gaussian
// least c (exactly sqrt(2/d)) was printed 1.8% wide, and tails below 1e-9999
// printed as [0, 1e-9999], hiding the violation their witness was meant to show.
#include "io/json_exact.hpp"
#include "test_cli_errors_support.hpp"

using namespace rl;
using namespace rl::test;

namespace {

Json run_json(const std::vector<std::string>& args) {
  CliResult r = cli_run(args);
  INFO(cli_describe(args, r));
  REQUIRE(r.exit_code == 0);
  return json_parse_exact(r.out, "stdout");
}

Rational number(const Json& j) { return rational_parse(j.get<std::string>()); }

}  // namespace

TEST_CASE("cli precision: the Gaussian least c is sqrt(2/d) to every digit asked") {
  Json j = run_json({"concentration", "--measure=gaussian", "--d=100", "--find-c", "--digits=40", "--json"});
  const Json& c = j["find_c"]["c"];
  const Rational lo = number(c["lower"]), hi = number(c["upper"]);
  // lo <= sqrt(2/100) <= hi, and hi - lo within 40 significant digits.
  CHECK(lo * lo <= Rational(2, 100));
  CHECK(Rational(2, 100) <= hi * hi);
  CHECK(hi - lo <= lo * rational_pow10(-39));
  CHECK_FALSE(c.contains("note"));
}

TEST_CASE("cli precision: --digits tightens the sphere's least c, or the output says it could not") {
  for (const char* digits : {"8", "16"}) {
    Json j = run_json({"concentration", "--measure=sphere", "--d=11", "--find-c", std::string("--digits=") + digits, "--json"});
    const Json& c = j["find_c"]["c"];
    const Rational lo = number(c["lower"]), hi = number(c["upper"]);
    INFO("digits " << digits << ": [" << c["lower"] << ", " << c["upper"] << "]");
    CHECK(lo <= hi);
    const bool narrow = hi - lo <= lo * rational_pow10(1 - std::stoi(digits));
    CHECK((narrow || c.contains("note")));
  }
}

TEST_CASE("cli precision: a tail below 1e-9999 prints as itself, so the violation witness shows the violation") {
  // N(0, I/d), d = 10^5, t = 1: tail erfc(223.6...) ~ 1e-21717 against the bound 2 exp(-d/(2c)) ~ 1e-21934.
  Json j = run_json({"concentration", "--measure=gaussian", "--d=100000", "--form=isoperimetry", "--c=99/100", "--t=1",
                     "--json"});
  CHECK(j["verdict"] == "violated");
  const Rational tail_lower = number(j["witness"]["tail"]["lower"]), bound_upper = number(j["witness"]["bound"]["upper"]);
  CHECK(tail_lower > 0);
  CHECK(tail_lower < rational_pow10(-21000));
  CHECK(tail_lower > bound_upper);
}

// They were up to 7.7e-5 wide at --digits 40: now bisected by exact inertia to the digits asked.
TEST_CASE("cli precision: theorem-tools network layer norms reach --digits (or say they could not)") {
  const std::string net = std::string(ROBUSTLAW_SOURCE_DIR) + "/data/nets/sisl/TestNetwork.nnet";
  Json j = run_json({"theorem-tools", "network", net, "--R=1", "--digits=25", "--json"});
  REQUIRE(j["layer_operator_norms"].size() > 0);
  std::size_t narrow_count = 0;
  for (const Json& norm : j["layer_operator_norms"]) {
    const Rational lo = number(norm["lower"]), hi = number(norm["upper"]);
    const Rational lo2 = rational_parse(norm["squared_lower_exact"].get<std::string>());
    const Rational hi2 = rational_parse(norm["squared_upper_exact"].get<std::string>());
    CHECK(lo * lo <= lo2);
    CHECK(hi2 <= hi * hi);
    const bool narrow = hi - lo <= hi * rational_pow10(-24);
    CHECK((narrow || norm.contains("note")));
    narrow_count += narrow;
  }
  CHECK(narrow_count == j["layer_operator_norms"].size());
}
