// Helpers shared by the subcommands: model options, number lists, output.
#pragma once
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <limits>
#include <optional>
#include <string>

#include "arith/decimal.hpp"
#include "cert/claim_replay.hpp"
#include "io/json_exact.hpp"
#include "io/option_parse.hpp"
#include "net/load.hpp"

namespace rl::cli {

struct ModelOptions {
  std::string path;
  bool normalized = false;
};

// Adds the positional MODEL and --normalized.
void add_model_options(CLI::App& app, ModelOptions& options);
Network load_model(const ModelOptions& options);

// Numeric options, read as text by integer_option_parse / real_option_parse
// (io/option_parse.hpp), so that a value the option cannot hold is refused
// with a message naming the option, never narrowed.
//
// Adds `name` (one long option, e.g. "--d") storing an integer of type T in
// [lo, hi] (default: the whole range of T) into `target`.
template <class T>
CLI::Option* add_integer_option(CLI::App& app, const std::string& name, T& target, const std::string& help,
                                T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
  return app
      .add_option_function<std::string>(
          name,
          [&target, name, lo, hi](const std::string& text) {
            target = integer_option_parse(text, name, Integer(lo), Integer(hi)).template convert_to<T>();
          },
          help)
      ->type_name("INT");
}
// The same for a count that may exceed every machine integer (a dimension).
CLI::Option* add_big_integer_option(CLI::App& app, const std::string& name, Integer& target, const std::string& help,
                                    const Integer& lo);
// A real number >= lo stored as a double (seconds, standard deviations).
CLI::Option* add_real_option(CLI::App& app, const std::string& name, double& target, const std::string& help,
                             const Rational& lo);

// An integer as a JSON number, or as its decimal string when it exceeds the
// 64-bit range of JSON numbers (a dimension d may).
Json json_integer(const Integer& n);

// An enclosure [lower, upper] whose relative width exceeds 10^-digits cannot
// show the `digits` significant digits asked for: the sentence saying so
// (about how many digits are certain), printed beside it and added to its JSON
// as "note". None when the enclosure is that narrow.
std::optional<std::string> width_note(const Rational& lower, const Rational& upper, int digits);
// Adds "note" to j when width_note has one; returns the text to append after a printed enclosure.
std::string add_width_note(Json& j, const Rational& lower, const Rational& upper, int digits);

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

// An output file option (--certificate, --plot, --output): refuses an empty
// value, which would otherwise read as the option not given.
CLI::Option* add_output_file_option(CLI::App& app, const std::string& name, std::string& target, const std::string& help);

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
  // Raised by a signal after the first: SA_RESETHAND resets only the signal
  // caught, so a SIGTERM after a SIGINT reaches the handler again. (It is not
  // reset for both: mpirun follows its SIGINT to the ranks with a SIGTERM,
  // which must not kill a rank that is printing its result.)
  const std::atomic<bool>* second_flag() const;
  // SIGINT or SIGTERM once one was received, else 0.
  int received() const;
  // After the result is printed: when a signal stopped the command, says so on
  // stderr and sets the exit status 128 + signal (the shell's convention).
  void finish() const;

 private:
  struct sigaction previous_int_ {}, previous_term_ {};
};

// write_claim_replayed, for a command that a signal may stop: the replay
// runs on a thread, and when it is still running kReplaySecondsAfterStop
// after this call first saw the signal, the file is removed and nullopt is
// returned. The replay thread is then still running (a claim's check has no
// stop point): the caller prints its result and ends with std::_Exit.
constexpr double kReplaySecondsAfterStop = 5;
std::optional<std::string> write_claim_replayed_watched(const std::string& path, const Json& claim, const StopSignals& signals);

}  // namespace rl::cli
