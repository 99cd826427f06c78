// robustlaw check PATH...: replays claim files through the trusted checker.
#include <chrono>
#include <cstdio>
#include <set>

#include "arith/error.hpp"
#include "cert/claims.hpp"
#include "common.hpp"
#include "registry.hpp"

namespace rl::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string repo_root;
  bool json = false;
  bool list_kinds = false;
};

struct TimedReport {
  ClaimReport report;
  double seconds = 0;  // wall time, for the report only
};

// Parses one *.json file; a file that is valid JSON without the claim schema is
// skipped when it was found in a folder (certificate_file targets live there).
void check_one(const std::string& path, bool named, const CheckOptions& o, std::vector<TimedReport>& out,
               std::vector<std::string>& skipped) {
  auto start = std::chrono::steady_clock::now();
  ClaimReport report;
  try {
    Json document = json_read_file_exact(path);
    if (!named && !claim_is_claim(document)) { skipped.push_back(path); return; }
    report = claim_check(document, path, o.repo_root.empty() ? claim_repo_root_find(path) : o.repo_root);
  } catch (const std::exception& e) {
    report.file = report.id = path;
    report.verdict = "error";
    report.detail = e.what();
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  out.push_back({report, took.count()});
}

void mark_duplicate_ids(std::vector<TimedReport>& reports) {
  std::map<std::string, std::string> first_file;
  for (TimedReport& t : reports) {
    if (t.report.verdict == "error" && t.report.id == t.report.file) continue;
    auto [it, fresh] = first_file.emplace(t.report.id, t.report.file);
    if (fresh) continue;
    t.report.passed = false;
    t.report.detail = "duplicate id (also in " + it->second + "); " + t.report.detail;
  }
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}

void print_text(const std::vector<TimedReport>& reports, const std::vector<std::string>& skipped, double total) {
  std::size_t failed = 0;
  for (const TimedReport& t : reports) {
    const ClaimReport& r = t.report;
    if (!r.passed) ++failed;
    std::printf("%-4s %-14s expected %-14s %8s  %s  %s\n", r.passed ? "OK" : "FAIL", r.verdict.c_str(),
                r.expected.empty() ? "?" : r.expected.c_str(), seconds_text(t.seconds).c_str(), r.id.c_str(), r.detail.c_str());
  }
  for (const std::string& s : skipped) std::printf("skip %s (not a robustlaw-claim file)\n", s.c_str());
  std::printf("%zu passed, %zu failed (%zu claims, %s)\n", reports.size() - failed, failed, reports.size(), seconds_text(total).c_str());
}

Json report_json(const std::vector<TimedReport>& reports, const std::vector<std::string>& skipped, double total) {
  Json claims = Json::array();
  std::size_t failed = 0;
  for (const TimedReport& t : reports) {
    const ClaimReport& r = t.report;
    if (!r.passed) ++failed;
    claims.push_back(Json{{"id", r.id}, {"file", r.file}, {"kind", r.kind}, {"expected", r.expected}, {"verdict", r.verdict},
                          {"ok", r.passed}, {"seconds", t.seconds}, {"detail", r.detail}});
  }
  return Json{{"claims", claims}, {"passed", reports.size() - failed}, {"failed", failed}, {"skipped", skipped}, {"seconds", total}};
}

void run_check(const CheckOptions& o) {
  if (o.list_kinds) {
    if (o.json) { print_json(Json{{"kinds", claim_kinds()}}); return; }
    for (const std::string& k : claim_kinds()) std::printf("%s\n", k.c_str());
    return;
  }
  if (o.paths.empty()) throw InputError("check", "give at least one claim file or folder (or --list-kinds)");
  auto start = std::chrono::steady_clock::now();
  std::set<std::string> named;
  for (const std::string& p : o.paths) named.insert(p);
  std::vector<TimedReport> reports;
  std::vector<std::string> skipped;
  for (const std::string& file : claim_files_collect(o.paths)) check_one(file, named.count(file) > 0, o, reports, skipped);
  mark_duplicate_ids(reports);
  std::chrono::duration<double> total = std::chrono::steady_clock::now() - start;
  if (o.json) print_json(report_json(reports, skipped, total.count()));
  else print_text(reports, skipped, total.count());
  std::string failing;
  for (const TimedReport& t : reports)
    if (!t.report.passed) failing += (failing.empty() ? "" : ", ") + t.report.id + (t.report.id == t.report.file ? "" : " (" + t.report.file + ")");
  if (reports.empty()) {
    std::fprintf(stderr, "robustlaw: check: no claim files found\n");
    set_exit_status(1);
  } else if (!failing.empty()) {
    std::fprintf(stderr, "robustlaw: check: failing claims: %s\n", failing.c_str());
    set_exit_status(1);
  }
}

void setup(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand("check",
      "replay claim files (schema robustlaw-claim) through the trusted checker; exit 0 iff every verdict equals the expected one");
  sub->add_option("paths", options->paths, "claim files or folders (searched recursively for *.json)");
  sub->add_option("--repo-root", options->repo_root, "folder holding data/ for bundled networks (default: found above each claim)");
  sub->add_flag("--json", options->json, "print one JSON object: claims, passed, failed, skipped, seconds");
  sub->add_flag("--list-kinds", options->list_kinds, "print the registered claim kinds and exit");
  sub->callback([options] { run_check(*options); });
}

const SubcommandRegistrar registrar("check", setup);

}  // namespace
}  // namespace rl::cli
