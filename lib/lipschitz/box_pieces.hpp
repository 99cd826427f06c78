// Combining Lipschitz bounds computed on the pieces of a box partition.
//
// Semantics: if the pieces cover the domain box (box_partition) and each
// piece's pair satisfies lower_i <= L_i <= upper_i, then
//   max_i lower_i <= L = max_i L_i <= max_i upper_i,
// so lipschitz_combine returns a sound pair for the whole box. A piece that
// was not searched carries its Clarke-interval upper bound (piece_clarke_upper)
// and lower 0, which keeps the combination sound; with a certificate, that
// bound is itself certified (piece_clarke_certificate).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/json_exact.hpp"
#include "lipschitz/box_partition.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/network.hpp"

namespace rl {

// Whether a piece was searched, or carries its Clarke bound only.
enum class PieceRun { Searched, Pruned, NotRun };

struct PieceOutcome {
  RationalBox box;
  Rational lower = 0, upper = 0;
  std::string lower_method, upper_method;
  PieceRun run = PieceRun::Searched;
  SearchStatus status = SearchStatus::NotConverged;  // the search's, when run == Searched
  std::uint64_t nodes = 0;
  double seconds = 0;
  Json certificate;
  std::string certificate_error;   // why there is none, from its search (LipschitzResult)
  double certificate_seconds = 0;  // its search's estimate for its certificate (LipschitzResult)
};

// A rigorous upper bound on the Lipschitz constant over the box in the given
// norm: the norm of the interval enclosure of the Clarke Jacobian (Frobenius
// norm of the magnitudes for l2, row sums for linf, column sums for l1).
Rational piece_clarke_upper(const Network& net, Norm norm, const RationalBox& box);

// The pair for the union; status "converged" when upper/lower - 1 <= rel_gap,
// else "time-limit" if any piece ran out of time or was not run, else the
// first piece's non-converged status. Nodes add up; seconds is left to the caller.
LipschitzResult lipschitz_combine(const std::vector<PieceOutcome>& pieces, const Rational& rel_gap);

// For a piece that was not searched (pruned, or not run in time): a
// one-leaf "box-partition" certificate of the lipschitz kind whose upper is
// the canonical grid value for the checker's exact leaf test, at most
// `clarke_upper` (piece_clarke_upper bounds the same enclosure outward).
// Sets p.certificate and p.upper; false (p unchanged) when the exact test
// does not confirm it.
bool piece_clarke_certificate(const Network& net, const LipschitzOptions& options, PieceOutcome& p);

// The certificate of kind "lipschitz-box-union" (lib/cert/cert_lipschitz_union.cpp):
// {lower, upper, tree, pieces} with `tree` the split tree of the partition
// (box_partition_tree) and `pieces` each leaf's lipschitz certificate, in
// preorder; lower and upper are the largest over the pieces. Null when some
// piece has no certificate. A piece whose certificate is itself such a union
// (box-hybrid's) is spliced in: its tree replaces the piece's leaf and its
// pieces the piece (its tree is rooted at the piece's box).
Json lipschitz_pieces_certificate(const std::vector<long>& tree, const std::vector<PieceOutcome>& pieces);

}  // namespace rl
