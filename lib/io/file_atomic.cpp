#include "io/file_atomic.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "arith/error.hpp"

namespace rl {
namespace {

namespace fs = std::filesystem;

// The process's umask, from /proc/self/status (umask(2) can only read it by
// changing it, which would race with other threads creating files); 022 if absent.
mode_t current_umask() {
  std::FILE* f = std::fopen("/proc/self/status", "re");
  unsigned mask = 022;
  if (!f) return mask;
  char line[256];
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "Umask: %o", &mask) == 1) break;
  std::fclose(f);
  return static_cast<mode_t>(mask);
}

}  // namespace

void file_check_output_path(const std::string& path) {
  if (path.empty()) throw InputError("output file", "empty path");
  fs::path target(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) throw InputError(path, "cannot write: is a directory");
  fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) throw InputError(path, "cannot write: folder " + folder.string() + " does not exist");
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  file_check_output_path(path_);
  temp_ = path_ + ".tmp.XXXXXX";
  fd_ = ::mkostemp(temp_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    const std::string reason = std::strerror(errno);
    temp_.clear();
    throw InputError(path_, "cannot write: " + reason);
  }
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::write(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? std::strerror(errno) : "nothing written";
      discard();
      throw InputError(path_, "cannot write: " + reason);
    }
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw InputError(path_, "cannot write: the temporary file is gone");
  auto fail = [&](const std::string& reason) {
    discard();
    throw InputError(path_, "cannot write: " + reason);
  };
  if (::fchmod(fd_, 0666 & ~current_umask()) != 0 || ::fsync(fd_) != 0) fail(std::strerror(errno));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail(std::strerror(errno));
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) fail(std::strerror(errno));
  temp_.clear();
}

void AtomicFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

void file_write_atomic(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text);
  file.commit();
}

}  // namespace rl
