#include "prob/sample_file.hpp"

#include <filesystem>
#include <fstream>

#include "arith/error.hpp"
#include "prob/sampler.hpp"

namespace rl {

SampleFileRead sample_file_read(const std::string& path, const Rational& a, const Rational& b, std::size_t max_bytes,
                                const McStop& stop) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, not a sample file");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes)
    throw InputError(path, "the sample file has " + std::to_string(size) + " bytes, more than --max-memory (" +
                               std::to_string(max_bytes) + " bytes)");
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the sample file");
  SampleFileRead read;
  std::vector<DInterval>& out = read.samples;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    // Polled at each whole block of values, and every block of lines (long
    // runs of comments), once the first block is read.
    const bool poll = out.size() >= kSamplerBlock && (out.size() % kSamplerBlock == 0 || number % kSamplerBlock == 0);
    if (poll && mc_stop_requested(stop)) {
      read.stopped = true;
      break;
    }
    std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    std::size_t end = line.find(',', start);
    std::string field = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    field.erase(field.find_last_not_of(" \t\r") + 1);
    const std::string where = path + ":" + std::to_string(number);
    Rational x = rational_parse(field, where);
    if (x < a || x > b)
      throw InputError(where, "sample " + field + " lies outside the declared support [" + rational_to_string(a) + ", " +
                                  rational_to_string(b) + "] (--support)");
    if ((out.size() + 1) > max_bytes / sizeof(DInterval))
      throw InputError(where, "the samples read so far exceed --max-memory (" + std::to_string(max_bytes) + " bytes)");
    out.push_back(DInterval::from_rational(x));
  }
  if (in.bad()) throw InputError(path, "read error");
  return read;
}

}  // namespace rl
