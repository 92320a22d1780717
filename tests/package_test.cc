// The Debian packages as users install them: built by CPack from this build,
// installed into a clean Debian 12 root (debootstrap, minbase — what the
// debian:bookworm images hold) by the steps packaging/Dockerfile gives, and
// started as its USER and ENTRYPOINT say; the contracts workflow of
// docs/examples run step by step, as GitHub Actions would, in another clean
// root; the systemd unit checked by Debian 12's systemd-analyze. Nothing
// here is a copy of those steps: they are read from the files users copy.
//
// Needs root (chroot, network namespaces) and the network (Debian's
// mirror); one ctest entry, since setting up a root takes a minute.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "lib/util/version.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using Result = testing::CommandResult;
using testing::RunCommand;
using testing::ShellQuote;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// One step's script, run by `shell` inside `root`, in the network namespace
// `netns` (this one's when empty), with /proc mounted there for the step only.
Result InRoot(const fs::path& root, const std::string& netns, const std::string& shell,
              const std::string& script, const std::map<std::string, std::string>& env = {},
              const std::string& user = "") {
  static int n = 0;
  const std::string name = "/tmp/step-" + std::to_string(++n) + ".sh";
  std::string text;
  for (const auto& [k, v] : env) text += "export " + k + "=" + ShellQuote(v) + "\n";
  text += script + "\n";
  testing::WriteFile(root / name.substr(1), text);
  std::string chroot = "chroot " + (user.empty() ? "" : "--userspec=" + user + ":" + user + " ") +
                       ShellQuote(root.string()) + " " + shell + " " + name;
  return RunCommand((netns.empty() ? "" : "ip netns exec " + netns + " ") + "unshare --mount --fork sh -c " +
             ShellQuote("mount -t proc proc " + ShellQuote((root / "proc").string()) + " && " + chroot));
}

// packaging/Dockerfile's instructions, continuation lines joined.
std::vector<std::pair<std::string, std::string>> Instructions(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line, joined;
  while (std::getline(in, line)) {
    if (joined.empty() && (line.empty() || line[0] == '#')) continue;
    if (!line.empty() && line.back() == '\\') {
      joined += line.substr(0, line.size() - 1);
      continue;
    }
    joined += line;
    size_t space = joined.find(' ');
    out.emplace_back(joined.substr(0, space), space == std::string::npos ? "" : joined.substr(space + 1));
    joined.clear();
  }
  return out;
}

// Where the test's Debian roots come from.
std::string Mirror() {
  const char* m = std::getenv("CATALOG_DEBIAN_MIRROR");
  return m != nullptr ? m : "http://deb.debian.org/debian";
}

class Package : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    dir_ = new testing::TempDir();
    netns_ = "cbpkg" + std::to_string(getpid());
    // The packages, from this build.
    Result cpack = RunCommand("cpack --config " + ShellQuote((testing::BinDir() / "CPackConfig.cmake").string()) +
                       " -B " + ShellQuote((dir_->path() / "debs").string()));
    if (cpack.code != 0) return Fail("cpack: " + cpack.output);
    for (const auto& e : fs::directory_iterator(dir_->path() / "debs")) {
      if (e.path().extension() == ".deb") debs_.push_back(e.path());
    }
    // A clean Debian 12 root, and a copy for the workflow's job.
    Result boot = RunCommand("debootstrap --variant=minbase bookworm " +
                      ShellQuote((dir_->path() / "image").string()) + " " + Mirror());
    if (boot.code != 0) return Fail("debootstrap: " + boot.output);
    Result copy = RunCommand("cp -a " + ShellQuote((dir_->path() / "image").string()) + " " +
                      ShellQuote((dir_->path() / "job").string()));
    if (copy.code != 0) return Fail("cp: " + copy.output);
    // catalogd's network: a namespace of its own (its ports are the
    // Dockerfile's, which may be taken here), reached over a link at
    // 10.214.N.2, as a container is. The rest runs on this machine's network.
    const std::string n = std::to_string(getpid() % 200 + 20), link = "cbk" + std::to_string(getpid() % 100000);
    catalogd_host_ = "10.214." + n + ".2";
    Result ns = RunCommand("ip netns add " + netns_ + " && ip -n " + netns_ + " link set lo up && " +
                      "ip link add " + link + "h type veth peer name " + link + "n netns " + netns_ +
                      " && ip addr add 10.214." + n + ".1/30 dev " + link + "h && ip link set " + link +
                      "h up && ip -n " + netns_ + " addr add " + catalogd_host_ + "/30 dev " + link +
                      "n && ip -n " + netns_ + " link set " + link + "n up");
    if (ns.code != 0) return Fail("ip netns: " + ns.output);
    ready_ = true;
  }

  static void TearDownTestSuite() {
    if (dir_ == nullptr) return;
    if (catalogd_pid_ > 0) {
      kill(catalogd_pid_, SIGKILL);
    }
    RunCommand("ip netns del " + netns_);
    delete dir_;
    dir_ = nullptr;
  }

  static void Fail(const std::string& why) { setup_error_ = why; }

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: chroot and network namespaces";
    ASSERT_TRUE(ready_) << setup_error_;
  }

  static fs::path image() { return dir_->path() / "image"; }
  static fs::path job_root() { return dir_->path() / "job"; }

  static testing::TempDir* dir_;
  static std::string netns_, setup_error_, catalogd_host_;
  static std::vector<fs::path> debs_;
  static bool ready_;
  static pid_t catalogd_pid_;
};

testing::TempDir* Package::dir_ = nullptr;
std::string Package::netns_, Package::setup_error_, Package::catalogd_host_;
std::vector<fs::path> Package::debs_;
bool Package::ready_ = false;
pid_t Package::catalogd_pid_ = 0;

// The tests below run in this order, in one process: each builds on the
// root the one before left.

TEST_F(Package, TheDockerfileInstallsBothPackagesWithTheirLibraries) {
  ASSERT_EQ(debs_.size(), 2u);
  for (const fs::path& deb : debs_) {
    Result fields = RunCommand("dpkg-deb -f " + ShellQuote(deb.string()) + " Package Version Depends");
    ASSERT_EQ(fields.code, 0) << fields.output;
    EXPECT_THAT(fields.output, HasSubstr(std::string("Version: ") + Version()));
    // dpkg-shlibdeps read them off the binary.
    EXPECT_THAT(fields.output, HasSubstr("libgrpc++1.51"));
    EXPECT_THAT(fields.output, HasSubstr("libyaml-cpp0.7"));
  }
  std::string dockerfile = testing::ReadFile(testing::SourceDir() / "packaging/Dockerfile");
  int runs = 0;
  for (const auto& [op, args] : Instructions(dockerfile)) {
    SCOPED_TRACE(op + " " + args);
    if (op == "FROM") {
      EXPECT_THAT(args, HasSubstr("debian:bookworm"));  // what debootstrap made
    } else if (op == "COPY") {
      // COPY PATTERN... DEST/, from the packages' directory.
      std::vector<std::string> words;
      std::istringstream split(args);
      for (std::string w; split >> w;) words.push_back(w);
      ASSERT_GE(words.size(), 2u);
      fs::path dest = image() / words.back().substr(1);
      fs::create_directories(dest);
      for (size_t i = 0; i + 1 < words.size(); ++i) {
        std::regex glob(std::regex_replace(words[i], std::regex("\\*"), ".*"));
        int matched = 0;
        for (const fs::path& deb : debs_) {
          if (!std::regex_match(deb.filename().string(), glob)) continue;
          fs::copy_file(deb, dest / deb.filename(), fs::copy_options::overwrite_existing);
          ++matched;
        }
        EXPECT_EQ(matched, 1) << words[i];
      }
    } else if (op == "RUN") {
      // Docker runs it with /bin/sh -c; the same shell, from a file.
      Result r = InRoot(image(), "", "/bin/sh", args);
      ASSERT_EQ(r.code, 0) << r.output;
      ++runs;
    }
  }
  EXPECT_EQ(runs, 1);
  Result installed = InRoot(image(), "", "/bin/sh",
                            "dpkg-query -W -f='${Package} ${Status}\\n' catalogd catalogctl");
  EXPECT_THAT(installed.output, HasSubstr("catalogd install ok installed"));
  EXPECT_THAT(installed.output, HasSubstr("catalogctl install ok installed"));
  Result versions = InRoot(image(), "", "/bin/sh", "catalogd --version; catalogctl --version");
  EXPECT_EQ(versions.code, 0) << versions.output;
  EXPECT_THAT(versions.output, HasSubstr(std::string("catalogd ") + Version() + " (commit " +
                                         BuildCommit() + ")"));
  EXPECT_THAT(versions.output, HasSubstr(std::string("catalogctl ") + Version()));
}

TEST_F(Package, PostinstMakesASystemUserAndAPrivateDataDirectory) {
  Result user = InRoot(image(), "", "/bin/sh", "getent passwd catalogd");
  ASSERT_EQ(user.code, 0) << user.output;
  // catalogd:x:UID:GID:…:/var/lib/catalogd:/usr/sbin/nologin, a system uid.
  std::vector<std::string> f;
  std::stringstream in(Trim(user.output));
  for (std::string part; std::getline(in, part, ':');) f.push_back(part);
  ASSERT_EQ(f.size(), 7u) << user.output;
  EXPECT_LT(std::stoi(f[2]), 1000);
  EXPECT_EQ(f[5], "/var/lib/catalogd");
  EXPECT_EQ(f[6], "/usr/sbin/nologin");
  Result modes = InRoot(image(), "", "/bin/sh",
                        "stat -c '%U:%G %a %n' /var/lib/catalogd /etc/catalogd/catalogd.yaml");
  EXPECT_THAT(modes.output, HasSubstr("catalogd:catalogd 700 /var/lib/catalogd"));
  EXPECT_THAT(modes.output, HasSubstr("root:catalogd 640 /etc/catalogd/catalogd.yaml"));
  Result conffiles = InRoot(image(), "", "/bin/sh",
                            "dpkg-query -W -f='${Conffiles}' catalogd");
  EXPECT_THAT(conffiles.output, HasSubstr("/etc/catalogd/catalogd.yaml"));
  // Enabled for when the machine boots, though no systemd runs here.
  EXPECT_TRUE(fs::is_symlink(image() / "etc/systemd/system/multi-user.target.wants/catalogd.service"));
}

TEST_F(Package, TheSystemdUnitVerifiesWithDebianSystemd) {
  Result systemd = InRoot(image(), "", "/bin/sh",
                          "apt-get update -qq && apt-get install -y -qq --no-install-recommends "
                          "systemd > /dev/null");
  ASSERT_EQ(systemd.code, 0) << systemd.output;
  Result verify = InRoot(image(), "", "/bin/sh",
                         "systemd-analyze verify --man=no /lib/systemd/system/catalogd.service");
  EXPECT_EQ(verify.code, 0) << verify.output;
  EXPECT_EQ(verify.output, "");  // an unknown key is only a warning
  // How much of the system the service can touch: systemd's own score,
  // 0 (nothing) to 10; catalogd needs its data directory and the network.
  Result security = InRoot(image(), "", "/bin/sh",
                           "systemd-analyze security --offline=yes --no-pager catalogd.service");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(security.output, m,
                                std::regex("Overall exposure level for catalogd.service: ([0-9.]+)")))
      << security.output;
  EXPECT_LT(std::stod(m[1]), 2.5) << security.output;
}

TEST_F(Package, CatalogdStartsAsTheDockerfileSays) {
  std::string dockerfile = testing::ReadFile(testing::SourceDir() / "packaging/Dockerfile");
  std::string user, command;
  for (const auto& [op, args] : Instructions(dockerfile)) {
    if (op == "USER") user = args;
    if (op == "ENTRYPOINT") {
      for (const auto& word : nlohmann::json::parse(args)) command += ShellQuote(word) + " ";
    }
  }
  ASSERT_EQ(user, "catalogd");
  ASSERT_FALSE(command.empty());
  const fs::path pid_file = dir_->path() / "catalogd.pid";
  const fs::path log = dir_->path() / "catalogd.log";
  RunCommand("ip netns exec " + netns_ + " unshare --mount --fork sh -c " +
      ShellQuote("mount -t proc proc " + ShellQuote((image() / "proc").string()) + " && echo $$ > " +
            ShellQuote(pid_file.string()) + " && exec chroot --userspec=" + user + ":" + user + " " +
            ShellQuote(image().string()) + " " + command) +
      " > " + ShellQuote(log.string()) + " 2>&1 &");
  ASSERT_TRUE(testing::WaitFor(
      [&] { return testing::ReadFile(log).find("catalogd serving") != std::string::npos; },
      std::chrono::seconds(30)))
      << testing::ReadFile(log);
  catalogd_pid_ = std::stoi(testing::ReadFile(pid_file));
  std::string log_text = testing::ReadFile(log);
  EXPECT_THAT(log_text, HasSubstr("/usr/share/catalogd/policies"));
  EXPECT_THAT(log_text, HasSubstr("database /var/lib/catalogd/catalog.db"));
  // The admin token is the service's alone; root reads it to administer.
  struct stat st {};
  ASSERT_EQ(stat((image() / "var/lib/catalogd/admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The quickstart, applied with the packaged catalogctl.
  fs::copy_file(testing::SourceDir() / "examples/quickstart.yaml", image() / "tmp/quickstart.yaml",
                fs::copy_options::overwrite_existing);
  Result apply = InRoot(image(), netns_, "/bin/sh", R"sh(
export CATALOG_ADDR=127.0.0.1:7070 CATALOG_TOKEN="$(cat /var/lib/catalogd/admin.token)"
catalogctl apply -f /tmp/quickstart.yaml && catalogctl get datasets)sh");
  EXPECT_EQ(apply.code, 0) << apply.output;
  EXPECT_THAT(apply.output, HasSubstr("sales.public.orders"));
}

// The contracts workflow, run as GitHub Actions runs a job: each step's
// `run` with `bash -e`, its `env`, `${{ }}` expressions filled in, a step
// skipped once one failed unless its `if` says always(). The checkout
// action is done here, as the runner does it: the repository owned by
// another user than the job's.
class Workflow {
 public:
  Workflow(fs::path root, std::map<std::string, std::string> vars)
      : root_(std::move(root)), vars_(std::move(vars)) {}

  // Runs the job; `checkout` makes the workspace when the checkout step comes.
  void RunJob(const YAML::Node& job, const std::function<void()>& checkout) {
    bool failed = false;
    for (const YAML::Node& step : job["steps"]) {
      std::string name = step["name"] ? step["name"].as<std::string>() : step["uses"].as<std::string>();
      std::string condition = step["if"] ? step["if"].as<std::string>() : "";
      bool run = condition.find("always()") != std::string::npos ? true : !failed;
      if (run && !condition.empty() && condition.find("always()") == std::string::npos) {
        std::smatch m;
        std::regex var_set(R"(^vars\.([A-Z_]+) != ''$)");
        if (!std::regex_match(condition, m, var_set)) {
          ADD_FAILURE() << name << ": a condition this test cannot evaluate: " << condition;
          return;
        }
        run = !vars_[m[1]].empty();
      }
      if (!run) {
        skipped_.push_back(name);
        continue;
      }
      if (step["uses"]) {
        ASSERT_EQ(step["uses"].as<std::string>(), "actions/checkout@v4");
        ASSERT_EQ(step["with"]["fetch-depth"].as<int>(), 0);  // --base needs history
        checkout();
        continue;
      }
      std::map<std::string, std::string> env = {{"GITHUB_WORKSPACE", "/__w/repo"},
                                                {"GITHUB_STEP_SUMMARY", "/tmp/summary.md"},
                                                {"HOME", "/github/home"}};
      if (step["env"]) {
        for (const auto& kv : step["env"]) env[kv.first.as<std::string>()] = Expand(kv.second.as<std::string>());
      }
      std::string script = "mkdir -p /github/home\ncd /__w/repo 2>/dev/null || cd /\n" +
                           Expand(step["run"].as<std::string>());
      Result r = InRoot(root_, "", "bash -e", script, env);
      results_[name] = r;
      if (r.code != 0) failed = true;
    }
  }

  const Result& result(const std::string& step) { return results_[step]; }
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  std::string Expand(const std::string& text) {
    std::string out;
    std::regex expr(R"(\$\{\{\s*([a-z]+)\.([A-Za-z_]+)\s*\}\})");
    auto begin = std::sregex_iterator(text.begin(), text.end(), expr);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      out += text.substr(last, it->position() - last);
      std::string scope = (*it)[1], key = (*it)[2];
      if (scope == "github" && key == "base_ref") {
        out += "main";
      } else if (scope == "vars" || scope == "secrets") {
        out += vars_[key];
      } else {
        ADD_FAILURE() << "an expression this test cannot fill in: " << it->str();
      }
      last = it->position() + it->length();
    }
    return out + text.substr(last);
  }

  fs::path root_;
  std::map<std::string, std::string> vars_;
  std::map<std::string, Result> results_;
  std::vector<std::string> skipped_;
};

TEST_F(Package, TheContractsWorkflowRunsAsWrittenInADebianContainer) {
  YAML::Node workflow = YAML::LoadFile((testing::SourceDir() / "docs/examples/data-contracts.yml").string());
  YAML::Node job = workflow["jobs"]["contracts"];
  ASSERT_EQ(job["container"].as<std::string>(), "debian:bookworm");
  ASSERT_GT(catalogd_pid_, 0) << "catalogd is not running (the test before failed)";
  // The job's root is a clean one; the package comes from a URL, as from a release.
  fs::path ctl;
  for (const fs::path& deb : debs_) {
    if (deb.filename().string().rfind("catalogctl_", 0) == 0) ctl = deb;
  }
  fs::create_directories(job_root() / "srv");
  fs::copy_file(ctl, job_root() / "srv/catalogctl.deb");
  std::string token = Trim(testing::ReadFile(image() / "var/lib/catalogd/admin.token"));

  const std::string contract = testing::ReadFile(testing::SourceDir() / "examples/contracts/orders.odcs.yaml");
  auto checkout_with = [&](const std::string& changed) {
    return [&, changed] {
      // main has the contract; the pull request changes it; origin/main is there.
      testing::WriteFile(job_root() / "tmp/main.odcs.yaml", contract);
      testing::WriteFile(job_root() / "tmp/pr.odcs.yaml", changed);
      Result git = InRoot(job_root(), "", "bash -e", R"(
rm -rf /__w/repo && mkdir -p /__w/repo/contracts && cd /__w/repo
git init -q -b main . && git config user.email ci@example.com && git config user.name ci
cp /tmp/main.odcs.yaml contracts/orders.odcs.yaml && git add . && git commit -qm main
git update-ref refs/remotes/origin/main HEAD
git checkout -qb pr && cp /tmp/pr.odcs.yaml contracts/orders.odcs.yaml && git commit -qam pr
chown -R 1001:1001 /__w/repo
rm -f /tmp/summary.md /github/home/.gitconfig)");
      ASSERT_EQ(git.code, 0) << git.output;
    };
  };

  // A compatible change (a new optional property, a minor bump), with the
  // catalog reachable: every step passes, the last one asks catalogd.
  std::string compatible = std::regex_replace(contract, std::regex("version: 1.0.0"), "version: 1.1.0");
  compatible = std::regex_replace(
      compatible, std::regex("      - name: email\n"),
      "      - name: coupon\n        logicalType: string\n      - name: email\n");
  ASSERT_NE(compatible, contract);
  Workflow ok(job_root(),
              {{"CATALOGCTL_DEB_URL", "file:///srv/catalogctl.deb"},
               {"CATALOG_ADDR", catalogd_host_ + ":7070"},
               {"CATALOG_TOKEN", token}});
  ok.RunJob(job, checkout_with(compatible));
  for (const char* step : {"Install catalogctl", "Trust the checkout", "Lint", "Breaking changes",
                           "Summary", "Against the catalog"}) {
    EXPECT_EQ(ok.result(step).code, 0) << step << ":\n" << ok.result(step).output;
  }
  EXPECT_THAT(ok.result("Install catalogctl").output, HasSubstr(std::string("catalogctl ") + Version()));
  EXPECT_THAT(ok.result("Breaking changes").output, Not(HasSubstr("::error")));
  EXPECT_THAT(testing::ReadFile(job_root() / "tmp/summary.md"), HasSubstr("coupon"));
  // The catalog knows the dataset the contract binds (the test before made it).
  EXPECT_THAT(ok.result("Against the catalog").output, Not(HasSubstr("not in the catalog")));

  // A breaking change (a type changed, the major version kept): the job
  // fails on it with an annotation on the line, and still writes its summary.
  std::string breaking = std::regex_replace(
      contract, std::regex("      - name: order_id\n        logicalType: integer"),
      "      - name: order_id\n        logicalType: string");
  ASSERT_NE(breaking, contract);
  Workflow broken(job_root(), {{"CATALOGCTL_DEB_URL", "file:///srv/catalogctl.deb"}});
  broken.RunJob(job, checkout_with(breaking));
  EXPECT_EQ(broken.result("Lint").code, 0) << broken.result("Lint").output;
  EXPECT_EQ(broken.result("Breaking changes").code, 1) << broken.result("Breaking changes").output;
  EXPECT_THAT(broken.result("Breaking changes").output,
              HasSubstr("::error file=contracts/orders.odcs.yaml,line="));
  EXPECT_EQ(broken.result("Summary").code, 0);
  EXPECT_THAT(testing::ReadFile(job_root() / "tmp/summary.md"), HasSubstr("breaking"));
  EXPECT_THAT(broken.skipped(), ::testing::ElementsAre("Against the catalog"));
}

TEST_F(Package, AnUpgradeKeepsTheCatalogAndAPurgeLeavesIt) {
  ASSERT_GT(catalogd_pid_, 0);
  ASSERT_EQ(kill(catalogd_pid_, SIGTERM), 0);
  ASSERT_TRUE(testing::WaitFor([&] { return kill(catalogd_pid_, 0) != 0; }, std::chrono::seconds(20)));
  catalogd_pid_ = 0;
  std::string token = testing::ReadFile(image() / "var/lib/catalogd/admin.token");
  // An edited setting survives the package being installed again.
  Result edit = InRoot(image(), "", "/bin/sh",
                       "sed -i 's/^log-format: json/log-format: text/' /etc/catalogd/catalogd.yaml");
  ASSERT_EQ(edit.code, 0) << edit.output;
  fs::path catalogd_deb;
  for (const fs::path& deb : debs_) {
    if (deb.filename().string().rfind("catalogd_", 0) == 0) catalogd_deb = deb;
  }
  fs::copy_file(catalogd_deb, image() / "tmp/catalogd.deb", fs::copy_options::overwrite_existing);
  Result again = InRoot(image(), "", "/bin/sh", "dpkg -i /tmp/catalogd.deb");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_THAT(testing::ReadFile(image() / "etc/catalogd/catalogd.yaml"), HasSubstr("log-format: text"));
  EXPECT_EQ(testing::ReadFile(image() / "var/lib/catalogd/admin.token"), token);
  EXPECT_TRUE(fs::exists(image() / "var/lib/catalogd/catalog.db"));

  Result purge = InRoot(image(), "", "/bin/sh", "dpkg --purge catalogd");
  ASSERT_EQ(purge.code, 0) << purge.output;
  EXPECT_THAT(purge.output, HasSubstr("the catalog in /var/lib/catalogd is kept"));
  EXPECT_FALSE(fs::exists(image() / "etc/catalogd/catalogd.yaml"));
  EXPECT_FALSE(fs::exists(image() / "usr/bin/catalogd"));
  EXPECT_TRUE(fs::exists(image() / "var/lib/catalogd/catalog.db"));
}

}  // namespace
}  // namespace catalog
