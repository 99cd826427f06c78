// Loading the project's own plugins (librobustlaw_sdpa.so, librobustlaw_mpi.so):
// libraries that only some subcommands need, kept out of every run's start-up.
//
// plugin_open looks for the file beside the binary or Python module that
// holds this code, then at the path the build gave it; it throws
// std::runtime_error naming the file and dlerror's reason when neither loads.
#pragma once
#include <stdexcept>
#include <string>

namespace rl {

void* plugin_open(const std::string& file_name, const std::string& build_path, bool global_symbols);

// The symbol `name` of a handle from plugin_open, as a function pointer.
void* plugin_symbol_address(void* handle, const std::string& file_name, const char* name);
template <typename Fn>
Fn plugin_symbol(void* handle, const std::string& file_name, const char* name) {
  return reinterpret_cast<Fn>(plugin_symbol_address(handle, file_name, name));
}

}  // namespace rl
