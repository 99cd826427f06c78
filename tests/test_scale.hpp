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

// Seconds of slack for a test that a run stops near its time limit: the
// sanitized build runs several times slower, and CI shares its 2 cores.
inline double time_limit_slack(double release) {
#if defined(ROBUSTLAW_SANITIZED)
  return 3 * release;
#else
  return release;
#endif
}

}  // namespace rl::test
