#include "io/plugin.hpp"

#include <dlfcn.h>
#include <unistd.h>

namespace rl {
namespace {

// The folder of the binary or shared library holding this code.
std::string own_folder() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&own_folder), &info) == 0 || !info.dli_fname) return ".";
  const std::string here = info.dli_fname;
  const std::size_t slash = here.rfind('/');
  return slash == std::string::npos ? std::string(".") : here.substr(0, slash);
}

}  // namespace

void* plugin_open(const std::string& file_name, const std::string& build_path, bool global_symbols) {
  const std::string beside = own_folder() + "/" + file_name;
  const std::string path = access(beside.c_str(), R_OK) == 0 ? beside : build_path;
  void* handle = dlopen(path.c_str(), RTLD_NOW | (global_symbols ? RTLD_GLOBAL : RTLD_LOCAL));
  if (!handle) throw std::runtime_error("cannot load the plugin " + path + ": " + dlerror());
  return handle;
}

void* plugin_symbol_address(void* handle, const std::string& file_name, const char* name) {
  void* symbol = dlsym(handle, name);
  if (!symbol) throw std::runtime_error("the plugin " + file_name + " has no " + name);
  return symbol;
}

}  // namespace rl
