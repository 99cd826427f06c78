// Errors raised on bad input. Every message names where (file, line or node)
// and why, so the command line can print it verbatim and exit non-zero.
#pragma once
#include <stdexcept>
#include <string>

namespace rl {

// The message with its control bytes (a NUL, which would end what() early,
// or a terminal escape copied from a bad file) written as \xNN.
inline std::string input_error_printable(const std::string& message) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) out += std::string("\\x") + kHex[byte >> 4] + kHex[byte & 15];
    else out += c;
  }
  return out;
}

// Input that cannot be accepted: a malformed file, a bad option value.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(input_error_printable(message)) {}
  // "where: reason", e.g. "net.nnet:12: expected 5 numbers, found 4".
  InputError(const std::string& where, const std::string& reason)
      : std::runtime_error(input_error_printable(where + ": " + reason)) {}
};

}  // namespace rl
