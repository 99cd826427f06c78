#include "cert/claim_path.hpp"

#include <cctype>
#include <filesystem>
#include <vector>

#include "arith/error.hpp"

namespace rl {

std::string claim_resolve_path(const std::string& path, const ClaimContext& ctx, const std::string& member) {
  namespace fs = std::filesystem;
  const std::string where = (ctx.claim_path.empty() ? std::string("claim") : ctx.claim_path) + ": " + member;
  if (path.empty()) throw InputError(where, "empty path");
  if (fs::path(path).is_absolute()) return path;
  // A claim file in the current folder has an empty base_dir: beside it is ".".
  std::vector<fs::path> folders{ctx.base_dir.empty() ? fs::path(".") : fs::path(ctx.base_dir)};
  if (!ctx.repo_root.empty()) folders.push_back(ctx.repo_root);
  std::string tried;
  for (const fs::path& folder : folders) {
    std::error_code ec;
    if (fs::exists(folder / path, ec)) return (folder / path).string();
    tried += (tried.empty() ? "" : ", ") + folder.string();
  }
  throw InputError(where, "'" + path + "' exists neither beside the claim nor under the repository root (looked in " +
                              tried + ")");
}

std::string claim_path_for(const std::string& file, const std::string& claim_path) {
  namespace fs = std::filesystem;
  const fs::path target = fs::weakly_canonical(fs::absolute(file));
  const fs::path folder = fs::weakly_canonical(fs::absolute(claim_path)).parent_path();
  const fs::path relative = target.lexically_relative(folder);
  return relative.empty() ? target.string() : relative.generic_string();
}

std::string claim_id_for(const std::string& claim_path) {
  std::string id = std::filesystem::path(claim_path).stem().string();
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' && c != '/' && c != '-') c = '-';
  if (id.empty() || !std::isalnum(static_cast<unsigned char>(id.front()))) id = "claim-" + id;
  return id;
}

}  // namespace rl
