// The --max-memory check of the Monte Carlo commands. Their memory does not
// grow with the sample count, except where samples are held (subgaussian);
// what does grow is fixed before sampling starts (a network, a sample file,
// the held samples, per-thread counters), so the check is made once, up
// front, against the whole process.
//
// Semantics: mc_memory_check(cap, planned, what) throws InputError naming
// --max-memory when the process's peak resident memory so far (getrusage)
// plus `planned` bytes (what sampling will still allocate) exceeds `cap`.
#pragma once
#include <cstddef>
#include <string>

namespace rl {

// Peak resident memory of this process so far, in bytes.
std::size_t process_peak_resident_bytes();

void mc_memory_check(std::size_t cap_bytes, std::size_t planned_bytes, const std::string& what);

}  // namespace rl
