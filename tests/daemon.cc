#include "tests/daemon.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>

#include "tests/test_env.h"

namespace catalog::testing {

Daemon::Daemon(std::filesystem::path data_dir, std::filesystem::path log,
               std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)),
      log_(std::move(log)),
      extra_args_(std::move(extra_args)) {}

Daemon::~Daemon() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool Daemon::Start() {
  std::filesystem::remove(log_);
  std::string bin = (BinDir() / "server" / "catalogd").string();
  std::string policies = (SourceDir() / "policies").string();
  std::vector<std::string> args = {bin,          "--listen",
                                   host_ + ":0", "--http-listen",
                                   host_ + ":0", "--data-dir",
                                   data_dir_.string(), "--policies",
                                   policies};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    if (!netns_.empty()) {
      int ns = open(("/var/run/netns/" + netns_).c_str(), O_RDONLY | O_CLOEXEC);
      if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) _exit(126);
    }
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  std::regex ports(R"(gRPC on \S+ \(port (\d+)\), HTTP on \S+ \(port (\d+)\))");
  bool exited = false;
  bool up = WaitFor(
      [&] {
        // A catalogd that refused to start has exited: stop waiting.
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          exited = true;
          pid_ = -1;
          return true;
        }
        std::smatch m;
        std::string text = ReadFile(log_);
        if (!std::regex_search(text, m, ports)) return false;
        grpc_port_ = std::stoi(m[1]);
        http_port_ = std::stoi(m[2]);
        return true;
      },
      std::chrono::seconds(30));
  return up && !exited;
}

int Daemon::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void Daemon::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string Daemon::addr() const {
  return host_ + ":" + std::to_string(grpc_port_);
}

std::string Daemon::log() const { return ReadFile(log_); }

}  // namespace catalog::testing
