// robustlaw check PATH...: replays claim files through the trusted checker.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "arith/error.hpp"
#include "cert/claim_replay.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "registry.hpp"

namespace rl::cli::check_command {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string repo_root;
  bool json = false;
  bool list_kinds = false;
  double time_limit = 0;                  // seconds, 0: none
  std::optional<std::string> max_memory;  // MB
};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}

// A run stopped by --time-limit, --max-memory or a signal: the claims it did
// not finish, and why. They count as not verified (exit status non-zero).
struct Unfinished {
  std::string reason;  // "time-limit", "memory-limit", "interrupted"
  std::vector<std::string> files;
};

void print_text(const std::vector<TimedClaimReport>& reports, const std::vector<std::string>& skipped, double total,
                const Unfinished& unfinished) {
  std::size_t failed = 0;
  for (const TimedClaimReport& t : reports) {
    const ClaimReport& r = t.report;
    if (!r.passed) ++failed;
    const std::string expected = claim_expected_name(r);
    std::printf("%-4s %-14s expected %-14s %8s  %s  %s\n", r.passed ? "OK" : "FAIL", claim_verdict_name(r.verdict).c_str(),
                expected.empty() ? "?" : expected.c_str(), seconds_text(t.seconds).c_str(), r.id.c_str(), r.detail.c_str());
  }
  for (const std::string& s : skipped) std::printf("skip %s (not a robustlaw-claim file)\n", s.c_str());
  for (const std::string& f : unfinished.files) std::printf("STOP not checked (%s)  %s\n", unfinished.reason.c_str(), f.c_str());
  std::printf("%zu passed, %zu failed (%zu claims, %s)", reports.size() - failed, failed, reports.size(), seconds_text(total).c_str());
  if (!unfinished.reason.empty()) std::printf("; %zu not checked: %s", unfinished.files.size(), unfinished.reason.c_str());
  std::printf("\n");
}

// Resident memory now (/proc/self/statm), or 0 where it cannot be read.
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// The replay of a list of claim files, one after another. A claim's check
// cannot be cut short from inside (the verifiers never poll a flag), so a
// watchdog thread ends the run at the time limit, past the memory cap or on
// SIGINT/SIGTERM: it prints the claims finished so far and the ones not
// checked, then ends the process at once (nothing that was being checked is
// reported as verified).
class Replay {
 public:
  Replay(const CheckOptions& o, std::vector<std::string> files) : o_(o), files_(std::move(files)) {
    for (const std::string& p : o.paths) named_.insert(p);
    if (o.max_memory) memory_cap_ = memory_limit_parse(*o.max_memory, "--max-memory");
  }

  void run() {
    std::thread watchdog([this] { watch(); });
    for (const std::string& file : files_) {
      std::vector<TimedClaimReport> one;
      std::vector<std::string> skipped_one;
      claim_replay_one(file, named_.count(file) > 0, o_.repo_root, one, skipped_one);
      std::lock_guard<std::mutex> lock(mutex_);
      reports_.insert(reports_.end(), one.begin(), one.end());
      skipped_.insert(skipped_.end(), skipped_one.begin(), skipped_one.end());
      ++done_;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      finished_ = true;
    }
    wake_.notify_all();
    watchdog.join();
    report(Unfinished{});
  }

 private:
  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!finished_) {
      wake_.wait_for(lock, std::chrono::milliseconds(50));
      if (finished_ || done_ == files_.size()) return;
      const std::string reason = stop_reason();
      if (reason.empty()) continue;
      Unfinished unfinished{reason, std::vector<std::string>(files_.begin() + long(done_), files_.end())};
      report(unfinished);
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(signals_.received() ? 128 + signals_.received() : 1);
    }
  }

  std::string stop_reason() const {
    if (signals_.received()) return "interrupted";
    if (o_.time_limit > 0 && elapsed() >= o_.time_limit) return "time-limit";
    if (memory_cap_ && resident_bytes() > memory_cap_) return "memory-limit";
    return "";
  }

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  void report(const Unfinished& unfinished) {
    claim_replay_mark_duplicate_ids(reports_);
    if (o_.json)
      print_json(claim_replay_json(reports_, skipped_, elapsed(), unfinished.reason.empty() ? "complete" : unfinished.reason, unfinished.files));
    else print_text(reports_, skipped_, elapsed(), unfinished);
    std::string failing;
    for (const TimedClaimReport& t : reports_)
      if (!t.report.passed) failing += (failing.empty() ? "" : ", ") + t.report.id + (t.report.id == t.report.file ? "" : " (" + t.report.file + ")");
    if (!unfinished.reason.empty())
      std::fprintf(stderr, "robustlaw: check: stopped (%s) with %zu file(s) not checked\n", unfinished.reason.c_str(),
                   unfinished.files.size());
    if (reports_.empty() && unfinished.reason.empty()) {
      std::fprintf(stderr, "robustlaw: check: no claim files found\n");
      set_exit_status(1);
    } else if (!failing.empty()) {
      std::fprintf(stderr, "robustlaw: check: failing claims: %s\n", failing.c_str());
      set_exit_status(1);
    }
  }

  const CheckOptions& o_;
  const std::vector<std::string> files_;
  std::set<std::string> named_;
  std::size_t memory_cap_ = 0;
  StopSignals signals_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;
  std::size_t done_ = 0;
  std::vector<TimedClaimReport> reports_;
  std::vector<std::string> skipped_;
};

void run_check(const CheckOptions& o) {
  if (o.list_kinds) {
    if (o.json) { print_json(Json{{"kinds", claim_kinds()}}); return; }
    for (const std::string& k : claim_kinds()) std::printf("%s\n", k.c_str());
    return;
  }
  if (o.paths.empty()) throw InputError("check", "give at least one claim file or folder (or --list-kinds)");
  Replay(o, claim_files_collect(o.paths)).run();
}

void setup(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand("check",
      "replay claim files (schema robustlaw-claim) through the trusted checker; exit 0 iff every verdict equals the expected one");
  sub->add_option("paths", options->paths, "claim files or folders (searched recursively for *.json)");
  sub->add_option("--repo-root", options->repo_root, "folder holding data/ for bundled networks (default: found above each claim)");
  sub->add_flag("--json", options->json, "print one JSON object: claims, passed, failed, skipped, seconds");
  sub->add_flag("--list-kinds", options->list_kinds, "print the registered claim kinds and exit");
  add_real_option(*sub, "--time-limit", options->time_limit,
                  "seconds (0: none); when reached, the claims finished so far are reported, the others listed as not "
                  "checked, and the exit status is 1",
                  0);
  sub->add_option("--max-memory", options->max_memory,
                  "MB (2^20 bytes): cap on the resident memory; past it the run stops like --time-limit (memory-limit)");
  sub->callback([options] { run_check(*options); });
}

const SubcommandRegistrar registrar("check", setup);

}  // namespace rl::cli::check_command
