// network_parse_onnx on arbitrary bytes: a Network or InputError, and every
// parsed network passes the oracle of fuzz_network_oracle.hpp.
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "fuzz_network_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    rl::fuzz::fuzz_check_network(rl::network_parse_onnx(bytes, "fuzz.onnx"));
  } catch (const rl::InputError&) {
  }
  return 0;
}
