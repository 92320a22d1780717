// The change feed on PostgreSQL: two stores on one database, as two
// replicas, each seeing every change once, in revision order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "server/store/change_codec.h"
#include "server/store/store.h"
#include "tests/store_engines.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

using ::testing::ElementsAre;

Resource Dataset(const std::string& name, const std::string& description = "") {
  Resource r;
  r.dataset.key = {"pg", name};
  r.dataset.spec.description = description;
  return r;
}

// What a replica's hooks saw.
struct Seen {
  std::mutex mu;
  std::vector<Change> changes;
  void Add(const Change& c) {
    std::lock_guard lock(mu);
    changes.push_back(c);
  }
  std::vector<int64_t> Revisions() {
    std::lock_guard lock(mu);
    std::vector<int64_t> out;
    for (const Change& c : changes) out.push_back(c.catalog_revision);
    return out;
  }
  bool AnyReload() {
    std::lock_guard lock(mu);
    for (const Change& c : changes) {
      if (c.reload) return true;
    }
    return false;
  }
};

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Store::Options options = db_.Options();
    options.feed_poll_ms = 100;
    auto a = Store::Open(options);
    ASSERT_TRUE(a.ok()) << a.status();
    a_ = *std::move(a);
    auto b = Store::Open(options);
    ASSERT_TRUE(b.ok()) << b.status();
    b_ = *std::move(b);
    a_->AddCommitHook([this](const Change& c) { seen_a_.Add(c); });
    b_->AddCommitHook([this](const Change& c) { seen_b_.Add(c); });
  }
  static bool WaitApplied(Store& s, int64_t revision) {
    return s.WaitApplied(revision, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }

  testing::TestDatabase db_{testing::Engine::kPostgres};
  Seen seen_a_, seen_b_;  // the stores' hooks write here until they close
  std::unique_ptr<Store> a_, b_;
};

TEST_F(ChangeFeedTest, EachStoreSeesEveryChangeOnceInRevisionOrder) {
  constexpr int kEach = 30;
  auto write = [](Store* s, const std::string& prefix) {
    for (int i = 0; i < kEach; ++i) {
      auto r = s->Apply({Dataset(prefix + std::to_string(i), "by " + prefix)}, "user:x", false);
      ASSERT_TRUE(r.ok()) << r.status();
      // Written, and applied by its own store, before it returns.
      EXPECT_GE(s->AppliedRevision(), r->catalog_revision);
    }
  };
  std::thread ta(write, a_.get(), "a");
  std::thread tb(write, b_.get(), "b");
  ta.join();
  tb.join();
  ASSERT_TRUE(WaitApplied(*a_, 2 * kEach));
  ASSERT_TRUE(WaitApplied(*b_, 2 * kEach));
  std::vector<int64_t> all;
  for (int i = 1; i <= 2 * kEach; ++i) all.push_back(i);
  EXPECT_EQ(seen_a_.Revisions(), all);
  EXPECT_EQ(seen_b_.Revisions(), all);
  // The other replica's change arrives whole: what was written.
  std::lock_guard lock(seen_b_.mu);
  int from_a = 0;
  for (const Change& c : seen_b_.changes) {
    ASSERT_EQ(c.upserted.size(), 1u);
    const Resource& r = c.upserted[0];
    if (r.dataset.key.name[0] != 'a') continue;
    ++from_a;
    EXPECT_EQ(r.dataset.spec.description, "by a");
    EXPECT_EQ(r.dataset.status.revision, 1);
  }
  EXPECT_EQ(from_a, kEach);
}

TEST_F(ChangeFeedTest, TokensDeletionsAndPoliciesTravel) {
  TokenRecord t{.id = "t1", .secret_hash = std::string(32, 'h'), .principal = "user:alice",
                .created_at = NowRfc3339(), .created_by = "user:admin"};
  ASSERT_TRUE(a_->CreateToken(t, "user:admin").ok());
  ASSERT_TRUE(a_->Apply({Dataset("d")}, "user:x", false).ok());
  ASSERT_TRUE(a_->DeleteDataset({"pg", "d"}, 0, "user:x").ok());
  ASSERT_TRUE(a_->RevokeToken("t1", "user:admin").ok());
  auto p = a_->PutPolicyVersion({{"a.cedar", "permit(principal, action, resource);"}}, "", 0,
                                "user:admin");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(WaitApplied(*b_, p->second));
  std::lock_guard lock(seen_b_.mu);
  ASSERT_EQ(seen_b_.changes.size(), 5u);
  EXPECT_THAT(seen_b_.changes[0].tokens, ElementsAre("t1"));
  EXPECT_THAT(seen_b_.changes[2].deleted_datasets, ElementsAre(DatasetKey{"pg", "d"}));
  EXPECT_THAT(seen_b_.changes[3].tokens, ElementsAre("t1"));
  EXPECT_TRUE(seen_b_.changes[4].policies_changed);
}

// Changes the feed no longer holds (pruned, or never written by a broken
// writer): the replica reads everything again instead of skipping them.
TEST_F(ChangeFeedTest, MissingChangesMakeAReloadNotASkip) {
  ASSERT_TRUE(a_->Apply({Dataset("a")}, "user:x", false).ok());
  ASSERT_TRUE(WaitApplied(*b_, 1));
  ASSERT_TRUE(db_.Exec("UPDATE meta SET value = value + 3 WHERE key = 'catalog_revision'; "
                       "NOTIFY catalog_changes")
                  .ok());
  ASSERT_TRUE(WaitApplied(*b_, 4));
  EXPECT_TRUE(seen_b_.AnyReload());
  EXPECT_EQ(seen_b_.Revisions().back(), 4);
  // And it follows the feed again from there.
  auto r = a_->Apply({Dataset("b")}, "user:x", false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->catalog_revision, 5);
  ASSERT_TRUE(WaitApplied(*b_, 5));
  EXPECT_EQ(seen_b_.Revisions().back(), 5);
}

TEST_F(ChangeFeedTest, AnotherStoreBehindTheUrlMakesAReload) {
  ASSERT_TRUE(a_->Apply({Dataset("a")}, "user:x", false).ok());
  ASSERT_TRUE(WaitApplied(*b_, 1));
  StoreIdentity before = b_->Identity();
  ASSERT_TRUE(db_.Exec("UPDATE meta SET value = value + 1 WHERE key = 'store_id'; "
                       "NOTIFY catalog_changes")
                  .ok());
  for (int i = 0; i < 100 && b_->Identity() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(b_->Identity().store_id, before.store_id + 1);
  EXPECT_TRUE(seen_b_.AnyReload());
}

// A failover to a standby that had not received the last commits: the
// head is behind what replicas applied. They reload, and a new epoch
// refuses consistency tokens from the lost history.
TEST_F(ChangeFeedTest, ADatabaseGoneBackInTimeMakesAReloadAndANewEpoch) {
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(a_->Apply({Dataset(n)}, "user:x", false).ok());
  ASSERT_TRUE(WaitApplied(*b_, 3));
  StoreIdentity before = b_->Identity();
  ASSERT_TRUE(db_.Exec("DELETE FROM changes WHERE revision > 1; UPDATE meta SET value = 1 WHERE "
                       "key = 'catalog_revision'; NOTIFY catalog_changes")
                  .ok());
  for (int i = 0; i < 100 && b_->Identity().epoch == before.epoch; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(b_->Identity().epoch, before.epoch);
  EXPECT_TRUE(seen_b_.AnyReload());
  EXPECT_EQ(b_->AppliedRevision(), 1);
  // Writes go on from the database's head.
  auto r = b_->Apply({Dataset("d")}, "user:x", false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->catalog_revision, 2);
}


// One leader among the stores on a database; when it goes, another leads.
TEST(Leader, OneStoreLeadsAndAnotherTakesOverWhenItGoes) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  Store::Options options = db.Options();
  options.leader_poll_ms = 100;
  auto a = Store::Open(options);
  ASSERT_TRUE(a.ok());
  auto b = Store::Open(options);
  ASSERT_TRUE(b.ok());
  auto leaders = [&] { return int((*a) && (*a)->leader()) + int((*b) && (*b)->leader()); };
  ASSERT_TRUE(testing::WaitFor([&] { return leaders() == 1; }));
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(leaders(), 1);
  }
  auto& leader = (*a)->leader() ? *a : *b;
  auto& other = (*a)->leader() ? *b : *a;
  leader.reset();
  EXPECT_TRUE(testing::WaitFor([&] { return other->leader(); }));
  // SQLite's catalogd is alone: it leads.
  testing::TestDatabase lite(testing::Engine::kSqlite);
  auto single = Store::Open(lite.Options());
  ASSERT_TRUE(single.ok());
  EXPECT_TRUE((*single)->leader());
}

TEST_F(ChangeFeedTest, PruningForgetsOnlyWhatIsFarBehind) {
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(a_->Apply({Dataset("d" + std::to_string(i))}, "user:x", false).ok());
  }
  auto pruned = a_->PruneChanges(5);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 7);
  EXPECT_EQ(*a_->PruneChanges(5), 0);
  // A replica that follows on from there does not notice.
  ASSERT_TRUE(a_->Apply({Dataset("after")}, "user:x", false).ok());
  ASSERT_TRUE(WaitApplied(*b_, 13));
  EXPECT_FALSE(seen_b_.AnyReload());
}


// A store opened without following applies nothing until told to; then it
// applies first what was committed meanwhile, so a hook added before
// StartFollowing misses no change.
TEST(ChangeFeedStart, AHookAddedBeforeFollowingSeesWhatWasCommittedSinceOpen) {
  testing::TestDatabase db(testing::Engine::kPostgres);
  auto a = Store::Open(db.Options());
  ASSERT_TRUE(a.ok());
  Store::Options later = db.Options();
  later.follow = false;
  auto b = Store::Open(later);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*a)->Apply({Dataset("while-b-waits")}, "user:x", false).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ((*b)->AppliedRevision(), 0);
  Seen seen;
  (*b)->AddCommitHook([&](const Change& c) { seen.Add(c); });
  ASSERT_TRUE((*b)->StartFollowing().ok());
  EXPECT_EQ(seen.Revisions(), std::vector<int64_t>{1});
  ASSERT_TRUE((*a)->Apply({Dataset("after")}, "user:x", false).ok());
  ASSERT_TRUE((*b)->WaitApplied(2, std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  EXPECT_EQ(seen.Revisions(), (std::vector<int64_t>{1, 2}));
  b->reset();  // before `seen`, which its hook writes
}

TEST(ChangeCodec, RoundTripsAndRefusesGarbage) {
  Change c{.catalog_revision = 7, .policies_changed = true};
  Resource r;
  r.dataset.key = {"pg", "orders"};
  r.dataset.spec.description = "orders";
  r.dataset.status.revision = 3;
  r.dataset.contract = ContractRef{"orders", "1.0.0", "active", "orders"};
  c.upserted.push_back(r);
  c.deleted_datasets.push_back({"pg", "old"});
  c.deleted_domains.push_back("sales");
  c.deleted_principals.push_back({PrincipalKind::kGroup, "g"});
  c.lineage_edges.push_back({.job = {"airflow", "j"}, .dataset = {"pg", "orders"}, .output = true,
                             .active = false, .run_id = "r1", .first_seen_ms = 1,
                             .last_seen_ms = 2});
  c.deleted_jobs.push_back({"airflow", "gone"});
  c.tokens.push_back("t9");
  auto back = DecodeChange(EncodeChange(c));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->catalog_revision, 7);
  ASSERT_EQ(back->upserted.size(), 1u);
  EXPECT_EQ(back->upserted[0].dataset.spec.description, "orders");
  EXPECT_EQ(back->upserted[0].dataset.status.revision, 3);
  EXPECT_EQ(back->upserted[0].dataset.contract, r.dataset.contract);
  EXPECT_THAT(back->deleted_datasets, ElementsAre(DatasetKey{"pg", "old"}));
  EXPECT_THAT(back->deleted_domains, ElementsAre("sales"));
  EXPECT_THAT(back->deleted_principals, ElementsAre(PrincipalRef{PrincipalKind::kGroup, "g"}));
  ASSERT_EQ(back->lineage_edges.size(), 1u);
  EXPECT_EQ(back->lineage_edges[0].job.name, "j");
  EXPECT_TRUE(back->lineage_edges[0].output);
  EXPECT_FALSE(back->lineage_edges[0].active);
  EXPECT_EQ(back->lineage_edges[0].last_seen_ms, 2);
  EXPECT_THAT(back->tokens, ElementsAre("t9"));
  EXPECT_TRUE(back->policies_changed);
  for (std::string garbage : {std::string(""), std::string("\x81\xa1r\xa1x"), std::string("abc")}) {
    EXPECT_EQ(DecodeChange(garbage).status().code(), absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace catalog::store
