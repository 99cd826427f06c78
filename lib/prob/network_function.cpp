#include "prob/network_function.hpp"

#include "arith/error.hpp"

namespace rl {

TestFunction network_test_function(const std::string& path, std::size_t, const std::string& where) {
  throw InputError(where, "network:" + path + ": network test functions need the Lipschitz engine, not built in yet");
}

}  // namespace rl
