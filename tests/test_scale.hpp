// Case counts for randomized campaigns, scaled by -DROBUSTLAW_TEST_SCALE.
#pragma once
#include <cstddef>

namespace rl::test {

inline std::size_t scaled(std::size_t normal) {
#if defined(ROBUSTLAW_TEST_SCALE_small)
  return normal / 10 + 1;
#elif defined(ROBUSTLAW_TEST_SCALE_large)
  return normal * 100;
#else
  return normal;
#endif
}

}  // namespace rl::test
