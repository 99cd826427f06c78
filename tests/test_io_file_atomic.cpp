// io/file_atomic and io/process_run: whole-or-nothing outputs, temporary
// files removed on every path, and a plot interrupted while gnuplot runs
// leaving neither a partial plot nor a temporary file.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "arith/error.hpp"
#include "io/file_atomic.hpp"
#include "io/process_run.hpp"
#include "test_cli_signal_support.hpp"

using namespace rl::test;

namespace {

// The names in `folder` that look like temporary outputs.
std::vector<std::string> temporaries(const std::filesystem::path& folder) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.path().filename().string().find(".tmp") != std::string::npos) found.push_back(e.path().string());
  return found;
}

std::filesystem::path fresh_atomic_folder(const std::string& name) {
  std::filesystem::path dir = cli_scratch().path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("io file_atomic: the target holds the old or the whole new content, and no temporary file is left") {
  const auto dir = fresh_atomic_folder("atomic");
  const std::string target = (dir / "out.txt").string();
  rl::file_write_atomic(target, "first");
  CHECK(cli_slurp(target) == "first");
  const std::string big(3 * 1048576 + 7, 'x');
  rl::file_write_atomic(target, big);
  CHECK(cli_slurp(target) == big);
  {
    rl::AtomicFile pending(target);
    pending.write("never committed");
    CHECK(std::filesystem::exists(pending.temp_path()));
    CHECK(pending.temp_path().rfind(target + ".tmp.", 0) == 0);
  }
  CHECK(cli_slurp(target) == big);  // the destructor discarded the new content
  CHECK(temporaries(dir).empty());
  // Permissions follow the umask like a newly created file.
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  const mode_t mask = ::umask(022);
  ::umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));
  CHECK_THROWS_AS(rl::file_write_atomic((dir / "missing" / "x").string(), "x"), rl::InputError);
  CHECK_THROWS_AS(rl::file_write_atomic(dir.string(), "x"), rl::InputError);
  CHECK_THROWS_AS(rl::file_write_atomic("", "x"), rl::InputError);
  CHECK(temporaries(dir).empty());
}

TEST_CASE("io process_run: exit statuses, a missing program, and descriptors") {
  const auto dir = fresh_atomic_folder("process");
  const std::string out = (dir / "out").string();
  rl::AtomicFile file(out);
  rl::ProcessResult ok = rl::process_run({"sh", "-c", "echo hello; exit 3"}, 0, file.fd(), 2);
  CHECK(WIFEXITED(ok.wait_status));
  CHECK(WEXITSTATUS(ok.wait_status) == 3);
  CHECK(ok.signal == 0);
  CHECK(rl::process_status_text(ok.wait_status) == "exit status 3");
  file.commit();
  CHECK(cli_slurp(out) == "hello\n");
  CHECK_THROWS_WITH_AS(rl::process_run({"robustlaw-no-such-program"}, 0, 1, 2), doctest::Contains("robustlaw-no-such-program"),
                       std::runtime_error);
  // The argument is not interpreted by a shell.
  rl::AtomicFile quoted((dir / "quoted").string());
  rl::process_run({"printf", "%s", "$HOME;`id`"}, 0, quoted.fd(), 2);
  quoted.commit();
  CHECK(cli_slurp((dir / "quoted").string()) == "$HOME;`id`");
}

TEST_CASE("cli: SIGTERM while gnuplot draws leaves neither a partial plot nor a temporary file") {
  // A stand-in gnuplot on PATH that announces itself and then hangs.
  const auto bin = fresh_atomic_folder("slow-gnuplot");
  const auto out_dir = fresh_atomic_folder("plot-out");
  const std::string marker = (bin / "started").string();
  {
    std::ofstream script(bin / "gnuplot");
    script << "#!/bin/sh\necho partial\ntouch '" << marker << "'\nexec sleep 60\n";
  }
  std::filesystem::permissions(bin / "gnuplot", std::filesystem::perms::owner_all);
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", (bin.string() + ":" + saved).c_str(), 1);
  const std::string plot = (out_dir / "mgf.svg").string();
  pid_t pid = spawn({"subgaussian", "--distribution=rademacher", "--plot=" + plot}, cli_scratch().path("gp-out"),
                    cli_scratch().path("gp-err"));
  setenv("PATH", saved.c_str(), 1);
  REQUIRE(pid > 0);
  auto start = std::chrono::steady_clock::now();
  while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(std::filesystem::exists(marker));
  CHECK(temporaries(out_dir).size() == 1);  // gnuplot's output in the making
  ::kill(pid, SIGTERM);
  int status = 0;
  CHECK(wait_for(pid, status, std::chrono::seconds(30)));
  // The command had no stop point left: SIGTERM's default action ends it, after the cleanup.
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK_FALSE(std::filesystem::exists(plot));
  CHECK(temporaries(out_dir).empty());
}
