// Helpers shared by the subcommands: model options, number lists, output.
#pragma once
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <string>

#include "arith/decimal.hpp"
#include "cert/claims.hpp"
#include "io/json_exact.hpp"
#include "net/load.hpp"

namespace rl::cli {

struct ModelOptions {
  std::string path;
  bool normalized = false;
};

// Adds the positional MODEL and --normalized.
void add_model_options(CLI::App& app, ModelOptions& options);
Network load_model(const ModelOptions& options);

// Exact value plus outward decimals, as JSON.
Json json_exact_value(const Rational& q, int digits);
// An enclosure [lower, upper] with its provenance.
Json json_enclosure(const Rational& lower, const Rational& upper, const std::string& method, int digits);

void print_json(const Json& j);

// file_write_atomic and file_check_output_path (io/file_atomic.hpp) under
// the names the subcommands use: `path` holds either its old content or all
// of `text`, never a part.
void write_file_atomic(const std::string& path, const std::string& text);
// The checks write_file_atomic starts with (the folder exists, `path` is not
// a folder), for commands to run before a long computation.
void check_output_path(const std::string& path);

// Replays `claim` the way `robustlaw check` will once it is written to `path`:
// from the claim's own location (relative paths beside it, the repository
// root found above it). The report's `passed` says whether it would pass.
ClaimReport claim_replay(const Json& claim, const std::string& path);

// Writes `claim` to `path` atomically, reads the file back and replays it
// as `robustlaw check PATH` does. When it does not pass, the file is removed
// and an InputError names it with the checker's verdict and detail.
// Returns the replay's detail.
std::string write_claim_replayed(const std::string& path, const Json& claim);

// While an object lives, SIGINT and SIGTERM only raise a flag: the long
// computations poll it (their `stop` option), end at their next check with
// the best certified result so far, which the command prints (and writes as a
// certificate when one was asked for). The handlers are one-shot: a second
// signal gets the default action, so a command can always be killed. The
// previous handlers come back on destruction. One object at a time.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  const std::atomic<bool>* flag() const;
  // SIGINT or SIGTERM once one was received, else 0.
  int received() const;
  // After the result is printed: when a signal stopped the command, says so on
  // stderr and sets the exit status 128 + signal (the shell's convention).
  void finish() const;

 private:
  struct sigaction previous_int_ {}, previous_term_ {};
};

}  // namespace rl::cli
