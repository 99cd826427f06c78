// Mutation test of every certificate in proofs/: a tampered copy must be
// rejected, or at least yield a verdict different from the expected one.
//
// The mutations are generic over JSON, so certificate kinds added later are
// covered without changes here:
//   number  - one number in the certificate changed by +1 (an integer, or a
//             string that parses as a rational), claimed bounds excepted;
//   drop    - one array element, or one object member, of the certificate removed;
//   swap    - two different entries of an array of numbers exchanged (a witness
//             point's coordinates, an interval's end points); a permuted
//             witness can be another valid witness, so an accepted swap is
//             reported, not failed (the harness's own test fails on it);
//   bound   - a claimed bound, any member named *upper* / *lower* in the
//             parameters or the certificate, moved by one unit of its last
//             written digit in the wrong direction (upper down, lower up).
// This holds certificates to the rule of proofs/schema.md: every number in a
// certificate is load-bearing (metadata lives outside "certificate").
#include <doctest/doctest.h>

#include <chrono>
#include <functional>

#include "arith/error.hpp"
#include "cert/claims.hpp"
#include "test_scale.hpp"

using namespace rl;

namespace {

const std::string kSource = ROBUSTLAW_SOURCE_DIR;

struct Mutant {
  std::string description;
  Json claim;
  bool may_stay_valid = false;  // a permuted witness can be another valid witness
};

std::optional<Rational> number_of(const Json& v) {
  if (v.is_number_integer()) return rational_from_json(v, "mutation");
  if (!v.is_string()) return std::nullopt;
  try {
    return rational_parse(v.get<std::string>(), "mutation");
  } catch (const InputError&) {
    return std::nullopt;
  }
}

// One unit of the last written digit of a number literal: 1 for integers,
// 10^-k for a decimal with k fraction digits (times its exponent), 1/q for p/q.
Rational literal_unit(const Json& v) {
  if (!v.is_string()) return 1;
  std::string s = v.get<std::string>();
  if (auto slash = s.find('/'); slash != std::string::npos) return Rational(1) / rational_parse(s.substr(slash + 1), "unit");
  long exponent = 0;
  if (auto e = s.find_first_of("eE"); e != std::string::npos) {
    exponent = std::stol(s.substr(e + 1));
    s = s.substr(0, e);
  }
  auto dot = s.find('.');
  long fraction_digits = dot == std::string::npos ? 0 : static_cast<long>(s.size() - dot - 1);
  return rational_pow10(exponent - fraction_digits);
}

Json number_json(const Json& like, const Rational& q) {
  if (like.is_number_integer() && boost::multiprecision::denominator(q) == 1 && rational_abs(q) < Rational(1000000000))
    return Json(boost::multiprecision::numerator(q).convert_to<long long>());
  return Json(rational_to_string(q));
}

// Every JSON pointer below `root` (the root itself included).
void pointers_walk(const Json& v, const Json::json_pointer& at, std::vector<Json::json_pointer>& out) {
  out.push_back(at);
  if (v.is_array())
    for (std::size_t i = 0; i < v.size(); ++i) pointers_walk(v[i], at / i, out);
  else if (v.is_object())
    for (const auto& [key, child] : v.items()) pointers_walk(child, at / key, out);
}

// At most `limit` of `sites`, spread evenly and deterministically.
template <class T>
std::vector<T> spread(const std::vector<T>& sites, std::size_t limit) {
  if (sites.size() <= limit) return sites;
  std::vector<T> out;
  for (std::size_t i = 0; i < limit; ++i) out.push_back(sites[i * sites.size() / limit]);
  return out;
}

bool is_bound_key(const std::string& key) { return key.find("upper") != std::string::npos || key.find("lower") != std::string::npos; }

std::vector<Mutant> mutants_make(const Json& claim, std::size_t per_type) {
  std::vector<Mutant> out;
  const Json::json_pointer cert_root("/certificate");
  std::vector<Json::json_pointer> all;
  pointers_walk(claim["certificate"], cert_root, all);
  std::vector<Json::json_pointer> numbers, drops, swaps, bounds;
  for (const auto& p : all) {
    const Json& v = claim.at(p);
    // Claimed bounds are only moved in the wrong direction (below): +1 on an
    // upper bound would merely loosen it.
    if (number_of(v) && !(!p.empty() && is_bound_key(p.back()))) numbers.push_back(p);
    if (p != cert_root) drops.push_back(p);
    if (v.is_array() && v.size() >= 2 && number_of(v[0]) && number_of(v[1]) && *number_of(v[0]) != *number_of(v[1])) swaps.push_back(p);
  }
  std::vector<Json::json_pointer> bound_candidates;
  if (claim.contains("parameters")) pointers_walk(claim["parameters"], Json::json_pointer("/parameters"), bound_candidates);
  bound_candidates.insert(bound_candidates.end(), all.begin(), all.end());
  for (const auto& p : bound_candidates)
    if (!p.empty() && is_bound_key(p.back()) && number_of(claim.at(p))) bounds.push_back(p);

  for (const auto& p : spread(numbers, per_type)) {
    Json m = claim;
    m.at(p) = number_json(claim.at(p), *number_of(claim.at(p)) + 1);
    out.push_back({"number +1 at " + p.to_string(), m});
  }
  for (const auto& p : spread(drops, per_type)) {
    Json m = claim;
    Json& parent = m.at(p.parent_pointer());
    if (parent.is_array()) parent.erase(std::stoul(p.back()));
    else parent.erase(p.back());
    out.push_back({"drop " + p.to_string(), m});
  }
  for (const auto& p : spread(swaps, per_type)) {
    Json m = claim;
    Json& a = m.at(p);
    std::size_t j = 1;
    while (*number_of(a[0]) == *number_of(a[j])) ++j;
    std::swap(a[0], a[j]);
    out.push_back({"swap " + p.to_string() + " [0] <-> [" + std::to_string(j) + "]", m, true});
  }
  for (const auto& p : spread(bounds, per_type)) {
    Json m = claim;
    const Json& v = claim.at(p);
    bool upper = p.back().find("upper") != std::string::npos;
    m.at(p) = number_json(v, *number_of(v) + (upper ? -literal_unit(v) : literal_unit(v)));
    out.push_back({std::string(upper ? "upper bound down" : "lower bound up") + " one unit at " + p.to_string(), m});
  }
  return out;
}

struct MutationTally {
  std::size_t mutants = 0;
  bool complete = false;
  std::vector<std::string> undetected;        // accepted tampers: the verifier ignores part of its certificate
  std::vector<std::string> accepted_swaps;    // accepted permutations: possibly still valid witnesses
};

// Verifies each mutant of a claim whose original passes; a mutant is caught
// when its verdict differs from the expected one ("rejected", "error", or a flip).
// Stops early (leaving `complete` false) once `over_budget` says so.
MutationTally mutation_run(const Json& claim, const std::string& path, std::size_t per_type,
                           const std::function<bool()>& over_budget = [] { return false; }) {
  MutationTally tally;
  ClaimContext context{path, std::filesystem::path(path).parent_path().string(), kSource};
  const std::string expected = claim["expected"].get<std::string>();
  for (const Mutant& m : mutants_make(claim, per_type)) {
    if (over_budget()) return tally;
    ++tally.mutants;
    ClaimOutcome o = claim_verify(m.claim, context);
    if (o.verdict != expected) continue;
    std::string line = path + ": " + m.description + " -> " + o.verdict + " (" + o.detail + ")";
    (m.may_stay_valid ? tally.accepted_swaps : tally.undetected).push_back(line);
  }
  tally.complete = true;
  return tally;
}

// Test-only kind with an order-sensitive certificate: the value of the
// polynomial sum_i coefficients[i] * x^i, claimed as "upper", must be exact.
// "test-lazy" ignores its certificate, which the mutation test must notice.
const ClaimKindRegistrar poly_kind("test-poly", [](const Json& claim, const ClaimContext& c) -> ClaimOutcome {
  const Json& cert = claim.at("certificate");
  Rational x = rational_from_json(cert.at("x"), c.claim_path), value = 0, power = 1;
  for (const Rational& a : rational_vector_from_json(cert.at("coefficients"), c.claim_path)) { value += a * power; power *= x; }
  Rational upper = rational_from_json(cert.at("upper"), c.claim_path);
  if (upper < value) return {"rejected", "claimed upper below the value"};
  if (upper != value) return {"rejected", "claimed upper is not the recomputed value"};
  Rational cap = rational_from_json(claim.at("parameters").at("cap"), c.claim_path);
  return {value <= cap ? "holds" : "violated", "value " + rational_to_string(value)};
});
const ClaimKindRegistrar lazy_kind("test-lazy", [](const Json&, const ClaimContext&) -> ClaimOutcome {
  return {"holds", "ignores its certificate"};
});

Json test_claim(const std::string& kind) {
  return Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "test/" + kind}, {"kind", kind}, {"statement", "s"},
              {"reference", "tests"}, {"parameters", {{"cap", 100}}}, {"expected", "holds"},
              {"certificate", {{"x", "0.5"}, {"coefficients", {"3", "1.25", "-2", 7}}, {"upper", "4.000"}}}};
}

}  // namespace

TEST_CASE("mutation harness: an exact verifier rejects every tamper, a lazy one is caught") {
  Json good = test_claim("test-poly");
  REQUIRE(claim_check(good, "mem/poly.json", kSource).passed);
  MutationTally strict = mutation_run(good, "mem/poly.json", 100);
  CHECK(strict.mutants >= 12);   // 5 numbers, 7 drops, 1 swap, 1 bound
  for (const std::string& u : strict.undetected) FAIL_CHECK(u);
  for (const std::string& u : strict.accepted_swaps) FAIL_CHECK(u);

  Json lazy = test_claim("test-lazy");
  REQUIRE(claim_check(lazy, "mem/lazy.json", kSource).passed);
  MutationTally weak = mutation_run(lazy, "mem/lazy.json", 100);
  CHECK(weak.undetected.size() + weak.accepted_swaps.size() == weak.mutants);
  CHECK(weak.accepted_swaps.size() == 1);
  CHECK(weak.mutants >= 12);
}

TEST_CASE("mutation harness: one-unit tampers of decimal, fraction and exponent literals") {
  CHECK(literal_unit(Json("4.125")) == Rational(1, 1000));
  CHECK(literal_unit(Json("2.5e-3")) == Rational(1, 10000));
  CHECK(literal_unit(Json("7/3")) == Rational(1, 3));
  CHECK(literal_unit(Json(12)) == 1);
  CHECK(literal_unit(Json("1E2")) == 100);
}

TEST_CASE("mutation test: every certificate in proofs/ rejects its tampered copies") {
  std::size_t certified = 0, mutants = 0;
  std::vector<std::string> undetected, accepted_swaps, over_budget;
  const std::size_t per_type = test::scaled(6);
  // Slow certificates get fewer mutants, and past the time budget the
  // remaining certificates are named below instead of mutated (proofs_replay
  // still checks them), so the test stays fast.
  const double budget_seconds = 15.0 * static_cast<double>(test::scaled(10)) / 10.0;
  auto begin = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count(); };
  for (const std::string& file : claim_files_collect({kSource + "/proofs"})) {
    Json doc = json_read_file_exact(file);
    if (!claim_is_claim(doc) || (!doc.contains("certificate") && !doc.contains("certificate_file"))) continue;
    if (elapsed() > budget_seconds) { over_budget.push_back(file); continue; }
    Json claim = claim_resolve_certificate(doc, file);
    auto start = std::chrono::steady_clock::now();
    ClaimReport original = claim_check(doc, file, kSource);
    if (!original.passed) { FAIL_CHECK(file << ": the untampered claim fails: " << original.verdict << ", " << original.detail); continue; }
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    MutationTally t = mutation_run(claim, file, took > 1.0 ? 1 : took > 0.1 ? 2 : per_type, [&] { return elapsed() > budget_seconds; });
    if (!t.complete) over_budget.push_back(file + " (partly)");
    ++certified;
    mutants += t.mutants;
    // The verifier must read its certificate: some tampered copy is refused.
    std::size_t refused = t.mutants - t.undetected.size() - t.accepted_swaps.size();
    if (t.mutants > 0) CHECK_MESSAGE(refused >= 1, file << ": no tampered copy was refused");
    undetected.insert(undetected.end(), t.undetected.begin(), t.undetected.end());
    accepted_swaps.insert(accepted_swaps.end(), t.accepted_swaps.begin(), t.accepted_swaps.end());
  }
  // A witness point with two coordinates exchanged may be another valid
  // witness (a counterexample that stays a counterexample): reported, not failed.
  for (const std::string& a : accepted_swaps) MESSAGE("accepted permutation (check that it is still a valid witness): " << a);
  for (const std::string& f : over_budget) MESSAGE("time budget spent: not mutated: " << f);
  if (certified == 0) {
    MESSAGE("proofs/ holds no claim with a certificate yet: nothing to mutate there (the harness is exercised above)");
    return;
  }
  MESSAGE(certified << " certified claims, " << mutants << " tampered copies, " << undetected.size() << " undetected");
  CHECK(mutants >= certified);
  // A claimed upper bound lowered below what the certificate proves must be
  // refused. Other tampers can leave a certificate that is still valid when it
  // has slack (a leaf bound below the claimed maximum raised a little, a lower
  // bound below its witness's exact value raised by one unit, a finer grid):
  // those are reported, and the per-kind tests check tight tampering.
  for (const std::string& u : undetected) {
    if (u.find("upper bound down") != std::string::npos) FAIL_CHECK(u);
    else MESSAGE("tampered copy still valid (certificate has slack): " << u);
  }
}
