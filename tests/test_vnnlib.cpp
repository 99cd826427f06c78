// VNN-LIB: parsing, malformed input, and deciding properties exactly.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "arith/error.hpp"
#include "cert/claim.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "robustness/bnb.hpp"
#include "robustness/cases.hpp"
#include "robustness/claim_file.hpp"
#include "vnnlib/vnnlib.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

const char* kHeader = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n";

std::string with_header(const std::string& body) { return std::string(kHeader) + body; }

std::string error_of(const std::string& text) {
  try {
    vnnlib_parse(text, "p.vnnlib", 2, 2);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// y0 = relu(x0) + relu(x1) - relu(-x1), y1 = relu(x0) - relu(-x1) + 1/3 (exact).
Network small_net() {
  return network_from_layers(2, {{{{q(1), q(0)}, {q(0), q(1)}, {q(0), q(-1)}}, {q(0), q(0), q(0)}},
                                 {{{q(1), q(1), q(-1)}, {q(1), q(0), q(-1)}}, {q(0), q(1, 3)}}});
}

BranchResult decide(const Network& net, const SafetyProperty& p) {
  BranchOptions o;
  o.time_limit_seconds = 10;
  return branch_and_bound(net, p, o);
}

template <class F>
std::string input_error_text(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("vnnlib: bounds, linear atoms, and/or, comments") {
  SafetyProperty p = vnnlib_parse(with_header(
                                       "; unsafe region\n"
                                       "(assert (>= X_0 -0.5)) (assert (<= X_0 1/2))\n"
                                       "(assert (<= 0 X_1)) (assert (>= 0.25 X_1))\n"
                                       "(assert (<= X_0 0.4)) ; a tighter bound wins\n"
                                       "(assert (<= (+ Y_0 (* 2 Y_1)) 3))\n"
                                       "(assert (or (and (>= Y_0 Y_1) (< Y_1 1)) (and (> (- Y_0 0.1) (* Y_1 -1)))))\n"),
                                   "p.vnnlib", 2, 2);
  CHECK(p.lo == std::vector<Rational>{q(-1, 2), q(0)});
  CHECK(p.hi == std::vector<Rational>{q(2, 5), q(1, 4)});
  REQUIRE(p.unsafe.size() == 2);
  REQUIRE(p.unsafe[0].size() == 3);
  // y0 + 2 y1 <= 3  <=>  -y0 - 2 y1 + 3 >= 0
  CHECK(p.unsafe[0][0].coefficients == std::vector<Rational>{q(-1), q(-2)});
  CHECK(p.unsafe[0][0].constant == 3);
  CHECK_FALSE(p.unsafe[0][0].strict);
  // y0 >= y1  <=>  y0 - y1 >= 0;  y1 < 1  <=>  1 - y1 > 0
  CHECK(p.unsafe[0][1].coefficients == std::vector<Rational>{q(1), q(-1)});
  CHECK(p.unsafe[0][2].coefficients == std::vector<Rational>{q(0), q(-1)});
  CHECK(p.unsafe[0][2].strict);
  // y0 - 0.1 > -y1  <=>  y0 + y1 - 1/10 > 0
  REQUIRE(p.unsafe[1].size() == 2);
  CHECK(p.unsafe[1][1].coefficients == std::vector<Rational>{q(1), q(1)});
  CHECK(p.unsafe[1][1].constant == q(-1, 10));
  // Semantics of the DNF on exact outputs.
  CHECK(property_output_unsafe(p, {q(1, 2), q(1, 4)}));   // 0.5 >= 0.25 and 0.25 < 1 and 1 <= 3
  CHECK_FALSE(property_output_unsafe(p, {q(0), q(1, 10)}));  // first block fails, 0 - 0.1 > -0.1 is false (strict)
}

TEST_CASE("vnnlib: malformed properties are refused with the line and the reason") {
  CHECK(error_of(with_header("(assert (<= X_0 1)\n")).find("p.vnnlib:5") != std::string::npos);
  CHECK(error_of(with_header("(assert (<= X_0 1)\n")).find("unbalanced") != std::string::npos);
  CHECK(error_of(with_header("(assert (<= X_0 1)))\n")).find("unbalanced ')'") != std::string::npos);
  std::string bounds = "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))\n";
  std::string e = error_of(with_header(bounds + "(assert (<= Z_3 1))\n"));
  CHECK(e.find("p.vnnlib:6") != std::string::npos);
  CHECK(e.find("Z_3") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= (* Y_0 Y_1) 1))\n")).find("non-linear") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= Y_2 1))\n")).find("not declared") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= Y_0 X_1))\n")).find("only in bounds") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= (exp Y_0) 1))\n")).find("unsupported operator 'exp'") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(check-sat)\n")).find("unsupported command") != std::string::npos);
  CHECK(error_of(with_header("(assert (>= X_0 0)) (assert (<= Y_0 1))\n")).find("X_0 has no upper bound") != std::string::npos);
  CHECK(error_of("(declare-const X_5 Real)").find("out of range") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= Y_0 1.2.3))\n")).find("p.vnnlib:6") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= Y_0 1))\n")).empty());
  // A name with a leading zero is another name, not X_1 / Y_1.
  CHECK(error_of(with_header(bounds + "(assert (<= X_01 1))\n")).find("unknown symbol 'X_01'") != std::string::npos);
  CHECK(error_of(with_header(bounds + "(assert (<= Y_01 1))\n")).find("unknown symbol 'Y_01'") != std::string::npos);
  // A bound that is not a number says so; one past the double range is refused (it used to abort in GLPK).
  for (const char* bad : {"inf", "nan", "one"}) {
    const std::string err = error_of(with_header(bounds + "(assert (<= X_0 " + bad + "))\n"));
    INFO(bad << ": " << err);
    CHECK(err.find("p.vnnlib:6") != std::string::npos);
    CHECK(err.find(std::string("'") + bad + "', not a number") != std::string::npos);
  }
  for (const char* far : {"-1e400", "1e309", "-179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"}) {
    const std::string err = error_of(with_header("(assert (>= X_0 " + std::string(far) + ")) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))\n"));
    INFO(far << ": " << err);
    CHECK(err.find("outside the double range") != std::string::npos);
  }
  CHECK(error_of(with_header("(assert (>= X_0 -1e300)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))\n")).empty());
  // Output terms too: a product of 600 factors 1e89999 took 101 s to build
  // exactly, past --time-limit and SIGINT.
  std::string product = "(*";
  for (int i = 0; i < 600; ++i) product += " 1e89999";
  for (const std::string& far : {product + " Y_0)", std::string("(* 1e200 1e200 Y_0)"), std::string("1e400"),
                                 std::string("(- Y_0 1e309)")}) {
    const std::string err = error_of(with_header(bounds + "(assert (<= " + far + " 1))\n"));
    INFO(far.substr(0, 40) << ": " << err);
    CHECK(err.find("p.vnnlib:6") != std::string::npos);
    CHECK(err.find("outside the double range") != std::string::npos);
  }
  CHECK(error_of(with_header(bounds + "(assert (<= (* 1e200 1e-200 Y_0) 1e300))\n")).empty());
}

TEST_CASE("vnnlib: properties decided on a small network, with certificates") {
  Network net = small_net();
  std::string path = (fs::temp_directory_path() / ("robustlaw_test_vnn_" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << network_to_json(net);
  ClaimContext ctx{"", "", ROBUSTLAW_SOURCE_DIR};
  auto check = [&](const Json& claim) { return claim_kind_registry().at("robustness")(claim, ctx).verdict; };
  std::string box = "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 1))\n";
  // On the box y0 - y1 = x1 - 1/3: it reaches 2/3 at most, so y0 - y1 >= 1 is unsat.
  SafetyProperty unsat = vnnlib_parse(with_header(box + "(assert (>= (- Y_0 Y_1) 1))"), "u", 2, 2);
  BranchResult r = decide(net, unsat);
  CHECK(r.status == PropertyVerdict::Verified);
  CHECK(check(claim_robustness_property("u", "s", path, net, unsat, r)) == ClaimVerdict::Holds);
  // The boundary case: y0 - y1 >= 2/3 holds exactly at x1 = 1 only (sat), > 2/3 never.
  SafetyProperty edge = vnnlib_parse(with_header(box + "(assert (>= (- Y_0 Y_1) 2/3))"), "e", 2, 2);
  r = decide(net, edge);
  REQUIRE(r.status == PropertyVerdict::Refuted);
  CHECK((*r.counterexample)[1] == 1);
  CHECK(check(claim_robustness_property("e", "s", path, net, edge, r)) == ClaimVerdict::Violated);
  SafetyProperty strict = vnnlib_parse(with_header(box + "(assert (> (- Y_0 Y_1) 2/3))"), "s", 2, 2);
  BranchOptions quick;
  quick.time_limit_seconds = 1;
  CHECK(branch_and_bound(net, strict, quick).status == PropertyVerdict::Unknown);  // touched, never crossed: boxes cannot close it
  // An or of two blocks, the second one reachable in the interior.
  SafetyProperty both = vnnlib_parse(with_header(box + "(assert (or (and (>= Y_0 3)) (and (<= Y_1 0.5) (>= Y_0 1))))"), "o", 2, 2);
  r = decide(net, both);
  REQUIRE(r.status == PropertyVerdict::Refuted);
  std::vector<Rational> y = net_eval_exact(net, *r.counterexample);
  CHECK(y[1] <= q(1, 2));
  CHECK(y[0] >= 1);
  Json tampered = claim_robustness_property("u", "s", path, net, unsat, decide(net, unsat));
  tampered["parameters"]["unsafe"][0][0]["constant"] = "0";  // y0 - y1 >= 0: reachable
  CHECK(check(tampered) == ClaimVerdict::Rejected);
  fs::remove(path);
}

TEST_CASE("vnnlib: the ACAS Xu property files parse") {
  for (int k = 1; k <= 4; ++k) {
    std::string path = std::string(ROBUSTLAW_SOURCE_DIR) + "/bench/vnnlib/acasxu_prop" + std::to_string(k) + ".vnnlib";
    SafetyProperty p = vnnlib_read(path, 5, 5);
    CHECK(p.lo.size() == 5);
    CHECK(p.unsafe.size() == 1);
    CHECK(p.unsafe[0].size() == (k == 1 ? 1u : 4u));
    for (std::size_t i = 0; i < 5; ++i) CHECK(p.lo[i] <= p.hi[i]);
  }
}

TEST_CASE("vnnlib: disjunctions of input boxes become cases grouped by box") {
  const std::string a = "(and (>= X_0 0) (<= X_0 1) (>= X_1 0) (<= X_1 1/2))";
  const std::string b = "(and (>= X_0 0) (<= X_0 1) (<= X_1 1) (>= X_1 1/2))";
  // ACAS Xu property 6's shape: two boxes, then an output disjunction.
  auto cases = vnnlib_parse_cases(with_header("(assert (or " + a + " " + b + "))\n(assert (or (and (<= Y_1 Y_0)) (and (>= Y_1 3))))\n"),
                                  "p.vnnlib", 2, 2);
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].hi[1] == q(1, 2));
  CHECK(cases[1].lo[1] == q(1, 2));
  for (const auto& c : cases) {
    REQUIRE(c.unsafe.size() == 2);  // both output alternatives, in each box
    CHECK(c.unsafe[0][0].coefficients == std::vector<Rational>{q(1), q(-1)});
    CHECK(c.unsafe[1][0].constant == -3);
  }
  // Inputs and outputs mixed in one disjunct (VNN-COMP 2022 style), a top-level bound narrowing both, and an empty disjunct dropped.
  cases = vnnlib_parse_cases(with_header("(assert (<= X_0 1/4))\n(assert (or (and " + a.substr(5, a.size() - 6) + " (>= Y_0 1)) (and " +
                                         b.substr(5, b.size() - 6) + " (>= Y_1 2)) (and (>= X_0 1/2) (<= X_0 1) (>= X_1 0) (<= X_1 1) (>= Y_0 7))))\n"),
                             "p.vnnlib", 2, 2);
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].hi[0] == q(1, 4));
  CHECK(cases[1].hi[0] == q(1, 4));
  REQUIRE(cases[0].unsafe.size() == 1);
  CHECK(cases[0].unsafe[0][0].coefficients == std::vector<Rational>{q(1), q(0)});
  CHECK(cases[1].unsafe[0][0].coefficients == std::vector<Rational>{q(0), q(1)});
  // The same box twice: one case holding both output conjunctions.
  cases = vnnlib_parse_cases(with_header("(assert (or (and " + a.substr(5, a.size() - 6) + " (>= Y_0 1)) (and " + a.substr(5, a.size() - 6) +
                                         " (>= Y_1 1))))\n"), "p.vnnlib", 2, 2);
  REQUIRE(cases.size() == 1);
  CHECK(cases[0].unsafe.size() == 2);
  // A disjunct missing a bound is refused; the single-case reader refuses two boxes.
  CHECK(input_error_text([&] { vnnlib_parse_cases(with_header("(assert (or " + a + " (and (>= X_0 0) (<= X_0 1) (>= X_1 0))))"), "p.vnnlib", 2, 2); })
            .find("X_1 has no upper bound in one of the alternatives") != std::string::npos);
  CHECK(input_error_text([&] { vnnlib_parse(with_header("(assert (or " + a + " " + b + "))"), "p.vnnlib", 2, 2); }).find("2 alternative input boxes") !=
        std::string::npos);
  CHECK(input_error_text([&] { vnnlib_parse_cases(with_header("(assert (or (and (>= X_0 2) (<= X_0 1) (>= X_1 0) (<= X_1 1))))"), "p.vnnlib", 2, 2); })
            .find("X_0 has an empty range") != std::string::npos);
}

TEST_CASE("vnnlib: the official ACAS Xu property 6 parses into two cases") {
  std::string path = std::string(ROBUSTLAW_SOURCE_DIR) + "/bench/vnnlib/acasxu_prop6.vnnlib";
  auto cases = vnnlib_read_cases(path, 5, 5);
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].lo[1] > 0);
  CHECK(cases[1].hi[1] < 0);
  CHECK(cases[0].unsafe.size() == 4);
}

TEST_CASE("vnnlib: a box outside a .nnet clamp range is warned about") {
  Network net = small_net();
  auto cases = vnnlib_parse_cases(with_header("(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= X_1 0)) (assert (<= X_1 3))"), "p.vnnlib", 2, 2);
  CHECK_FALSE(vnnlib_clamp_warning(net, cases, "p.vnnlib"));  // no clamp: nothing to say
  net.clamp = InputClamp{{q(0), q(0)}, {q(1), q(2)}};
  auto warning = vnnlib_clamp_warning(net, cases, "p.vnnlib");
  REQUIRE(warning);
  CHECK(warning->find("X_1") != std::string::npos);
  CHECK(warning->find("normalized") != std::string::npos);
  cases[0].hi[1] = 2;
  CHECK_FALSE(vnnlib_clamp_warning(net, cases, "p.vnnlib"));
}

TEST_CASE("vnnlib: properties with several boxes decided, with certificates and tampered copies") {
  Network net = small_net();
  std::string path = (fs::temp_directory_path() / ("robustlaw_test_vnn_cases_" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << network_to_json(net);
  ClaimContext ctx{"", "", ROBUSTLAW_SOURCE_DIR};
  auto check = [&](const Json& claim) { return claim_kind_registry().at("robustness")(claim, ctx).verdict; };
  BranchOptions o;
  o.time_limit_seconds = 10;
  // y0 - y1 = x1 - 1/3: below 2/3 on x1 <= 1/2 ... wait on both boxes x1 <= 1 gives <= 2/3 < 1.
  const std::string boxes = "(assert (or (and (>= X_0 0) (<= X_0 1) (>= X_1 0) (<= X_1 1/2)) (and (>= X_0 -1) (<= X_0 0) (>= X_1 1/2) (<= X_1 1))))\n";
  auto unsat = vnnlib_parse_cases(with_header(boxes + "(assert (>= (- Y_0 Y_1) 1))"), "u", 2, 2);
  CasesResult r = branch_and_bound_cases(net, unsat, o);
  REQUIRE(r.status == PropertyVerdict::Verified);
  CHECK(r.cases.size() == 2);
  Json claim = claim_robustness_cases("u", "s", path, net, unsat, r);
  CHECK(check(claim) == ClaimVerdict::Holds);
  Json dropped = claim;
  dropped["certificate"]["cases"].erase(1);
  CHECK(check(dropped) == ClaimVerdict::Rejected);
  Json swapped = claim;  // a case whose box cannot be proven by the other's tree... the claim itself is altered
  swapped["parameters"]["cases"][1]["unsafe"][0][0]["constant"] = "-1/2";  // x1 - 1/3 >= 1/2 is reached at x1 = 1 > 5/6
  CHECK(check(swapped) == ClaimVerdict::Rejected);
  // Reachable only in the second box (x1 >= 1/2 there): y0 - y1 >= 1/2 holds at x1 = 5/6 and above.
  auto sat = vnnlib_parse_cases(with_header(boxes + "(assert (>= (- Y_0 Y_1) 1/2))"), "s", 2, 2);
  r = branch_and_bound_cases(net, sat, o);
  REQUIRE(r.status == PropertyVerdict::Refuted);
  CHECK(r.cases.size() == 2);
  CHECK((*r.refuting().counterexample)[1] >= q(5, 6));
  claim = claim_robustness_cases("s", "s", path, net, sat, r);
  CHECK(check(claim) == ClaimVerdict::Violated);
  Json moved = claim;
  moved["certificate"]["counterexample"][1] = "1/2";
  moved["certificate"]["output"] = Json::array({"1/2", "1/3"});  // the exact output at (x0, 1/2) is not unsafe anyway
  CHECK(check(moved) == ClaimVerdict::Rejected);
  // Malformed cases are parameters the checker cannot read: an error, not a rejected certificate.
  Json not_a_case = claim;
  not_a_case["parameters"]["cases"][0] = 3;
  CHECK_THROWS_AS(check(not_a_case), InputError);
  Json no_cases = claim;
  no_cases["parameters"]["cases"] = Json::array();
  CHECK_THROWS_AS(check(no_cases), InputError);
  fs::remove(path);
}
