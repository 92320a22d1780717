// kill -9 at random moments under a write load, 20 times: every write that
// was acknowledged is there after the restart, with its audit event; the
// database passes integrity_check and the audit chain verifies.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "client/client.h"
#include "tests/daemon.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using client::CatalogClient;

std::string AdminToken(const fs::path& data) {
  std::string t = testing::ReadFile(data / "admin.token");
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t;
}

TEST(Crash, AcknowledgedWritesSurviveKillNine) {
  testing::TempDir dir;
  fs::path data = dir.path() / "data";
  testing::Daemon daemon(data, dir.path() / "catalogd.log");
  std::mt19937 rng(20261125);
  std::set<std::string> acknowledged;
  std::mutex mu;
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE(daemon.Start()) << daemon.log();
    auto c = CatalogClient::Connect({.address = daemon.addr(),
                                     .token = AdminToken(data),
                                     .timeout = std::chrono::seconds(5)});
    ASSERT_TRUE(c.ok());
    // Everything acknowledged before is still there.
    {
      std::set<std::string> present;
      v1::ListDatasetsRequest list;
      list.set_page_size(1000);
      while (true) {
        auto page = (*c)->Call(&v1::CatalogService::Stub::ListDatasets, (*c)->catalog(), list);
        ASSERT_TRUE(page.ok()) << page.status();
        for (const auto& d : page->datasets()) present.insert(d.key().name());
        if (page->next_page_token().empty()) break;
        list.set_page_token(page->next_page_token());
      }
      for (const std::string& name : acknowledged) {
        ASSERT_TRUE(present.count(name)) << "round " << round << ": lost " << name;
      }
    }
    // Two writers until the crash.
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 2; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          std::string name = "r" + std::to_string(round) + "-w" + std::to_string(t) +
                             "-" + std::to_string(i);
          v1::ApplyRequest req;
          v1::Dataset* d = req.add_resources()->mutable_dataset();
          d->mutable_key()->set_namespace_("pg");
          d->mutable_key()->set_name(name);
          d->mutable_spec()->set_description("written before a crash");
          auto r = (*c)->Call(&v1::CatalogService::Stub::Apply, (*c)->catalog(), req);
          if (!r.ok()) return;  // the server is gone
          std::lock_guard lock(mu);
          acknowledged.insert(name);
        }
      });
    }
    // And a pipeline asking questions that are denied: their audit events
    // are appended in batches while the writers commit.
    writers.emplace_back([&] {
      v1::AuthorizeRequest ask;
      ask.set_principal("User::\"mallory\"");
      ask.set_action("write");
      ask.set_resource("Dataset::\"pg/r0-w0-0\"");
      while (!stop) {
        if (!(*c)->Call(&v1::PolicyService::Stub::Authorize, (*c)->policies(), ask).ok()) {
          return;
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 300));  // the random moment
    daemon.Kill();
    stop = true;
    for (std::thread& w : writers) w.join();
  }
  ASSERT_GT(acknowledged.size(), 20u);

  // The last restart: audit events for every acknowledged write, the chain
  // intact (decision events, appended in batches, killed mid-way too).
  ASSERT_TRUE(daemon.Start()) << daemon.log();
  auto c = CatalogClient::Connect({.address = daemon.addr(), .token = AdminToken(data)});
  ASSERT_TRUE(c.ok());
  std::set<std::string> audited;
  v1::ListAuditEventsRequest req;
  req.set_action("dataset.create");
  req.set_page_size(1000);
  while (true) {
    auto page = (*c)->Call(&v1::AuditService::Stub::ListAuditEvents, (*c)->audit(), req);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& e : page->events()) audited.insert(e.target().substr(3));  // "pg/"
    if (page->events_size() < 1000) break;
    req.set_after_seq(page->last_seq());
  }
  for (const std::string& name : acknowledged) {
    EXPECT_TRUE(audited.count(name)) << "no audit event for " << name;
  }
  v1::ListAuditEventsRequest denies;
  denies.set_decision("deny");
  auto denied = (*c)->Call(&v1::AuditService::Stub::ListAuditEvents, (*c)->audit(), denies);
  ASSERT_TRUE(denied.ok());
  EXPECT_GT(denied->events_size(), 0);
  auto verified = (*c)->Call(&v1::AuditService::Stub::VerifyAudit, (*c)->audit(),
                             v1::VerifyAuditRequest());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << verified->problem();
  ASSERT_EQ(daemon.Stop(), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data / "catalog.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "ok");
  sqlite3_finalize(s);
  sqlite3_close(db);
  std::cout << acknowledged.size() << " acknowledged writes over 20 crashes\n";
}

}  // namespace
}  // namespace catalog
