#include "distributed/box_partition.hpp"

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

std::vector<RationalBox> box_partition(const RationalBox& box, std::size_t pieces) {
  // Max-heap on the widest side, so that the pieces stay about equally wide.
  using Entry = std::pair<Rational, std::size_t>;
  std::vector<RationalBox> boxes{box};
  std::priority_queue<Entry> queue;
  std::size_t axis = 0;
  queue.push({widest_side(box, axis), 0});
  while (boxes.size() < pieces && queue.top().first > 0) {
    std::size_t index = queue.top().second;
    queue.pop();
    widest_side(boxes[index], axis);
    RationalBox right = boxes[index];
    Rational mid = (boxes[index].lo[axis] + boxes[index].hi[axis]) / 2;
    boxes[index].hi[axis] = mid;
    right.lo[axis] = mid;
    boxes.push_back(std::move(right));
    queue.push({widest_side(boxes[index], axis), index});
    queue.push({widest_side(boxes.back(), axis), boxes.size() - 1});
  }
  return boxes;
}

}  // namespace rl
