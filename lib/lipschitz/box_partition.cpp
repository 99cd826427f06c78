#include "lipschitz/box_partition.hpp"

#include <algorithm>
#include <queue>

#include "arith/error.hpp"

namespace rl {
namespace {

Rational widest_side(const RationalBox& b, std::size_t& axis) {
  Rational best = -1;
  for (std::size_t i = 0; i < b.lo.size(); ++i)
    if (b.hi[i] - b.lo[i] > best) {
      best = b.hi[i] - b.lo[i];
      axis = i;
    }
  return best;
}

}  // namespace

RationalBox box_parse(const std::string& text, std::size_t dim, const std::string& where) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.size() == 1) parts.assign(dim, parts.front());
  if (parts.size() != dim)
    throw InputError(where, "expected 1 or " + std::to_string(dim) + " LO:HI pairs, got " + std::to_string(parts.size()));
  RationalBox box;
  for (const std::string& p : parts) {
    std::size_t colon = p.find(':');
    if (colon == std::string::npos) throw InputError(where, "'" + p + "' is not of the form LO:HI");
    box.lo.push_back(rational_parse(p.substr(0, colon), where));
    box.hi.push_back(rational_parse(p.substr(colon + 1), where));
    if (box.lo.back() > box.hi.back()) throw InputError(where, "'" + p + "' has LO > HI");
  }
  return box;
}

BoxPartition box_partition_tree(const RationalBox& box, std::size_t pieces) {
  // Max-heap on the widest side, so that the pieces stay about equally wide.
  // Node k is a box; a split node records its axis and its two children.
  struct Node {
    RationalBox box;
    long axis = -1;
    std::size_t left = 0, right = 0;
  };
  using Entry = std::pair<Rational, std::size_t>;
  std::vector<Node> nodes{Node{box}};
  std::priority_queue<Entry> queue;
  std::size_t axis = 0, leaves = 1;
  queue.push({widest_side(box, axis), 0});
  while (leaves < pieces && queue.top().first > 0) {
    const std::size_t index = queue.top().second;
    queue.pop();
    widest_side(nodes[index].box, axis);
    RationalBox low = nodes[index].box, high = nodes[index].box;
    const Rational mid = (low.lo[axis] + low.hi[axis]) / 2;
    low.hi[axis] = mid;
    high.lo[axis] = mid;
    nodes[index].axis = static_cast<long>(axis);
    nodes[index].left = nodes.size();
    nodes[index].right = nodes.size() + 1;
    nodes.push_back(Node{std::move(low)});
    nodes.push_back(Node{std::move(high)});
    ++leaves;
    queue.push({widest_side(nodes[nodes.size() - 2].box, axis), nodes.size() - 2});
    queue.push({widest_side(nodes.back().box, axis), nodes.size() - 1});
  }
  BoxPartition out;
  std::vector<std::size_t> stack{0};  // preorder: the lower half before the upper
  while (!stack.empty()) {
    const Node& n = nodes[stack.back()];
    stack.pop_back();
    out.tree.push_back(n.axis);
    if (n.axis < 0) {
      out.pieces.push_back(n.box);
      continue;
    }
    stack.push_back(n.right);
    stack.push_back(n.left);
  }
  return out;
}

std::vector<RationalBox> box_partition(const RationalBox& box, std::size_t pieces) {
  return box_partition_tree(box, pieces).pieces;
}

}  // namespace rl
