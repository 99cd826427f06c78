// Output files written atomically: `path` holds either its old content or
// the whole new content, never a part, even if the process dies midway.
//
// The new content goes to a temporary file `path.tmp.XXXXXX` (mkostemp) in
// the same folder, is flushed to the disk (fsync), and is then renamed over
// `path` (rename is atomic within a file system). Until then the temporary
// file is removed on every failure path and by the destructor.
#pragma once
#include <string>

namespace rl {

// Refuses an output path that cannot be written: empty, a folder, or in a
// folder that does not exist (InputError naming the path). Commands run it
// before a long computation, so that a typo is refused at once.
void file_check_output_path(const std::string& path);

// A temporary file next to `path`, for writers that need a descriptor (a
// child process's stdout). commit() makes it `path`; otherwise it is removed.
class AtomicFile {
 public:
  // Runs file_check_output_path; throws InputError naming `path` on failure.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_; }
  // Writes all of `text` at the current offset (retrying short writes).
  void write(const std::string& text);
  // Sets the permissions to 0666 & ~umask (as a newly created file would
  // have), fsyncs, closes and renames over the target; InputError on failure.
  void commit();
  // Removes the temporary file now (commit() is then impossible).
  void discard();

 private:
  std::string path_, temp_;
  int fd_ = -1;
};

// The whole of `text` into `path`, atomically (InputError naming `path` on failure).
void file_write_atomic(const std::string& path, const std::string& text);

}  // namespace rl
