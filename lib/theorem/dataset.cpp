#include "theorem/dataset.hpp"

#include <cstring>
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

// The value of 'key': ... in the .npy header dict (a Python literal).
std::string npy_header_field(const std::string& header, const std::string& key, const std::string& where) {
  std::size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) throw InputError(where, "npy header has no '" + key + "'");
  std::size_t colon = header.find(':', at);
  std::size_t end = key == "shape" ? header.find(')', colon) + 1 : header.find_first_of(",}", colon);
  std::string v = header.substr(colon + 1, end - colon - 1);
  v.erase(0, v.find_first_not_of(" "));
  return v;
}

}  // namespace

Dataset dataset_read(const std::string& path, const std::string& label_column) {
  bool npy = path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
  return npy ? dataset_read_npy(path, label_column) : dataset_read_csv(path, label_column);
}

Dataset dataset_read_npy(const std::string& path, const std::string& label_column) {
  std::string bytes = file_read_text(path);
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw InputError(path, "not a .npy file (bad magic)");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len, offset;
  if (major == 1) { header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8; offset = 10; }
  else {
    if (bytes.size() < 12) throw InputError(path, "truncated .npy header");
    header_len = 0;
    for (int i = 3; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[8 + i]);
    offset = 12;
  }
  if (offset + header_len > bytes.size()) throw InputError(path, "truncated .npy header");
  std::string header = bytes.substr(offset, header_len);
  std::string descr = npy_header_field(header, "descr", path), order = npy_header_field(header, "fortran_order", path);
  std::string shape = npy_header_field(header, "shape", path);
  if (order != "False") throw InputError(path, "Fortran-order arrays are not supported");
  std::size_t width = descr == "'<f8'" ? 8 : descr == "'<f4'" ? 4 : 0;
  if (width == 0) throw InputError(path, "dtype " + descr + " not supported (need '<f8' or '<f4')");
  std::size_t rows = 0, cols = 0;
  if (std::sscanf(shape.c_str(), "(%zu, %zu)", &rows, &cols) != 2 || rows == 0 || cols < 2)
    throw InputError(path, "need a 2-D array with >= 2 columns, shape " + shape);
  std::size_t data_at = offset + header_len;
  if (bytes.size() - data_at != rows * cols * width) throw InputError(path, "data size does not match shape " + shape);
  std::size_t label = cols - 1;
  if (!label_column.empty()) {
    if (label_column.find_first_not_of("0123456789") != std::string::npos || label_column.size() > 9 || std::stoul(label_column) >= cols)
      throw InputError(path, "label column must be a 0-based index < " + std::to_string(cols));
    label = std::stoul(label_column);
  }
  Dataset data;
  data.source = path;
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<Rational> row;
    for (std::size_t c = 0; c < cols; ++c) {
      const char* p = bytes.data() + data_at + (r * cols + c) * width;
      Rational v;
      try {
        if (width == 8) { double x; std::memcpy(&x, p, 8); v = rational_from_double(x); }
        else { float x; std::memcpy(&x, p, 4); v = rational_from_float(x); }
      } catch (const InputError& e) {
        throw InputError(path + ": row " + std::to_string(r) + ", column " + std::to_string(c), e.what());
      }
      if (c == label) data.y.push_back(v); else row.push_back(v);
    }
    data.x.push_back(std::move(row));
  }
  return data;
}

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
