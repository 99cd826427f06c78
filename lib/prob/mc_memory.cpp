#include "prob/mc_memory.hpp"

#include <sys/resource.h>

#include <cstdint>

#include "arith/error.hpp"

namespace rl {

std::size_t process_peak_resident_bytes() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

namespace {
std::string megabytes(std::size_t bytes) { return std::to_string((bytes + 1048575) / 1048576) + " MB"; }
}  // namespace

void mc_memory_check(std::size_t cap_bytes, std::size_t planned_bytes, const std::string& what) {
  const std::size_t held = process_peak_resident_bytes();
  const std::size_t total = planned_bytes > SIZE_MAX - held ? SIZE_MAX : held + planned_bytes;
  if (total > cap_bytes)
    throw InputError("--max-memory", "the run needs about " + megabytes(total) + " (" + megabytes(held) +
                                         " already resident, " + megabytes(planned_bytes) + " for " + what +
                                         "), more than the cap of " + megabytes(cap_bytes) + "; nothing was sampled");
}

}  // namespace rl
