#include "cert/claim_replay.hpp"

#include <chrono>
#include <filesystem>
#include <map>

#include "arith/error.hpp"

namespace rl {

ClaimReport claim_replay(const Json& claim, const std::string& path) {
  return claim_check(claim, path, claim_repo_root_find(path));
}

std::string claim_replay_written(const std::string& path) {
  const ClaimReport report = claim_replay(json_read_file_exact(path), path);
  if (report.passed) return report.detail;
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  throw InputError(path, "the certificate does not replay (verdict " + claim_verdict_name(report.verdict) + ", expected " +
                             claim_expected_name(report) + ": " + report.detail + "); not written");
}

void claim_replay_one(const std::string& path, bool named, const std::string& repo_root, std::vector<TimedClaimReport>& out,
                      std::vector<std::string>& skipped) {
  auto start = std::chrono::steady_clock::now();
  ClaimReport report;
  try {
    Json document = json_read_file_exact(path);
    if (!named && !claim_is_claim(document)) { skipped.push_back(path); return; }
    report = claim_check(document, path, repo_root.empty() ? claim_repo_root_find(path) : repo_root);
  } catch (const std::exception& e) {
    report.file = report.id = path;
    report.verdict = ClaimVerdict::Error;
    report.detail = e.what();
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  out.push_back({report, took.count()});
}

void claim_replay_mark_duplicate_ids(std::vector<TimedClaimReport>& reports) {
  std::map<std::string, std::string> first_file;
  for (TimedClaimReport& t : reports) {
    if (t.report.verdict == ClaimVerdict::Error && t.report.id == t.report.file) continue;
    auto [it, fresh] = first_file.emplace(t.report.id, t.report.file);
    if (fresh) continue;
    t.report.passed = false;
    t.report.detail = "duplicate id (also in " + it->second + "); " + t.report.detail;
  }
}

Json claim_replay_json(const std::vector<TimedClaimReport>& reports, const std::vector<std::string>& skipped, double seconds,
                       const std::string& status, const std::vector<std::string>& not_checked) {
  Json claims = Json::array();
  std::size_t failed = 0;
  for (const TimedClaimReport& t : reports) {
    const ClaimReport& r = t.report;
    if (!r.passed) ++failed;
    claims.push_back(Json{{"id", r.id}, {"file", r.file}, {"kind", r.kind}, {"expected", claim_expected_name(r)},
                          {"verdict", claim_verdict_name(r.verdict)}, {"ok", r.passed}, {"seconds", t.seconds}, {"detail", r.detail}});
  }
  return Json{{"claims", claims}, {"passed", reports.size() - failed}, {"failed", failed}, {"skipped", skipped}, {"seconds", seconds},
              {"status", status}, {"not_checked", not_checked}};
}

}  // namespace rl
