// Regression tests from fuzzing: each feeds the checked-in reproducer bytes
// (tests/fuzz/corpus/<harness>/regress_*) through the parser and asserts a
// clean InputError naming the source and the reason, or the correct value.
#include <doctest/doctest.h>

#include <fstream>

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "io/json_exact.hpp"
#include "cert/cert_lipschitz.hpp"
#include "cert/claims.hpp"
#include "net/load.hpp"
#include "vnnlib/vnnlib.hpp"
#include "test_support.hpp"

using namespace rl;

namespace {

std::string reproducer(const std::string& harness, const std::string& name) {
  std::ifstream in(std::string(ROBUSTLAW_SOURCE_DIR) + "/tests/fuzz/corpus/" + harness + "/" + name, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

template <class F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError");
  return {};
}

}  // namespace

// rational_parse accepted 10^999999, whose printed form (a million digits)
// rational_parse itself refused: a value could be read but not written back,
// e.g. a network weight broke the JSON round trip. Values are now limited to
// what prints back within the parser's 100000-character limit.
TEST_CASE("regression: every accepted rational prints back within the parser's limits") {
  std::string e = input_error_of([] { rational_parse(reproducer("rational", "regress_long_exponent"), "w"); });
  CHECK(e.find("w: ") == 0);
  CHECK(e.find("exponent out of range") != std::string::npos);
  for (const char* big : {"1e90000", "-3e-90000", "1e45000/7e-45000", "123456789e89990"}) {
    Rational q = rational_parse(big, "w");
    CHECK(rational_parse(rational_to_string(q), "back") == q);
  }
  for (const char* too_big : {"1e95000", "1e-95000", "1e50000/1e-50000", "1e200001", "0.5e-200001"})
    CHECK(input_error_of([&] { rational_parse(too_big, "w"); }).find("w: ") == 0);
  CHECK(rational_parse("0e999999", "w") == 0);  // zero is zero at any exponent
}

// network_parse_json called nlohmann's value("format", ...) which throws a
// json type_error (not an InputError: the CLI reported an internal error)
// when "format" is not a string.
TEST_CASE("regression: a JSON network whose format key is not a string is an InputError") {
  // The reproducer ends in NUL bytes (refused since, see below); the text
  // before them is what reached the format check.
  std::string bytes = reproducer("json_net", "regress_format_not_string");
  CHECK(input_error_of([&] { network_parse_json(bytes, "f.json"); }).find("f.json") == 0);
  std::string e = input_error_of([&] { network_parse_json(bytes.substr(0, bytes.find('\0')), "f.json"); });
  CHECK(e.find("f.json") == 0);
  CHECK(e.find("'format'") != std::string::npos);
  for (const char* doc : {R"({"format": 1})", R"({"format": null})", R"({"format": {"a": 1}})", R"({})"})
    CHECK(input_error_of([&] { network_parse_json(doc, "f.json"); }).find("'format'") != std::string::npos);
}

// nlohmann::json treats a NUL byte as the end of input, so "{...}<NUL>garbage"
// was accepted as the object before the NUL.
TEST_CASE("regression: JSON text with a NUL byte is refused") {
  std::string e = input_error_of([] { json_parse_exact(reproducer("json", "regress_nul_byte"), "d.json"); });
  CHECK(e.find("d.json:1") == 0);
  CHECK(e.find("NUL byte") != std::string::npos);
  e = input_error_of([] { network_parse_json(reproducer("json_net", "regress_nul_byte"), "n.json"); });
  CHECK(e.find("NUL byte") != std::string::npos);
  std::string inside = std::string("{\"a\": \"x") + '\0' + "y\"}";
  CHECK(input_error_of([&] { json_parse_exact(inside, "s.json"); }).find("NUL byte") != std::string::npos);
}

// The Lipschitz certificate checker indexed box intervals and output pairs
// without checking their length: a one-element interval was undefined
// behaviour. Such claims are now refused with a reason: malformed parameters
// are an "error" (proofs/schema.md), raised as an InputError naming the file.
TEST_CASE("regression: a Lipschitz claim with a short box interval is an error, not undefined") {
  Json claim = json_parse_exact(reproducer("cert_lipschitz", "regress_short_box_interval.json"), "short.json");
  ClaimContext context{"short.json", std::string(ROBUSTLAW_SOURCE_DIR) + "/tests/fuzz/nets", std::string(ROBUSTLAW_SOURCE_DIR) + "/tests/fuzz/nets"};
  // The fuzzer's file also has a mangled member, refused first since the parameters are read strictly.
  CHECK(input_error_of([&] { cert_lipschitz_verify(claim, context); }).find("unknown member 'normaldput'") != std::string::npos);
  claim["parameters"].erase("normaldput");
  std::string message;
  try {
    cert_lipschitz_verify(claim, context);
  } catch (const InputError& e) {
    message = e.what();
  }
  CHECK(message.find("short.json") == 0);
  CHECK(message.find("pair") != std::string::npos);
  CHECK(claim_verify(claim, context).verdict == ClaimVerdict::Error);
}

// VNN-LIB lists nested thousands deep: the formula reader (and the tree's
// destructor) recurse once per level, so a deep enough file overflowed the
// stack. The s-expression reader now refuses more than 1000 levels.
TEST_CASE("regression: VNN-LIB lists nested too deep are an InputError, not a stack overflow") {
  std::string text = reproducer("vnnlib", "regress_deep_nesting.vnnlib");
  std::string message = input_error_of([&] { vnnlib_parse(text, "deep.vnnlib", 5, 5); });
  CHECK(message.find("deep.vnnlib:1") != std::string::npos);
  CHECK(message.find("nested deeper than 1000") != std::string::npos);
  std::string million(1000000, '(');
  CHECK(input_error_of([&] { vnnlib_parse(million, "million.vnnlib", 5, 5); }).find("nested deeper") != std::string::npos);
  // 1000 levels (assert, 998 and, the atom) are still read.
  std::string ok = "(declare-const X_0 Real)(declare-const Y_0 Real)(assert (<= X_0 1))(assert (>= X_0 0))(assert ";
  for (int i = 0; i < 998; ++i) ok += "(and ";
  ok += "(<= Y_0 1)" + std::string(999, ')');
  CHECK_NOTHROW(vnnlib_parse(ok, "ok.vnnlib", 1, 1));
}

// A claim file expecting "error" passed `robustlaw check`: claim_validate
// refuses the reserved verdict, claim_check turns that into the verdict
// "error", which then equalled the expected one. Found by fuzz_claim.
TEST_CASE("regression: a claim expecting a reserved verdict never passes") {
  const std::string path = std::string(ROBUSTLAW_SOURCE_DIR) + "/tests/fuzz/corpus/claim/regress_expected_error.json";
  Json claim = json_parse_exact(reproducer("claim", "regress_expected_error.json"), path);
  ClaimReport report = claim_check(claim, path, ROBUSTLAW_SOURCE_DIR);
  CHECK(report.verdict == ClaimVerdict::Error);
  CHECK(report.detail.find(path + ": \"expected\" must be holds, violated, bound-in-range, inconclusive or undecided, not \"error\"") == 0);
  CHECK_FALSE(report.expected);
  CHECK_FALSE(report.passed);
  claim["expected"] = "rejected";
  CHECK_FALSE(claim_check(claim, path, ROBUSTLAW_SOURCE_DIR).passed);
}

// A theorem claim with points of different lengths: the interpolation check
// read past the end of the shorter point (undefined behaviour; under the
// fuzzer a garbage GMP number asked for 6.9 GB). Found by fuzz_claim. Now
// every point must have the same number of coordinates. The power quantity
// is also bounded by the size of its result (123456789123456789123456789
// to the 100000 would take minutes and megabytes).
TEST_CASE("regression: theorem claims with ragged points or huge powers are errors") {
  for (const auto& [name, reason] : {std::pair<std::string, std::string>{"regress_ragged_points.json", "same number (>= 1) of coordinates"},
                                     {"regress_huge_power.json", "exceed 2^22 bits"}}) {
    const std::string path = std::string(ROBUSTLAW_SOURCE_DIR) + "/tests/fuzz/corpus/claim/" + name;
    ClaimReport report = claim_check(json_parse_exact(reproducer("claim", name), path), path, ROBUSTLAW_SOURCE_DIR);
    INFO(report.detail);
    CHECK(report.verdict == ClaimVerdict::Error);
    CHECK(report.detail.find(reason) != std::string::npos);
    CHECK_FALSE(report.passed);
  }
}
