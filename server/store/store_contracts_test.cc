#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "lib/lineage/event.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;

const char kContract[] =
    "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
    "status: active\nschema:\n  - name: orders\n    properties:\n"
    "      - name: id\n        logicalType: integer\n        required: true\n";

class StoreContractsTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    auto s = Store::Open(db_.Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    store_->AddCommitHook([this](const Change& c) { changes_.push_back(c); });
    Resource r;
    r.dataset.key = {"pg", "orders"};
    r.dataset.spec.fields = {Field{.name = "id", .type = "bigint", .nullable = false}};
    ASSERT_TRUE(store_->Apply({r}, "user:admin", false).ok());
  }

  absl::StatusOr<PutContractResult> Put(
      const std::string& version, std::string_view status = "active",
      std::function<absl::Status(const StoredContract*)> guard = nullptr) {
    StoredContract c{.id = "orders", .version = version,
                     .status = std::string(status), .document = kContract,
                     .file = "orders.yaml"};
    if (!guard) guard = [](const StoredContract*) { return absl::OkStatus(); };
    return store_->PutContract(c, {{"orders", {"pg", "orders"}}}, guard,
                               "user:alice");
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<AuditEvent>> events = store_->ListAudit(0, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    for (const AuditEvent& e : *events) {
      out.push_back(e.action + " " + e.target);
    }
    return out;
  }

  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<Store> store_;
  std::vector<Change> changes_;
};

TEST_P(StoreContractsTest, PutIsAuditedAndReachesDerivedViews) {
  changes_.clear();
  auto r = Put("1.0.0");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(AuditActions(), ::testing::Contains("contract.put orders@1.0.0"));
  // The commit tells the snapshot the dataset's contract changed.
  ASSERT_EQ(changes_.size(), 1u);
  ASSERT_EQ(changes_[0].upserted.size(), 1u);
  ASSERT_TRUE(changes_[0].upserted[0].dataset.contract.has_value());
  EXPECT_EQ(changes_[0].upserted[0].dataset.contract->version, "1.0.0");
  // ... and so does a full load.
  auto contents = store_->LoadContents();
  ASSERT_TRUE(contents.ok());
  ASSERT_EQ(contents->datasets.size(), 1u);
  EXPECT_EQ(contents->datasets[0].contract->id, "orders");
  auto summaries = store_->DatasetSummaries({{"pg", "orders"}});
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ((*summaries)[0]->contract->status, "active");
}

TEST_P(StoreContractsTest, ManyBindingsAreAllKept) {
  StoredContract c{.id = "shop", .version = "1.0.0", .status = "active",
                   .document = kContract};
  std::vector<ContractBinding> bindings = {{"orders", {"pg", "orders"}},
                                           {"items", {"pg", "items"}},
                                           {"refunds", {"pg", "refunds"}}};
  auto r = store_->PutContract(
      c, bindings, [](const StoredContract*) { return absl::OkStatus(); },
      "user:admin");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->bindings.size(), 3u);
  auto stored = store_->ContractBindings("shop");
  ASSERT_TRUE(stored.ok());
  std::set<std::string> names;
  for (const ContractBinding& b : *stored) names.insert(b.dataset.name);
  EXPECT_EQ(names, (std::set<std::string>{"orders", "items", "refunds"}));
}

TEST_P(StoreContractsTest, GuardRefusalAndDryRunChangeNothing) {
  ASSERT_TRUE(Put("1.0.0").ok());
  size_t audit = AuditActions().size();
  std::string seen;
  auto refused = Put("1.1.0", "active", [&](const StoredContract* latest) {
    seen = latest != nullptr ? latest->version : "none";
    return absl::FailedPreconditionError("no");
  });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(seen, "1.0.0");  // the guard judges against the latest version
  StoredContract c{.id = "orders", .version = "1.2.0", .status = "active",
                   .document = kContract};
  auto dry = store_->PutContract(
      c, {}, [](const StoredContract*) { return absl::OkStatus(); }, "user:a",
      /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->contract.seq, 2);
  EXPECT_EQ(store_->GetContract("orders", "")->version, "1.0.0");
  EXPECT_EQ(AuditActions().size(), audit);
  EXPECT_EQ(store_->ListContractVersions("orders")->size(), 1u);
}

TEST_P(StoreContractsTest, ViolatingRunIsRecordedWithItsAuditEvent) {
  ASSERT_TRUE(Put("1.0.0").ok());
  nlohmann::json schema = {
      {"schema", {{"fields", nlohmann::json::array({{{"name", "id"}, {"type", "text"}}})}}}};
  std::string text = testing::RunEventJson(
      "COMPLETE", "11111111-1111-1111-1111-111111111111", 1, {},
      {{"orders", schema}}, "load");
  auto e = lineage::ParseEvent(text);
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(store_->IngestEvents({*e}, "serviceaccount:etl").ok());
  auto v = store_->ContractViolations({"pg", "orders"}, 10);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_THAT((*v)[0].violations, HasSubstr("\"rule\":\"type\""));
  // OpenLineage cannot say a field is not null: nullability is not judged.
  EXPECT_THAT((*v)[0].violations, ::testing::Not(HasSubstr("nullability")));
  EXPECT_THAT(AuditActions(), ::testing::Contains("contract.violation pg/orders"))
      << ::testing::PrintToString(AuditActions());
  // A run honouring the contract records nothing.
  schema["schema"]["fields"][0]["type"] = "bigint";
  text = testing::RunEventJson("COMPLETE", "22222222-2222-2222-2222-222222222222",
                               2, {}, {{"orders", schema}}, "load");
  e = lineage::ParseEvent(text);
  ASSERT_TRUE(store_->IngestEvents({*e}, "serviceaccount:etl").ok());
  EXPECT_EQ(store_->ContractViolations({"pg", "orders"}, 10)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContractsTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
