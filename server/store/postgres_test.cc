// The PostgreSQL engine's own behaviour; what both engines share is in the
// store suites, run against each (tests/store_engines.h).
#include "server/store/postgres.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include "server/store/store.h"
#include "tests/certs.h"
#include "tests/postgres.h"
#include "tests/test_env.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(NumberParameters, NumbersBareAndNumberedParametersOutsideQuotes) {
  int n = 0;
  EXPECT_EQ(NumberParameters("SELECT a FROM t WHERE b = ? AND c = ?", &n),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(n, 2);
  // As in SQLite, a bare ? is one more than the highest number so far.
  EXPECT_EQ(NumberParameters("(?, ?) AND ?3 = x AND ?5 = y LIMIT ?4", &n),
            "($1, $2) AND $3 = x AND $5 = y LIMIT $4");
  EXPECT_EQ(n, 5);
  EXPECT_EQ(NumberParameters("SELECT '?', \"a?\" WHERE x = 'it''s ?' AND y = ?", &n),
            "SELECT '?', \"a?\" WHERE x = 'it''s ?' AND y = $1");
  EXPECT_EQ(n, 1);
}

TEST(StoreUrl, APasswordInTheUrlIsRefusedAndNeverRepeated) {
  absl::Status s = CheckStoreUrl("postgres://catalog:s3cret@db.example:5432/catalog");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("PGPASSWORD"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("s3cret")));
  s = CheckStoreUrl("postgres://db/catalog?password=s3cret");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckStoreUrl("postgres://catalog@db.example:5432/catalog?sslmode=verify-full").ok());
  EXPECT_EQ(CheckStoreUrl("postgres://db/catalog?nonsense=1").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RedactedStoreUrl("postgres://catalog@db.example:5432/catalog?sslmode=require&"
                             "passfile=/etc/catalogd/pgpass"),
            "postgres://catalog@db.example:5432/catalog?sslmode=require");
  // Opening with one fails before anything is sent anywhere.
  auto store = Store::Open({.postgres = "postgres://u:s3cret@127.0.0.1:1/x"});
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), Not(HasSubstr("s3cret")));
}

TEST(PostgresStore, AnUnreachableServerIsUnavailable) {
  auto store = Store::Open({.postgres = "postgres://catalog@127.0.0.1:1/catalog"});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("127.0.0.1"));
}

Resource Dataset(const std::string& name) {
  Resource r;
  r.dataset.key = {"pg", name};
  r.dataset.spec.description = "written by " + name;
  return r;
}

// Two stores on one database, as two replicas: every write takes the next
// revision under the head's row lock, so revisions have no gaps and no
// duplicates, and the audit chain holds across both.
TEST(PostgresStore, WritersOnTwoStoresTakeGapFreeRevisionsInCommitOrder) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  auto a = Store::Open(db.Options());
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = Store::Open(db.Options());
  ASSERT_TRUE(b.ok()) << b.status();
  constexpr int kEach = 40;
  std::vector<int64_t> revisions_a, revisions_b;
  auto write = [](Store* store, const std::string& prefix, std::vector<int64_t>* out) {
    for (int i = 0; i < kEach; ++i) {
      auto r = store->Apply({Dataset(prefix + std::to_string(i))}, "user:" + prefix, false);
      ASSERT_TRUE(r.ok()) << r.status();
      out->push_back(r->catalog_revision);
    }
  };
  std::thread ta(write, a->get(), "a", &revisions_a);
  std::thread tb(write, b->get(), "b", &revisions_b);
  ta.join();
  tb.join();
  std::set<int64_t> all(revisions_a.begin(), revisions_a.end());
  all.insert(revisions_b.begin(), revisions_b.end());
  ASSERT_EQ(all.size(), 2u * kEach);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), 2 * kEach);
  auto verified = (*b)->VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->events, 2 * kEach);
  // Each event's catalog revision follows the chain's order.
  auto events = (*a)->ListAudit(0, 1000);
  ASSERT_TRUE(events.ok());
  for (size_t i = 0; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].catalog_revision, static_cast<int64_t>(i) + 1);
  }
}

// A failed write leaves no gap: the revision it took is rolled back with it.
TEST(PostgresStore, AFailedWriteLeavesNoGap) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  auto store = Store::Open(db.Options());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Apply({Dataset("a")}, "user:x", false).ok());
  Resource bad = Dataset("b");
  bad.dataset.spec.domain = "nowhere";  // a domain that does not exist
  EXPECT_EQ((*store)->Apply({bad}, "user:x", false).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto r = (*store)->Apply({Dataset("c")}, "user:x", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->catalog_revision, 2);
}

// A session the server ended (a restart, a failover, an administrator) is
// re-established at the next transaction: the store keeps working.
TEST(PostgresStore, ASessionTheServerEndedIsReestablished) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  auto store = Store::Open(db.Options());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Apply({Dataset("a")}, "user:x", false).ok());
  ASSERT_TRUE(db.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                      "application_name = 'catalogd' AND datname = current_database()")
                  .ok());
  EXPECT_TRUE((*store)->Apply({Dataset("b")}, "user:x", false).ok());
  EXPECT_TRUE((*store)->GetDataset({"pg", "a"}).ok());
}

// A writer that holds the head's lock too long makes the others fail
// fast (lock_timeout) instead of piling up: UNAVAILABLE, retry elsewhere.
TEST(PostgresStore, AStuckWriterMakesOthersUnavailableNotStuck) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  Store::Options options = db.Options();
  options.lock_timeout_ms = 200;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  std::thread stuck([&] {
    // Holds the head for a second, as a stuck replica would.
    db.Exec("BEGIN; SELECT value FROM meta WHERE key = 'catalog_revision' FOR UPDATE; "
            "SELECT pg_sleep(1); COMMIT")
        .IgnoreError();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto r = (*store)->Apply({Dataset("a")}, "user:x", false);
  stuck.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("lock"));
  EXPECT_TRUE((*store)->Apply({Dataset("a")}, "user:x", false).ok());
}

// Three stores opened at once on an empty database: one migrates, the
// others wait for it and find the schema there.
TEST(PostgresStore, StoresOpenedTogetherOnAnEmptyDatabaseMigrateOnce) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  std::vector<absl::StatusOr<std::unique_ptr<Store>>> stores(3);
  std::vector<std::thread> threads;
  for (auto& s : stores) threads.emplace_back([&] { s = Store::Open(db.Options()); });
  for (auto& t : threads) t.join();
  for (auto& s : stores) ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE((*stores[0])->Apply({Dataset("a")}, "user:x", false).ok());
  EXPECT_TRUE((*stores[2])->GetDataset({"pg", "a"}).ok());
}


// PostgreSQL over TLS: what the URL asks for (sslmode, sslrootcert) is what
// the store's sessions do; a server whose certificate the given CA did not
// sign is refused.
TEST(PostgresStore, ConnectsOverTlsAsTheUrlAsks) {
  testing::Postgres* shared = testing::SharedPostgres();
  ASSERT_NE(shared, nullptr);
  testing::TempDir dir;
  testing::Pem ca = testing::MakeCa("catalog test CA"), other = testing::MakeCa("someone else");
  testing::Pem server = testing::MakeCert(ca, "localhost", {"DNS:localhost", "IP:127.0.0.1"});
  std::ofstream(dir.path() / "ca.pem") << ca.cert;
  std::ofstream(dir.path() / "other.pem") << other.cert;
  testing::Postgres pg;
  pg.UseTls(server.cert, server.key);
  ASSERT_TRUE(pg.Start(shared->password())) << pg.error();
  ASSERT_TRUE(pg.Exec("CREATE DATABASE catalog").ok());
  const std::string url = pg.Url("catalog") + "?sslmode=verify-full&sslrootcert=";
  auto store = Store::Open({.postgres = url + (dir.path() / "ca.pem").string()});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Apply({Dataset("over-tls")}, "user:x", false).ok());
  auto conn = PgConnection::Open(url + (dir.path() / "ca.pem").string(), {});
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto s = (*conn)->Prepare("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(*(*s)->Step());
  EXPECT_EQ((*s)->Int(0), 1);
  auto refused = Store::Open({.postgres = url + (dir.path() / "other.pem").string()});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("certificate"));
}

}  // namespace
}  // namespace catalog::store
