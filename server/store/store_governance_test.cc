// Governance attributes on both engines: layers from the catalog's list,
// tiers, certifications stamped by the store, put to the certify check,
// and lapsed at their expiry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "server/store/store.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StoreGovernanceTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    Store::Options options = db_->Options();
    options.clock_ms = [this] { return now_.load(); };
    auto s = Store::Open(options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  static Resource Orders(DatasetSpec spec) {
    Resource r{.kind = Resource::Kind::kDataset};
    r.dataset.key = {"pg", "orders"};
    r.dataset.spec = std::move(spec);
    return r;
  }

  absl::StatusOr<ApplyResponse> Apply(const Resource& r, std::string_view actor = "user:alice",
                                      const Store::CertifyCheck& certify = nullptr) {
    return store_->Apply({r}, actor, false, certify);
  }

  Dataset Get() {
    absl::StatusOr<Dataset> d = store_->GetDataset({"pg", "orders"});
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : Dataset{};
  }

  std::atomic<int64_t> now_{1'800'000'000'000};  // 2027-01-15
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreGovernanceTest, LayerTierAndCertificationAreKeptAndInHistory) {
  ASSERT_TRUE(Apply(Orders({.description = "orders"})).ok());
  ASSERT_TRUE(Apply(Orders({.description = "orders",
                            .layer = "gold",
                            .tier = 1,
                            .certification = {.state = "draft"}}))
                  .ok());
  Dataset d = Get();
  EXPECT_EQ(d.spec.layer, "gold");
  EXPECT_EQ(d.spec.tier, 1);
  EXPECT_EQ(d.spec.certification.state, "draft");
  EXPECT_EQ(d.spec.certification.by, "user:alice");  // stamped, not sent
  EXPECT_FALSE(d.spec.certification.at.empty());
  auto history = store_->DatasetHistory({"pg", "orders"});
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_THAT(history->back().changes,
              ElementsAre("spec.certification", "spec.layer", "spec.tier"));
}

TEST_P(StoreGovernanceTest, ALayerIsOneOfTheCatalogsLayers) {
  auto applied = Apply(Orders({.layer = "platinum"}));
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(applied.status().message(),
              HasSubstr("spec.layer: \"platinum\" is not one of the catalog's layers (bronze, "
                        "silver, gold)"));
  EXPECT_EQ(store_->GetDataset({"pg", "orders"}).status().code(), absl::StatusCode::kNotFound);

  auto layers = store_->GetLayers();
  ASSERT_TRUE(layers.ok());
  EXPECT_THAT(layers->layers, ElementsAre("bronze", "silver", "gold"));
  EXPECT_EQ(layers->revision, 0);
  auto set = store_->SetLayers({"raw", "bronze", "silver", "gold", "platinum"}, "user:ada", 0);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->revision, 1);
  EXPECT_EQ(set->updated_by, "user:ada");
  ASSERT_TRUE(Apply(Orders({.layer = "platinum"})).ok());

  // A layer in use stays; a stale revision, a bad or repeated name change nothing.
  auto removed = store_->SetLayers({"bronze", "silver", "gold"}, "user:ada", 1);
  EXPECT_EQ(removed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(removed.status().message(), HasSubstr("\"platinum\" is the layer of 1 dataset"));
  EXPECT_EQ(store_->SetLayers({"gold", "platinum"}, "user:ada", 7).status().code(),
            absl::StatusCode::kAborted);
  auto repeated = store_->SetLayers({"gold", "gold", "platinum"}, "user:ada", 0);
  EXPECT_EQ(repeated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(repeated.status().message(), HasSubstr("layers[1]: \"gold\" appears twice"));
  EXPECT_EQ(store_->SetLayers({"Gold"}, "user:ada", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetLayers({}, "user:ada", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetLayers()->layers.size(), 5u);
  // Moved away, the layer may go.
  ASSERT_TRUE(Apply(Orders({.layer = "gold"})).ok());
  auto narrowed = store_->SetLayers({"bronze", "silver", "gold"}, "user:ada", 1);
  ASSERT_TRUE(narrowed.ok()) << narrowed.status();
  EXPECT_EQ(narrowed->revision, 2);
}

TEST_P(StoreGovernanceTest, ACertificationChangeIsPutToTheCertifyCheckAndStamped) {
  int asked = 0;
  Store::CertifyCheck refuse = [&](const Dataset& d) {
    ++asked;
    EXPECT_EQ(d.key.name, "orders");
    return absl::PermissionDeniedError("no catalog:certify");
  };
  Store::CertifyCheck allow = [&](const Dataset&) {
    ++asked;
    return absl::OkStatus();
  };
  // Draft is anyone's who may write; verified is the check's.
  ASSERT_TRUE(Apply(Orders({.certification = {.state = "draft"}}), "user:alice", refuse).ok());
  EXPECT_EQ(asked, 0);
  DatasetSpec verified{.certification = {.state = "verified", .expires = "2027-06-30"}};
  auto refused = Apply(Orders(verified), "user:alice", refuse);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(Get().spec.certification.state, "draft");  // nothing written
  ASSERT_TRUE(Apply(Orders(verified), "user:steward", allow).ok());
  EXPECT_EQ(asked, 2);
  Dataset d = Get();
  EXPECT_EQ(d.spec.certification.by, "user:steward");
  const int64_t revision = d.status.revision;
  // The same manifest again (without the stamp, or with a forged one) is
  // unchanged and asks nothing.
  DatasetSpec forged = verified;
  forged.certification.by = "user:mallory";
  auto again = Apply(Orders(forged), "user:alice", refuse);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->results[0].outcome, ApplyOutcome::kUnchanged);
  EXPECT_EQ(Get().spec.certification.by, "user:steward");
  EXPECT_EQ(Get().status.revision, revision);
  // Withdrawing a verified certification is the check's too.
  EXPECT_EQ(Apply(Orders({}), "user:alice", refuse).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(asked, 3);
}

TEST_P(StoreGovernanceTest, AVerifiedCertificationLapsesAtItsExpiry) {
  ASSERT_TRUE(Apply(Orders({.certification = {.state = "verified",
                                              .expires = "2027-02-01T00:00:00Z"}}))
                  .ok());
  const int64_t revision = Get().status.revision;
  auto none = store_->LapseCertifications(100);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);  // not yet
  now_ = 1'801'000'000'000 + 86'400'000LL * 30;  // past 2027-02-01
  auto lapsed = store_->LapseCertifications(100);
  ASSERT_TRUE(lapsed.ok()) << lapsed.status();
  EXPECT_EQ(*lapsed, 1);
  Dataset d = Get();
  EXPECT_EQ(d.spec.certification.state, "");
  EXPECT_EQ(d.spec.certification.by, "catalogd");
  EXPECT_EQ(d.status.revision, revision + 1);
  EXPECT_EQ(*store_->LapseCertifications(100), 0);  // once
  auto audit = store_->ListAudit({.action = "dataset.certification.lapse"});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].target, "pg/orders");
  EXPECT_EQ((*audit)[0].actor, "catalogd");
}

TEST_P(StoreGovernanceTest, BadValuesNameTheFieldAndTheRule) {
  struct Case {
    DatasetSpec spec;
    std::string message;
  } cases[] = {
      {{.tier = 6}, "spec.tier: 6 is not a tier"},
      {{.layer = "Gold"}, "spec.layer: \"Gold\" must start with a lowercase letter"},
      {{.certification = {.state = "approved"}},
       "spec.certification.state: \"approved\" is not a certification"},
      {{.certification = {.state = "draft", .expires = "2027-01-01"}},
       "spec.certification.expires: only a verified certification expires"},
      {{.certification = {.state = "verified", .expires = "next week"}},
       "spec.certification.expires: \"next week\" is not an RFC 3339 date-time or a date"},
  };
  for (const Case& c : cases) {
    auto applied = Apply(Orders(c.spec));
    EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(applied.status().message(), HasSubstr(c.message));
  }
  EXPECT_EQ(store_->GetDataset({"pg", "orders"}).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(StoreGovernanceTest, RulesAreVersionedDeletedAndKeepTheirHistory) {
  std::vector<bool> rules_changed;
  store_->AddCommitHook([&](const Change& c) { rules_changed.push_back(c.rules_changed); });
  const std::string v1 = R"({"condition":"true","mode":"advisory"})";
  const std::string v2 = R"({"condition":"true","mode":"blocking"})";
  absl::StatusOr<int64_t> put = store_->PutGovernanceRule("gold-owned", v1, -1, "user:ada");
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(*put, 1);
  // -1: must not exist; a stale version is refused; the same spec is no
  // new version.
  EXPECT_EQ(store_->PutGovernanceRule("gold-owned", v1, -1, "user:ada").status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store_->PutGovernanceRule("gold-owned", v2, 7, "user:ada").status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(*store_->PutGovernanceRule("gold-owned", v1, 1, "user:ada"), 1);
  EXPECT_EQ(*store_->PutGovernanceRule("gold-owned", v2, 1, "user:ada"), 2);
  ASSERT_TRUE(store_->PutGovernanceRule("has-owner", v1, 0, "user:ada").ok());
  absl::StatusOr<std::vector<StoredRule>> rules = store_->ListGovernanceRules();
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].name, "gold-owned");
  EXPECT_EQ((*rules)[0].version, 2);
  EXPECT_EQ((*rules)[0].spec, v2);
  EXPECT_EQ((*rules)[0].created_by, "user:ada");

  EXPECT_EQ(store_->DeleteGovernanceRule("gold-owned", 1, "user:ada").status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(*store_->DeleteGovernanceRule("gold-owned", 2, "user:ada"), 3);
  EXPECT_EQ(store_->DeleteGovernanceRule("gold-owned", 0, "user:ada").status().code(),
            absl::StatusCode::kNotFound);
  rules = store_->ListGovernanceRules();
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].name, "has-owner");
  absl::StatusOr<std::vector<StoredRule>> history = store_->GovernanceRuleHistory("gold-owned");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].spec, "");  // the deletion, newest first
  EXPECT_EQ((*history)[2].spec, v1);
  EXPECT_EQ(store_->GovernanceRuleHistory("nope").status().code(), absl::StatusCode::kNotFound);
  // Made again after its deletion: the next version, not 1.
  EXPECT_EQ(*store_->PutGovernanceRule("gold-owned", v1, -1, "user:ada"), 4);
  // Every write that stored something told the commit hooks.
  EXPECT_EQ(rules_changed, std::vector<bool>(5, true));
  // Audited, in the chain.
  absl::StatusOr<std::vector<AuditEvent>> audit =
      store_->ListAudit({.action = "governance.", .limit = 100});
  ASSERT_TRUE(audit.ok()) << audit.status();
  int puts = 0, deletes = 0;
  for (const AuditEvent& e : *audit) {
    puts += e.action == "governance.rule.put";
    deletes += e.action == "governance.rule.delete";
  }
  EXPECT_EQ(puts, 4);
  EXPECT_EQ(deletes, 1);
  absl::StatusOr<AuditVerification> chain = store_->VerifyAudit();
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_TRUE(chain->ok);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreGovernanceTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
