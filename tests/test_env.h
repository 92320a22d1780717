// Helpers shared by the integration and end-to-end tests: temp dirs, waiting
// on a condition with a deadline, running built binaries.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace catalog::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Polls `condition` until it holds or `timeout` passes; returns whether it
// held. Never a bare sleep: tests wait for something.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A TCP connection to 127.0.0.1:`port` (a file descriptor), or -1.
int DialLoopback(int port);
// Writes all of `bytes` to `fd`; false once the peer stops reading.
bool SendAll(int fd, const std::string& bytes);

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& content);

// Runs `command` with /bin/sh: its exit code (-1 if it did not exit) and
// what it wrote to stdout and stderr, together.
struct CommandResult {
  int code = -1;
  std::string output;
};
CommandResult RunCommand(const std::string& command);
// `s` quoted for the shell, as one word.
std::string ShellQuote(const std::string& s);

// The build tree and the source tree: CATALOG_BIN_DIR / CATALOG_SOURCE_DIR
// when set, else the trees this test was built from.
std::filesystem::path BinDir();
std::filesystem::path SourceDir();

}  // namespace catalog::testing
