#include "net/load.hpp"

#include <algorithm>

#include "arith/error.hpp"

namespace rl {

Network network_load(const std::string& path, const LoadOptions& options) {
  auto ends_with = [&](const std::string& ext) {
    if (path.size() < ext.size()) return false;
    std::string tail = path.substr(path.size() - ext.size());
    std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
    return tail == ext;
  };
  if (ends_with(".nnet")) return network_load_nnet(path, options);
  if (ends_with(".onnx")) return network_load_onnx(path);
  if (ends_with(".json")) return network_load_json(path);
  throw InputError(path, "unknown network format: expected a .nnet, .onnx or .json file");
}

}  // namespace rl
