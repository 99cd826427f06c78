#include "robustness/certify.hpp"

#include <chrono>

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "lipschitz/problem.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "net/eval.hpp"
#include "robustness/ball.hpp"
#include "robustness/margin.hpp"

namespace rl {

std::size_t robustness_label(const Network& net, const std::vector<Rational>& x) {
  std::vector<Rational> y = net_eval_exact(net, x);
  std::size_t best = 0;
  for (std::size_t j = 1; j < y.size(); ++j) if (y[j] > y[best]) best = j;
  for (std::size_t j = 0; j < y.size(); ++j)
    if (j != best && y[j] == y[best])
      throw InputError("--input", "outputs " + std::to_string(best) + " and " + std::to_string(j) + " tie exactly at x (both " +
                                      rational_to_string(y[best]) + "): there is no class to certify; pass --label");
  return best;
}

Counterexample robustness_counterexample(const Network& net, const Ball& ball, const std::vector<Rational>& point) {
  Counterexample c;
  c.point = point;
  c.output = net_eval_exact(net, point);
  Rational top = c.output[0];
  for (const Rational& v : c.output) if (v > top) top = v;
  for (std::size_t j = 0; j < c.output.size(); ++j) if (c.output[j] == top) c.argmax.push_back(j);
  c.distance = ball_distance(ball.norm, ball.center, point);
  return c;
}

// The radius the product-of-layer-norms Lipschitz constants give (the
// classical global bound): min_j m_j / L_j, 0 when some margin is <= 0.
Rational robustness_product_radius(const MarginProblem& margin) {
  Rational best = -1;
  for (std::size_t k = 0; k < margin.others.size(); ++k) {
    if (margin.margins[k] <= 0) return 0;
    LipschitzOptions o;
    o.norm = margin.norm;
    o.domain.global = true;
    Rational l = lipschitz_upper_product(lipschitz_problem(margin.differences[k], o));
    if (l > 0 && (best < 0 || margin.margins[k] / l < best)) best = margin.margins[k] / l;
  }
  return best < 0 ? Rational(0) : best;
}

CertifyResult robustness_certify(const Network& net, const RobustnessQuery& query, const CertifyOptions& options) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const Ball& ball = query.ball;
  if (ball.center.size() != net.input_dim)
    throw InputError("--input", "has " + std::to_string(ball.center.size()) + " coordinates, the network expects " + std::to_string(net.input_dim));
  if (ball.radius < 0) throw InputError("--radius", "must be >= 0");
  // The bounds run in doubles over the ball's box.
  if (!rational_in_double_range(ball.radius)) throw InputError("--radius", "lies outside the double range (magnitude above 1.8e308)");
  for (std::size_t i = 0; i < ball.center.size(); ++i)
    if (!rational_in_double_range(ball.center[i] - ball.radius) || !rational_in_double_range(ball.center[i] + ball.radius))
      throw InputError("--input", "the ball reaches outside the double range (magnitude above 1.8e308) in coordinate " + std::to_string(i));
  if (net.output_dim() < 2) throw InputError(net.source, "a classifier needs at least 2 outputs");
  CertifyResult r;
  r.label = query.label ? *query.label : robustness_label(net, ball.center);
  if (r.label >= net.output_dim())
    throw InputError("--label", "class " + std::to_string(r.label) + " does not exist (the network has " + std::to_string(net.output_dim()) +
                                    " outputs, numbered from 0)");
  MarginProblem margin = margin_problem(net, ball.center, r.label, ball.norm);
  r.margin_radius = margin_certified_radius(margin, options.stop);
  r.radius_lower = r.margin_radius;
  r.product_radius = robustness_product_radius(margin);
  SafetyProperty property = property_from_robustness(ball, r.label, net.output_dim());
  if (margin_proves(margin, ball.radius)) {
    r.verdict = PropertyVerdict::Verified;
    r.method = "lipschitz-margin";
    r.tree = Json::array({"M"});
    r.nodes = r.leaves = 1;
  } else {
    BranchOptions bo;
    bo.time_limit_seconds = options.time_limit_seconds - elapsed();
    bo.stop = options.stop;
    bo.seed = options.seed;
    bo.symbolic = options.symbolic;
    bo.max_memory_bytes = options.max_memory_bytes;
    bo.progress = options.progress;
    BranchResult b = branch_and_bound(net, property, bo);
    r.verdict = b.status;
    r.reason = b.reason;
    r.nodes = b.nodes;
    r.leaves = b.leaves;
    r.method = b.status == PropertyVerdict::Refuted ? "counterexample (" + b.counterexample_source + ", checked exactly)"
                                     : (b.nodes == 1 ? "interval bound propagation" : "branch and bound");
    if (b.status == PropertyVerdict::Verified) r.tree = std::move(b.tree);
    if (b.counterexample) r.counterexample = robustness_counterexample(net, ball, *b.counterexample);
  }
  if (r.verdict == PropertyVerdict::Verified && ball.radius > r.radius_lower) r.radius_lower = ball.radius;
  r.seconds = elapsed();
  return r;
}

}  // namespace rl
