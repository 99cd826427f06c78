#include "theorem/dataset.hpp"

#include <sstream>

#include "arith/error.hpp"
#include "io/json_exact.hpp"

namespace rl {
namespace {

std::vector<std::string> csv_split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

bool row_is_numeric(const std::vector<std::string>& cells) {
  try {
    for (const std::string& c : cells) rational_parse(c);
  } catch (const InputError&) {
    return false;
  }
  return true;
}

std::size_t label_index(const std::string& spec, const std::vector<std::string>& header, std::size_t columns, const std::string& where) {
  if (spec.empty()) return columns - 1;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == spec) return i;
  if (spec.find_first_not_of("0123456789") == std::string::npos && spec.size() < 9) {
    std::size_t i = std::stoul(spec);
    if (i < columns) return i;
  }
  throw InputError(where, "no label column '" + spec + "' (give a header name or a 0-based index < " + std::to_string(columns) + ")");
}

}  // namespace

Dataset dataset_read_csv(const std::string& path, const std::string& label_column) {
  std::stringstream in(file_read_text(path));
  Dataset data;
  data.source = path;
  std::vector<std::string> header;
  std::size_t columns = 0, label = 0, line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    std::vector<std::string> cells = csv_split(line);
    std::string where = path + ":" + std::to_string(line_no);
    if (columns == 0) {
      columns = cells.size();
      if (columns < 2) throw InputError(where, "need at least one feature column and one label column");
      if (!row_is_numeric(cells)) { header = cells; label = label_index(label_column, header, columns, where); continue; }
      label = label_index(label_column, header, columns, where);
    }
    if (cells.size() != columns) throw InputError(where, "expected " + std::to_string(columns) + " columns, found " + std::to_string(cells.size()));
    std::vector<Rational> row;
    for (std::size_t c = 0; c < columns; ++c) {
      Rational v = rational_parse(cells[c], where + ": column " + std::to_string(c + 1));
      if (c == label) data.y.push_back(v); else row.push_back(v);
    }
    data.x.push_back(std::move(row));
  }
  if (data.y.empty()) throw InputError(path, "no data rows");
  return data;
}

}  // namespace rl
