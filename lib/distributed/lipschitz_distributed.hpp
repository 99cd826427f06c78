// The Lipschitz search shared across MPI ranks: a master/worker queue.
//
// Semantics: lipschitz_distributed returns, on rank 0, a pair
// lower <= L <= upper for the whole domain box. Rank 0 splits the box into
// pieces (box_partition), skips a piece whose Clarke-interval upper bound is
// already at most the best certified lower bound (it cannot raise the max),
// and hands the other pieces out one at a time, largest Clarke bound first, to
// whichever worker asks; each worker runs lipschitz_bound on its piece with
// the remaining time and the best certified lower bound found so far. That
// lower bound prunes the worker's search (LipschitzOptions::prune_lower): a
// node whose bound is at most best_lower (1 + rel_gap) is not split. A
// piece's upper is still the largest bound over its leaves, which cover the
// piece, so it stays sound whatever lower bound it was sent; the lower bound
// itself is certified by the witness of the piece that found it, recorded in
// that piece's outcome and certificate (the gathered certificate holds it).
// The master combines the pieces (lipschitz_combine): the result is as sound
// as each piece's. Pieces left when time runs out count with their Clarke
// bound. With a single rank the master runs the pieces
// itself. A global domain is one piece (it is not split), and it always runs.
// With want_certificate, the pieces that were not searched get a canonical
// one-leaf certificate of their Clarke bound (which is then their upper), and
// result.certificate is the "lipschitz-box-union" certificate (split tree and
// one certificate per piece; lipschitz_pieces_certificate), or for a global
// domain the one piece's "lipschitz" certificate; null with certificate_error
// when some piece has none.
// A global domain's one piece is run as lipschitz_bound runs it, LipSDP step
// included. On a box, when options ask for LipSDP (lipschitz_lipsdp_finish), the pieces' time
// leaves it its reserve and the master runs it last, over the whole domain:
// a verified LipSDP-Neuron bound below the union's upper replaces it (and,
// with want_certificate, its "lipsdp" certificate replaces the union's).
// Every rank must call it with the same network and options.
#pragma once
#include <cstddef>

#include "io/json_exact.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/network.hpp"

namespace rl {

// MPI_Init on construction, MPI_Finalize on destruction. Throws InputError
// when robustlaw was built without MPI.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

bool distributed_mpi_available();

struct DistributedOptions {
  std::size_t pieces = 0;  // 0: 8 per worker (at least 8)
};

struct DistributedResult {
  bool is_master = false;  // only the master's result is filled
  LipschitzResult result;
  int ranks = 1;
  std::size_t pieces = 0, pruned = 0, not_run = 0;
};

DistributedResult lipschitz_distributed(const MpiSession& session, const Network& net, const LipschitzOptions& options,
                                        const DistributedOptions& distributed);

}  // namespace rl
