// Paths inside claim files: beside the claim, then under the repository root,
// and nowhere else (never the folder `robustlaw check` runs in).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "arith/error.hpp"
#include "cert/claim_path.hpp"
#include "cert/claims.hpp"
#include "io/json_exact.hpp"
#include "test_support.hpp"

using namespace rl::test;

namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path path = fs::temp_directory_path() / ("robustlaw-claim-path-" + std::to_string(::getpid()));
  Folder() { fs::remove_all(path); fs::create_directories(path); }
  ~Folder() { std::error_code ec; fs::remove_all(path, ec); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

// Runs `body` with the current folder set to `dir`, restoring it afterwards.
template <class Body>
void in_folder(const fs::path& dir, Body body) {
  const fs::path saved = fs::current_path();
  fs::current_path(dir);
  try { body(); } catch (...) { fs::current_path(saved); throw; }
  fs::current_path(saved);
}

}  // namespace

TEST_CASE("claim paths: beside the claim first, then the repository root, else an error naming the claim and member") {
  Folder f;
  f.write("claims/nets/a.nnet", "x");
  f.write("root/nets/a.nnet", "y");
  f.write("root/nets/b.nnet", "z");
  rl::ClaimContext ctx{(f.path / "claims/c.json").string(), (f.path / "claims").string(), (f.path / "root").string()};
  CHECK(rl::claim_resolve_path("nets/a.nnet", ctx, "parameters.model") == (f.path / "claims/nets/a.nnet").string());
  CHECK(rl::claim_resolve_path("nets/b.nnet", ctx, "parameters.model") == (f.path / "root/nets/b.nnet").string());
  CHECK(rl::claim_resolve_path("/abs/olute.nnet", ctx, "parameters.model") == "/abs/olute.nnet");
  // A file that exists only relative to the current folder is not found.
  f.write("cwd/nets/c.nnet", "w");
  in_folder(f.path / "cwd", [&] {
    CHECK_THROWS_WITH_AS(rl::claim_resolve_path("nets/c.nnet", ctx, "parameters.model"),
                         doctest::Contains("claims/c.json: parameters.model"), rl::InputError);
    CHECK_THROWS_WITH_AS(rl::claim_resolve_path("nets/c.nnet", ctx, "parameters.model"),
                         doctest::Contains("exists neither beside the claim nor under the repository root"), rl::InputError);
  });
  CHECK_THROWS_AS(rl::claim_resolve_path("", ctx, "parameters.model"), rl::InputError);
  // A claim in the current folder (empty base_dir): beside it is ".".
  rl::ClaimContext here{"c.json", "", ""};
  in_folder(f.path / "claims", [&] { CHECK(rl::claim_resolve_path("nets/a.nnet", here, "parameters.model") == "./nets/a.nnet"); });
}

TEST_CASE("claim paths: a robustness claim moved away from its model is an error wherever check runs") {
  Folder f;
  const std::string original = kSource + "/proofs/robustness/small_2d_linf_verified.json";
  rl::Json claim = rl::json_read_file_exact(original);
  REQUIRE(claim["parameters"]["model"] == "nets/small_2d.json");
  CHECK(rl::claim_check(claim, original, kSource).passed);  // beside the claim
  const std::string moved = f.write("elsewhere/claim.json", claim.dump());
  // Run from the folder where nets/small_2d.json does exist relative to the current folder.
  in_folder(kSource + "/proofs/robustness", [&] {
    rl::ClaimReport r = rl::claim_check(rl::json_read_file_exact(moved), moved, kSource);
    CHECK_FALSE(r.passed);
    CHECK(r.verdict == ClaimVerdict::Error);
    CHECK(r.detail.find("parameters.model") != std::string::npos);
    CHECK(r.detail.find("claim.json") != std::string::npos);
  });
}
