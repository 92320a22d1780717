#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/store/sqlite.h"
#include "server/store/store.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;

class StoreAuditTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    auto s = Store::Open(db_.Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  std::string path() const { return db_.Options().path; }

  absl::Status ApplyDataset(const std::string& name,
                            const std::string& actor = "user:admin") {
    Resource r;
    r.dataset.key = {"pg", name};
    return store_->Apply({r}, actor, false).status();
  }

  // Changes the database behind the store's back, as someone with the file
  // could.
  void Tamper(const std::string& sql) {
    absl::Status done = db_.Exec(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done;
  }

  AuditVerification Verify() {
    auto v = store_->VerifyAudit();
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : AuditVerification{};
  }

  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
};

TEST_P(StoreAuditTest, EveryEventLinksToTheOneBefore) {
  for (const char* name : {"a", "b", "c", "d"}) ASSERT_TRUE(ApplyDataset(name).ok());
  auto events = store_->ListAudit(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[0].prev_hash, std::string(64, '0'));
  for (size_t i = 1; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].prev_hash, (*events)[i - 1].hash);
    EXPECT_EQ((*events)[i].hash.size(), 64u);
  }
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.events, 4);
  EXPECT_EQ(v.head_seq, 4);
  EXPECT_EQ(v.head_hash, (*events)[3].hash);
}

TEST_P(StoreAuditTest, VerifyNamesTheFirstBrokenLink) {
  for (const char* name : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(ApplyDataset(name).ok());
  ASSERT_TRUE(Verify().ok);

  // An altered event.
  Tamper("UPDATE audit_events SET actor = 'user:mallory' WHERE seq = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_THAT(v.problem, HasSubstr("altered"));
  Tamper("UPDATE audit_events SET actor = 'user:admin' WHERE seq = 3");
  ASSERT_TRUE(Verify().ok);

  // A deleted event.
  Tamper("CREATE TABLE saved AS SELECT * FROM audit_events WHERE seq = 2");
  Tamper("DELETE FROM audit_events WHERE seq = 2");
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_THAT(v.problem, HasSubstr("deleted or inserted"));
  Tamper("INSERT INTO audit_events SELECT * FROM saved");
  ASSERT_TRUE(Verify().ok);

  // A deleted event whose successor was renumbered and relinked by hand.
  Tamper("DELETE FROM audit_events WHERE seq = 2");
  Tamper("UPDATE audit_events SET seq = -seq WHERE seq > 2");
  Tamper("UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0");
  Tamper("UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events "
         "WHERE seq = 1) WHERE seq = 2");
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2);
  EXPECT_THAT(v.problem, HasSubstr("altered"));
}

TEST_P(StoreAuditTest, InsertedEventIsFound) {
  for (const char* name : {"a", "b"}) ASSERT_TRUE(ApplyDataset(name).ok());
  Tamper("INSERT INTO audit_events(seq, time, actor, action, target_kind, "
         "target, before_revision, after_revision, catalog_revision, "
         "decision, prev_hash, hash) SELECT 3, time, 'user:admin', "
         "'dataset.delete', 'Dataset', 'pg/a', 1, 0, 9, '', hash, "
         "'0000000000000000000000000000000000000000000000000000000000000000' "
         "FROM audit_events WHERE seq = 2");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_EQ(v.head_seq, 3);
}

TEST_P(StoreAuditTest, AMutationWhoseEventCannotBeWrittenDoesNotHappen) {
  if (GetParam() == testing::Engine::kSqlite) {
    Tamper("CREATE TRIGGER no_audit BEFORE INSERT ON audit_events "
           "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END");
  } else {
    Tamper("CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS "
           "$$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$; "
           "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events FOR EACH ROW "
           "EXECUTE FUNCTION no_audit()");
  }
  absl::Status refused = ApplyDataset("a");
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.message()), HasSubstr("audit log unavailable"));
  EXPECT_EQ(store_->GetDataset({"pg", "a"}).status().code(),
            absl::StatusCode::kNotFound);
  Tamper(GetParam() == testing::Engine::kSqlite ? "DROP TRIGGER no_audit"
                                                 : "DROP TRIGGER no_audit ON audit_events");
  ASSERT_TRUE(ApplyDataset("a").ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_P(StoreAuditTest, EventsFromBeforeTheChainAreChainedOnOpen) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(ApplyDataset(name).ok());
  // A database from before the chain: no hashes, and never chained.
  Tamper("UPDATE audit_events SET prev_hash = '', hash = ''");
  Tamper("DELETE FROM meta WHERE key = 'audit_chained'");
  Open();
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.events, 3);
  ASSERT_TRUE(ApplyDataset("d").ok());
  EXPECT_TRUE(Verify().ok);
}

// catalogd re-chained any event whose hash was blanked while it was
// stopped, so `audit verify` vouched for altered events. Only a database's
// legacy prefix is chained, once.
TEST_P(StoreAuditTest, BlankedHashesAreNotRechained) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(ApplyDataset(name).ok());
  Tamper("UPDATE audit_events SET actor = 'user:nobody', prev_hash = '', hash = '' "
         "WHERE seq >= 2");
  Open();
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2) << v.problem;
  // The whole log blanked is not legacy either, once the chain exists.
  Tamper("UPDATE audit_events SET prev_hash = '', hash = ''");
  Open();
  EXPECT_FALSE(Verify().ok);
}

// Issue 12 #22: a file with a planted trigger (one deleting a user's new
// audit events) or view opened as if it were catalogd's.
TEST_P(StoreAuditTest, AFileWhoseSchemaIsNotCatalogdsIsRefused) {
  if (GetParam() == testing::Engine::kPostgres) {
    GTEST_SKIP() << "a SQLite file's schema; a PostgreSQL database is the operator's";
  }
  ASSERT_TRUE(ApplyDataset("a").ok());
  store_.reset();
  const std::vector<std::pair<std::string, std::string>> plants = {
      {"CREATE TRIGGER hide AFTER INSERT ON audit_events WHEN new.actor = 'user:mallory' "
       "BEGIN DELETE FROM audit_events WHERE seq = new.seq; END",
       "extra trigger hide"},
      {"CREATE VIEW everything AS SELECT * FROM tokens", "extra view everything"},
      {"CREATE INDEX sneaky ON tokens(principal)", "extra index sneaky"},
      {"DROP INDEX lineage_edges_dataset", "missing index lineage_edges_dataset"},
  };
  for (const auto& [sql, what] : plants) {
    SCOPED_TRACE(sql);
    Tamper(sql);
    auto s = Store::Open({.path = path()});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(what));
    // Undo it: the file opens again.
    Tamper(what.rfind("missing", 0) == 0
               ? "CREATE INDEX lineage_edges_dataset ON lineage_edges(dataset_id, output)"
               : "DROP " + what.substr(6, what.find(' ', 6) - 6) + " " +
                     what.substr(what.rfind(' ') + 1));
    ASSERT_TRUE(Store::Open({.path = path()}).ok());
  }
  // Writing the schema through SQL is off (defensive mode).
  auto db = SqliteConnection::Open(path(), false, 5000);
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Exec("PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = "
                           "'x' WHERE name = 'tokens'")
                   .ok());
  Open();
}

TEST_P(StoreAuditTest, ListFiltersByActorActionAndTime) {
  ASSERT_TRUE(ApplyDataset("a", "user:alice").ok());
  ASSERT_TRUE(ApplyDataset("b", "user:bob").ok());
  ASSERT_TRUE(ApplyDataset("a", "user:bob").ok());  // unchanged: no event
  Resource r;
  r.dataset.key = {"pg", "a"};
  r.dataset.spec.description = "x";
  ASSERT_TRUE(store_->Apply({r}, "user:bob", false).ok());
  auto bob = store_->ListAudit(AuditFilter{.actor = "user:bob"});
  ASSERT_TRUE(bob.ok());
  ASSERT_EQ(bob->size(), 2u);
  auto updates = store_->ListAudit(AuditFilter{.action = "dataset.update"});
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_EQ((*updates)[0].target, "pg/a");
  auto datasets = store_->ListAudit(AuditFilter{.action = "dataset."});
  EXPECT_EQ(datasets->size(), 3u);
  auto later = store_->ListAudit(AuditFilter{.since = "9999-01-01T00:00:00Z"});
  EXPECT_TRUE(later->empty());
  auto after = store_->ListAudit(AuditFilter{.after_seq = 2, .limit = 1});
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].seq, 3);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreAuditTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
