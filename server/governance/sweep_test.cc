// The governance sweep on both engines: today's evaluations per rule and
// domain, kept for the trend (a later sweep of the day replaces them), and
// verified certifications of datasets breaking a blocking rule lapsed,
// audited; a rule's change makes it due at once.
#include "server/governance/sweep.h"

#include <gtest/gtest.h>

#include <atomic>

#include "server/lineage/graph.h"
#include "tests/store_engines.h"

namespace catalog::governance {
namespace {

class SweepTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = store::Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    std::vector<Resource> rs = {{.kind = Resource::Kind::kDomain, .domain = {.path = "sales"}}};
    for (const char* name : {"orders", "daily"}) {
      Resource r{.kind = Resource::Kind::kDataset};
      r.dataset.key = {"pg", name};
      r.dataset.spec = {.domain = "sales", .layer = "gold"};
      r.dataset.spec.certification.state = "verified";
      if (std::string(name) == "orders") r.dataset.spec.description = "Orders";
      rs.push_back(r);
    }
    ASSERT_TRUE(store_->Apply(rs, "user:admin", false).ok());
    auto a = authz::Authorizer::Create(store_.get(), {{"p.cedar", "permit (principal, action, resource);"}});
    ASSERT_TRUE(a.ok()) << a.status();
    authorizer_ = *std::move(a);
    ASSERT_TRUE(authorizer_->WaitReady(std::chrono::system_clock::now() + std::chrono::seconds(10)));
    ASSERT_TRUE(graph_.Load(*store_).ok());
    sweep_ = std::make_unique<Sweep>(store_.get(), authorizer_.get(), &graph_,
                                     Sweep::Options{.clock_ms = [this] { return now_.load(); }});
  }

  void PutRule(const std::string& mode) {
    auto v = store_->PutGovernanceRule(
        "gold-described",
        R"({"condition": "resource.description != \"\"", "covers": {"layers": ["gold"]}, "mode": ")" +
            mode + R"("})",
        0, "user:ada");
    ASSERT_TRUE(v.ok()) << v.status();
    ASSERT_TRUE(authorizer_->WaitFor(store_->CatalogRevision().value_or(0),
                                     std::chrono::system_clock::now() + std::chrono::seconds(10)));
  }

  std::string Certification(const char* name) {
    auto d = store_->GetDataset({"pg", name});
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->spec.certification.state : "";
  }

  std::atomic<int64_t> now_{1'800'000'000'000};  // 2027-01-15T08:00:00Z
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<authz::Authorizer> authorizer_;
  lineage::LineageGraph graph_;
  std::unique_ptr<Sweep> sweep_;
};

TEST_P(SweepTest, KeepsTheDaysEvaluationsAndLapsesWhatBreaksABlockingRule) {
  PutRule("warn");
  sweep_->MaybeRun();  // the rules changed: due
  auto rows = store_->ListGovernanceEvaluations("2027-01-01");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].day, "2027-01-15");
  EXPECT_EQ((*rows)[0].rule, "gold-described");
  EXPECT_EQ((*rows)[0].domain, "sales");
  EXPECT_EQ((*rows)[0].checks, 2);
  EXPECT_EQ((*rows)[0].passed, 1);
  // A warn rule lapses nothing.
  EXPECT_EQ(Certification("daily"), "verified");

  // Not due again within the hour; the next day's sweep adds its row.
  PutRule("blocking");
  now_ += 24 * 3600 * 1000;
  sweep_->MaybeRun();
  rows = store_->ListGovernanceEvaluations("2027-01-01");
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].day, "2027-01-16");
  // daily breaks a blocking rule: nobody vouches for it any more.
  EXPECT_EQ(Certification("daily"), "");  // none
  EXPECT_EQ(Certification("orders"), "verified");
  auto audit = store_->ListAudit({.action = "governance.certification.lapse"});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].actor, "catalogd");
  EXPECT_EQ((*audit)[0].target, "pg/daily (breaks rule gold-described)");
  // The same day again replaces its row.
  ASSERT_TRUE(sweep_->Run().ok());
  EXPECT_EQ(store_->ListGovernanceEvaluations("2027-01-16")->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, SweepTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::governance
