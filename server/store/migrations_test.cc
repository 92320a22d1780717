#include "server/store/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "server/store/sqlite.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("migrations_test_" + std::to_string(getpid()) + ".db");
    std::filesystem::remove(path_);
    auto db = Connection::Open(path_.string(), false, 1000);
    ASSERT_TRUE(db.ok());
    db_ = *std::move(db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove(path_);
  }
  std::filesystem::path path_;
  std::unique_ptr<Connection> db_;
};

TEST_F(MigrationsTest, EmbeddedMigrationsAreNumberedInOrder) {
  const auto& all = EmbeddedMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i + 1)) << all[i].name;
    EXPECT_FALSE(all[i].sql.empty());
  }
}

TEST_F(MigrationsTest, DryRunListsAndAppliesNothing) {
  auto pending = Migrate(*db_, EmbeddedMigrations(), true);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), EmbeddedMigrations().size());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), 0);
  ASSERT_TRUE(Migrate(*db_, EmbeddedMigrations(), false).ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db_),
            EmbeddedMigrations().back().version);
  EXPECT_TRUE(Migrate(*db_, EmbeddedMigrations(), true)->empty());
}

TEST_F(MigrationsTest, AFailingMigrationLeavesTheSchemaWhollyOld) {
  std::vector<Migration> ms = {
      {1, "0001_a.sql", "CREATE TABLE a(x INTEGER);"},
      {2, "0002_b.sql", "CREATE TABLE b(x INTEGER); THIS IS NOT SQL;"}};
  auto r = Migrate(*db_, ms, false);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("0002_b.sql"));
  EXPECT_EQ(*CurrentSchemaVersion(*db_), 0);
  EXPECT_FALSE(db_->Exec("SELECT * FROM a").ok());  // table a rolled back too
}

TEST_F(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  ASSERT_TRUE(Migrate(*db_, EmbeddedMigrations(), false).ok());
  std::vector<Migration> older(EmbeddedMigrations().begin(),
                               EmbeddedMigrations().end() - 1);
  auto r = Migrate(*db_, older, false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("newer"));
}

}  // namespace
}  // namespace catalog::store
