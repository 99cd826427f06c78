#include "prob/tail_staircase.hpp"

#include <algorithm>
#include <map>
#include <queue>

namespace rl {
namespace {

// Caches evaluations so that bisection reuses the cell ends, and answers
// whether a new one may start (the stop is polled before each but the first).
class PointCache {
 public:
  PointCache(const TailFunction& tail, const TailFunction& bound, const StaircaseStop& stop)
      : tail_(tail), bound_(bound), stop_(stop) {}
  const TailPoint& at(const Rational& t) {
    auto it = cache_.find(t);
    if (it == cache_.end()) it = cache_.emplace(t, TailPoint{t, tail_(t), bound_ ? bound_(t) : Interval()}).first;
    return it->second;
  }
  bool may_evaluate(const Rational& t) {
    if (cache_.count(t)) return true;
    if (!stopped_ && !cache_.empty() && stop_ && stop_()) stopped_ = true;
    return !stopped_;
  }
  bool stopped() const { return stopped_; }
  std::vector<TailPoint> all() const {
    std::vector<TailPoint> v;
    for (const auto& [t, p] : cache_) v.push_back(p);
    return v;
  }

 private:
  const TailFunction& tail_;
  const TailFunction& bound_;
  const StaircaseStop& stop_;
  std::map<Rational, TailPoint> cache_;
  bool stopped_ = false;
};

bool violates(const TailPoint& p) { return p.tail.lower() > p.bound.upper(); }

// Untrusted ranking only: how close a point comes to violating.
double closeness(const TailPoint& p) {
  double b = rational_to_double(p.bound.lower());
  return b > 0 ? rational_to_double(p.tail.upper()) / b : 0.0;
}

// Proves the cell [a, b], bisecting; returns false on a violation. A cell
// the stop leaves unsettled counts as failed.
bool prove_cell(PointCache& cache, const Rational& a, const Rational& b, int depth, StaircaseResult& out) {
  if (!cache.may_evaluate(a) || !cache.may_evaluate(b)) { ++out.failed_cells; return true; }
  const TailPoint& pa = cache.at(a);
  const TailPoint& pb = cache.at(b);
  if (violates(pa) || violates(pb)) return false;
  if (pa.tail.upper() <= pb.bound.lower()) { ++out.cells; return true; }
  if (depth == 0) { ++out.failed_cells; return true; }
  Rational mid = (a + b) / 2;
  return prove_cell(cache, a, mid, depth - 1, out) && prove_cell(cache, mid, b, depth - 1, out);
}

}  // namespace

StaircaseResult tail_staircase_check(const TailFunction& tail, const TailFunction& bound, std::vector<Rational> grid,
                                     int max_depth, const StaircaseStop& stop) {
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  StaircaseResult out;
  PointCache cache(tail, bound, stop);
  bool violated = false;
  for (const Rational& t : grid) violated = violated || (cache.may_evaluate(t) && violates(cache.at(t)));
  for (std::size_t i = 0; !violated && i + 1 < grid.size(); ++i)
    violated = !prove_cell(cache, grid[i], grid[i + 1], max_depth, out);
  out.points = cache.all();
  for (const TailPoint& p : out.points) {
    if (violates(p) && (!out.witness || !violates(*out.witness) ||
                        p.tail.lower() - p.bound.upper() > out.witness->tail.lower() - out.witness->bound.upper()))
      out.witness = p;
    // The tightest point with t > 0 (at t = 0 the tail is 1 and the bound 2).
    if (!violated && p.t > 0 && (!out.witness || closeness(p) > closeness(*out.witness))) out.witness = p;
  }
  out.stopped = cache.stopped();
  out.verdict = violated ? Verdict::Violated : (out.failed_cells == 0 ? Verdict::Holds : Verdict::Inconclusive);
  return out;
}

SupResult tail_staircase_sup(const TailFunction& tail, const CriticalFunction& crit, std::vector<Rational> grid,
                             const Rational& rel_tol, std::size_t budget, const StaircaseStop& stop) {
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  TailFunction no_bound;
  PointCache cache(tail, no_bound, stop);
  SupResult out;
  out.lower = 0;
  auto visit = [&](const Rational& t) {
    const TailPoint& p = cache.at(t);
    Rational v = crit(t, p.tail).lower();
    if (v > out.lower) { out.lower = v; out.argmax = t; }
  };
  // Cell upper bound: crit(t_{i+1}, upper P(t_i)).
  auto cell_upper = [&](const Rational& a, const Rational& b) {
    const TailPoint& pa = cache.at(a);
    return crit(b, Interval(pa.tail.upper(), pa.tail.precision())).upper();
  };
  // Best first: always split the cell with the largest upper bound.
  struct Cell {
    Rational upper, a, b;
    bool operator<(const Cell& o) const { return upper < o.upper; }
  };
  std::priority_queue<Cell> cells;
  // The grid in increasing order; after a stop, one cell from the last point
  // visited to t_N keeps the cover whole.
  std::size_t visited = 0;
  while (visited < grid.size() && cache.may_evaluate(grid[visited])) visit(grid[visited++]);
  for (std::size_t i = 0; i + 1 < visited; ++i) cells.push({cell_upper(grid[i], grid[i + 1]), grid[i], grid[i + 1]});
  if (visited < grid.size()) cells.push({cell_upper(grid[visited - 1], grid.back()), grid[visited - 1], grid.back()});
  std::size_t evaluations = visited;
  while (!cells.empty() && cells.top().upper > out.lower * (1 + rel_tol) && evaluations < budget) {
    Cell c = cells.top();
    Rational mid = (c.a + c.b) / 2;
    if (!cache.may_evaluate(mid)) break;
    cells.pop();
    visit(mid);
    ++evaluations;
    cells.push({cell_upper(c.a, mid), c.a, mid});
    cells.push({cell_upper(mid, c.b), mid, c.b});
  }
  out.upper = cells.empty() ? out.lower : std::max(cells.top().upper, out.lower);
  out.evaluations = evaluations;
  out.stopped = cache.stopped();
  return out;
}

}  // namespace rl
