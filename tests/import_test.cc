// catalogctl import against a real PostgreSQL 15 (started by the test on a
// temp dir and a free port) and real SQLite files: tables and views become
// datasets named the OpenLineage way, re-runs change only what changed in
// the database and keep what people added in the catalog, vanished tables
// are reported (and with --prune marked dropped), and the password never
// leaves libpq's hands.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e.h"
#include "tests/postgres.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

class Import : public EndToEnd {
 protected:
  json Get(const std::string& ns, const std::string& name) {
    Result r = Ctl("get dataset --namespace '" + ns + "' --name '" + name + "' -o json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  static json Field(const json& dataset, const std::string& name) {
    for (const json& f : dataset["spec"]["schema"]["fields"]) {
      if (f["name"] == name) return f;
    }
    return json();
  }
};

TEST_F(Import, PostgresTablesBecomeDatasetsAndReRunsChangeOnlyWhatChanged) {
  testing::Postgres pg;
  ASSERT_TRUE(pg.Start()) << pg.error();
  ASSERT_TRUE(pg.Exec("CREATE DATABASE shop").ok());
  absl::Status made = pg.Exec(R"sql(
    CREATE SCHEMA sales;
    CREATE TABLE sales.orders (
      id bigint PRIMARY KEY,
      customer_email text NOT NULL,
      total numeric(10,2)
    );
    COMMENT ON TABLE sales.orders IS 'one row per order';
    COMMENT ON COLUMN sales.orders.total IS 'in EUR';
    CREATE VIEW sales.big_orders AS SELECT id, total FROM sales.orders WHERE total > 100;
    CREATE SCHEMA ops;
    CREATE TABLE ops.events (shard int, seq bigint, body jsonb, PRIMARY KEY (seq, shard));
  )sql", "shop");
  ASSERT_TRUE(made.ok()) << made;
  const std::string ns = "postgres://127.0.0.1:" + std::to_string(pg.port());
  const std::string env = "PGPASSWORD='" + pg.password() + "'";
  const std::string url = "'" + pg.Url("shop") + "'";

  Result first = Ctl("import " + url, "", env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("dataset/shop.sales.orders created"));
  EXPECT_THAT(first.out, HasSubstr("dataset/shop.sales.big_orders created"));
  EXPECT_THAT(first.out, HasSubstr("dataset/shop.ops.events created"));
  EXPECT_THAT(first.out, HasSubstr("3 tables and views in " + ns + ": 3 created"));

  json orders = Get(ns, "shop.sales.orders");
  EXPECT_EQ(orders["spec"]["description"], "one row per order");
  EXPECT_EQ(orders["spec"]["properties"]["table_type"], "table");
  EXPECT_EQ(orders["spec"]["properties"]["primary_key"], "id");
  EXPECT_EQ(Field(orders, "id")["type"], "bigint");
  EXPECT_EQ(Field(orders, "id")["nullable"], false);
  EXPECT_EQ(Field(orders, "customer_email")["nullable"], false);
  EXPECT_EQ(Field(orders, "total")["type"], "numeric(10,2)");
  EXPECT_EQ(Field(orders, "total")["nullable"], true);
  EXPECT_EQ(Field(orders, "total")["description"], "in EUR");
  json events = Get(ns, "shop.ops.events");
  EXPECT_EQ(events["spec"]["properties"]["primary_key"], "seq,shard");  // key order
  EXPECT_EQ(Get(ns, "shop.sales.big_orders")["spec"]["properties"]["table_type"], "view");

  // What people add in the catalog stays: owners, tags, a column's tag.
  std::ofstream(dir_.path() / "owned.yaml") << "apiVersion: catalog/v1\nkind: Dataset\n"
      << "metadata: {namespace: \"" << ns << "\", name: shop.sales.orders}\n"
      << "spec:\n  owners: [{principal: \"user:alice\", type: technical}]\n"
      << "  tags: [gold]\n";
  ASSERT_EQ(Ctl("apply -f owned.yaml").exit_code, 0);
  int64_t revision = Get(ns, "shop.sales.orders")["status"]["revision"];

  // Nothing changed in the database: nothing is written.
  Result again = Ctl("import " + url, "", env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("0 created, 0 changed, 3 unchanged"));
  EXPECT_EQ(Get(ns, "shop.sales.orders")["status"]["revision"], revision);

  // A new column and a vanished table.
  ASSERT_TRUE(pg.Exec("ALTER TABLE sales.orders ADD COLUMN placed_at timestamptz; "
                      "DROP TABLE ops.events",
                      "shop")
                  .ok());
  Result changed = Ctl("import " + url, "", env);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_THAT(changed.out, HasSubstr("dataset/shop.sales.orders changed"));
  EXPECT_THAT(changed.out, HasSubstr("dataset/shop.ops.events gone from the database"));
  EXPECT_THAT(changed.out, HasSubstr("1 gone (--prune marks them dropped)"));
  orders = Get(ns, "shop.sales.orders");
  EXPECT_EQ(Field(orders, "placed_at")["type"], "timestamp with time zone");
  EXPECT_EQ(orders["spec"]["tags"][0], "gold");
  EXPECT_EQ(orders["spec"]["owners"][0]["principal"], "user:alice");
  EXPECT_EQ(Get(ns, "shop.ops.events")["spec"]["lifecycle"], "active");  // reported only

  // One schema: the other schema's datasets are not this import's to judge.
  Result one = Ctl("import " + url + " --schema sales --prune", "", env);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, Not(HasSubstr("shop.ops.events")));
  EXPECT_EQ(Get(ns, "shop.ops.events")["spec"]["lifecycle"], "active");

  Result pruned = Ctl("import " + url + " --prune", "", env);
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_THAT(pruned.out, HasSubstr("dataset/shop.ops.events dropped"));
  EXPECT_EQ(Get(ns, "shop.ops.events")["spec"]["lifecycle"], "dropped");

  // A dry run of a new table writes nothing.
  ASSERT_TRUE(pg.Exec("CREATE TABLE sales.refunds (id bigint)", "shop").ok());
  Result dry = Ctl("import " + url + " --dry-run", "", env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("dataset/shop.sales.refunds created (dry run)"));
  EXPECT_EQ(Ctl("get dataset --namespace '" + ns + "' --name shop.sales.refunds").exit_code, 1);

  // The password: refused in the URL, never in what catalogd keeps.
  std::string with_password = "'postgresql://postgres:" + pg.password() + "@127.0.0.1:" +
                              std::to_string(pg.port()) + "/shop'";
  Result refused = Ctl("import " + with_password);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("PGPASSWORD"));
  EXPECT_THAT(refused.err, Not(HasSubstr(pg.password())));
  Result wrong = Ctl("import " + url, "", "PGPASSWORD=wrong");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("UNAVAILABLE: PostgreSQL:"));
  Result audit = Ctl("audit list -o json");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("shop.sales.orders"));
  EXPECT_THAT(audit.out, Not(HasSubstr(pg.password())));
  EXPECT_THAT(Ctl("history dataset --namespace '" + ns + "' --name shop.sales.orders -o json").out,
              Not(HasSubstr(pg.password())));
  EXPECT_THAT(testing::ReadFile(dir_.path() / "catalogd.log"), Not(HasSubstr(pg.password())));
}

void SqliteExec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

TEST_F(Import, SqliteFilesAreReadTheirOwnWay) {
  std::filesystem::path file = dir_.path() / "app.db";
  SqliteExec(file, R"sql(
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, note);
    CREATE TABLE memberships (user_id INTEGER, team TEXT, PRIMARY KEY (team, user_id));
    CREATE VIEW emails AS SELECT email FROM users;
  )sql");
  const std::string ns = "sqlite://" + std::filesystem::canonical(file).string();
  Result first = Ctl("import sqlite:app.db");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("3 tables and views in " + ns + ": 3 created"));
  json users = Get(ns, "users");
  EXPECT_EQ(users["spec"]["properties"]["primary_key"], "id");
  EXPECT_EQ(Field(users, "id")["nullable"], false);  // INTEGER PRIMARY KEY is the rowid
  EXPECT_EQ(Field(users, "email")["type"], "TEXT");
  EXPECT_EQ(Field(users, "email")["nullable"], false);
  EXPECT_EQ(Field(users, "note")["type"], "any");
  json memberships = Get(ns, "memberships");
  EXPECT_EQ(memberships["spec"]["properties"]["primary_key"], "team,user_id");
  // SQLite lets these hold NULL, so the catalog says they may.
  EXPECT_EQ(Field(memberships, "team")["nullable"], true);
  EXPECT_EQ(Get(ns, "emails")["spec"]["properties"]["table_type"], "view");

  EXPECT_THAT(Ctl("import sqlite:app.db").out, HasSubstr("0 created, 0 changed, 3 unchanged"));
  SqliteExec(file, "DROP VIEW emails");
  Result pruned = Ctl("import sqlite:app.db --prune");
  EXPECT_THAT(pruned.out, HasSubstr("dataset/emails dropped"));

  Result missing = Ctl("import sqlite:nowhere.db");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
  EXPECT_EQ(Ctl("import mysql://x/y").exit_code, 2);
  EXPECT_EQ(Ctl("import sqlite:app.db --schema main").exit_code, 2);
}

}  // namespace
}  // namespace catalog
