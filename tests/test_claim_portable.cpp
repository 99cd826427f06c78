// Claims written by the commands are portable: unique ids, model paths
// relative to the claim, and `robustlaw check` accepts them after their folder
// moves, from another working folder. Also: the union certificate of
// lipschitz-mpi (positive and tampered), the failure semantics shared by the
// kinds (error vs rejected), and canonical uppers far below the search's.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cert/cert_lipschitz.hpp"
#include "cert/claim_path.hpp"
#include "cert/claims.hpp"
#include "distributed/lipschitz_distributed.hpp"
#include "lipschitz/box_partition.hpp"
#include "lipschitz/box_pieces.hpp"
#include "lipschitz/certificate_canonical.hpp"
#include "lipschitz/claim_file.hpp"
#include "lipschitz/problem.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_support.hpp"

using namespace rl;
namespace fs = std::filesystem;

namespace {

struct Shell {
  int status;
  std::string out;
};

// Runs the robustlaw binary in `folder`; stdout and stderr together.
Shell run_in(const fs::path& folder, const std::string& args) {
  const std::string cmd = "cd '" + folder.string() + "' && '" + fs::absolute(ROBUSTLAW_BINARY).string() + "' " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A fresh folder tree: `work` (where the command runs) holds `claims/` with
// the network; `elsewhere` is where the check runs from.
struct Folders {
  fs::path root, work, claims, elsewhere;
  explicit Folders(const std::string& name) {
    root = fs::temp_directory_path() / ("robustlaw_portable_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(root);
    work = root / "work";
    claims = work / "claims";
    elsewhere = root / "elsewhere" / "deeper";
    fs::create_directories(claims);
    fs::create_directories(elsewhere);
    std::ofstream(claims / "net.json") << network_to_json(random_network({2, 6, 2}, 21));
  }
  ~Folders() { fs::remove_all(root); }
  // Moves claims/ to root/moved/claims and checks it from `elsewhere`.
  Shell move_and_check(std::size_t expected_claims) const {
    const fs::path moved = root / "moved" / "claims";
    fs::create_directories(moved.parent_path());
    fs::rename(claims, moved);
    Shell s = run_in(elsewhere, "check ../../moved/claims");
    INFO(s.out);
    CHECK(s.out.find(std::to_string(expected_claims) + " passed, 0 failed") != std::string::npos);
    return s;
  }
};

Json read(const fs::path& p) { return json_read_file_exact(p.string()); }

}  // namespace

TEST_CASE("claim paths and ids for producers: relative to the claim file, ids from its name") {
  fs::path dir = fs::temp_directory_path() / ("robustlaw_claimpath_" + std::to_string(::getpid()));
  fs::create_directories(dir / "a" / "b");
  std::ofstream(dir / "net.json") << "{}";
  CHECK(claim_path_for((dir / "net.json").string(), (dir / "a" / "b" / "c.json").string()) == "../../net.json");
  CHECK(claim_path_for((dir / "a" / ".." / "net.json").string(), (dir / "c.json").string()) == "net.json");
  CHECK(claim_id_for("x/my claim (2).json") == "my-claim--2-");
  CHECK(claim_id_for("/tmp/_x.json") == "claim-_x");
  CHECK(claim_id_for("proofs/lipschitz/l2.json") == "l2");
  fs::remove_all(dir);
}

TEST_CASE("lipschitz --certificate: two claims in one folder, moved, checked from elsewhere") {
  Folders f("lipschitz");
  for (const char* norm : {"l2", "linf"}) {
    Shell s = run_in(f.work, std::string("lipschitz claims/net.json --norm ") + norm +
                                 " --box=-1:1 --output 0 --threads 1 --certificate claims/" + norm + ".json");
    INFO(s.out);
    REQUIRE(s.status == 0);
    CHECK(s.out.find("replayed by the checker") != std::string::npos);
  }
  Json l2 = read(f.claims / "l2.json"), linf = read(f.claims / "linf.json");
  CHECK(l2["parameters"]["network"] == "net.json");
  CHECK(l2["id"] != linf["id"]);
  f.move_and_check(2);
}

TEST_CASE("certify --certificate (ball and VNN-LIB): moved, checked from elsewhere") {
  Folders f("certify");
  Shell ball = run_in(f.work, "certify claims/net.json --input=1/10,1/5 --radius 1/1000 --certificate claims/ball.json");
  INFO(ball.out);
  REQUIRE(ball.status == 0);
  std::ofstream(f.work / "far.vnnlib") << "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n"
                                          "(declare-const Y_1 Real)\n(assert (>= X_0 0)) (assert (<= X_0 1))\n"
                                          "(assert (>= X_1 0)) (assert (<= X_1 1))\n(assert (>= Y_0 1000))\n";
  Shell vnn = run_in(f.work, "certify claims/net.json --vnnlib far.vnnlib --certificate claims/far.json");
  INFO(vnn.out);
  REQUIRE(vnn.status == 0);
  CHECK(vnn.out.find("unsat") != std::string::npos);
  CHECK(read(f.claims / "ball.json")["parameters"]["model"] == "net.json");
  CHECK(read(f.claims / "far.json")["parameters"]["model"] == "net.json");
  f.move_and_check(2);
}

namespace {

// Whether lipschitz-mpi can run in this test build (says why not when it cannot).
bool mpi_runs_here() {
  if (!distributed_mpi_available()) {
    MESSAGE("built without MPI: lipschitz-mpi is not available");
    return false;
  }
#ifdef ROBUSTLAW_SANITIZED
  MESSAGE("sanitized build: Open MPI's own allocations would be reported as leaks (the Release build runs this test)");
  return false;
#endif
  return true;
}

}  // namespace

TEST_CASE("lipschitz-mpi --certificate: a union claim, moved, checked from elsewhere") {
  if (!mpi_runs_here()) return;
  Folders f("mpi");
  Shell s = run_in(f.work, "lipschitz-mpi claims/net.json --norm l1 --box=-1:1 --pieces 4 --certificate claims/mpi.json");
  INFO(s.out);
  REQUIRE(s.status == 0);
  Json c = read(f.claims / "mpi.json");
  CHECK(c["kind"] == "lipschitz-box-union");
  CHECK(c["certificate"]["pieces"].size() == 4);
  f.move_and_check(1);
}

TEST_CASE("lipschitz-mpi --lipsdp on: rank 0's verified LipSDP bound replaces the pieces' upper, and its claim replays") {
  if (!mpi_runs_here()) return;
  Folders f("mpi_lipsdp");
  // A box on which the pieces stop far from converged within the limit, and
  // LipSDP-Neuron (about 1.40) is below their union's upper (above 1.6).
  fs::copy_file(fs::path(ROBUSTLAW_SOURCE_DIR) / "bench/nets/rand_5-20-20-1.json", f.claims / "wide.json");
  Shell s = run_in(f.work, "lipschitz-mpi claims/wide.json --norm l2 --box=-100:100 --pieces 2 --lipsdp on --time-limit 3 "
                           "--certificate claims/sdp.json");
  INFO(s.out);
  REQUIRE(s.status == 0);
  CHECK(s.out.find("upper: LipSDP-Neuron") != std::string::npos);
  Json c = read(f.claims / "sdp.json");
  CHECK(c["kind"] == "lipschitz");
  CHECK(c["certificate"]["method"] == "lipsdp");
  CHECK(c["certificate"].contains("witness"));
  f.move_and_check(1);
}

// A global domain is one piece, run as `lipschitz` runs it: under on the SDP
// first, and a search that cannot beat it keeps no time for a certificate it
// would not write. Before, the piece left the master a reserve for the SDP
// and kept its own certificate's, and a 30 s run on this network stopped
// after 12.5 s (4 607 nodes; now 30.1 s, 40 159 nodes).
TEST_CASE("lipschitz-mpi --global --lipsdp on: the one piece runs the SDP first and uses the time limit") {
  if (!mpi_runs_here()) return;
  Folders f("mpi_global_sdp");
  fs::copy_file(fs::path(ROBUSTLAW_SOURCE_DIR) / "data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet", f.claims / "acas.nnet");
  Shell s = run_in(f.work, "lipschitz-mpi claims/acas.nnet --global --norm l2 --lipsdp on --time-limit 12 --json "
                           "--certificate claims/global.json");
  INFO(s.out);
  REQUIRE(s.status == 0);
  const Json j = Json::parse(s.out);
  CHECK(j["seconds"].get<double>() > 0.8 * 12);
  CHECK(j["lipsdp_seconds"].get<double>() > 0);
  if (!j["lipsdp_upper"].is_null()) {  // verified within its reserve (a loaded machine may not)
    CHECK(j["upper"] == j["lipsdp_upper"]);
    CHECK(read(f.claims / "global.json")["certificate"]["method"] == "lipsdp");
  }
  f.move_and_check(1);
}

// The time limit covers the pieces' certificates and the replay of the union
// claim. Before the later pieces gave up the earlier pieces' replay time, and
// the pieces kept back their own certificates' time, this run overran its
// limit several times over (231 s at a 20 s limit on 2 ranks and 8 pieces).
TEST_CASE("lipschitz-mpi --time-limit includes the pieces' certificates and the replay of the union claim") {
  if (!mpi_runs_here()) return;
  Folders f("mpi_limit");
  fs::copy_file(fs::path(ROBUSTLAW_SOURCE_DIR) / "data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet", f.claims / "acas.nnet");
  const auto start = std::chrono::steady_clock::now();
  Shell s = run_in(f.work, "lipschitz-mpi claims/acas.nnet --norm l2 --box=0:60760,-3.141593:3.141593,-3.141593:3.141593,100:1200,0:1200 "
                           "--pieces 4 --lipsdp off --time-limit 3 --certificate claims/limited.json");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(s.out);
  REQUIRE(s.status == 0);
  CHECK(s.out.find("status time-limit") != std::string::npos);
  CHECK(seconds < 3 + 4);  // the limit, start-up and a loaded machine's slack
  f.move_and_check(1);
}

namespace {

// A union certificate made as lipschitz-mpi makes it, on one rank: pieces
// searched, and the last piece left unsearched with its Clarke bound.
struct UnionCase {
  fs::path dir;
  Json claim;
  ClaimContext context;
  std::vector<RationalBox> boxes;  // the pieces, in the certificate's order
};

UnionCase union_case() {
  UnionCase u;
  u.dir = fs::temp_directory_path() / ("robustlaw_union_" + std::to_string(::getpid()));
  fs::create_directories(u.dir);
  Network net = random_network({2, 6, 1}, 33);
  std::ofstream(u.dir / "net.json") << network_to_json(net);
  LipschitzOptions options;
  options.norm = Norm::L2;
  options.domain.lo = {Rational(-1), Rational(-1)};
  options.domain.hi = {Rational(1), Rational(1)};
  options.threads = 1;
  options.want_certificate = true;
  BoxPartition partition = box_partition_tree(RationalBox{options.domain.lo, options.domain.hi}, 4);
  REQUIRE(partition.pieces.size() == 4);
  u.boxes = partition.pieces;
  std::vector<PieceOutcome> pieces;
  for (std::size_t k = 0; k < partition.pieces.size(); ++k) {
    PieceOutcome p;
    p.box = partition.pieces[k];
    if (k + 1 == partition.pieces.size()) {  // as if pruned: its Clarke bound only
      p.run = PieceRun::Pruned;
      p.upper = piece_clarke_upper(net, options.norm, p.box);
      REQUIRE(piece_clarke_certificate(net, options, p));
      CHECK(p.upper <= piece_clarke_upper(net, options.norm, p.box));
    } else {
      LipschitzOptions o = options;
      o.domain.lo = p.box.lo;
      o.domain.hi = p.box.hi;
      LipschitzResult r = lipschitz_bound(net, o);
      p.lower = r.lower;
      p.upper = r.upper;
      p.certificate = r.certificate;
    }
    pieces.push_back(p);
  }
  Json cert = lipschitz_pieces_certificate(partition.tree, pieces);
  REQUIRE(!cert.is_null());
  LipschitzClaimProblem problem{"net.json", false, Norm::L2, options.domain, nullptr};
  u.claim = lipschitz_claim("union", problem, "lipschitz-box-union", cert, rational_from_json(cert["lower"], "lower"),
                            rational_from_json(cert["upper"], "upper"));
  u.context = ClaimContext{(u.dir / "union.json").string(), u.dir.string(), u.dir.string()};
  return u;
}

ClaimVerdict verdict(const UnionCase& u, const Json& claim) { return claim_verify(claim, u.context).verdict; }

}  // namespace

TEST_CASE("lipschitz-box-union certificates: the cover and every piece checked; tampered copies refused") {
  UnionCase u = union_case();
  const ClaimOutcome good = claim_verify(u.claim, u.context);
  INFO(good.detail);
  REQUIRE(good.verdict == ClaimVerdict::Holds);
  const Json& cert = u.claim["certificate"];
  Rational lower = rational_from_json(cert["lower"], "lower"), upper = rational_from_json(cert["upper"], "upper");
  CHECK(lower > 0);
  CHECK(lower <= upper);

  Json missing = u.claim;  // a piece and its leaf gone: the tree ends early
  missing["certificate"]["pieces"].erase(3);
  missing["certificate"]["tree"].erase(missing["certificate"]["tree"].size() - 1);
  CHECK(verdict(u, missing) == ClaimVerdict::Rejected);
  Json fewer = u.claim;  // a piece gone: the cover has a leaf without a proof
  fewer["certificate"]["pieces"].erase(0);
  CHECK(verdict(u, fewer) == ClaimVerdict::Rejected);
  Json gap = u.claim;  // the root split moved to a coordinate that is not there
  gap["certificate"]["tree"][0] = 2;
  CHECK(verdict(u, gap) == ClaimVerdict::Rejected);
  Json above = u.claim;  // every piece's upper is proved, but one exceeds the claim
  above["certificate"]["upper"] = rational_to_string(upper / 2);
  CHECK(verdict(u, above) == ClaimVerdict::Rejected);
  Json loose = u.claim;  // more than the largest piece upper: not canonical
  loose["certificate"]["upper"] = rational_to_string(upper * 2);
  CHECK(verdict(u, loose) == ClaimVerdict::Rejected);
  Json high = u.claim;  // a lower no piece proves
  high["certificate"]["lower"] = rational_to_string(upper);
  CHECK(verdict(u, high) == ClaimVerdict::Rejected);
  Json pruned = u.claim;  // the unsearched piece's bound halved: not proved
  Json& last = pruned["certificate"]["pieces"][3];
  last["upper"] = rational_to_string(rational_from_json(last["upper"], "upper") / 2);
  CHECK(verdict(u, pruned) == ClaimVerdict::Rejected);
  Json swapped = u.claim;  // a piece's certificate on another piece's box
  std::swap(swapped["certificate"]["pieces"][0], swapped["certificate"]["pieces"][3]);
  CHECK(verdict(u, swapped) != ClaimVerdict::Holds);
  Json extra = u.claim;
  extra["certificate"]["leaf_bounds"] = Json::array();
  CHECK(verdict(u, extra) == ClaimVerdict::Rejected);
  Json global = u.claim;  // a union covers a box, not R^d
  global["parameters"]["domain"] = Json{{"global", true}};
  CHECK(verdict(u, global) == ClaimVerdict::Error);
  fs::remove_all(u.dir);
}

TEST_CASE("one failure semantics: a missing model is an error, a malformed certificate rejected, for every kind") {
  UnionCase u = union_case();
  Json lipschitz = u.claim;
  lipschitz["kind"] = "lipschitz";
  LipschitzDomain first;
  first.lo = u.boxes[0].lo;
  first.hi = u.boxes[0].hi;
  lipschitz["parameters"]["domain"] = lipschitz_domain_json(first);
  lipschitz["certificate"] = lipschitz["certificate"]["pieces"][0];  // the first piece's own claim
  REQUIRE(verdict(u, lipschitz) == ClaimVerdict::Holds);
  for (const char* kind : {"lipschitz", "lipschitz-box-union"}) {
    Json no_model = kind == std::string("lipschitz") ? lipschitz : u.claim;
    no_model["parameters"]["network"] = "absent.json";
    CHECK(verdict(u, no_model) == ClaimVerdict::Error);
    Json no_tree = kind == std::string("lipschitz") ? lipschitz : u.claim;
    no_tree["certificate"].erase("tree");
    CHECK(verdict(u, no_tree) == ClaimVerdict::Rejected);
  }
  Json robustness{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "r"}, {"kind", "robustness"}, {"statement", "s"},
                  {"reference", "r"}, {"expected", "holds"},
                  {"parameters", {{"model", "absent.json"}, {"input", {"0", "0"}}, {"radius", "1/10"}, {"norm", "linf"}, {"label", 0}}},
                  {"certificate", {{"method", "box-partition"}, {"tree", {"I"}}, {"leaves", 1}}}};
  CHECK(verdict(u, robustness) == ClaimVerdict::Error);
  robustness["parameters"]["model"] = "net.json";
  robustness["certificate"]["tree"] = Json::array({Json::object()});
  CHECK(verdict(u, robustness) == ClaimVerdict::Rejected);
  Json concentration{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "c"}, {"kind", "concentration"}, {"statement", "s"},
                     {"reference", "r"}, {"expected", "violated"},
                     {"parameters", {{"measure", "sphere"}, {"d", 11}, {"form", "definition2"}, {"c", "1"}}},
                     {"certificate", {{"s", "7/10"}}}};
  CHECK(verdict(u, concentration) == ClaimVerdict::Rejected);
  concentration["parameters"]["d"] = "eleven";
  CHECK(verdict(u, concentration) == ClaimVerdict::Error);
  fs::remove_all(u.dir);
}

TEST_CASE("canonical upper: a leaf needing far less than the search's upper (below 2^-2000 of it) comes first") {
  // f(x) = relu(x - 1/2) + 2^-2100 relu(1/2 - x) on [-1, 1], split at 0: leaf
  // 0 = [-1, 0] has slope -2^-2100 alone, leaf 1 = [0, 1] slopes in {0, 1}.
  const Rational tiny = rational_pow2(-2100);
  Network net = network_from_layers(1, {{{{Rational(1)}, {Rational(-1)}}, {Rational(-1, 2), Rational(1, 2)}},
                                        {{{Rational(1), tiny}}, {Rational(0)}}});
  LipschitzOptions options;
  options.norm = Norm::L1;
  options.domain.lo = {Rational(-1)};
  options.domain.hi = {Rational(1)};
  LipschitzResult r;
  r.upper = 2;
  r.certificate = Json{{"method", "box-partition"}, {"bounds", "interval"}, {"norm", "l1"}, {"lower", "0"}, {"upper", "2"},
                       {"tree", Json::array({0, -1, -1})}};
  REQUIRE(lipschitz_certificate_canonicalize(lipschitz_problem(net, options), r) == Canonical::Done);
  CHECK(r.upper == 1);
  CHECK(r.certificate["argmax_leaf"] == 1);
  // Alone, the tiny leaf gets its own least grid value: 2^-2100 is on the grid.
  LipschitzOptions left = options;
  left.domain.hi = {Rational(0)};
  LipschitzResult l;
  l.upper = 2;
  l.certificate = Json{{"method", "box-partition"}, {"bounds", "interval"}, {"norm", "l1"}, {"lower", "0"}, {"upper", "2"},
                       {"tree", Json::array({-1})}};
  REQUIRE(lipschitz_certificate_canonicalize(lipschitz_problem(net, left), l) == Canonical::Done);
  CHECK(l.upper == tiny);
  fs::path dir = fs::temp_directory_path() / ("robustlaw_tiny_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "tiny.json") << network_to_json(net);
  LipschitzClaimProblem problem{"tiny.json", false, Norm::L1, left.domain, nullptr};
  Json claim = lipschitz_claim("tiny", problem, "lipschitz", l.certificate, Rational(0), l.upper);
  ClaimOutcome out = claim_verify(claim, ClaimContext{(dir / "c.json").string(), dir.string(), dir.string()});
  INFO(out.detail);
  CHECK(out.verdict == ClaimVerdict::Holds);
  fs::remove_all(dir);
}

TEST_CASE("canonical upper: an upper the leaf tests do not confirm rises to one they do; a passed deadline stops first") {
  // f(x) = relu(x) on [-1, 1], split at 0: leaf [0, 1] has slope 1, which a
  // search stopped early may have bounded by less than the checker's test.
  Network net = network_from_layers(1, {{{{Rational(1)}}, {Rational(0)}}, {{{Rational(1)}}, {Rational(0)}}});
  LipschitzOptions options;
  options.norm = Norm::L2;
  options.domain.lo = {Rational(-1)};
  options.domain.hi = {Rational(1)};
  const LipProblem p = lipschitz_problem(net, options);
  const Json cert{{"method", "box-partition"}, {"bounds", "interval"}, {"norm", "l2"}, {"lower", "0"}, {"upper", "1/1024"},
                  {"tree", Json::array({0, -1, -1})}};
  LipschitzResult r;
  r.upper = Rational(1, 1024);
  r.certificate = cert;
  CHECK(lipschitz_certificate_canonicalize(p, r, [] { return true; }) == Canonical::OutOfTime);
  CHECK(r.upper == Rational(1, 1024));
  CHECK(r.certificate == cert);
  REQUIRE(lipschitz_certificate_canonicalize(p, r) == Canonical::Done);
  CHECK(r.upper == 1);
  CHECK(r.certificate["upper"] == "1");
  CHECK(r.certificate["argmax_leaf"] == 1);
}
