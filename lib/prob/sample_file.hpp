// Samples of a real variable read from a text file (`file:SAMPLES.csv`):
// one value per line, in the first comma-separated column; blank lines and
// lines starting with '#' are skipped. Values are parsed exactly
// (rational_parse: "0.25", "-3/7", "1e-3") and checked exactly against the
// declared support [a, b]; each is stored as the outward double interval
// enclosing it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arith/dinterval.hpp"
#include "prob/mc_stop.hpp"

namespace rl {

struct SampleFileRead {
  std::vector<DInterval> samples;  // the file's values, or their prefix when stopped
  bool stopped = false;            // the stop came before the end of the file
};

// Throws InputError naming path:line for an unreadable file, a malformed
// value, or a value outside [a, b]. `max_bytes` caps the memory the samples
// take (sizeof(DInterval) each): a file larger than it is refused before it
// is read, and reading stops with an InputError once the samples exceed it.
// `stop` is polled every kSamplerBlock lines once a block of values is read (see
// mc_stop.hpp): the values read until then are a prefix of the file, whose
// length the stop, not the values, decided. Exact parsing costs about a
// microsecond a value, so a file of 10^9 lines would otherwise hold a stop
// for many minutes.
SampleFileRead sample_file_read(const std::string& path, const Rational& a, const Rational& b,
                                std::size_t max_bytes = SIZE_MAX, const McStop& stop = {});

}  // namespace rl
