// Faults the store must survive: a full disk, a writer lock held by someone
// else, a process killed in the middle of a migration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "server/store/migrations.h"
#include "server/store/sqlite.h"
#include "server/store/store.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;

Resource Dataset(const std::string& name, size_t description_bytes = 0) {
  Resource r;
  r.dataset.key = {"pg", name};
  r.dataset.spec.description = std::string(description_bytes, 'd');
  return r;
}

TEST(StoreFaults, AFullDiskRefusesWritesKeepsReadsAndRecovers) {
  testing::TempDir dir;
  std::string path = (dir.path() / "catalog.db").string();
  int64_t base = 0;
  {
    auto s = Store::Open({.path = path});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Apply({Dataset("first")}, "user:admin", false).ok());
    base = static_cast<int64_t>(std::filesystem::file_size(path)) +
           static_cast<int64_t>(std::filesystem::file_size(path + "-wal"));
  }
  // Room for a little more than there is.
  auto s = Store::Open({.path = path, .max_bytes = base + 256 * 1024});
  ASSERT_TRUE(s.ok()) << s.status();
  Store& store = **s;
  int written = 0;
  absl::Status full;
  for (int i = 0; i < 1000 && full.ok(); ++i) {
    full = store.Apply({Dataset("d" + std::to_string(i), 8000)}, "user:admin", false)
               .status();
    if (full.ok()) ++written;
  }
  ASSERT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_GT(written, 0);
  // Nothing partial: the refused dataset is not there, every written one
  // is, with one audit event each, and the chain holds.
  EXPECT_EQ(store.GetDataset({"pg", "d" + std::to_string(written)}).status().code(),
            absl::StatusCode::kNotFound);
  for (int i = 0; i < written; ++i) {
    ASSERT_TRUE(store.GetDataset({"pg", "d" + std::to_string(i)}).ok()) << i;
  }
  EXPECT_EQ(store.ListAudit(0, 100000)->size(), static_cast<size_t>(written + 1));
  EXPECT_TRUE(store.VerifyAudit()->ok);
  // Reads go on; writes come back when there is room.
  EXPECT_TRUE(store.ListDatasets("", {})->items.size() > 0);
  s->reset();
  auto roomy = Store::Open({.path = path});
  ASSERT_TRUE(roomy.ok());
  EXPECT_TRUE((*roomy)->Apply({Dataset("after", 8000)}, "user:admin", false).ok());
  EXPECT_TRUE((*roomy)->VerifyAudit()->ok);
}

TEST(StoreFaults, AWriterLockHeldElsewhereIsUnavailableNotAHang) {
  testing::TempDir dir;
  std::string path = (dir.path() / "catalog.db").string();
  auto s = Store::Open({.path = path, .busy_timeout_ms = 300});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Apply({Dataset("before")}, "user:admin", false).ok());
  auto other = SqliteConnection::Open(path, false, 1000);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("BEGIN IMMEDIATE").ok());  // holds the write lock
  auto start = std::chrono::steady_clock::now();
  absl::Status blocked = (*s)->Apply({Dataset("during")}, "user:admin", false).status();
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(blocked.code(), absl::StatusCode::kUnavailable) << blocked;
  EXPECT_THAT(std::string(blocked.message()), HasSubstr("locked"));
  EXPECT_LT(waited, std::chrono::seconds(5));  // the busy timeout, not forever
  EXPECT_TRUE((*s)->GetDataset({"pg", "before"}).ok());  // reads go on
  ASSERT_TRUE((*other)->Exec("ROLLBACK").ok());
  EXPECT_TRUE((*s)->Apply({Dataset("during")}, "user:admin", false).ok());
  EXPECT_TRUE((*s)->VerifyAudit()->ok);
}

TEST(StoreFaults, KilledDuringAMigrationTheSchemaIsWhollyOldOrNew) {
  std::vector<Migration> all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 2u);
  // The last migration made slow: it also fills a table with rows.
  std::vector<Migration> slow = all;
  slow.back().sql += "\nCREATE TABLE ballast(x);\n"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                     "WHERE i < 3000000) INSERT INTO ballast SELECT randomblob(16) FROM n;";
  std::vector<Migration> old(all.begin(), all.end() - 1);
  std::mt19937 rng(20261125);
  int old_seen = 0, new_seen = 0;
  for (int round = 0; round < 6; ++round) {
    testing::TempDir dir;
    std::string path = (dir.path() / "catalog.db").string();
    {
      auto db = SqliteConnection::Open(path, false, 1000);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(Migrate(**db, old, false).ok());
    }
    pid_t child = fork();
    if (child == 0) {
      auto db = SqliteConnection::Open(path, false, 1000);
      _exit(db.ok() && Migrate(**db, slow, false).ok() ? 0 : 1);
    }
    // Kill it somewhere between starting and (for some rounds) finishing.
    usleep(static_cast<useconds_t>(rng() % 1500) * 1000);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    auto db = SqliteConnection::Open(path, false, 1000);
    ASSERT_TRUE(db.ok());
    absl::StatusOr<int> version = CurrentSchemaVersion(**db);
    ASSERT_TRUE(version.ok());
    auto tables = (*db)->Prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ballast'");
    ASSERT_TRUE(tables.ok());
    ASSERT_TRUE(*(*tables)->Step());
    bool ballast = (*tables)->Int(0) == 1;
    (*tables)->Reset();
    if (*version == all.back().version) {
      EXPECT_TRUE(ballast);  // wholly new
      ++new_seen;
    } else {
      EXPECT_EQ(*version, old.back().version);  // wholly old
      EXPECT_FALSE(ballast);
      ++old_seen;
    }
    auto check = (*db)->Prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.ok());
    ASSERT_TRUE(*(*check)->Step());
    EXPECT_EQ((*check)->Text(0), "ok");
    (*check)->Reset();
  }
  EXPECT_GT(old_seen, 0);  // at least one kill landed mid-migration
}

}  // namespace
}  // namespace catalog::store
