#include "distributed/lipschitz_pieces.hpp"

#include <algorithm>
#include <cmath>

#include "arith/error.hpp"
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
  std::string other_status;
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
    if (p.status == "time-limit" || p.status == "not-run") out_of_time = true;
    else if (p.status != "converged" && p.status != "pruned" && other_status.empty()) other_status = p.status;
  }
  if (r.upper <= r.lower * (1 + rel_gap)) r.status = "converged";
  else if (out_of_time) r.status = "time-limit";
  else r.status = other_status.empty() ? "not-converged" : other_status;
  return r;
}

Json lipschitz_pieces_certificate(const RationalBox& domain, Norm norm, const std::vector<PieceOutcome>& pieces) {
  auto box_json = [](const RationalBox& b) {
    Json lo = Json::array(), hi = Json::array();
    for (const Rational& q : b.lo) lo.push_back(rational_to_string(q));
    for (const Rational& q : b.hi) hi.push_back(rational_to_string(q));
    return Json{{"lo", lo}, {"hi", hi}};
  };
  Json list = Json::array();
  for (const PieceOutcome& p : pieces) {
    Json piece{{"box", box_json(p.box)}, {"lower", rational_to_string(p.lower)}, {"upper", rational_to_string(p.upper)},
               {"lower_method", p.lower_method}, {"upper_method", p.upper_method}, {"status", p.status}};
    if (!p.certificate.is_null()) piece["certificate"] = p.certificate;
    list.push_back(piece);
  }
  return Json{{"kind", "lipschitz-box-union"}, {"norm", norm_name(norm)}, {"domain", box_json(domain)},
              {"rule", "L on the box = max over the pieces, which cover it"}, {"pieces", list}};
}

}  // namespace rl
