// Errors raised on bad input. Every message names where (file, line or node)
// and why, so the command line can print it verbatim and exit non-zero.
#pragma once
#include <stdexcept>
#include <string>

namespace rl {

// Input that cannot be accepted: a malformed file, a bad option value.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  // "where: reason", e.g. "net.nnet:12: expected 5 numbers, found 4".
  InputError(const std::string& where, const std::string& reason)
      : std::runtime_error(where + ": " + reason) {}
};

}  // namespace rl
