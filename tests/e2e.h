// The end-to-end fixture: a catalogd child process from the build tree, and
// catalogctl run against it the way a user's shell runs it.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tests/daemon.h"
#include "tests/test_env.h"

namespace catalog {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class EndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<testing::Daemon>(data_dir(),
                                                dir_.path() / "catalogd.log");
    ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  }

  fs::path data_dir() const { return dir_.path() / "data"; }
  // The admin token catalogd wrote at its first start.
  std::string AdminToken() const {
    std::string t = testing::ReadFile(data_dir() / "admin.token");
    if (!t.empty() && t.back() == '\n') t.pop_back();
    return t;
  }

  // Runs catalogctl with `args` (shell words), pointed at the daemon with the
  // admin token through the environment, as a user's shell would.
  // `env` ("NAME=value ...") is set for catalogctl alone.
  Result Ctl(const std::string& args, const std::string& token = "",
             const std::string& env = "") {
    std::string bearer = token.empty() ? AdminToken() : token;
    fs::path out = dir_.path() / "out.txt", err = dir_.path() / "err.txt";
    std::string cmd = "cd '" + dir_.path().string() + "' && CATALOG_ADDR=" +
                      daemon_->addr() + " CATALOG_TOKEN='" + bearer + "' " + env + " '" +
                      (testing::BinDir() / "client" / "catalogctl").string() +
                      "' " + args + " > '" + out.string() + "' 2> '" +
                      err.string() + "'";
    int status = std::system(cmd.c_str());
    return {WEXITSTATUS(status), testing::ReadFile(out),
            testing::ReadFile(err)};
  }

  std::string Quickstart() const {
    return "-f '" + (testing::SourceDir() / "examples" / "quickstart.yaml").string() + "'";
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Daemon> daemon_;
};

}  // namespace catalog
