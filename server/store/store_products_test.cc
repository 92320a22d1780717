// Data products on both engines: written by Apply with their audit event
// and change, in an existing domain, read back as written, resolved to
// the datasets their contracts are bound to, and deleted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/catalog/data_product.h"
#include "server/store/change_codec.h"
#include "server/store/store.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StoreProductsTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    store_->AddCommitHook([this](const Change& c) { changes_.push_back(c); });
  }

  static Resource Product(const std::string& id, const std::string& domain,
                          const std::string& status = "active") {
    json doc = {{"apiVersion", "v1.0.0"},
                {"kind", "DataProduct"},
                {"id", id},
                {"name", "Orders"},
                {"status", status},
                {"team", {{"members", {{{"username", "alice"}, {"role", "owner"}}}}}},
                {"outputPorts",
                 {{{"name", "orders"}, {"version", "v1"}, {"contractId", "sales-orders"}}}}};
    if (!domain.empty()) doc["domain"] = domain;
    absl::StatusOr<DataProduct> p = DataProductFromOdps(doc);
    EXPECT_TRUE(p.ok()) << p.status();
    return {.kind = Resource::Kind::kDataProduct, .product = p.ok() ? *p : DataProduct{}};
  }

  static Resource MakeDomain(const std::string& path) {
    return {.kind = Resource::Kind::kDomain, .domain = {.path = path}};
  }

  absl::StatusOr<ApplyResponse> Apply(const std::vector<Resource>& resources,
                                      std::string_view actor) {
    return store_->Apply(resources, actor, /*dry_run=*/false, nullptr);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::vector<Change> changes_;
};

TEST_P(StoreProductsTest, AProductIsWrittenAuditedAndReadBackAsWritten) {
  ASSERT_TRUE(Apply({MakeDomain("sales")}, "user:admin").ok());
  absl::StatusOr<ApplyResponse> made = Apply({Product("sales-orders", "sales")}, "user:alice");
  ASSERT_TRUE(made.ok()) << made.status();
  ASSERT_EQ(made->results.size(), 1u);
  EXPECT_EQ(made->results[0].kind, "DataProduct");
  EXPECT_EQ(made->results[0].outcome, ApplyOutcome::kCreated);
  EXPECT_EQ(made->results[0].revision, 1);
  // The change carries it, through the feed's codec too (replicas).
  ASSERT_FALSE(changes_.empty());
  ASSERT_EQ(changes_.back().upserted.size(), 1u);
  absl::StatusOr<Change> decoded = DecodeChange(EncodeChange(changes_.back()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->upserted.size(), 1u);
  EXPECT_EQ(decoded->upserted[0].kind, Resource::Kind::kDataProduct);
  EXPECT_EQ(decoded->upserted[0].product.spec.owners[0].principal, "user:alice");

  absl::StatusOr<DataProduct> got = store_->GetDataProduct("sales-orders");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->spec, Product("sales-orders", "sales").product.spec);
  EXPECT_EQ(got->status.updated_by, "user:alice");
  // The same again changes nothing; a new status is revision 2.
  EXPECT_EQ(Apply({Product("sales-orders", "sales")}, "user:alice")->results[0].outcome,
            ApplyOutcome::kUnchanged);
  Resource deprecated = Product("sales-orders", "sales", "deprecated");
  deprecated.expected_revision = 1;
  absl::StatusOr<ApplyResponse> changed = Apply({deprecated}, "user:alice");
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->results[0].revision, 2);
  // A stale expected revision is refused.
  EXPECT_EQ(Apply({deprecated}, "user:alice").status().code(), absl::StatusCode::kAborted);

  absl::StatusOr<std::vector<AuditEvent>> audit =
      store_->ListAudit(AuditFilter{.action = "dataproduct."});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "dataproduct.create");
  EXPECT_EQ((*audit)[1].action, "dataproduct.update");
  EXPECT_EQ((*audit)[1].target, "sales-orders");
}

TEST_P(StoreProductsTest, ItsDomainMustExistAndKeepsIt) {
  absl::StatusOr<ApplyResponse> orphan = Apply({Product("p1", "nowhere")}, "user:alice");
  ASSERT_EQ(orphan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(orphan.status().message(), HasSubstr("domain \"nowhere\" does not exist"));
  EXPECT_EQ(store_->GetDataProduct("p1").status().code(), absl::StatusCode::kNotFound);
  // In the same apply, in any order.
  ASSERT_TRUE(Apply({Product("p1", "sales"), MakeDomain("sales")}, "user:admin").ok());
  absl::StatusOr<int64_t> gone = store_->DeleteDomain("sales", 0, "user:admin");
  ASSERT_EQ(gone.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(gone.status().message(), HasSubstr("1 data product(s)"));
}

TEST_P(StoreProductsTest, PortsResolveToTheirContractsDatasetsAndADeleteIsAChange) {
  ASSERT_TRUE(Apply({Product("p1", ""), Product("p2", "")}, "user:alice").ok());
  absl::StatusOr<std::vector<DataProduct>> all = store_->ListDataProducts();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "p1");
  // Not registered: no datasets.
  absl::StatusOr<std::map<std::string, std::vector<DatasetKey>>> none =
      store_->DatasetsOfContracts({"sales-orders"});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE((*none)["sales-orders"].empty());
  ASSERT_TRUE(
      Apply({{.kind = Resource::Kind::kDataset, .dataset = {.key = {"pg", "orders"}}}}, "user:alice")
          .ok());
  StoredContract c{.id = "sales-orders", .version = "1.0.0", .status = "active",
                   .document = "apiVersion: v3.0.2\nkind: DataContract\nid: sales-orders\n"
                               "version: 1.0.0\nstatus: active\n"};
  ASSERT_TRUE(store_->PutContract(c, {{"orders", {"pg", "orders"}}},
                                  [](const StoredContract*) { return absl::OkStatus(); },
                                  "user:alice").ok());
  absl::StatusOr<std::map<std::string, std::vector<DatasetKey>>> bound =
      store_->DatasetsOfContracts({"sales-orders"});
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_THAT((*bound)["sales-orders"], ElementsAre(DatasetKey{"pg", "orders"}));

  absl::StatusOr<int64_t> deleted = store_->DeleteDataProduct("p1", 0, "user:alice");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_THAT(changes_.back().deleted_products, ElementsAre("p1"));
  EXPECT_THAT(DecodeChange(EncodeChange(changes_.back()))->deleted_products, ElementsAre("p1"));
  EXPECT_EQ(store_->GetDataProduct("p1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteDataProduct("p1", 0, "user:alice").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDataProduct("no such/id").status().code(),
            absl::StatusCode::kInvalidArgument);
  // The snapshot's scan sees what is left.
  absl::StatusOr<CatalogContents> contents = store_->LoadContents();
  ASSERT_TRUE(contents.ok()) << contents.status();
  ASSERT_EQ(contents->products.size(), 1u);
  EXPECT_EQ(contents->products[0].id, "p2");
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreProductsTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
