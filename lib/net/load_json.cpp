// The project's own JSON network format, "robustlaw-net" version 1:
//   {"format": "robustlaw-net", "version": 1, "input_dim": 2,
//    "layers": [{"weights": [["0.5", "-1/3"], ...], "bias": ["0", ...]}, ...],
//    "input_clamp": {"lo": [...], "hi": [...]}}          (optional)
// Numbers are integers, decimal literals or strings ("0.1", "2/3"); all are
// read exactly. ReLU follows every layer except the last. Any other member is
// refused: an "activation": "sigmoid" would otherwise be analysed as ReLU.
#include "arith/error.hpp"
#include "io/json_exact.hpp"
#include "net/load.hpp"

namespace rl {
namespace {

const Json& member(const Json& obj, const char* key, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) throw InputError(where, std::string("missing key '") + key + "'");
  return obj.at(key);
}

}  // namespace

Network network_parse_json(const std::string& text, const std::string& source) {
  Json doc = json_parse_exact(text, source);
  if (!doc.is_object()) throw InputError(source, "expected a JSON object");
  auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || *format != "robustlaw-net")
    throw InputError(source, "key 'format' must be \"robustlaw-net\"");
  json_require_only(doc, {"format", "version", "input_dim", "layers", "input_clamp"}, source, "a robustlaw-net network");
  const Json& version = member(doc, "version", source);
  if (!version.is_number_integer() || version.get<long>() != 1) throw InputError(source, "unsupported version (expected 1)");
  const Json& dim = member(doc, "input_dim", source);
  if (!dim.is_number_integer() || dim.get<long>() < 1 || dim.get<long>() > (1 << 24))
    throw InputError(source, "'input_dim' must be a positive integer");
  Network net;
  net.source = source;
  net.format = "json";
  net.input_dim = dim.get<std::size_t>();
  const Json& layers = member(doc, "layers", source);
  if (!layers.is_array()) throw InputError(source, "'layers' must be an array");
  for (std::size_t k = 0; k < layers.size(); ++k) {
    std::string where = source + ": layers[" + std::to_string(k) + "]";
    json_require_only(layers[k], {"weights", "bias"}, where, "a layer (ReLU after every layer but the last)");
    const Json& w = member(layers[k], "weights", where);
    if (!w.is_array()) throw InputError(where, "'weights' must be an array of rows");
    Layer layer;
    for (std::size_t i = 0; i < w.size(); ++i)
      layer.weights.push_back(rational_vector_from_json(w[i], where + ".weights[" + std::to_string(i) + "]"));
    layer.bias = rational_vector_from_json(member(layers[k], "bias", where), where + ".bias");
    net.layers.push_back(std::move(layer));
  }
  if (doc.contains("input_clamp")) {
    const Json& c = doc["input_clamp"];
    json_require_only(c, {"lo", "hi"}, source, "input_clamp");
    net.clamp = InputClamp{rational_vector_from_json(member(c, "lo", source), source + ": input_clamp.lo"),
                           rational_vector_from_json(member(c, "hi", source), source + ": input_clamp.hi")};
  }
  network_finalize(net);
  return net;
}

Network network_load_json(const std::string& path) { return network_parse_json(file_read_text(path, kNetworkFileMaxBytes), path); }

std::string network_to_json(const Network& net) {
  Json doc;
  doc["format"] = "robustlaw-net";
  doc["version"] = 1;
  doc["input_dim"] = net.input_dim;
  Json layers = Json::array();
  for (const Layer& l : net.layers) {
    Json w = Json::array();
    for (const auto& row : l.weights) {
      Json r = Json::array();
      for (const Rational& q : row) r.push_back(rational_to_string(q));
      w.push_back(r);
    }
    Json b = Json::array();
    for (const Rational& q : l.bias) b.push_back(rational_to_string(q));
    layers.push_back(Json{{"weights", w}, {"bias", b}});
  }
  doc["layers"] = layers;
  if (net.clamp) {
    Json lo = Json::array(), hi = Json::array();
    for (const Rational& q : net.clamp->lo) lo.push_back(rational_to_string(q));
    for (const Rational& q : net.clamp->hi) hi.push_back(rational_to_string(q));
    doc["input_clamp"] = Json{{"lo", lo}, {"hi", hi}};
  }
  return doc.dump(1);
}

}  // namespace rl
