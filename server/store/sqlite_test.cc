// The SQLite connection's settings that the store's statements rely on.
#include "server/store/sqlite.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/test_env.h"

namespace catalog::store {
namespace {

// How many times SQLite parsed and planned the connection's statements
// again after their first preparation.
int Reprepares(sqlite3* db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db, s)) {
    n += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_REPREPARE, 0);
  }
  return n;
}

// A pattern bound to `LIKE ?` (webhook events are matched so) would make
// SQLite prepare the statement again at every run, for its LIKE
// optimization; the connection fixes plans at preparation.
TEST(SqliteConnection, BindingALikePatternDoesNotPrepareTheStatementAgain) {
  testing::TempDir dir;
  auto db = SqliteConnection::Open((dir.path() / "a.db").string(), false, 1000);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(x TEXT); CREATE INDEX t_x ON t(x);"
                          "INSERT INTO t VALUES ('apple'), ('apricot'), ('banana')")
                  .ok());
  for (auto [pattern, want] : {std::pair{"ap%", 2}, {"b%", 1}, {"% x %", 0}, {"a%", 2}}) {
    auto s = (*db)->Prepare("SELECT count(*) FROM t WHERE x LIKE ?");
    ASSERT_TRUE(s.ok()) << s.status();
    (*s)->Bind(1, pattern);
    auto row = (*s)->Step();
    ASSERT_TRUE(row.ok() && *row) << pattern;
    EXPECT_EQ((*s)->Int(0), want) << pattern;
    (*s)->Reset();
  }
  EXPECT_EQ(Reprepares((*db)->raw()), 0);
}

}  // namespace
}  // namespace catalog::store
