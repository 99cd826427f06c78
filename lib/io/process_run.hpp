// Running an external, untrusted program (gnuplot) as a child process: found
// on PATH, started with posix_spawnp (no shell, so no argument is
// interpreted), with its stdin, stdout and stderr on given descriptors.
//
// Signals: while the child runs, SIGINT and SIGTERM are caught by
// process_run itself. On one, the child gets SIGTERM and is reaped, and the
// signal is returned in ProcessResult::signal, with the caller's handlers
// back in place; the caller cleans up (a temporary output file) and then
// calls process_reraise, which delivers the signal to the caller's handlers
// (the default action ends the process; a stop flag is raised). One call
// at a time per process (the caught signal is kept in one global).
#pragma once
#include <string>
#include <vector>

namespace rl {

struct ProcessResult {
  int wait_status = 0;  // as from waitpid
  int signal = 0;       // SIGINT or SIGTERM received while the child ran, else 0
};

// Throws std::runtime_error naming the program when it cannot be started.
ProcessResult process_run(const std::vector<std::string>& argv, int in, int out, int err);

// Sends a signal that process_run caught to this process again (no-op for 0).
void process_reraise(int signal);

// "exit status N" or "killed by signal N", for messages.
std::string process_status_text(int wait_status);

}  // namespace rl
