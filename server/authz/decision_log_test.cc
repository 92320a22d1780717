// The decision log: which decisions it keeps, that they land in the chain
// in order, and that it refuses (fail closed) when they cannot be written.
#include "server/authz/decision_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "lib/util/strings.h"
#include "tests/test_env.h"

namespace catalog::authz {
namespace {

using ::testing::HasSubstr;
using Steady = std::chrono::steady_clock;

const policy::EntityUid kOrders{"Dataset", "pg/orders"};

std::unique_ptr<store::Store> OpenStore(const testing::TempDir& dir,
                                        int64_t max_bytes = 0) {
  auto s = store::Store::Open(
      {.path = (dir.path() / "catalog.db").string(), .max_bytes = max_bytes});
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

TEST(DecisionLog, EachModeKeepsWhatItSays) {
  testing::TempDir dir;
  auto store = OpenStore(dir);
  DecisionLog off(store.get(), {.mode = DecisionAudit::kOff});
  DecisionLog denies(store.get(), {.mode = DecisionAudit::kDenies});
  DecisionLog all(store.get(), {.mode = DecisionAudit::kAll});
  DecisionLog half(store.get(), {.mode = DecisionAudit::kDenies, .allow_sample = 0.5});
  EXPECT_FALSE(off.Wants(false));
  EXPECT_FALSE(off.Wants(true));
  EXPECT_TRUE(denies.Wants(false));
  EXPECT_FALSE(denies.Wants(true));
  EXPECT_TRUE(all.Wants(true));
  EXPECT_TRUE(all.Wants(false));
  int sampled = 0;
  for (int i = 0; i < 4000; ++i) sampled += half.Wants(true);
  EXPECT_GT(sampled, 1700);  // 2,000 expected; sd 32
  EXPECT_LT(sampled, 2300);
  EXPECT_TRUE(half.Wants(false));

  EXPECT_EQ(ParseDecisionAudit("denies").value(), DecisionAudit::kDenies);
  EXPECT_THAT(std::string(ParseDecisionAudit("most").status().message()),
              HasSubstr("audit-decisions: \"most\" must be off, denies or all"));
  EXPECT_EQ(PrincipalName({"User", "alice"}), "user:alice");
  EXPECT_EQ(PrincipalName({"ServiceAccount", "etl"}), "serviceaccount:etl");
  EXPECT_EQ(PrincipalName({"Team", "x"}), "Team::\"x\"");
}

TEST(DecisionLog, EventsFromManyThreadsAreChainedInOrder) {
  testing::TempDir dir;
  auto store = OpenStore(dir);
  DecisionLog log(store.get(), {.mode = DecisionAudit::kAll});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) {
        std::string who = StrCat("user:u", t);
        ASSERT_TRUE(log.Record(who, who, "read", kOrders, i % 2 == 0, 7).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(log.Flush(Steady::now() + std::chrono::seconds(10)));
  auto events = store->ListAudit(store::AuditFilter{.limit = 5000});
  ASSERT_TRUE(events.ok());
  int allows = 0, denies = 0;
  std::map<std::string, int> per_thread;
  for (const store::AuditEvent& e : *events) {
    if (e.decision.empty()) continue;
    EXPECT_EQ(e.action, "read");
    EXPECT_EQ(e.target_kind, "Dataset");
    EXPECT_EQ(e.target, "pg/orders");
    EXPECT_EQ(e.catalog_revision, 7);
    (e.decision == "allow" ? allows : denies)++;
    ++per_thread[e.actor];
  }
  EXPECT_EQ(allows, 500);
  EXPECT_EQ(denies, 500);
  EXPECT_EQ(per_thread.size(), 4u);
  auto verified = store->VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
  // A mutation after them chains on.
  Resource r;
  r.dataset.key = {"pg", "later"};
  ASSERT_TRUE(store->Apply({r}, "user:admin", false).ok());
  EXPECT_TRUE(store->VerifyAudit()->ok);
}

// A store whose database is full to its last page: it refuses every write,
// audit events included.
std::unique_ptr<store::Store> FullStore(const testing::TempDir& dir) {
  int64_t base = 0;
  {
    auto store = OpenStore(dir);
    for (const char* file : {"catalog.db", "catalog.db-wal"}) {
      std::error_code ec;
      uintmax_t n = std::filesystem::file_size(dir.path() / file, ec);
      if (!ec) base += static_cast<int64_t>(n);
    }
  }
  auto store = OpenStore(dir, base + 64 * 1024);
  // Fill the database, to the last page: big writes, then audit events
  // (what the log writes) in batches, then one at a time.
  int i = 0;
  absl::Status full;
  while (full.ok() && i < 1000) {
    Resource r;
    r.dataset.key = {"pg", StrCat("d", i++)};
    r.dataset.spec.description = std::string(8000, 'x');
    full = store->Apply({r}, "user:admin", false).status();
  }
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  for (size_t batch : {50, 1}) {
    absl::Status more;
    for (int n = 0; more.ok() && n < 100000; ++n) {
      more = store->AppendAuditEvents(std::vector<store::AuditEvent>(
                                          batch, {.actor = "user:filler", .decision = "deny"}))
                 .status();
    }
    EXPECT_EQ(more.code(), absl::StatusCode::kResourceExhausted) << more;
  }
  return store;
}

TEST(DecisionLog, WhenEventsCannotBeWrittenDecisionsAreWithheld) {
  testing::TempDir dir;
  auto store = FullStore(dir);
  auto before = store->ListAudit(store::AuditFilter{.limit = 100000});
  ASSERT_TRUE(before.ok());

  DecisionLog log(store.get(), {.mode = DecisionAudit::kDenies,
                                .max_pending = 3,
                                .wait = std::chrono::milliseconds(200)});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(log.Record("user:bob", "user:bob", "write", kOrders, false, 1).ok());
  }
  absl::Status refused = log.Record("user:bob", "user:bob", "write", kOrders, false, 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("the decision is withheld"));
  EXPECT_FALSE(log.Flush(Steady::now() + std::chrono::milliseconds(100)));
  // Nothing partial was written, and the chain holds.
  auto after = store->ListAudit(store::AuditFilter{.limit = 100000});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size());
  EXPECT_TRUE(store->VerifyAudit()->ok);
}

// Issue 12 #24: with the database locked or full, decisions were answered
// while their events waited, and lost at shutdown. Now a writer stuck for
// `wait` withholds decisions, and what is unwritten at shutdown is kept in
// the spill file and chained at the next start.
TEST(DecisionLog, AStuckWriterWithholdsAndNothingIsLostAtShutdown) {
  testing::TempDir dir;
  const std::string spill = (dir.path() / "audit-pending.jsonl").string();
  {
    auto store = FullStore(dir);
    DecisionLog log(store.get(), {.mode = DecisionAudit::kDenies,
                                  .wait = std::chrono::milliseconds(200),
                                  .spill_path = spill});
    EXPECT_TRUE(log.Record("user:gw", "user:bob", "write", kOrders, false, 1).ok());
    absl::Status refused;
    ASSERT_TRUE(testing::WaitFor([&] {
      refused = log.Record("user:gw", "user:bob", "write", kOrders, false, 1);
      return !refused.ok();
    }));
    EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(refused.message()), HasSubstr("withheld"));
  }  // shutdown: the store still refuses
  ASSERT_TRUE(std::filesystem::exists(spill));
  EXPECT_EQ(std::filesystem::status(spill).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto store = OpenStore(dir);  // room again
  {
    DecisionLog log(store.get(), {.mode = DecisionAudit::kDenies, .spill_path = spill});
    ASSERT_TRUE(log.Flush(Steady::now() + std::chrono::seconds(10)));
  }
  auto events = store->ListAudit(store::AuditFilter{.actor = "user:gw", .limit = 100});
  ASSERT_TRUE(events.ok());
  ASSERT_GE(events->size(), 1u);
  EXPECT_EQ(events->front().subject, "user:bob");
  EXPECT_EQ(events->front().decision, "deny");
  EXPECT_FALSE(std::filesystem::exists(spill));
  EXPECT_TRUE(store->VerifyAudit()->ok);
}

// Issue 12 #13: who asked and whom a decision was about are both kept, and
// an operator can cap one caller's events; one event says how many were
// not kept.
TEST(DecisionLog, ActorsSubjectsAndACapPerCaller) {
  testing::TempDir dir;
  auto store = OpenStore(dir);
  {
    DecisionLog log(store.get(), {.mode = DecisionAudit::kDenies,
                                  .max_per_caller = 5,
                                  .cap_window = std::chrono::milliseconds(300)});
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(log.Record("user:mallory", "user:alice", "read", kOrders, false, 3).ok());
    }
    EXPECT_TRUE(log.Record("user:bob", "user:bob", "read", kOrders, false, 3).ok());
    ASSERT_TRUE(testing::WaitFor([&] {
      auto e = store->ListAudit(store::AuditFilter{.action = "decisions.suppressed"});
      return e.ok() && !e->empty();
    }));
  }
  auto mallory = store->ListAudit(store::AuditFilter{.actor = "user:mallory", .limit = 100});
  ASSERT_TRUE(mallory.ok());
  ASSERT_EQ(mallory->size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ((*mallory)[i].subject, "user:alice");
  EXPECT_EQ(mallory->back().action, "decisions.suppressed");
  EXPECT_THAT(mallory->back().target, HasSubstr("15 not recorded"));
  auto bob = store->ListAudit(store::AuditFilter{.actor = "user:bob"});
  ASSERT_TRUE(bob.ok());
  ASSERT_EQ(bob->size(), 1u);
  EXPECT_EQ(bob->front().subject, "");  // asked about himself
  EXPECT_TRUE(store->VerifyAudit()->ok);
}

}  // namespace
}  // namespace catalog::authz
