#include "cert/claims.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "arith/error.hpp"

namespace rl {
namespace fs = std::filesystem;

namespace {

const std::string& string_member(const Json& claim, const std::string& key, const std::string& path, bool non_empty) {
  auto it = claim.find(key);
  if (it == claim.end()) throw InputError(path, "missing key \"" + key + "\"");
  if (!it->is_string()) throw InputError(path, "\"" + key + "\" must be a string");
  const std::string& s = it->get_ref<const std::string&>();
  if (non_empty && s.empty()) throw InputError(path, "\"" + key + "\" is empty");
  return s;
}

void validate_version(const Json& claim, const std::string& path) {
  auto it = claim.find("version");
  if (it == claim.end()) throw InputError(path, "missing key \"version\"");
  if (!it->is_number_integer() || it->get<long long>() != kClaimSchemaVersion)
    throw InputError(path, "unsupported \"version\" " + it->dump() + " (this checker reads version 1)");
}

void validate_kind(const std::string& kind, const std::string& path) {
  if (claim_kind_registry().count(kind)) return;
  std::string known;
  for (const std::string& k : claim_kinds()) known += (known.empty() ? "" : ", ") + k;
  throw InputError(path, "unknown claim kind \"" + kind + "\" (known kinds: " + known + ")");
}

void validate_certificate_keys(const Json& claim, const std::string& path) {
  bool inline_cert = claim.contains("certificate"), file_cert = claim.contains("certificate_file");
  if (inline_cert && file_cert) throw InputError(path, "give \"certificate\" or \"certificate_file\", not both");
  if (inline_cert && claim["certificate"].is_null()) throw InputError(path, "\"certificate\" is null");
  if (file_cert) string_member(claim, "certificate_file", path, true);
}

}  // namespace

bool claim_is_claim(const Json& document) {
  if (!document.is_object()) return false;
  auto it = document.find("schema");
  return it != document.end() && it->is_string() && it->get_ref<const std::string&>() == kClaimSchema;
}

void claim_validate(const Json& claim, const std::string& path) {
  if (!claim.is_object()) throw InputError(path, "a claim file must hold one JSON object");
  if (string_member(claim, "schema", path, true) != kClaimSchema)
    throw InputError(path, "\"schema\" must be \"" + std::string(kClaimSchema) + "\"");
  validate_version(claim, path);
  static const std::regex id_pattern("[A-Za-z0-9][A-Za-z0-9._:/-]*");
  if (!std::regex_match(string_member(claim, "id", path, true), id_pattern))
    throw InputError(path, "\"id\" may hold only letters, digits and . _ : / -");
  const std::string& kind = string_member(claim, "kind", path, true);
  string_member(claim, "statement", path, true);
  string_member(claim, "reference", path, true);
  if (claim.contains("parameters") && !claim["parameters"].is_object())
    throw InputError(path, "\"parameters\" must be an object");
  claim_expected_parse(string_member(claim, "expected", path, true), path);
  validate_certificate_keys(claim, path);
  if (claim.contains("produced_by")) string_member(claim, "produced_by", path, false);
  validate_kind(kind, path);
}

Json claim_resolve_certificate(const Json& claim, const std::string& path) {
  if (!claim.contains("certificate_file")) return claim;
  const std::string& relative = claim["certificate_file"].get_ref<const std::string&>();
  fs::path cert_path = fs::path(path).parent_path() / relative;
  if (!fs::is_regular_file(cert_path))
    throw InputError(path, "certificate_file \"" + relative + "\" not found (looked at " + cert_path.string() + ")");
  Json certificate = json_read_file_exact(cert_path.string());
  if (claim_is_claim(certificate)) {
    if (!certificate.contains("certificate"))
      throw InputError(path, "certificate_file " + cert_path.string() + " is a claim without a \"certificate\"");
    certificate = certificate["certificate"];
  }
  Json resolved = claim;
  resolved.erase("certificate_file");
  resolved["certificate"] = std::move(certificate);
  return resolved;
}

std::string claim_repo_root_find(const std::string& path) {
  fs::path start = fs::absolute(path).parent_path();
  for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / "data" / "nets")) return dir.string();
    if (dir == dir.root_path()) break;
  }
  return start.string();
}

ClaimOutcome claim_verify(const Json& claim, const ClaimContext& context) {
  const std::string kind = claim.value("kind", "");
  try {
    auto it = claim_kind_registry().find(kind);
    if (it == claim_kind_registry().end())
      return {ClaimVerdict::Error, context.claim_path + ": unknown claim kind \"" + kind + "\""};
    ClaimOutcome outcome = it->second(claim, context);
    // Verifiers signal an error by throwing (claim.hpp): an outcome left at
    // Error is one without a verdict.
    if (outcome.verdict == ClaimVerdict::Error)
      return {ClaimVerdict::Error, context.claim_path + ": the \"" + kind + "\" verifier returned no verdict"};
    return outcome;
  } catch (const CertificateInvalid& e) {
    return {ClaimVerdict::Rejected, e.what()};
  } catch (const std::exception& e) {
    std::string message = e.what();
    // InputError messages already start with the file; others get it here.
    if (message.rfind(context.claim_path, 0) != 0) message = context.claim_path + ": " + message;
    return {ClaimVerdict::Error, message};
  } catch (...) {
    return {ClaimVerdict::Error, context.claim_path + ": the \"" + kind + "\" verifier failed with an unknown exception"};
  }
}

ClaimReport claim_check(const Json& document, const std::string& path, const std::string& repo_root) {
  ClaimReport report;
  report.file = path;
  auto text = [&](const char* key, const std::string& fallback) {
    return document.is_object() && document.contains(key) && document[key].is_string() ? document[key].get<std::string>() : fallback;
  };
  report.id = text("id", path);
  report.kind = text("kind", "");
  try {
    report.expected = claim_expected_parse(text("expected", ""), path);
  } catch (const InputError&) {
    // None that can be expected: claim_validate below says why.
  }
  try {
    claim_validate(document, path);
    Json claim = claim_resolve_certificate(document, path);
    ClaimContext context{path, fs::path(path).parent_path().string(), repo_root};
    ClaimOutcome outcome = claim_verify(claim, context);
    report.verdict = outcome.verdict;
    report.detail = outcome.detail;
  } catch (const std::exception& e) {
    report.verdict = ClaimVerdict::Error;
    report.detail = e.what();
  }
  // A claim expecting a reserved verdict has no expected one: its "error"
  // never counts as the expected outcome.
  report.passed = report.expected == report.verdict;
  return report;
}

std::string claim_expected_name(const ClaimReport& report) {
  return report.expected ? claim_verdict_name(*report.expected) : "";
}

std::vector<std::string> claim_files_collect(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    if (fs::is_regular_file(p)) { files.push_back(p); continue; }
    if (!fs::is_directory(p)) throw InputError(p, "no such file or folder");
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(p))
      if (entry.is_regular_file() && entry.path().extension() == ".json") found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<std::string> claim_kinds() {
  std::vector<std::string> kinds;
  for (const auto& [kind, verifier] : claim_kind_registry()) kinds.push_back(kind);
  return kinds;
}

}  // namespace rl
