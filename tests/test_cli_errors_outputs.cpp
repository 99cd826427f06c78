// Output files (certificates, plots, networks) are written atomically: to
// PATH.tmp.<pid> in the same folder, then renamed over PATH. A path that
// cannot be written is refused with its name and the reason, before any long
// computation, and leaves no file behind; an existing file is replaced whole.
#include <algorithm>

#include "test_cli_errors_support.hpp"

using namespace rl::test;

namespace {

namespace fs = std::filesystem;

// A fresh folder inside the scratch directory.
std::string fresh_outputs_folder(const std::string& name) {
  std::string dir = cli_scratch().path(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string tiny_network(const std::string& dir) {
  std::string path = dir + "/tiny.json";
  std::ofstream(path) << R"({"format":"robustlaw-net","version":1,"input_dim":2,
    "layers":[{"weights":[[1,-1],[2,1]],"bias":[0,"1/2"]},{"weights":[[1,-3]],"bias":[0]}]})";
  return path;
}

}  // namespace

TEST_CASE("cli: an output in a missing folder or on a folder is refused and leaves nothing behind") {
  std::string dir = fresh_outputs_folder("outputs-missing");
  std::string tiny = tiny_network(dir);
  std::vector<BadInput> cases = {
      {{"random-net", "--sizes=2,3,1", "--output=" + dir + "/missing/net.json"}, {"net.json", "does not exist"}},
      {{"random-net", "--sizes=2,3,1", "--output=" + dir}, {"outputs-missing", "is a directory"}},
      {{"lipschitz", tiny, "--norm=l2", "--global", "--certificate=" + dir + "/missing/cert.json"}, {"cert.json", "does not exist"}},
      {{"certify", tiny, "--input=1,1", "--radius=1/100", "--certificate=" + dir + "/missing/cert.json"}, {"cert.json", "does not exist"}},
      {{"subgaussian", "--distribution=rademacher", "--plot=" + dir + "/missing/p.svg"}, {"p.svg", "does not exist"}},
      {{"concentration", "--measure=sphere", "--d=3", "--c=1", "--plot=" + dir + "/missing/p.svg"}, {"p.svg", "does not exist"}},
  };
  CHECK(cli_check_all_refused(cases) == cases.size());
  CHECK(folder_entries(dir) == std::vector<std::string>{"tiny.json"});
}

TEST_CASE("cli: an existing output file is replaced whole, with no temporary file left") {
  std::string dir = fresh_outputs_folder("outputs-replace");
  std::string out = dir + "/net.json";
  std::ofstream(out) << std::string(1 << 20, 'x');  // longer than the new content
  CliResult to_stdout = cli_run({"random-net", "--sizes=3,4,2", "--seed=7"});
  CliResult to_file = cli_run({"random-net", "--sizes=3,4,2", "--seed=7", "--output=" + out});
  REQUIRE(to_stdout.exit_code == 0);
  REQUIRE(to_file.exit_code == 0);
  CHECK(to_file.out.empty());
  CHECK(cli_slurp(out) == to_stdout.out);
  CliResult info = cli_run({"info", out});
  CHECK(info.exit_code == 0);

  std::string cert = dir + "/cert.json";
  std::ofstream(cert) << "{\"half a certificate\": ";
  std::string tiny = tiny_network(dir);
  CliResult lip = cli_run({"lipschitz", tiny, "--norm=l2", "--box=-1:1", "--certificate=" + cert});
  INFO(lip.out << lip.err);
  CHECK(lip.exit_code == 0);
  CliResult check = cli_run({"check", cert});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);

  std::string plot = dir + "/plot.svg";
  std::ofstream(plot) << std::string(1 << 20, 'y');
  CliResult sub = cli_run({"subgaussian", "--distribution=rademacher", "--plot=" + plot});
  CHECK(sub.exit_code == 0);
  std::string svg = cli_slurp(plot);
  // Replaced whole: an SVG document (gnuplot's), none of the old filler.
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.rfind("</svg>") != std::string::npos);
  CHECK(svg.find('y' + std::string(20, 'y')) == std::string::npos);

  CHECK(folder_entries(dir) == std::vector<std::string>{"cert.json", "net.json", "plot.svg", "tiny.json"});
}
