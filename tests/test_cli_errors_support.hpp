// Running the robustlaw binary on bad input and checking the bad-input policy:
// a non-zero exit below 128 (no crash, no signal, no sanitizer report), a message on stderr that
// names the file or option and the reason, and nothing on stdout that could be
// read as a bound (no digit at all).
#pragma once
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace rl::test {

struct CliResult {
  int exit_code = -1;     // valid when !signaled
  bool signaled = false;
  std::string out, err;
};

inline std::string cli_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string cli_slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A scratch directory for fixtures, removed at exit.
class CliScratch {
 public:
  CliScratch() {
    dir_ = std::filesystem::temp_directory_path() / ("robustlaw-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~CliScratch() { std::error_code ec; std::filesystem::remove_all(dir_, ec); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }

 private:
  std::filesystem::path dir_;
};

inline const CliScratch& cli_scratch() {
  static CliScratch scratch;
  return scratch;
}

// Runs `robustlaw args...` with stdin closed.
inline CliResult cli_run(const std::vector<std::string>& args) {
  static int counter = 0;
  std::string out = cli_scratch().path("stdout" + std::to_string(counter));
  std::string err = cli_scratch().path("stderr" + std::to_string(counter++));
  std::string cmd = cli_quote(ROBUSTLAW_BINARY);
  for (const auto& a : args) cmd += " " + cli_quote(a);
  cmd += " </dev/null >" + cli_quote(out) + " 2>" + cli_quote(err);
  int status = std::system(cmd.c_str());
  CliResult r;
  // The shell reports a child killed by signal n as exit status 128 + n.
  r.signaled = status == -1 || WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) >= 128);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = cli_slurp(out);
  r.err = cli_slurp(err);
  return r;
}

// Whether the binary has a subcommand (later ones land over time).
inline bool cli_has_subcommand(const std::string& name) {
  static std::map<std::string, bool> known;
  auto it = known.find(name);
  if (it != known.end()) return it->second;
  CliResult r = cli_run({name, "--help"});
  return known[name] = !r.signaled && r.exit_code == 0;
}

inline std::string cli_describe(const std::vector<std::string>& args, const CliResult& r) {
  std::ostringstream s;
  s << "robustlaw";
  for (const auto& a : args) s << " " << a;
  s << "\n  exit " << r.exit_code << (r.signaled ? " (signal or crash)" : "") << "\n  stderr: " << r.err
    << "\n  stdout: " << r.out.substr(0, 400);
  return s.str();
}

// One bad invocation and the words its error message must contain.
struct BadInput {
  std::vector<std::string> args;
  std::vector<std::string> mentions;
};

inline void cli_check_refused(const BadInput& c) {
  CliResult r = cli_run(c.args);
  INFO(cli_describe(c.args, r));
  CHECK_FALSE(r.signaled);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code < 128);
  CHECK_FALSE(r.err.empty());
  // In the sanitizer build a leak or UB on the error path shows up here.
  CHECK(r.err.find("Sanitizer") == std::string::npos);
  CHECK(r.err.find("runtime error") == std::string::npos);
  for (const auto& m : c.mentions) CHECK_MESSAGE(r.err.find(m) != std::string::npos, "stderr should mention: " << m);
  CHECK_MESSAGE(r.out.find_first_of("0123456789") == std::string::npos, "stdout must carry no number");
}

// Runs every case whose subcommand exists and returns how many ran; the
// subcommands that do not exist yet are named in a message.
inline std::size_t cli_check_all_refused(const std::vector<BadInput>& cases) {
  std::size_t run = 0;
  for (const auto& c : cases) {
    if (!cli_has_subcommand(c.args.front())) {
      MESSAGE("subcommand '" << c.args.front() << "' does not exist yet: case skipped");
      continue;
    }
    cli_check_refused(c);
    ++run;
  }
  return run;
}

}  // namespace rl::test
