// When a Monte Carlo run ends before its planned sample count: a stop flag
// (raised by SIGINT or SIGTERM) or a time limit.
//
// Semantics of a stopped run: the samplers and sums check mc_stop_requested
// before each block of samples except the first block of every stage, so at
// least one block is always drawn and every stage has a result. The blocks
// drawn are a prefix of the planned ones (each block has its own RNG stream),
// and the intervals are computed over the n samples actually drawn. (`events`
// is the exception: it polls inside a data set and drops the one a stop
// interrupts, so it may end with none; proof_events.hpp.)
//
// Why the intervals stay valid: the decision to stop comes from outside (a
// signal, the clock), not from the sample values, so n is independent of the
// values and a Clopper-Pearson or Hoeffding interval over n samples holds at
// the stated confidence, as for a run planned with n samples. (The values
// could only reach n through the running time of a block, e.g. rejection
// steps of a sampler; that timing channel is assumed independent of the
// counted events.)
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace rl {

struct McStop {
  const std::atomic<bool>* flag = nullptr;  // raised asynchronously (a signal)
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

// True once the flag is raised or the time limit has passed.
bool mc_stop_requested(const McStop& stop);

// How a run ended: every planned sample drawn, or stopped early by the flag
// or the time limit. Its name ("complete", "interrupted", "time-limit")
// appears only in output (mc_status_name).
enum class McStatus { Complete, Interrupted, TimeLimit };
std::string mc_status_name(McStatus status);

// The status of a run that drew `drawn` of `planned` samples.
McStatus mc_stop_status(const McStop& stop, std::uint64_t drawn, std::uint64_t planned);
// The status of a run that stopped early (`stopped`) or not: why, from the flag.
McStatus mc_stop_status(const McStop& stop, bool stopped);

}  // namespace rl
