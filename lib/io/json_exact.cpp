#include "io/json_exact.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "arith/error.hpp"

namespace rl {
namespace {

// SAX handler that builds a DOM and keeps float literals as strings.
class ExactSax {
 public:
  explicit ExactSax(Json& root) : root_(root) {}

  bool null() { return put(Json(nullptr)); }
  bool boolean(bool b) { return put(Json(b)); }
  bool number_integer(Json::number_integer_t v) { return put(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return put(Json(v)); }
  bool number_float(Json::number_float_t, const Json::string_t& literal) { return put(Json(literal)); }
  bool string(Json::string_t& s) { return put(Json(s)); }
  bool binary(Json::binary_t&) { return false; }
  bool start_object(std::size_t) { return open(Json::object()); }
  // A key given twice in one object is an error: keeping either silently
  // would read a claim other than half its text says.
  bool key(Json::string_t& k) {
    if (stack_.back()->contains(k)) {
      error_ = "the key \"" + k + "\" appears twice in one object";
      return false;
    }
    pending_key_ = k;
    return true;
  }
  bool end_object() { stack_.pop_back(); return true; }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() { stack_.pop_back(); return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    error_position_ = position;
    error_ = ex.what();
    return false;
  }

  std::size_t error_position() const { return error_position_; }
  const std::string& error() const { return error_; }

 private:
  Json* place(Json v) {
    if (stack_.empty()) { root_ = std::move(v); return &root_; }
    Json& top = *stack_.back();
    if (top.is_array()) { top.push_back(std::move(v)); return &top.back(); }
    top[pending_key_] = std::move(v);
    return &top[pending_key_];
  }
  bool put(Json v) { place(std::move(v)); return true; }
  bool open(Json v) {
    if (stack_.size() > 256) { error_ = "nesting deeper than 256"; return false; }
    stack_.push_back(place(std::move(v)));
    return true;
  }

  Json& root_;
  std::vector<Json*> stack_;
  std::string pending_key_;
  std::size_t error_position_ = 0;
  std::string error_;
};

std::size_t line_of(const std::string& text, std::size_t position) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < position && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

}  // namespace

Json json_parse_exact(const std::string& text, const std::string& source) {
  // nlohmann::json stops at a NUL byte as if the text ended there, which
  // would accept "{...}<NUL>anything"; JSON text never contains a raw NUL.
  std::size_t nul = text.find('\0');
  if (nul != std::string::npos) throw InputError(source + ":" + std::to_string(line_of(text, nul)), "NUL byte in JSON text");
  Json root;
  ExactSax sax(root);
  bool ok = Json::sax_parse(text, &sax);
  if (!ok) {
    std::string why = sax.error().empty() ? "invalid JSON" : sax.error();
    throw InputError(source + ":" + std::to_string(line_of(text, sax.error_position())), why);
  }
  return root;
}

std::string file_read_text(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, expected a file");
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(path, "cannot read: " + ec.message());
  if (size > max_bytes) throw InputError(path, "file is " + std::to_string(size) + " bytes, larger than the limit of " + std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Json json_read_file_exact(const std::string& path) {
  return json_parse_exact(file_read_text(path), path);
}

Rational rational_from_json(const Json& value, const std::string& where) {
  if (value.is_number_integer()) return value.is_number_unsigned() ? Rational(Integer(value.get<std::uint64_t>())) : Rational(Integer(value.get<std::int64_t>()));
  if (value.is_string()) return rational_parse(value.get<std::string>(), where);
  throw InputError(where, "expected a number, found " + std::string(value.type_name()));
}

std::optional<std::uint64_t> json_nonnegative_integer(const Json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(value.get<std::int64_t>());
  return std::nullopt;
}

std::optional<std::string> json_unknown_member(const Json& object, const std::set<std::string>& allowed) {
  for (auto it = object.begin(); it != object.end(); ++it)
    if (!allowed.count(it.key())) return it.key();
  return std::nullopt;
}

void json_require_only(const Json& object, const std::set<std::string>& allowed, const std::string& where,
                       const std::string& what) {
  if (!object.is_object()) throw InputError(where, what + " must be an object");
  if (std::optional<std::string> key = json_unknown_member(object, allowed))
    throw InputError(where, what + " has an unknown member \"" + *key + "\"");
}

std::vector<Rational> rational_vector_from_json(const Json& value, const std::string& where) {
  if (!value.is_array()) throw InputError(where, "expected an array of numbers");
  std::vector<Rational> out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i)
    out.push_back(rational_from_json(value[i], where + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace rl
