// The trusted checker for claims of kind "lipschitz-box-union" (what
// `robustlaw lipschitz-mpi --box ... --certificate` writes).
//
// Semantics: "holds" when the certificate proves lower <= L <= upper for the
// network, norm, box and output selection in the parameters (those of a
// "lipschitz" claim; the domain must be a box), "rejected" otherwise.
//
// What is checked:
// - Cover: certificate.tree lists in preorder, for each node of a split tree
//   rooted at the box, the input coordinate whose side it halves at the exact
//   midpoint (lower half first), or -1 for a leaf. Walking it yields boxes
//   whose union is the box, one per entry of certificate.pieces (in preorder).
// - Each piece: pieces[k] is a certificate of kind "lipschitz" for the same
//   parameters with the domain replaced by leaf k's box, and the lipschitz
//   verifier (cert_lipschitz.hpp) must say "holds". A piece that the search
//   pruned or did not run carries such a certificate too (a one-leaf
//   partition of its Clarke bound), so every piece's bound is proven.
// - The claim: lower and upper are exactly the largest lower and the largest
//   upper over the pieces (so each piece's upper is <= the claimed upper).
// Why the union proves it: the pieces are convex and cover the convex box, so
// a segment between two points of the box crosses them in order, and the
// triangle inequality gives |f(x) - f(y)| <= max_k L_k ||x - y||:
// L = max_k L_k, with lower_k <= L_k <= upper_k.
// Members other than {lower, upper, tree, pieces} are refused (certificates
// are canonical, proofs/schema.md).
#include <set>

#include "arith/error.hpp"
#include "cert/cert_lipschitz.hpp"
#include "cert/claim.hpp"

namespace rl {
namespace {

// A split tree deeper than this is refused (the recursion stays shallow; a
// balanced tree of 2^64 pieces is 64 deep).
constexpr std::size_t kMaxDepth = 256;

struct Box {
  std::vector<Rational> lo, hi;
};

Box domain_box(const Json& params, const std::string& where) {
  const Json* box = params.contains("domain") && params["domain"].is_object() && params["domain"].size() == 1 &&
                            params["domain"].contains("box")
                        ? &params["domain"]["box"] : nullptr;
  if (!box || !box->is_array()) throw InputError(where, "parameters.domain must be {\"box\": [[lo, hi], ...]} for a union of pieces");
  Box b;
  for (const Json& pair : *box) {
    if (!pair.is_array() || pair.size() != 2) throw InputError(where, "parameters.domain.box: each interval is a pair [lo, hi]");
    b.lo.push_back(rational_from_json(pair[0], where + ": parameters.domain.box"));
    b.hi.push_back(rational_from_json(pair[1], where + ": parameters.domain.box"));
    if (b.lo.back() > b.hi.back()) throw InputError(where, "parameters.domain.box: an interval with lo > hi");
  }
  return b;
}

// The leaves of the split tree, in preorder.
struct CoverWalk {
  const Json& tree;
  std::size_t pos = 0;
  std::vector<Box> leaves;

  void walk(Box& box, std::size_t depth) {
    if (depth > kMaxDepth) throw CertificateInvalid("the piece tree is deeper than " + std::to_string(kMaxDepth));
    if (pos >= tree.size()) throw CertificateInvalid("the piece tree ends before its last leaf");
    const Json& entry = tree[pos++];
    if (!entry.is_number_integer()) throw CertificateInvalid("a piece tree entry is not an integer");
    const long long axis = entry.get<long long>();
    if (axis == -1) {
      leaves.push_back(box);
      return;
    }
    if (axis < 0 || static_cast<std::size_t>(axis) >= box.lo.size())
      throw CertificateInvalid("a piece tree entry is neither -1 nor an input coordinate");
    const std::size_t c = static_cast<std::size_t>(axis);
    const Rational lo = box.lo[c], hi = box.hi[c], mid = (lo + hi) / 2;
    box.hi[c] = mid;
    walk(box, depth + 1);
    box.hi[c] = hi;
    box.lo[c] = mid;
    walk(box, depth + 1);
    box.lo[c] = lo;
  }
};

Json box_json(const Box& b) {
  Json box = Json::array();
  for (std::size_t i = 0; i < b.lo.size(); ++i) box.push_back({rational_to_string(b.lo[i]), rational_to_string(b.hi[i])});
  return Json{{"box", box}};
}

ClaimOutcome verify_union(const Json& claim, const ClaimContext& context) {
  const std::string where = context.claim_path.empty() ? "claim" : context.claim_path;
  if (!claim.contains("parameters") || !claim["parameters"].is_object()) throw InputError(where, "missing \"parameters\"");
  const Json& params = claim["parameters"];
  Box box = domain_box(params, where);
  const Json& cert = claim.contains("certificate") ? claim["certificate"] : Json::object();
  const std::set<std::string> allowed{"lower", "upper", "tree", "pieces"};
  if (!cert.is_object()) throw CertificateInvalid("the certificate must be an object {lower, upper, tree, pieces}");
  for (const auto& [key, value] : cert.items())
    if (!allowed.count(key)) throw CertificateInvalid("unexpected member '" + key + "' in the certificate");
  const Rational lower = certificate_rational(cert, "lower"), upper = certificate_rational(cert, "upper");
  const Json& tree = certificate_member(cert, "tree");
  const Json& pieces = certificate_member(cert, "pieces");
  if (!tree.is_array() || !pieces.is_array()) throw CertificateInvalid("'tree' and 'pieces' must be arrays");
  CoverWalk cover{tree, 0, {}};
  cover.walk(box, 0);
  if (cover.pos != tree.size()) throw CertificateInvalid("the piece tree has entries after its last leaf");
  if (cover.leaves.size() != pieces.size())
    throw CertificateInvalid("the piece tree has " + std::to_string(cover.leaves.size()) + " leaves for " +
                             std::to_string(pieces.size()) + " piece certificates: the pieces do not match the cover");
  Rational most_lower = 0, most_upper = 0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    Json piece{{"parameters", params}, {"certificate", pieces[k]}};
    piece["parameters"]["domain"] = box_json(cover.leaves[k]);
    const ClaimOutcome outcome = cert_lipschitz_verify(piece, context);
    if (outcome.verdict != ClaimVerdict::Holds) throw CertificateInvalid("piece " + std::to_string(k) + ": " + outcome.detail);
    const Rational piece_upper = certificate_rational(pieces[k], "upper");
    if (piece_upper > upper)
      throw CertificateInvalid("piece " + std::to_string(k) + " is proved only up to " + rational_to_string(piece_upper) +
                               ", above the claimed upper");
    most_lower = std::max(most_lower, certificate_rational(pieces[k], "lower"));
    most_upper = std::max(most_upper, piece_upper);
  }
  if (upper != most_upper)
    throw CertificateInvalid("the claimed upper is not the largest upper over the pieces, " + rational_to_string(most_upper));
  if (lower != most_lower)
    throw CertificateInvalid("the claimed lower is not the largest lower over the pieces, " + rational_to_string(most_lower));
  return {ClaimVerdict::Holds, "exact check of " + std::to_string(pieces.size()) + " pieces covering the box: " +
                                   rational_to_string(lower) + " <= L <= " + rational_to_string(upper)};
}

const ClaimKindRegistrar reg("lipschitz-box-union", verify_union);

}  // namespace
}  // namespace rl
