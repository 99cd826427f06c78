#include "lipschitz/lipschitz.hpp"

#include <algorithm>
#include <cmath>

#include "arith/error.hpp"

namespace rl {

Norm norm_parse(const std::string& text) {
  if (text == "l1") return Norm::L1;
  if (text == "l2") return Norm::L2;
  if (text == "linf") return Norm::Linf;
  throw InputError("--norm", "'" + text + "' is not a norm (expected l1, l2 or linf)");
}

std::optional<SearchStatus> lipschitz_stop_reason(const LipschitzOptions& o, double seconds, std::uint64_t nodes,
                                                  std::size_t memory_bytes) {
  if (o.stop && o.stop->load()) return SearchStatus::Interrupted;
  if (seconds >= o.time_limit_seconds) return SearchStatus::TimeLimit;
  if (o.node_limit && nodes >= o.node_limit) return SearchStatus::NodeLimit;
  if (o.max_memory_bytes && memory_bytes > o.max_memory_bytes) return SearchStatus::MemoryLimit;
  return std::nullopt;
}

double lipschitz_certificate_kept(const LipschitzOptions& o, double upper, double reserve) {
  // No bound in hand (+inf) keeps the reserve even when the search's own bound overflowed.
  return std::isinf(o.certificate_needed_below) || upper < o.certificate_needed_below ? reserve : 0.0;
}

void lipschitz_result_settle(LipschitzResult& res, const LipschitzOptions& o, SearchStatus status, double upper_d,
                             const Rational& upper, const Rational& lower, std::string upper_method, bool has_witness) {
  res.upper = upper;
  res.lower = lower;
  res.status = status;
  if (status == SearchStatus::Converged && upper > std::max(lower, o.prune_lower) * (1 + o.rel_gap))
    res.status = SearchStatus::NotConverged;
  res.upper_method = std::move(upper_method);
  if (!std::isfinite(upper_d)) {
    res.status = SearchStatus::UnboundedInDouble;
    res.upper_method = "product of the layers' magnitude norms (exact rationals): the double bounds overflow";
  }
  res.lower_method = has_witness ? "witness point: interval-certified Jacobian norm at a point interior to a linear region"
                                 : "trivial (0)";
}

std::string search_status_name(SearchStatus status) {
  switch (status) {
    case SearchStatus::Converged: return "converged";
    case SearchStatus::NotConverged: return "not-converged";
    case SearchStatus::TimeLimit: return "time-limit";
    case SearchStatus::NodeLimit: return "node-limit";
    case SearchStatus::MemoryLimit: return "memory-limit";
    case SearchStatus::Interrupted: return "interrupted";
    case SearchStatus::UnboundedInDouble: return "unbounded-in-double";
  }
  return "not-converged";
}

SearchStatus search_status_parse(const std::string& text, const std::string& where) {
  for (SearchStatus s : {SearchStatus::Converged, SearchStatus::NotConverged, SearchStatus::TimeLimit, SearchStatus::NodeLimit,
                         SearchStatus::MemoryLimit, SearchStatus::Interrupted, SearchStatus::UnboundedInDouble})
    if (search_status_name(s) == text) return s;
  throw InputError(where, "'" + text + "' is not a search status");
}

std::string norm_name(Norm n) {
  switch (n) {
    case Norm::L1: return "l1";
    case Norm::L2: return "l2";
    case Norm::Linf: return "linf";
  }
  return "?";
}

std::string certificate_kind_name(CertificateKind kind) {
  return kind == CertificateKind::BoxUnion ? "lipschitz-box-union" : "lipschitz";
}

}  // namespace rl
