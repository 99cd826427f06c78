// A labelled dataset read exactly from CSV: one row per sample, feature
// columns and one label column, every entry a decimal or a/b read exactly.
//
// Semantics: a first row that does not parse as numbers is a header (then
// columns can be named). Blank lines and lines starting with '#' are skipped.
// Errors name file:line:column.
#pragma once
#include <string>
#include <vector>

#include "arith/rational.hpp"

namespace rl {

struct Dataset {
  std::string source;
  std::vector<std::vector<Rational>> x;  // n rows of d features
  std::vector<Rational> y;               // n labels
  std::size_t n() const { return y.size(); }
  std::size_t d() const { return x.empty() ? 0 : x.front().size(); }
};

// label_column: a header name, a 0-based index, or "" for the last column.
Dataset dataset_read_csv(const std::string& path, const std::string& label_column = "");

// A 2-D NumPy .npy array (little-endian float64 '<f8' or float32 '<f4',
// C order), one row per sample; each entry becomes its exact dyadic value.
// label_column: a 0-based index or "" for the last column.
Dataset dataset_read_npy(const std::string& path, const std::string& label_column = "");

// By extension: .npy, otherwise CSV.
Dataset dataset_read(const std::string& path, const std::string& label_column = "");

}  // namespace rl
