// A catalogd child process, started from the build tree with its log in a
// file, for end-to-end tests and benchmarks.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace catalog::testing {

class Daemon {
 public:
  // `extra_args` are appended to catalogd's command line.
  Daemon(std::filesystem::path data_dir, std::filesystem::path log,
         std::vector<std::string> extra_args = {});
  ~Daemon();  // SIGKILL if still running

  // Runs catalogd in the network namespace `netns` (as `ip netns` names
  // it), listening on `host` there. Before Start.
  void UseNetworkNamespace(std::string netns, std::string host) {
    netns_ = std::move(netns);
    host_ = std::move(host);
  }

  // Starts catalogd on ephemeral ports and waits (up to 30 s) until it logs
  // them. False if it did not come up; see log().
  bool Start();
  // SIGTERM, wait, and the exit code (-1 if killed by a signal).
  int Stop();
  // SIGKILL, as a crash or an OOM kill would; waits for it to be gone.
  void Kill();

  std::string addr() const;
  int http_port() const { return http_port_; }
  pid_t pid() const { return pid_; }
  std::string log() const;
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  std::filesystem::path data_dir_, log_;
  std::vector<std::string> extra_args_;
  std::string netns_;
  std::string host_ = "127.0.0.1";
  pid_t pid_ = -1;
  int grpc_port_ = 0, http_port_ = 0;
};

}  // namespace catalog::testing
