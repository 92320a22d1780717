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
    auto db = SqliteConnection::Open(path_.string(), false, 1000);
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

// Issue 12 #6: at the upgrade that gives jobs owners, each existing job
// belongs to the principal that reported it last, by its audit events; a
// job no event names has none (its next reporter claims it).
TEST_F(MigrationsTest, JobsBelongToTheirLastReporterAtUpgrade) {
  const auto& all = EmbeddedMigrations();
  std::vector<Migration> before_owners;
  for (const Migration& m : all) {
    if (m.name.find("job_owners") != std::string::npos) break;
    before_owners.push_back(m);
  }
  ASSERT_LT(before_owners.size(), all.size());
  ASSERT_TRUE(Migrate(*db_, before_owners, false).ok());
  ASSERT_TRUE(db_->Exec(R"(
      INSERT INTO jobs(namespace, name, created_at, updated_at) VALUES
        ('airflow', 'orders', 't', 't'), ('airflow', 'quiet', 't', 't'),
        ('dagster', 'a/b', 't', 't');
      INSERT INTO audit_events(time, actor, action, target_kind, target, before_revision,
                               after_revision, catalog_revision) VALUES
        ('t', 'serviceaccount:first', 'lineage.ingest', 'Job', 'airflow/orders', 0, 0, 1),
        ('t', 'serviceaccount:last', 'lineage.ingest', 'Job', 'airflow/orders', 0, 0, 2),
        ('t', 'user:admin', 'dataset.update', 'Dataset', 'airflow/orders', 1, 2, 3),
        ('t', 'serviceaccount:dag', 'lineage.ingest', 'Job', 'dagster/a/b', 0, 0, 4);
  )").ok());
  ASSERT_TRUE(Migrate(*db_, all, false).ok());
  auto s = db_->Prepare("SELECT namespace || '/' || name, owners, revision FROM jobs ORDER BY 1");
  ASSERT_TRUE(s.ok());
  std::vector<std::string> rows;
  while (*(*s)->Step()) {
    rows.push_back((*s)->Text(0) + " " + (*s)->Text(1) + " " + std::to_string((*s)->Int(2)));
  }
  EXPECT_THAT(rows, ::testing::ElementsAre(
                        R"(airflow/orders [{"principal":"serviceaccount:last","type":"technical"}] 1)",
                        "airflow/quiet [] 1",
                        R"(dagster/a/b [{"principal":"serviceaccount:dag","type":"technical"}] 1)"));
}

TEST_F(MigrationsTest, TheSearchIndexKeepsItsRowsWhenRebuiltWithPrefixes) {
  const auto& all = EmbeddedMigrations();
  std::vector<Migration> before;
  for (const Migration& m : all) {
    if (m.name.find("search_prefixes") != std::string::npos) break;
    before.push_back(m);
  }
  ASSERT_LT(before.size(), all.size());
  ASSERT_TRUE(Migrate(*db_, before, false).ok());
  ASSERT_TRUE(db_->Exec(R"(
      INSERT INTO dataset_search(rowid, key, description, fields, tags) VALUES
        (7, 'pg://a sales.orders', 'Orders, nightly', 'order_id email', 'pii'),
        (9, 'pg://a sales.customers', 'Who buys', 'customer_id', '');
  )").ok());
  ASSERT_TRUE(Migrate(*db_, all, false).ok());
  auto ids = [&](const std::string& match) {
    auto s = db_->Prepare("SELECT rowid FROM dataset_search WHERE dataset_search MATCH ? "
                          "ORDER BY rowid");
    EXPECT_TRUE(s.ok());
    (*s)->Bind(1, match);
    std::vector<int64_t> out;
    while (*(*s)->Step()) out.push_back((*s)->Int(0));
    return out;
  };
  // The rows, under their ids, found by one-letter prefixes (which the
  // prefix index answers) as by whole words.
  EXPECT_THAT(ids(R"({key} : ("o"*))"), ::testing::ElementsAre(7));
  EXPECT_THAT(ids(R"("c"*)"), ::testing::ElementsAre(9));
  EXPECT_THAT(ids(R"("pii")"), ::testing::ElementsAre(7));
  EXPECT_THAT(ids(R"({key} : ("sales"*))"), ::testing::ElementsAre(7, 9));
  // And the index of keys by id is there, as the dialect names it.
  auto keys = db_->Prepare("SELECT id FROM datasets INDEXED BY datasets_keys WHERE id IN (1)");
  EXPECT_TRUE(keys.ok()) << keys.status();
}

TEST_F(MigrationsTest, ObjectsThatExistStartTheirHistoryAtTheirRevision) {
  const auto& all = EmbeddedMigrations();
  std::vector<Migration> before;
  for (const Migration& m : all) {
    if (m.name.find("object_history") != std::string::npos) break;
    before.push_back(m);
  }
  ASSERT_LT(before.size(), all.size());
  ASSERT_TRUE(Migrate(*db_, before, false).ok());
  ASSERT_TRUE(db_->Exec(R"(
      INSERT INTO models(name, domain, spec, revision, created_at, updated_at, updated_by)
        VALUES ('churn', '', '{"description":"d"}', 3, 't0', 't3', 'user:mia');
      INSERT INTO model_versions(model, version, seq, spec, revision, created_at, updated_at,
                                 updated_by)
        VALUES ('churn', '1', 1, '{}', 1, 't1', 't1', 'user:mia');
      INSERT INTO feature_views(name, domain, spec, revision, created_at, updated_at, updated_by)
        VALUES ('f', '', '{}', 2, 't0', 't2', 'user:rita');
  )").ok());
  ASSERT_TRUE(Migrate(*db_, all, false).ok());
  auto s = db_->Prepare("SELECT kind, name, revision, action, actor, time, spec FROM "
                        "object_history ORDER BY kind, name");
  ASSERT_TRUE(s.ok());
  std::vector<std::string> rows;
  while (*(*s)->Step()) {
    rows.push_back((*s)->Text(0) + " " + (*s)->Text(1) + " " + std::to_string((*s)->Int(2)) +
                   " " + (*s)->Text(3) + " " + (*s)->Text(4) + " " + (*s)->Text(5) + " " +
                   (*s)->Text(6));
  }
  EXPECT_THAT(rows, ::testing::ElementsAre("FeatureView f 2 update user:rita t2 {}",
                                           R"(Model churn 3 update user:mia t3 {"description":"d"})",
                                           "ModelVersion churn@1 1 create user:mia t1 {}"));
}

}  // namespace
}  // namespace catalog::store
