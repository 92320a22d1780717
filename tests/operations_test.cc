// End to end: operating catalogd — an online backup, a restore, and the
// lock that keeps one catalogd per data directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>

#include "tests/e2e.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;

constexpr char kOrders[] = "postgres://prod-db:5432/sales.public.orders";

// catalogd SUBCOMMAND ARGS --data-dir DIR; exit code and output.
Result Catalogd(const fs::path& dir, const fs::path& data, const std::string& args) {
  fs::path out = dir / "catalogd.out";
  std::string cmd = "'" + (testing::BinDir() / "server" / "catalogd").string() + "' " +
                    args + " --data-dir '" + data.string() + "' > '" + out.string() +
                    "' 2>&1";
  int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), testing::ReadFile(out), ""};
}

TEST_F(EndToEnd, BackupWhileServingThenRestore) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  fs::path backup = dir_.path() / "catalog.backup";
  Result b = Catalogd(dir_.path(), data_dir(), "backup '" + backup.string() + "'");
  ASSERT_EQ(b.exit_code, 0) << b.out;
  EXPECT_THAT(b.out, HasSubstr("(integrity ok)"));
  EXPECT_TRUE(fs::exists(backup));
  // One owner-only file, nothing left beside it, and never over a file
  // without --force.
  EXPECT_EQ(fs::status(backup).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  for (const char* leftover : {".partial", ".partial-wal", ".partial-shm", "-wal", "-shm"}) {
    EXPECT_FALSE(fs::exists(backup.string() + leftover)) << leftover;
  }
  Result again = Catalogd(dir_.path(), data_dir(), "backup '" + backup.string() + "'");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.out, HasSubstr("exists; give --force"));
  Result forced = Catalogd(dir_.path(), data_dir(), "backup --force '" + backup.string() + "'");
  EXPECT_EQ(forced.exit_code, 0) << forced.out;

  // One catalogd per data directory; no restore under a running one.
  testing::Daemon second(data_dir(), dir_.path() / "second.log");
  EXPECT_FALSE(second.Start());
  EXPECT_THAT(second.log(), HasSubstr("catalog.lock is locked"));
  Result busy = Catalogd(dir_.path(), data_dir(), "restore '" + backup.string() + "'");
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_THAT(busy.out, HasSubstr("stop catalogd first"));

  // A change after the backup is undone by restoring it.
  ASSERT_EQ(Ctl(std::string("delete dataset ") + kOrders).exit_code, 0);
  ASSERT_NE(Ctl(std::string("get dataset ") + kOrders).exit_code, 0);
  ASSERT_EQ(daemon_->Stop(), 0);
  testing::WriteFile(dir_.path() / "garbage.backup", std::string(8192, 'x'));
  Result bad = Catalogd(dir_.path(), data_dir(),
                        "restore '" + (dir_.path() / "garbage.backup").string() + "'");
  EXPECT_EQ(bad.exit_code, 1);
  Result r = Catalogd(dir_.path(), data_dir(), "restore '" + backup.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  Result got = Ctl(std::string("get dataset ") + kOrders);
  EXPECT_EQ(got.exit_code, 0) << got.err;
  Result verify = Ctl("audit verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

// Issue 12 #22: a backup with a planted trigger (clearing revoked_at)
// restored "integrity ok" and the backdoor worked.
TEST_F(EndToEnd, ARestoreRefusesABackupWithAPlantedTrigger) {
  fs::path backup = dir_.path() / "planted.backup";
  ASSERT_EQ(Catalogd(dir_.path(), data_dir(), "backup '" + backup.string() + "'").exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(backup.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER unrevoke AFTER UPDATE OF revoked_at ON tokens "
                         "BEGIN UPDATE tokens SET revoked_at = NULL WHERE id = new.id; END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ASSERT_EQ(daemon_->Stop(), 0);
  Result r = Catalogd(dir_.path(), data_dir(), "restore '" + backup.string() + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("extra trigger unrevoke"));
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
}

// Issue 12 #29: kill -HUP terminated catalogd silently.
TEST_F(EndToEnd, SighupIsLoggedAndIgnored) {
  ASSERT_EQ(kill(daemon_->pid(), SIGHUP), 0);
  ASSERT_TRUE(testing::WaitFor(
      [&] { return daemon_->log().find("received SIGHUP; ignored") != std::string::npos; }));
  EXPECT_EQ(Ctl("get datasets").exit_code, 0);
}

// Issue 12 #26: CATALOG_TOKEN=$(cat file) with a newline made catalogctl
// abort and print the secret as hex.
TEST_F(EndToEnd, ATokenWithANewlineWorksAndABrokenOneIsNeverPrinted) {
  std::string token = testing::ReadFile(data_dir() / "admin.token");  // ends in "\n"
  Result ok = Ctl("get datasets", token);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  std::string secret = token.substr(token.find('.') + 1, 12);
  token.insert(token.find('.') + 3, "\x01");
  Result bad = Ctl("get datasets", token);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("the token from CATALOG_TOKEN holds a character"));
  EXPECT_EQ(bad.err.find(secret.substr(0, 8)), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out.find(secret.substr(0, 8)), std::string::npos);
}

}  // namespace
}  // namespace catalog
