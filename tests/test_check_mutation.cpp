// Mutation test of every certificate in proofs/: a tampered copy must be
// rejected, or at least yield a verdict different from the expected one.
//
// The mutations are generic over JSON, so certificate kinds added later are
// covered without changes here:
//   number  - one number in the certificate changed by +1 (an integer, or a
//             string that parses as a rational), claimed bounds excepted;
//   drop    - one array element, or one object member, of the certificate removed;
//   swap    - two different entries of an array of numbers exchanged (a witness
//             point's coordinates, an interval's end points);
//   bound   - a claimed bound, any member named *upper* / *lower* in the
//             parameters or the certificate, moved by one unit of its last
//             written digit in the wrong direction (upper down, lower up).
// This holds certificates to the rule of proofs/schema.md: every number in a
// certificate is load-bearing (metadata lives outside "certificate"), and the
// only tampers that may be accepted are those that yield another valid proof
// object of the same claim: a moved witness point or counterexample that is
// still one, or a split tree that still partitions the domain into safe
// leaves (the checker has just verified it). Those are reported.
#include <doctest/doctest.h>
#include <tbb/parallel_for.h>

#include <filesystem>
#include <regex>
#include <set>

#include "arith/error.hpp"
#include "cert/claims.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl::test;
using namespace rl;

namespace {

struct Mutant {
  std::string description;
  Json claim;
  bool may_stay_valid = false;  // a witness, counterexample or split tree: can be another valid one
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

// Sites where a tamper can give another valid proof object (see the top);
// also inside the piece certificates of a lipschitz-box-union certificate.
bool is_alternative_site(const Json::json_pointer& p) {
  std::string s = p.to_string();
  static const std::regex piece("^/certificate/pieces/[0-9]+(/.*)$");
  std::smatch m;
  if (std::regex_match(s, m, piece)) s = "/certificate" + m[1].str();
  for (const char* prefix : {"/certificate/tree/", "/certificate/counterexample/", "/certificate/witness/point/"})
    if (s.rfind(prefix, 0) == 0) return true;
  return false;
}

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
    out.push_back({"number +1 at " + p.to_string(), m, is_alternative_site(p)});
  }
  for (const auto& p : spread(drops, per_type)) {
    Json m = claim;
    Json& parent = m.at(p.parent_pointer());
    if (parent.is_array()) parent.erase(std::stoul(p.back()));
    else parent.erase(p.back());
    out.push_back({"drop " + p.to_string(), m, is_alternative_site(p)});
  }
  for (const auto& p : spread(swaps, per_type)) {
    Json m = claim;
    Json& a = m.at(p);
    std::size_t j = 1;
    while (*number_of(a[0]) == *number_of(a[j])) ++j;
    std::swap(a[0], a[j]);
    out.push_back({"swap " + p.to_string() + " [0] <-> [" + std::to_string(j) + "]", m, is_alternative_site(p / 0)});
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
  std::vector<std::string> undetected;    // accepted tampers: the verifier ignores part of its certificate
  std::vector<std::string> alternatives;  // accepted tampers that are another valid witness or partition: "file: mutation"
};

// The tampered copies of proofs/ that the checker accepts as another valid
// proof object (a moved witness point or counterexample that is still one, a
// split tree that still partitions the domain into proved leaves), as
// "file: mutation" with the file relative to the source folder. Pinned: a
// new acceptance fails the test until it is examined and listed here.
const std::set<std::string> kAcceptedAlternatives = {
    // Another split coordinate whose leaves are all still proved.
    "proofs/lipschitz/acasxu_1_1_normalized_box_l2.json: swap /certificate/tree [0] <-> [1]",
    "proofs/lipschitz/sisl_testnetwork_box_linf.json: number +1 at /certificate/tree/12",
    "proofs/robustness/small_2d_linf_verified.json: number +1 at /certificate/tree/10",
    // A pattern exclusion's multiplier raised by 1: still a proof that the region is empty.
    "proofs/lipschitz/rand_2-16-16-1_box_l2_exclusions.json: number +1 at /certificate/tree/20/exclude/30/y/5",
    // A recorded slope of a neuron unstable on its node, moved within [0, 1]:
    // another relaxation whose bound the checker finds still below 0.
    "proofs/robustness/small_classifier_relu_split_verified.json: number +1 at /certificate/tree/3/linear/1/alpha/1/14",
    // A counterexample coordinate moved where the exact output does not change
    // (past the .nnet input clamp, or in a dead region).
    "proofs/robustness/acasxu_1_1_linf_refuted.json: number +1 at /certificate/counterexample/2",
    "proofs/robustness/trap_one_plus_2pow-60_tie_refuted.json: number +1 at /certificate/counterexample/0",
};

// Verifies each mutant of a claim whose original passes; a mutant is caught
// when its verdict differs from the expected one ("rejected", "error", or a flip).
MutationTally mutation_run(const Json& claim, const std::string& path, std::size_t per_type, const std::string& label = "") {
  const std::string name = label.empty() ? path : label;
  MutationTally tally;
  ClaimContext context{path, std::filesystem::path(path).parent_path().string(), kSource};
  const ClaimVerdict expected = claim_expected_parse(claim["expected"].get<std::string>(), path);
  const std::vector<Mutant> mutants = mutants_make(claim, per_type);
  // The checker is a pure function of its input: the mutants are verified
  // on every core, and tallied in their fixed order.
  std::vector<ClaimOutcome> outcomes(mutants.size());
  tbb::parallel_for(std::size_t(0), mutants.size(), [&](std::size_t i) { outcomes[i] = claim_verify(mutants[i].claim, context); });
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const Mutant& m = mutants[i];
    const ClaimOutcome& o = outcomes[i];
    ++tally.mutants;
    if (o.verdict != expected) continue;
    if (m.may_stay_valid) tally.alternatives.push_back(name + ": " + m.description);
    else tally.undetected.push_back(name + ": " + m.description + " -> " + claim_verdict_name(o.verdict) + " (" + o.detail + ")");
  }
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
  if (upper < value) return {ClaimVerdict::Rejected, "claimed upper below the value"};
  if (upper != value) return {ClaimVerdict::Rejected, "claimed upper is not the recomputed value"};
  Rational cap = rational_from_json(claim.at("parameters").at("cap"), c.claim_path);
  return {value <= cap ? ClaimVerdict::Holds : ClaimVerdict::Violated, "value " + rational_to_string(value)};
});
const ClaimKindRegistrar lazy_kind("test-lazy", [](const Json&, const ClaimContext&) -> ClaimOutcome {
  return {ClaimVerdict::Holds, "ignores its certificate"};
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
  for (const std::string& u : strict.alternatives) FAIL_CHECK(u);

  Json lazy = test_claim("test-lazy");
  REQUIRE(claim_check(lazy, "mem/lazy.json", kSource).passed);
  MutationTally weak = mutation_run(lazy, "mem/lazy.json", 100);
  CHECK(weak.undetected.size() == weak.mutants);
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
  std::vector<std::string> undetected, alternatives;
  // Deterministic: the same mutants on every run and machine (no time budget),
  // spread over each certificate's sites; fewer in the sanitizer build.
  const std::size_t per_type = test::scaled(4);
  for (const std::string& file : claim_files_collect({kSource + "/proofs"})) {
    Json doc = json_read_file_exact(file);
    if (!claim_is_claim(doc) || (!doc.contains("certificate") && !doc.contains("certificate_file"))) continue;
    Json claim = claim_resolve_certificate(doc, file);
    ClaimReport original = claim_check(doc, file, kSource);
    if (!original.passed) { FAIL_CHECK(file << ": the untampered claim fails: " << original.verdict << ", " << original.detail); continue; }
    MutationTally t = mutation_run(claim, file, per_type, std::filesystem::relative(file, kSource).generic_string());
    ++certified;
    mutants += t.mutants;
    CHECK_MESSAGE(t.mutants >= 1, file << ": no tampered copy was made");
    undetected.insert(undetected.end(), t.undetected.begin(), t.undetected.end());
    alternatives.insert(alternatives.end(), t.alternatives.begin(), t.alternatives.end());
  }
  MESSAGE(certified << " certified claims, " << mutants << " tampered copies, " << undetected.size() << " accepted, "
                    << alternatives.size() << " another valid witness or partition");
  CHECK(certified >= 40);
  // The accepted alternatives are exactly the pinned ones (a subset where
  // fewer sites are tried, in the sanitizer build).
  const std::set<std::string> accepted(alternatives.begin(), alternatives.end());
  for (const std::string& a : accepted)
    if (!kAcceptedAlternatives.count(a)) FAIL_CHECK("a new accepted tamper (examine it, then pin it): " << a);
  if (per_type == 4)
    for (const std::string& a : kAcceptedAlternatives)
      if (!accepted.count(a)) FAIL_CHECK("a pinned alternative is no longer accepted (unpin it): " << a);
  // Certificates are canonical (proofs/schema.md): every other number is the
  // one the checker derives, so every other tampered copy is refused.
  for (const std::string& u : undetected) FAIL_CHECK(u);
}
