// End to end: catalogctl audit list, tail and verify against a daemon; a
// database changed behind catalogd's back is caught by verify.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

TEST_F(EndToEnd, AuditListTailAndVerifyFindTampering) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  Result list = Ctl("audit list --action dataset.");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("dataset.create"));
  EXPECT_THAT(list.out, HasSubstr("user:admin"));
  Result lines = Ctl("audit list -o json --principal user:admin --limit 3");
  std::istringstream in(lines.out);
  int n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    json e = json::parse(line);
    EXPECT_EQ(e["actor"], "user:admin");
    EXPECT_EQ(e["hash"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(n, 3);
  EXPECT_EQ(Ctl("audit list --since 'last week'").exit_code, 1);
  // A denied question is an event too (the default: denies are recorded).
  Result denied = Ctl("authorize --principal 'User::\"mallory\"' --action write "
                      "--resource 'Dataset::\"postgres://prod-db:5432/sales.public.orders\"'");
  EXPECT_THAT(denied.out, HasSubstr("DENY"));
  Result denies = Ctl("audit list --decision deny");
  ASSERT_EQ(denies.exit_code, 0) << denies.err;
  EXPECT_THAT(denies.out, HasSubstr("OUTCOME"));
  EXPECT_THAT(denies.out, HasSubstr("user:mallory"));
  EXPECT_THAT(denies.out, HasSubstr("deny at "));
  EXPECT_THAT(Ctl("audit list --decision allow").out, Not(HasSubstr("user:mallory")));

  // tail shows events that happen while it runs.
  fs::path tail = dir_.path() / "tail.txt";
  std::string ctl = "CATALOG_ADDR=" + daemon_->addr() + " CATALOG_TOKEN='" +
                    [&] {
                      std::string t = testing::ReadFile(data_dir() / "admin.token");
                      t.pop_back();
                      return t;
                    }() +
                    "' '" + (testing::BinDir() / "client" / "catalogctl").string() + "'";
  std::string both = "cd '" + dir_.path().string() + "' && (" + ctl +
                     " audit tail --action token.create --poll-ms 100 --for-ms 4000 > '" +
                     tail.string() + "' &) && " + ctl +
                     " token create --principal user:alice > /dev/null 2>&1 && wait";
  ASSERT_EQ(std::system(both.c_str()), 0);
  ASSERT_TRUE(testing::WaitFor([&] {
    return testing::ReadFile(tail).find("token.create") != std::string::npos;
  }));

  Result verify = Ctl("audit verify");
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("chain intact"));
  size_t at = verify.out.find("head: ");
  ASSERT_NE(at, std::string::npos);
  std::string head = verify.out.substr(at + 6, verify.out.find(' ', at + 6) - at - 6);
  EXPECT_EQ(Ctl("audit verify --head " + head).exit_code, 0);

  // Someone with the file rewrites who did something.
  ASSERT_EQ(daemon_->Stop(), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir() / "catalog.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE audit_events SET actor = 'user:mallory' WHERE seq = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  Result broken = Ctl("audit verify");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.out, HasSubstr("BROKEN at event 2"));
  EXPECT_THAT(broken.out, HasSubstr("altered"));
}

}  // namespace
}  // namespace catalog
