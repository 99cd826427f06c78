// Splitting a box into sub-boxes: the distributed Lipschitz search's uniform
// partition (lib/distributed) and the box-hybrid engine's pieces (box_hybrid.hpp).
//
// Semantics: box_partition(box, n) returns at least n boxes (one if the box is
// a point) whose union is exactly the given box: each step halves, at its
// exact rational midpoint, the widest side of the widest box. Adjacent boxes
// share faces. Because every piece is convex and the pieces cover the convex
// box, the Lipschitz constant on the box is the maximum of the constants on
// the pieces (a segment between two points crosses the pieces in order, and
// the triangle inequality adds up the pieces' bounds).
#pragma once
#include <string>
#include <vector>

#include "arith/rational.hpp"

namespace rl {

struct RationalBox {
  std::vector<Rational> lo, hi;
};

// Parses LO:HI[,LO:HI...]; a single pair applies to every one of `dim` inputs.
RationalBox box_parse(const std::string& text, std::size_t dim, const std::string& where = "--box");

std::vector<RationalBox> box_partition(const RationalBox& box, std::size_t pieces);

// The same pieces with the splits that make them: `tree` lists, in preorder,
// for each node the axis whose side it halves at the exact midpoint (lower
// half first) or -1 for a leaf; `pieces` are the leaves in that order. The
// checker walks the tree to prove that the pieces cover the box.
struct BoxPartition {
  std::vector<RationalBox> pieces;
  std::vector<long> tree;
};
BoxPartition box_partition_tree(const RationalBox& box, std::size_t pieces);

}  // namespace rl
