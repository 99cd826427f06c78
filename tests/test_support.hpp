// Fixtures that several test files share: the source tree's paths, scratch
// folders, random bytes and exact numbers. One definition each, because tests/
// is compiled as a unity build (several files in one translation unit), where
// two file-local definitions of one name would clash; a helper that only one
// file needs stays in that file under a name of its own.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <random>
#include <string>

#include "arith/rational.hpp"
#include "arith/verdict.hpp"
#include "cert/claim_verdict.hpp"

namespace rl::test {

inline const std::string kSource = ROBUSTLAW_SOURCE_DIR;
inline const std::string kNets = kSource + "/data/nets";
inline const std::string kSisl = kSource + "/data/nets/sisl/TestNetwork.nnet";
inline const std::string kAcas = kSource + "/data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet";

// A folder under the system temporary folder, named after the purpose and the
// process (so that two test runs at once do not share it), created if missing.
inline std::filesystem::path temp_dir(const std::string& purpose) {
  std::filesystem::path d = std::filesystem::temp_directory_path() / ("robustlaw_" + purpose + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

// The same folder emptied first.
inline std::filesystem::path fresh_temp_dir(const std::string& purpose) {
  std::filesystem::path d = temp_dir(purpose);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// n pseudo-random bytes (reproducible from seed): a file no loader may accept.
inline std::string garbage(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// The rational a/b.
inline Rational q(long a, long b = 1) { return Rational(Integer(a), Integer(b)); }

}  // namespace rl::test

namespace rl {

// Typed verdicts by name in doctest's failure output (CHECK(a == b) prints
// both sides through operator<<, found by argument-dependent lookup).
inline std::ostream& operator<<(std::ostream& out, Verdict verdict) { return out << verdict_name(verdict); }
inline std::ostream& operator<<(std::ostream& out, ClaimVerdict verdict) { return out << claim_verdict_name(verdict); }

}  // namespace rl
