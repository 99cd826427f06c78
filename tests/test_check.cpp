// The trusted claim checker: expression language, arithmetic claim kinds,
// claim-file envelope, certificate files, the check subcommand.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <tuple>

#include "arith/error.hpp"
#include "cert/cert_expr.hpp"
#include "cert/claims.hpp"
#include "test_scale.hpp"
#include "test_cli_errors_support.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp folder, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("rl_check_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

// parameters.let as a JSON list of [name, expression] pairs.
Json lets(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Json out = Json::array();
  for (const auto& [name, expr] : pairs) out.push_back(Json::array({name, expr}));
  return out;
}

Json base_claim(const std::string& kind, const Json& params, const std::string& expected) {
  return Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "test/claim"}, {"kind", kind},
              {"statement", "a test claim"}, {"reference", "tests"}, {"parameters", params}, {"expected", expected}};
}

ClaimReport check_json(const Json& claim, const std::string& path = "mem/claim.json") {
  return claim_check(claim, path, kSource);
}

ClaimVerdict verdict_of(const std::string& kind, const Json& params) {
  return check_json(base_claim(kind, params, "holds")).verdict;
}

ExprValue eval(const std::string& text, mpfr_prec_t prec = 128) {
  ExprScope scope;
  scope.precision = prec;
  return expr_evaluate(text, scope, "test.json");
}

Truth decide(const std::string& text, mpfr_prec_t prec = 128) {
  ExprScope scope;
  scope.precision = prec;
  return expr_relation_decide(expr_evaluate_relation(text, scope, "test.json"));
}

std::string input_error_of(const std::function<void()>& f) {
  try { f(); } catch (const InputError& e) { return e.what(); }
  return "";
}

Rational random_check_rational(std::mt19937_64& rng) {
  std::uniform_int_distribution<long> num(-100000, 100000), den(1, 5000);
  return Rational(Integer(num(rng)), Integer(den(rng)));
}

}  // namespace

TEST_CASE("expressions: exact arithmetic, precedence and exact shortcuts") {
  CHECK(*eval("1/3 + 1/6").exact == Rational(1, 2));
  CHECK(*eval("-2^2").exact == -4);
  CHECK(*eval("2^3^2").exact == 512);           // right-associative
  CHECK(*eval("2^-3").exact == Rational(1, 8));
  CHECK(*eval("(1 - 3) * 4 / 8").exact == -1);
  CHECK(*eval("1.5e2 - 0.5").exact == Rational(299, 2));
  CHECK(*eval("sqrt(9/16)").exact == Rational(3, 4));
  CHECK(*eval("log(1) + exp(0)").exact == 1);
  CHECK(*eval("min(1/3, 1/4) + max(-1, abs(-2))").exact == Rational(9, 4));
  CHECK_FALSE(eval("sqrt(2)").exact.has_value());
  CHECK_FALSE(eval("pi()").exact.has_value());
  ExprValue x = eval("interval(1, 2) * 3");
  CHECK(x.lower() <= 3);
  CHECK(x.upper() >= 6);
}

TEST_CASE("expressions: malformed text and exact domain errors are InputErrors naming the file") {
  for (const char* bad : {"1 +", "(1", "1 2", "2^(1/2)", "2^200000", "(10^100000)^100000", "foo(1)", "x + 1", "1.2.3", "1/0", "sqrt(-1)",
                          "log(0)", "log(-1)", "0^-1", "min(1)", "interval(2, 1)", "interval(sqrt(2), 3)", "$", ""}) {
    std::string message = input_error_of([&] { eval(bad); });
    INFO(bad);
    CHECK(message.find("test.json") == 0);
  }
  CHECK(input_error_of([&] { decide("1 + 1"); }).find("expected a comparison") != std::string::npos);
}

TEST_CASE("expressions: enclosures contain the exact value, at two precisions, over random rationals") {
  std::mt19937_64 rng(7);
  for (std::size_t i = 0; i < test::scaled(300); ++i) {
    Rational a = random_check_rational(rng), b = random_check_rational(rng);
    if (a <= 0) a = -a + Rational(1, 7);
    ExprScope lo, hi;
    lo.precision = 53;
    hi.precision = 300;
    for (ExprScope* s : {&lo, &hi}) {
      s->names.insert_or_assign("a", ExprValue{a, Interval(a, s->precision)});
      s->names.insert_or_assign("b", ExprValue{b, Interval(b, s->precision)});
    }
    // exp(log a) and sqrt(a)^2 enclose a; log(a^2) and 2 log a enclose the same real.
    for (const char* e : {"exp(log(a))", "sqrt(a)^2", "sqrt(a)*sqrt(a)"}) {
      ExprValue v53 = expr_evaluate(e, lo, "t"), v300 = expr_evaluate(e, hi, "t");
      CHECK(v53.enclosure.contains(a));
      CHECK(v300.enclosure.contains(a));
      CHECK(v300.enclosure.width() <= v53.enclosure.width());
    }
    ExprValue l1 = expr_evaluate("log(a^2) + exp(b/100000)", hi, "t"), l2 = expr_evaluate("2*log(a) + exp(b/100000)", lo, "t");
    CHECK(l1.lower() <= l2.upper());
    CHECK(l2.lower() <= l1.upper());
  }
}

TEST_CASE("expressions: relations agree with exact comparison (brute force over random rationals)") {
  std::mt19937_64 rng(11);
  for (std::size_t i = 0; i < test::scaled(300); ++i) {
    Rational a = random_check_rational(rng), b = i % 5 == 0 ? a : random_check_rational(rng);
    ExprScope s;
    s.names.insert_or_assign("a", ExprValue{a, Interval(a)});
    s.names.insert_or_assign("b", ExprValue{b, Interval(b)});
    auto truth = [&](const std::string& op) { return expr_relation_decide(expr_evaluate_relation("a " + op + " b", s, "t")); };
    auto want = [](bool v) { return v ? Truth::True : Truth::False; };
    CHECK(truth("==") == want(a == b));
    CHECK(truth("!=") == want(a != b));
    CHECK(truth("<") == want(a < b));
    CHECK(truth("<=") == want(a <= b));
    CHECK(truth(">") == want(a > b));
    CHECK(truth(">=") == want(a >= b));
    // The same through sqrt of squares of |a|, |b| (enclosures when not exact squares).
    if (a != b && a > 0 && b > 0) {
      Truth t = expr_relation_decide(expr_evaluate_relation("sqrt(a*a*2) < sqrt(b*b*2)", s, "t"));
      CHECK(t == want(a < b));
    }
  }
  CHECK(decide("sqrt(2) == sqrt(2)") == Truth::Unknown);   // enclosures cannot prove equality
  CHECK(decide("sqrt(2)^2 == 3") == Truth::False);
  CHECK(decide("interval(0, 1) < 1/2") == Truth::Unknown);
  CHECK(decide("interval(0, 1) <= 1") == Truth::True);
}

TEST_CASE("inequality and exact-identity: positive and negative pairs") {
  // Each pair: the same statement with one constant moved so the verdict flips.
  CHECK(verdict_of("exact-identity", {{"assert", "2^18 == 8^6"}}) == ClaimVerdict::Holds);
  CHECK(verdict_of("exact-identity", {{"assert", "2^18 == 8^6 + 1"}}) == ClaimVerdict::Violated);
  CHECK(verdict_of("inequality", {{"assert", "1 - 2*exp(-355/512) > 0"}}) == ClaimVerdict::Holds);
  CHECK(verdict_of("inequality", {{"assert", "1 - 2*exp(-354/512) > 0"}}) == ClaimVerdict::Violated);
  CHECK(verdict_of("inequality", {{"let", lets({{"eps", "interval(68/100, 1)"}})}, {"assert", "8^4*log(800) <= 60000*eps^2"}}) == ClaimVerdict::Holds);
  CHECK(verdict_of("inequality", {{"let", lets({{"eps", "interval(67/100, 1)"}})}, {"assert", "8^4*log(800) <= 60000*eps^2"}}) == ClaimVerdict::Undecided);
  CHECK(verdict_of("inequality", {{"let", lets({{"eps", "interval(1/1000, 67/100)"}})}, {"assert", "8^4*log(800) <= 60000*eps^2"}}) == ClaimVerdict::Violated);
  // Cases: one failing case makes the claim violated.
  CHECK(verdict_of("inequality", {{"cases", {{{"x", 1}}, {{"x", 2}}}}, {"assert", "x^2 <= 4"}}) == ClaimVerdict::Holds);
  CHECK(verdict_of("inequality", {{"cases", {{{"x", 1}}, {{"x", 3}}}}, {"assert", "x^2 <= 4"}}) == ClaimVerdict::Violated);
  // Refinement: 10^-60 needs more than 128 bits to separate.
  CHECK(verdict_of("inequality", {{"assert", "exp(10^-60) > 1"}, {"precision", 64}}) == ClaimVerdict::Holds);
  CHECK(verdict_of("inequality", {{"assert", "exp(10^-60) > 1"}, {"precision", 64}, {"max_precision", 128}}) == ClaimVerdict::Undecided);
  // An exact-identity refuses enclosures and non-equalities.
  CHECK(verdict_of("exact-identity", {{"assert", "sqrt(2)^2 == 2"}}) == ClaimVerdict::Error);
  CHECK(verdict_of("exact-identity", {{"assert", "1 < 2"}}) == ClaimVerdict::Error);
}

TEST_CASE("inequality witnesses: the certificate supplies the value, and a wrong one changes the verdict") {
  Json params{{"witness", {"t"}}, {"let", lets({{"d", "11"}})}, {"assert", "(128/315 - t*(1 - t^2*(4/3 - t^2*(6/5 - t^2*(4/7 - t^2/9))))) / (128/315) <= 2*exp(-d*t^2)"}};
  Json claim = base_claim("inequality", params, "violated");
  claim["certificate"] = {{"witness", {{"t", "0.7"}}}};
  CHECK(check_json(claim).passed);
  claim["certificate"]["witness"]["t"] = "0.5";
  CHECK(check_json(claim).verdict == ClaimVerdict::Holds);
  // A certificate that is missing, malformed or not read is "rejected" (proofs/schema.md).
  claim["certificate"]["witness"] = Json::object();
  CHECK(check_json(claim).verdict == ClaimVerdict::Rejected);
  claim["certificate"]["witness"] = {{"t", "abc"}};
  CHECK(check_json(claim).verdict == ClaimVerdict::Rejected);
  CHECK(check_json(claim).detail.find("certificate.t") != std::string::npos);
  claim.erase("certificate");
  CHECK(check_json(claim).verdict == ClaimVerdict::Rejected);
  Json plain = base_claim("inequality", {{"assert", "1 < 2"}}, "holds");
  plain["certificate"] = {{"witness", {{"t", 1}}}};
  CHECK(check_json(plain).verdict == ClaimVerdict::Rejected);   // a certificate nobody asked for is refused
}

TEST_CASE("claim envelope: malformed claim files are refused, naming the file and the key") {
  Json good = base_claim("exact-identity", {{"assert", "1 == 1"}}, "holds");
  CHECK(check_json(good).passed);
  for (const char* key : {"schema", "version", "id", "kind", "statement", "reference", "expected"}) {
    Json bad = good;
    bad.erase(key);
    ClaimReport r = check_json(bad, "dir/bad.json");
    INFO(key);
    CHECK_FALSE(r.passed);
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find("dir/bad.json") == 0);
    CHECK(r.detail.find(key) != std::string::npos);
  }
  auto refused = [&](const std::string& key, const Json& value, const std::string& needle) {
    Json bad = good;
    bad[key] = value;
    ClaimReport r = check_json(bad, "dir/bad.json");
    INFO(key << " = " << value.dump());
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find("dir/bad.json") == 0);
    CHECK(r.detail.find(needle) != std::string::npos);
  };
  refused("schema", "robustlaw-claims", "schema");
  refused("version", 2, "version");
  refused("version", "1", "version");
  refused("kind", "no-such-kind", "no-such-kind");
  refused("expected", "rejected", "expected");
  refused("expected", "Holds", "expected");
  refused("expected", "verified", "\"expected\" must be holds, violated, bound-in-range, inconclusive or undecided, not \"verified\"");
  refused("id", "has space", "id");
  refused("parameters", Json::array(), "parameters");
  refused("statement", "", "statement");
  refused("parameters", {{"assert", "1 == 1.2.3"}}, "1.2.3");
  refused("parameters", {{"assert", 5}}, "assert");
  refused("parameters", {{"let", lets({{"x", "1"}, {"x", "2"}})}, {"assert", "x == 1"}}, "bound twice");
  refused("parameters", {{"assert", "1 == 1"}, {"precision", 3}}, "precision");
  Json both = good;
  both["certificate"] = Json::object();
  both["certificate_file"] = "c.json";
  CHECK(check_json(both, "dir/bad.json").detail.find("not both") != std::string::npos);
  CHECK(check_json(Json::array(), "dir/bad.json").verdict == ClaimVerdict::Error);
}

TEST_CASE("certificate_file resolves relative to the claim, also when it is a claim file") {
  TempDir dir;
  Json claim = base_claim("inequality", {{"witness", {"t"}}, {"assert", "t^2 > 2"}}, "holds");
  claim["certificate_file"] = "certs/w.json";
  std::string path = dir.write("sub/claim.json", claim.dump());
  CHECK(claim_check(json_read_file_exact(path), path, kSource).verdict == ClaimVerdict::Error);   // missing file
  dir.write("sub/certs/w.json", R"({"witness": {"t": "1.5"}})");
  CHECK(claim_check(json_read_file_exact(path), path, kSource).passed);
  Json as_claim = base_claim("inequality", {}, "holds");
  as_claim["certificate"] = {{"witness", {{"t", "1.4"}}}};
  dir.write("sub/certs/w.json", as_claim.dump());
  CHECK(claim_check(json_read_file_exact(path), path, kSource).verdict == ClaimVerdict::Violated);
}

TEST_CASE("a verifier that throws is reported as an error naming the claim") {
  static const ClaimKindRegistrar throwing("test-throws", [](const Json& claim, const ClaimContext&) -> ClaimOutcome {
    if (claim["parameters"].value("how", "") == "int") throw 42;
    throw std::runtime_error("boom");
  });
  ClaimReport r = check_json(base_claim("test-throws", {{"how", "std"}}, "holds"), "x/y.json");
  CHECK(r.verdict == ClaimVerdict::Error);
  CHECK(r.detail == "x/y.json: boom");
  r = check_json(base_claim("test-throws", {{"how", "int"}}, "holds"), "x/y.json");
  CHECK(r.verdict == ClaimVerdict::Error);
  CHECK(r.detail.find("x/y.json") == 0);
}

TEST_CASE("robustlaw check: exit status, failing claims named, folders, JSON output") {
  TempDir dir;
  dir.write("a/ok.json", base_claim("exact-identity", {{"assert", "2^18 == 8^6"}}, "holds").dump());
  Json wrong = base_claim("exact-identity", {{"assert", "10^4 == 8^4"}}, "holds");
  wrong["id"] = "test/wrong-expectation";
  dir.write("b/wrong.json", wrong.dump());
  dir.write("a/not-a-claim.json", R"({"witness": {"t": 1}})");
  std::string a = (dir.path / "a").string(), root = dir.path.string();
  auto said = [](const CliResult& r, const std::string& text) { return (r.out + r.err).find(text) != std::string::npos; };

  CliResult ok = cli_run({"check", a});
  CHECK(ok.exit_code == 0);
  CHECK(said(ok, "1 passed, 0 failed"));
  CHECK(said(ok, "skip"));   // the non-claim JSON is listed, not silently ignored

  CliResult bad = cli_run({"check", root});
  CHECK(bad.exit_code == 1);
  CHECK(said(bad, "1 passed, 1 failed"));
  CHECK(said(bad, "failing claims: test/wrong-expectation"));

  CliResult js = cli_run({"check", "--json", root + "/b"});
  CHECK(js.exit_code == 1);
  Json j = Json::parse(js.out);
  CHECK(j["failed"] == 1);
  CHECK(j["claims"][0]["verdict"] == "violated");
  CHECK(j["claims"][0]["expected"] == "holds");

  dir.write("a/dup.json", base_claim("exact-identity", {{"assert", "1 == 1"}}, "holds").dump());  // same id as ok.json
  CliResult dup = cli_run({"check", a});
  CHECK(dup.exit_code == 1);
  CHECK(said(dup, "duplicate id"));

  CliResult named = cli_run({"check", (dir.path / "a" / "not-a-claim.json").string()});   // named explicitly: must be a claim
  CHECK(named.exit_code == 1);
  CHECK(said(named, "schema"));

  CliResult garbage = cli_run({"check", dir.write("c/broken.json", "{\"schema\": ")});
  CHECK(garbage.exit_code == 1);
  CHECK(said(garbage, "broken.json"));

  CHECK(cli_run({"check", root + "/missing"}).exit_code == 2);
  CliResult kinds = cli_run({"check", "--list-kinds"});
  CHECK(kinds.exit_code == 0);
  CHECK(said(kinds, "inequality"));
  CHECK(said(kinds, "exact-identity"));
}

TEST_CASE("every arithmetic claim in proofs/ has its expected verdict") {
  std::size_t count = 0;
  for (const std::string& file : claim_files_collect({kSource + "/proofs"})) {
    Json doc = json_read_file_exact(file);
    if (!claim_is_claim(doc) || (doc["kind"] != "inequality" && doc["kind"] != "exact-identity")) continue;
    ClaimReport r = claim_check(doc, file, kSource);
    INFO(file << ": " << r.detail);
    CHECK(r.passed);
    ++count;
  }
  CHECK(count >= 15);
}

TEST_CASE("the repository root is the folder above a claim that holds data/nets") {
  CHECK(fs::equivalent(claim_repo_root_find(kSource + "/proofs/errata/omega-sign-seed.json"), kSource));
  TempDir dir;
  std::string lone = dir.write("x/y/claim.json", "{}");
  CHECK(fs::equivalent(claim_repo_root_find(lone), dir.path / "x" / "y"));
}

// A Lipschitz claim's parameters are read strictly: an "output" or a
// "domain" the checker does not recognise is an error naming it, never read
// as another claim (an unknown output used to be read as "every output", so
// a claim about output 3 could pass on the whole network's constant).
TEST_CASE("lipschitz claims: malformed parameters are errors naming the member, never another claim") {
  const std::string path = std::string(kSource) + "/proofs/lipschitz/sisl_testnetwork_box_linf.json";
  const Json good = json_read_file_exact(path);
  REQUIRE(good["parameters"]["output"].is_null());
  CHECK(claim_check(good, path, kSource).passed);
  const auto with = [&](const char* key, const Json& value) {
    Json claim = good;
    claim["parameters"][key] = value;
    return claim_check(claim, path, kSource);
  };
  for (const Json& output : {Json(3), Json(-1), Json("abc"), Json(true), Json(1.5), Json::array(), Json::object(),
                             Json{{"foo", 1}}, Json{{"index", -1}}, Json{{"index", "3"}}, Json{{"index", 1}, {"difference", {0, 1}}},
                             Json{{"difference", {0}}}, Json{{"difference", {0, -2}}}}) {
    const ClaimReport r = with("output", output);
    INFO(output.dump() << ": " << r.detail);
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find("output") != std::string::npos);
  }
  // Well formed: read, and checked against the certificate (made for every output, so refused for one).
  const ClaimReport one = with("output", Json{{"index", 3}});
  INFO(one.detail);
  CHECK(one.verdict == ClaimVerdict::Rejected);
  // Other members of the wrong type are named too (they were a bare JSON type error).
  // (No structured bindings: clang's C++17 does not capture them in INFO's lambda.)
  for (const auto& wrong : {std::tuple<const char*, Json, const char*>{"normalized", "true", "normalized must be true or false"},
                            {"network", 5, "network must be a string"}, {"norm", 2, "norm must be a string"}}) {
    const char* key = std::get<0>(wrong);
    const ClaimReport r = with(key, std::get<1>(wrong));
    INFO(key << ": " << r.detail);
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find(std::get<2>(wrong)) != std::string::npos);
  }
  // A member the checker would not read (a misspelled "output") is an error naming it.
  for (const char* unread : {"outputs", "ouput", "radius"}) {
    const ClaimReport r = with(unread, Json{{"index", 0}});
    INFO(unread << ": " << r.detail);
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find(std::string("unknown member '") + unread + "'") != std::string::npos);
  }
  Json domain = good["parameters"]["domain"];
  domain["global"] = true;
  for (const Json& bad : {domain, Json{{"global", false}}, Json{{"global", "yes"}}, Json::object(), Json::array()}) {
    const ClaimReport r = with("domain", bad);
    INFO(bad.dump() << ": " << r.detail);
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find("domain") != std::string::npos);
  }
}

TEST_CASE("lipschitz-box-union claims: a domain other than exactly {\"box\": ...} is an error") {
  const std::string path = std::string(kSource) + "/proofs/lipschitz/two_layer_net_box_l2_union.json";
  const Json good = json_read_file_exact(path);
  CHECK(claim_check(good, path, kSource).passed);
  Json both = good;
  both["parameters"]["domain"]["global"] = true;
  const ClaimReport r = claim_check(both, path, kSource);
  INFO(r.detail);
  CHECK(r.verdict == ClaimVerdict::Error);
  CHECK(r.detail.find("parameters.domain") != std::string::npos);
}

// Robustness claims: members the checker would not read are errors, so a
// claim cannot carry a second, unchecked statement (a ball with a box, a top
// level ball beside cases, an atom's misspelled "strict", unsafe: null read
// as nothing unsafe).
TEST_CASE("robustness claims: unread or malformed parameters are errors, not passes") {
  const std::string ball_path = std::string(kSource) + "/proofs/robustness/small_2d_l2_verified.json";
  const std::string box_path = std::string(kSource) + "/proofs/robustness/small_2d_vnnlib_unsat_verified.json";
  const Json ball = json_read_file_exact(ball_path), box = json_read_file_exact(box_path);
  REQUIRE(claim_check(ball, ball_path, kSource).passed);
  REQUIRE(claim_check(box, box_path, kSource).passed);
  const auto error_with = [&](const Json& good, const std::string& path, const std::function<void(Json&)>& change) {
    Json claim = good;
    change(claim["parameters"]);
    const ClaimReport r = claim_check(claim, path, kSource);
    INFO(claim["parameters"].dump().substr(0, 300) << ": " << r.detail);
    CHECK(r.verdict == ClaimVerdict::Error);
  };
  error_with(ball, ball_path, [&](Json& p) { p["box"] = box["parameters"]["box"]; p["unsafe"] = box["parameters"]["unsafe"]; });
  error_with(ball, ball_path, [](Json& p) { p["labels"] = 1; });
  error_with(box, box_path, [](Json& p) { p["unsafe"] = nullptr; });
  error_with(box, box_path, [](Json& p) { p["unsafe"] = Json::object(); });
  error_with(box, box_path, [](Json& p) { p["unsafe"][0][0]["strct"] = true; });
  error_with(box, box_path, [](Json& p) { p["unsafe"][0][0]["strict"] = "yes"; });
  error_with(box, box_path, [](Json& p) { p["box"]["mid"] = Json::array(); });
  error_with(box, box_path, [&](Json& p) {
    p["cases"] = Json::array({Json{{"box", p["box"]}, {"unsafe", p["unsafe"]}}});
    p["input"] = ball["parameters"]["input"];
  });
}

// Nesting that once overflowed the stack (exit 139) is refused instead.
TEST_CASE("check: deeply nested expressions and split trees are refused, not a crash") {
  const std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')') + " > 0";
  CHECK(verdict_of("inequality", {{"assert", deep}}) == ClaimVerdict::Error);
  CHECK(verdict_of("inequality", {{"assert", std::string(100000, '-') + "1 < 2"}}) == ClaimVerdict::Error);
  CHECK(verdict_of("inequality", {{"assert", std::string(500, '(') + "1" + std::string(500, ')') + " > 0"}}) == ClaimVerdict::Holds);
  const std::string path = std::string(kSource) + "/proofs/robustness/small_2d_linf_verified.json";
  Json claim = json_read_file_exact(path);
  REQUIRE(claim_check(claim, path, kSource).passed);
  Json tree = Json::array();
  for (int i = 0; i < 200000; ++i) tree.push_back(0);
  claim["certificate"]["tree"] = tree;
  const ClaimReport r = claim_check(claim, path, kSource);
  INFO(r.detail);
  CHECK(r.verdict == ClaimVerdict::Rejected);
  CHECK(r.detail.find("deeper than 2048") != std::string::npos);
}

// JSON with a key twice in one object is refused (the last one used to win
// silently: a robustness claim with "label": 1 then "label": 0 passed as the
// label-0 claim, which the file also states as label 1).
TEST_CASE("exact JSON: a key given twice in one object is an error naming it") {
  CHECK_THROWS_WITH_AS(json_parse_exact(R"({"a": 1, "b": {"c": 2, "c": 3}})", "dup.json"),
                       doctest::Contains("dup.json:1: the key \"c\" appears twice in one object"), InputError);
  CHECK_THROWS_AS(json_parse_exact(R"({"label": 1, "label": 0})", "dup.json"), InputError);
  CHECK(json_parse_exact(R"({"a": {"c": 2}, "b": {"c": 3}})", "ok.json")["b"]["c"] == 3);  // the same key in two objects
}
