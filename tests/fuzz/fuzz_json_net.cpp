// network_parse_json on arbitrary text: a Network or InputError, and every
// parsed network passes the oracle of fuzz_network_oracle.hpp.
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "fuzz_network_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    rl::fuzz::fuzz_check_network(rl::network_parse_json(text, "fuzz.json"));
  } catch (const rl::InputError&) {
  }
  return 0;
}
