// The WAL is checkpointed by the checkpoint thread, and stays bounded.
#include "server/store/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "server/store/sqlite.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

constexpr int kWrites = 400;

// Commits kWrites transactions of one 8 KiB row each (3 pages of log
// each); returns the largest the log file grew.
uintmax_t WriteAndWatchTheLog(Connection& db, const std::string& path) {
  EXPECT_TRUE(db.Exec("CREATE TABLE IF NOT EXISTS t(x BLOB)").ok());
  uintmax_t largest = 0;
  for (int i = 0; i < kWrites; ++i) {
    EXPECT_TRUE(db.Exec("INSERT INTO t VALUES (randomblob(8192))").ok());
    std::error_code ec;
    largest = std::max(largest, std::filesystem::file_size(path + "-wal", ec));
  }
  return largest;
}

constexpr uintmax_t kPage = 4096 + 24;  // a WAL frame

TEST(WalCheckpointer, TheThreadCheckpointsAndTheLogStaysBounded) {
  testing::TempDir dir;
  std::string path = (dir.path() / "a.db").string();
  auto db = SqliteConnection::Open(path, false, 1000);
  ASSERT_TRUE(db.ok()) << db.status();
  auto checkpointer = WalCheckpointer::Start(
      path, (*db)->raw(), {.thread_pages = 20, .writer_pages = 200});
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status();
  uintmax_t largest = WriteAndWatchTheLog(**db, path);
  // The writer's own fallback caps the log near writer_pages even when the
  // thread is slow (a sanitizer build); twice that is the bound.
  EXPECT_LT(largest, 2 * 200 * kPage);
  EXPECT_TRUE(testing::WaitFor([&] { return (*checkpointer)->completed() > 0; },
                               std::chrono::seconds(10)));
  checkpointer->reset();
  // Every row is in the database.
  auto reader = SqliteConnection::Open(path, true, 1000);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Exec("SELECT 1").ok());
  auto count = (*reader)->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->Int(0), kWrites);
}

// The same writes with no checkpoint at all: the log holds them all, so
// the bound above says something.
TEST(WalCheckpointer, WithoutCheckpointsTheSameWritesGrowTheLogPastTheBound) {
  testing::TempDir dir;
  std::string path = (dir.path() / "a.db").string();
  auto db = SqliteConnection::Open(path, false, 1000);
  ASSERT_TRUE(db.ok());
  sqlite3_wal_autocheckpoint((*db)->raw(), 0);
  EXPECT_GT(WriteAndWatchTheLog(**db, path), 2 * 200 * kPage);
}

// Stopping hands checkpoints back to SQLite's automatic ones.
TEST(WalCheckpointer, StoppingRestoresAutomaticCheckpoints) {
  testing::TempDir dir;
  std::string path = (dir.path() / "a.db").string();
  auto db = SqliteConnection::Open(path, false, 1000);
  ASSERT_TRUE(db.ok());
  {
    auto checkpointer = WalCheckpointer::Start(path, (*db)->raw(), {});
    ASSERT_TRUE(checkpointer.ok());
  }
  // SQLite's default checkpoints at 1,000 pages, in the commit.
  EXPECT_LT(WriteAndWatchTheLog(**db, path), 1100 * kPage);
}

}  // namespace
}  // namespace catalog::store
