// Strict linear systems over R^d: rows t with a_t . x + c_t > 0 (the sign of
// a neuron's state already applied). The activation-region searches ask
// whether the open region of a (partial) activation pattern is empty.
//
// Semantics:
// - strict_system_point: untrusted (GLPK, doubles): a point with the largest
//   normalized slack (capped at 1), or nothing when the LP finds none > 0.
// - strict_system_refutation: a Motzkin certificate verified exactly: y >= 0,
//   sum_t y_t = 1, sum_t y_t a_t = 0 and sum_t y_t c_t <= 0 for the exact rows.
//   Then no x satisfies every row strictly: sum_t y_t (a_t . x + c_t) would be
//   > 0 and <= 0 at once. The support comes from an untrusted LP; the values
//   are the exact solution on that support, kept only if they pass the test
//   (with box rows, see below, sum_t y_t = 1 is not kept).
//   A row with a = 0 and c <= 0 alone is such a certificate.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "arith/rational.hpp"

namespace rl {

struct StrictRow {
  std::vector<double> a;  // d coefficients
  double c = 0;
};

struct ExactRow {
  std::vector<Rational> a;
  Rational c;
};

std::optional<std::vector<double>> strict_system_point(const std::vector<StrictRow>& rows, std::size_t d);

// strict_system_point's LP, keeping what a refutation needs when it finds no
// point: the LP's multipliers per row (empty when the LP failed), to hand to
// strict_system_refutation instead of a second solve.
struct StrictSlack {
  std::optional<std::vector<double>> point;
  std::vector<double> multipliers;
};
StrictSlack strict_system_slack(const std::vector<StrictRow>& rows, std::size_t d);

// exact_row(t) returns row t exactly (called for the LP's support only).
// box_rows_from: when given, rows box_rows_from + 2c and box_rows_from + 2c + 1
// are the box rows x_c - lo_c > 0 and hi_c - x_c > 0 (c < d, the last 2d
// rows). The certificate is then first sought without an exact solve: the
// LP's multipliers on the other rows (doubles, so exact rationals), and on
// the box rows the least ones that cancel the x part, which makes the
// constant part the maximum over the box of the combination; it must be <= 0
// (then y satisfies the conditions above up to normalization, which no
// consumer needs). Otherwise, and without box rows, the exact solve.
// multipliers: strict_system_slack's, when it found no point (its LP is then
// this one's); without them the LP is solved here.
std::optional<std::vector<Rational>> strict_system_refutation(const std::vector<StrictRow>& rows, std::size_t d,
                                                              const std::function<ExactRow(std::size_t)>& exact_row,
                                                              std::optional<std::size_t> box_rows_from = std::nullopt,
                                                              const std::vector<double>* multipliers = nullptr);

// Any solution of the exact linear system a y = b (free unknowns set to 0), or nothing.
std::optional<std::vector<Rational>> rational_solve(std::vector<std::vector<Rational>> a, std::vector<Rational> b);

}  // namespace rl
