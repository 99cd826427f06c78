// Bad-input policy of the command line, for info and eval: every malformed
// file or option exits non-zero (below 128: no crash), names the file or the
// option and the reason on stderr, and prints no number on stdout.
// Later subcommands get their own test_cli_errors_<name>.cpp on the same
// fixtures (cli_bad_files) and helpers (test_cli_errors_support.hpp).
#include <chrono>
#include <random>

#include "test_cli_errors_support.hpp"
#include "test_support.hpp"

using namespace rl::test;

namespace {

std::string replace_line(std::string text, std::size_t line_index, const std::string& with) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < line_index; ++i) start = text.find('\n', start) + 1;
  return text.replace(start, text.find('\n', start) - start, with);
}

}  // namespace

namespace rl::test {

// Malformed model files and the reason each must be refused with. Shared by
// every subcommand that takes a MODEL.
std::vector<std::pair<std::string, std::string>> cli_bad_files() {
  const CliScratch& s = cli_scratch();
  std::string good = cli_slurp(kNets + "/sisl/TestNetwork.nnet");
  // Line 0 is the comment, 1 the header, 2 the layer sizes, 8 the first weight row.
  std::vector<std::pair<std::string, std::string>> files = {
      {s.path("missing.nnet"), "no such file"},
      {s.write("empty.nnet", ""), "file ends early"},
      {s.write("empty.onnx", ""), "empty file"},
      {s.write("empty.json", ""), "empty.json:1"},
      {s.write("garbage.nnet", garbage(4096, 1)), "not a number"},
      {s.write("garbage.onnx", garbage(4096, 2)), "garbage.onnx"},
      {s.write("garbage.json", garbage(4096, 3)), "garbage.json:1"},
      {s.write("truncated.nnet", good.substr(0, good.size() / 2)), "truncated.nnet"},
      {s.write("nan.nnet", replace_line(good, 8, "nan,0,0,0,0,")), "not a number"},
      {s.write("inf.nnet", replace_line(good, 8, "1,inf,0,0,0,")), "not a number"},
      {s.write("negative_size.nnet", replace_line(good, 2, "5,-50,50,50,50,50,50,5,")), "layer size must be a positive integer"},
      {s.write("negative_inputs.nnet", replace_line(good, 1, "7,-5,5,50,")), "numInputs must be a positive integer"},
      {s.write("layer_count.nnet", replace_line(good, 1, "8,5,5,50,")), "layer sizes: expected 9 numbers, found 8"},
      {s.write("short_row.nnet", replace_line(good, 8, "1,2,3,4,")), "expected 5 numbers, found 4"},
      {s.write("extra.nnet", good + "1,2,3,\n"), "unexpected data after the last layer"},
      {s.write("negative_dim.json", R"({"format":"robustlaw-net","version":1,"input_dim":-2,"layers":[]})"), "'input_dim' must be a positive integer"},
      {s.write("mismatch.json", R"({"format":"robustlaw-net","version":1,"input_dim":2,"layers":[{"weights":[[1,2,3]],"bias":[0]}]})"), "weight row has 3 entries, expected 2"},
      {s.write("clamp.json", R"({"format":"robustlaw-net","version":1,"input_dim":1,"layers":[{"weights":[[1]],"bias":[0]}],"input_clamp":{"lo":[1],"hi":[0]}})"), "minimum > maximum"},
      {s.write("nan.json", R"({"format":"robustlaw-net","version":1,"input_dim":1,"layers":[{"weights":[["NaN"]],"bias":[0]}]})"), "not a number"},
      {s.write("model.txt", "1,1,1,1,\n"), "unknown network format"},
  };
  std::filesystem::create_directories(s.path("directory.nnet"));
  files.push_back({s.path("directory.nnet"), "is a directory"});
  return files;
}

}  // namespace rl::test

TEST_CASE("cli: info and eval refuse every malformed model file") {
  REQUIRE(cli_has_subcommand("info"));
  REQUIRE(cli_has_subcommand("eval"));
  std::vector<BadInput> cases;
  for (const auto& [file, reason] : cli_bad_files()) {
    std::string name = std::filesystem::path(file).filename().string();
    cases.push_back({{"info", file}, {name, reason}});
    cases.push_back({{"eval", file, "--input=0,0,0,0,0"}, {name, reason}});
    cases.push_back({{"info", "--json", file}, {name, reason}});
  }
  CHECK(cli_check_all_refused(cases) == cases.size());
}

TEST_CASE("cli: 2 GB files are refused by their size, without being read") {
  const CliScratch& s = cli_scratch();
  for (const char* name : {"huge.nnet", "huge.onnx", "huge.json"}) {
    std::string path = s.path(name);
    std::ofstream(path).close();
    std::filesystem::resize_file(path, std::uintmax_t(2) << 30);  // sparse: no disk blocks
    auto start = std::chrono::steady_clock::now();
    cli_check_refused({{"info", path}, {name, "larger than the limit"}});
    cli_check_refused({{"eval", path, "--input=0"}, {name, "larger than the limit"}});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK_MESSAGE(seconds < 10, "refusing a 2 GB file took " << seconds << " s");
    std::filesystem::remove(path);
  }
}

TEST_CASE("cli: a network file above the network size limit is refused before reading") {
  std::string path = cli_scratch().path("large.nnet");
  std::ofstream(path).close();
  std::filesystem::resize_file(path, std::uintmax_t(300) << 20);
  cli_check_refused({{"info", path}, {"large.nnet", "larger than the limit"}});
  std::filesystem::remove(path);
}

TEST_CASE("cli: eval refuses malformed inputs and options") {
  const std::string net = kNets + "/sisl/TestNetwork.nnet";
  std::vector<BadInput> cases = {
      {{"eval", net, "--input=0,0,0,0"}, {"input has 4 coordinates, the network expects 5"}},
      {{"eval", net, "--input=0,0,0,0,0,0"}, {"input has 6 coordinates, the network expects 5"}},
      {{"eval", net, "--input=0,0,nan,0,0"}, {"--input item 3", "not a number"}},
      {{"eval", net, "--input=0,0,inf,0,0"}, {"--input item 3", "not a number"}},
      {{"eval", net, "--input=0,,0,0,0"}, {"--input item 2", "empty"}},
      {{"eval", net, "--input="}, {"--input", "an empty value"}},
      {{"eval", net, "--input=0,0,1/0,0,0"}, {"--input item 3", "zero denominator"}},
      {{"eval", net, "--input=0,0,1e999999999,0,0"}, {"--input item 3", "exponent out of range"}},
      {{"eval", net, "--input=0,0,0x10,0,0"}, {"--input item 3", "not a number"}},
      {{"eval", net}, {"--input"}},
      {{"eval", net, "--input=0,0,0,0,0", "--digits=0"}, {"--digits"}},
      {{"eval", net, "--input=0,0,0,0,0", "--digits=-5"}, {"--digits"}},
      {{"eval", net, "--input=0,0,0,0,0", "--digits=abc"}, {"--digits"}},
      {{"eval", net, "--input=0,0,0,0,0", "--no-such-option"}, {"--no-such-option"}},
      {{"eval"}, {"model"}},
      {{"info"}, {"model"}},
  };
  CHECK(cli_check_all_refused(cases) == cases.size());
}

TEST_CASE("cli: the bad-input checker itself fails on a good run") {
  // A good run exits 0 and prints numbers: the policy check must see both.
  CliResult r = cli_run({"eval", kNets + "/sisl/TestNetwork.nnet", "--input=0,0,0,0,0"});
  CHECK(r.exit_code == 0);
  CHECK_FALSE(r.signaled);
  CHECK(r.out.find_first_of("0123456789") != std::string::npos);
}
