#include "lipschitz/box_pieces.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "arith/error.hpp"
#include "lipschitz/certificate_canonical.hpp"
#include "lipschitz/problem.hpp"
#include "net/eval.hpp"

namespace rl {

Rational piece_clarke_upper(const Network& net, Norm norm, const RationalBox& box) {
  IntervalMatrix j = net_jacobian_enclosure(net, net_ibp(net, dbox_from_rationals(box.lo, box.hi)));
  double bound = 0;
  if (norm == Norm::L2) {
    for (const DInterval& e : j.entries) bound = add_up(bound, mul_up(e.mag(), e.mag()));
    bound = sqrt_up(bound);
  } else if (norm == Norm::Linf) {
    for (std::size_t r = 0; r < j.rows; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < j.cols; ++c) s = add_up(s, j.at(r, c).mag());
      bound = std::fmax(bound, s);
    }
  } else {
    for (std::size_t c = 0; c < j.cols; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < j.rows; ++r) s = add_up(s, j.at(r, c).mag());
      bound = std::fmax(bound, s);
    }
  }
  if (!std::isfinite(bound)) throw InputError(net.source, "the Clarke-interval bound overflows on this box");
  return rational_from_double(bound);
}

LipschitzResult lipschitz_combine(const std::vector<PieceOutcome>& pieces, const Rational& rel_gap) {
  LipschitzResult r;
  r.lower = 0;
  r.upper = 0;
  std::optional<SearchStatus> other_status;
  bool out_of_time = false, first = true;
  for (const PieceOutcome& p : pieces) {
    if (first || p.lower > r.lower) {
      r.lower = p.lower;
      r.lower_method = p.lower_method;
    }
    if (first || p.upper > r.upper) {
      r.upper = p.upper;
      r.upper_method = p.upper_method;
    }
    first = false;
    r.nodes += p.nodes;
    if (p.run == PieceRun::NotRun || (p.run == PieceRun::Searched && p.status == SearchStatus::TimeLimit)) out_of_time = true;
    else if (p.run == PieceRun::Searched && p.status != SearchStatus::Converged && !other_status) other_status = p.status;
  }
  if (r.upper <= r.lower * (1 + rel_gap)) r.status = SearchStatus::Converged;
  else if (out_of_time) r.status = SearchStatus::TimeLimit;
  else r.status = other_status.value_or(SearchStatus::NotConverged);
  return r;
}

bool piece_clarke_certificate(const Network& net, const LipschitzOptions& options, PieceOutcome& p) {
  LipschitzOptions piece = options;
  piece.domain.global = false;
  piece.domain.lo = p.box.lo;
  piece.domain.hi = p.box.hi;
  LipschitzResult r;
  r.lower = 0;
  r.upper = p.upper;
  r.certificate = Json{{"method", "box-partition"}, {"bounds", "interval"}, {"norm", norm_name(options.norm)},
                       {"lower", "0"}, {"upper", rational_to_string(p.upper)}, {"tree", Json::array({-1})}};
  if (lipschitz_certificate_canonicalize(lipschitz_problem(net, piece), r) != Canonical::Done) return false;
  p.upper = r.upper;
  p.certificate = r.certificate;
  return true;
}

Json lipschitz_pieces_certificate(const std::vector<long>& tree, const std::vector<PieceOutcome>& pieces) {
  Json flat_tree = Json::array(), list = Json::array();
  Rational lower = 0, upper = 0;
  std::size_t k = 0;
  for (long entry : tree) {
    if (entry >= 0) {
      flat_tree.push_back(entry);
      continue;
    }
    if (k >= pieces.size() || pieces[k].certificate.is_null()) return nullptr;
    const Json& c = pieces[k++].certificate;
    // A piece searched by box-hybrid is itself a union over its own split
    // tree: that tree takes the leaf's place, its pieces the piece's.
    const bool nested = !c.contains("method") && c.contains("tree") && c.contains("pieces");
    if (nested) {
      for (const Json& e : c["tree"]) flat_tree.push_back(e);
      for (const Json& q : c["pieces"]) list.push_back(q);
    } else {
      flat_tree.push_back(-1);
      list.push_back(c);
    }
    // The values the checker reads: the pieces' own certificates.
    lower = std::max(lower, rational_from_json(c.at("lower"), "piece certificate lower"));
    upper = std::max(upper, rational_from_json(c.at("upper"), "piece certificate upper"));
  }
  return Json{{"lower", rational_to_string(lower)}, {"upper", rational_to_string(upper)}, {"tree", flat_tree}, {"pieces", list}};
}

}  // namespace rl
