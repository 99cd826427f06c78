#include "prob/mc_stop.hpp"

namespace rl {

bool mc_stop_requested(const McStop& stop) {
  if (stop.flag && stop.flag->load(std::memory_order_relaxed)) return true;
  if (stop.time_limit_seconds == std::numeric_limits<double>::infinity()) return false;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - stop.start).count() >= stop.time_limit_seconds;
}

std::string mc_status_name(McStatus status) {
  switch (status) {
    case McStatus::Complete: return "complete";
    case McStatus::Interrupted: return "interrupted";
    case McStatus::TimeLimit: return "time-limit";
  }
  return "time-limit";
}

McStatus mc_stop_status(const McStop& stop, bool stopped) {
  if (!stopped) return McStatus::Complete;
  return stop.flag && stop.flag->load() ? McStatus::Interrupted : McStatus::TimeLimit;
}

McStatus mc_stop_status(const McStop& stop, std::uint64_t drawn, std::uint64_t planned) {
  return mc_stop_status(stop, drawn < planned);
}

}  // namespace rl
