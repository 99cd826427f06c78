#include "robustness/ball.hpp"

#include <cmath>

#include "arith/dinterval.hpp"
#include "arith/interval.hpp"

namespace rl {

Rational ball_gauge(Norm norm, const std::vector<Rational>& d) {
  Rational g = 0;
  for (const Rational& v : d) {
    Rational a = rational_abs(v);
    if (norm == Norm::Linf) { if (a > g) g = a; }
    else if (norm == Norm::L1) g += a;
    else g += a * a;
  }
  return g;
}

Rational ball_gauge_radius(const Ball& ball) { return ball.norm == Norm::L2 ? ball.radius * ball.radius : ball.radius; }

namespace {
std::vector<Rational> difference(const std::vector<Rational>& y, const std::vector<Rational>& x) {
  std::vector<Rational> d(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) d[i] = y[i] - x[i];
  return d;
}
}  // namespace

bool ball_contains(const Ball& ball, const std::vector<Rational>& y) {
  return ball_gauge(ball.norm, difference(y, ball.center)) <= ball_gauge_radius(ball);
}

std::pair<Rational, Rational> ball_distance(Norm norm, const std::vector<Rational>& x, const std::vector<Rational>& y) {
  Rational g = ball_gauge(norm, difference(y, x));
  if (norm != Norm::L2) return {g, g};
  Interval s = interval_sqrt(Interval(g, 256));
  return {s.lower(), s.upper()};
}

bool ball_box_disjoint(const Ball& ball, const std::vector<Rational>& lo, const std::vector<Rational>& hi) {
  // The box point nearest to the center is the coordinatewise clip.
  std::vector<Rational> gap(lo.size());
  for (std::size_t i = 0; i < lo.size(); ++i) {
    const Rational& c = ball.center[i];
    gap[i] = c < lo[i] ? lo[i] - c : (c > hi[i] ? c - hi[i] : Rational(0));
  }
  return ball_gauge(ball.norm, gap) > ball_gauge_radius(ball);
}

std::vector<Rational> ball_pull_inside(const Ball& ball, const std::vector<Rational>& y) {
  std::vector<Rational> d = difference(y, ball.center);
  if (ball.norm == Norm::Linf) {
    std::vector<Rational> out(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
      Rational v = d[i] > ball.radius ? ball.radius : (d[i] < -ball.radius ? -ball.radius : d[i]);
      out[i] = ball.center[i] + v;
    }
    return out;
  }
  Rational g = ball_gauge(ball.norm, d);
  Rational r = ball_gauge_radius(ball);
  if (g <= r) return y;
  // Factor t with t*||d|| <= R: exact for l1; for l2 a rational t <= R/||d|| (t^2 g <= R^2).
  Rational t = r / g;
  if (ball.norm == Norm::L2) {
    t = interval_sqrt(Interval(r / g, 128)).lower();
    while (t * t * g > r) t = t * Rational(999999, 1000000);  // never taken: the MPFI lower root is below
  }
  std::vector<Rational> out(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = ball.center[i] + t * d[i];
  return out;
}

double ball_dual_norm_up(Norm norm, const std::vector<double>& magnitudes) {
  double s = 0;
  for (double m : magnitudes) {
    if (norm == Norm::L1) s = std::fmax(s, m);
    else if (norm == Norm::Linf) s = add_up(s, m);
    else s = add_up(s, mul_up(m, m));
  }
  return norm == Norm::L2 ? sqrt_up(s) : s;
}

}  // namespace rl
