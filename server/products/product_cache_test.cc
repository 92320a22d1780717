// The product cache on both engines: kept across changes that cannot move
// a product, dropped by those that can — a product written or deleted, a
// contract bound to a port's contract or unbound from a port's dataset.
#include "server/products/product_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/catalog/data_product.h"
#include "server/store/store.h"
#include "tests/store_engines.h"

namespace catalog::products {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

class ProductCacheTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = store::Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    cache_ = std::make_unique<ProductCache>(store_.get());
  }
  void TearDown() override { cache_.reset(); }

  void Apply(const std::vector<Resource>& resources) {
    auto r = store_->Apply(resources, "user:admin", false, nullptr);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  static Resource Product(const std::string& id) {
    json doc = {{"apiVersion", "v1.0.0"}, {"kind", "DataProduct"}, {"id", id},
                {"status", "active"},
                {"outputPorts", {{{"name", "out"}, {"version", "v1"}, {"contractId", "c"}}}}};
    return {.kind = Resource::Kind::kDataProduct, .product = *DataProductFromOdps(doc)};
  }
  static Resource Dataset(const std::string& name, const std::string& description = "") {
    return {.kind = Resource::Kind::kDataset,
            .dataset = {.key = {"pg", name}, .spec = {.description = description}}};
  }
  void Bind(const std::string& version, const std::string& dataset) {
    store::StoredContract c{.id = "c", .version = version, .status = "active",
                            .document = "id: c\nversion: " + version + "\n"};
    auto put = store_->PutContract(c, {{"t", {"pg", dataset}}},
                                   [](const store::StoredContract*) { return absl::OkStatus(); },
                                   "user:admin");
    ASSERT_TRUE(put.ok()) << put.status();
  }
  std::vector<DatasetKey> Published() {
    auto catalog = cache_->Get();
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    std::vector<DatasetKey> out;
    for (const auto& e : (*catalog)->entries()) {
      for (const auto& p : e.outputs) out.insert(out.end(), p.datasets.begin(), p.datasets.end());
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ProductCache> cache_;
};

TEST_P(ProductCacheTest, KeptUntilAChangeCouldMoveAProduct) {
  ASSERT_NO_FATAL_FAILURE(Apply({Product("p1"), Dataset("a"), Dataset("b"), Dataset("other")}));
  auto first = cache_->Get();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->entries().size(), 1u);
  // A dataset no port stands for, without a contract: kept.
  ASSERT_NO_FATAL_FAILURE(Apply({Dataset("other", "changed")}));
  EXPECT_EQ(cache_->Get()->get(), first->get());
  // A product written: read again.
  ASSERT_NO_FATAL_FAILURE(Apply({Product("p2")}));
  auto second = cache_->Get();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->get(), first->get());
  EXPECT_EQ((*second)->entries().size(), 2u);
  // The ports' contract bound to a, then to b instead.
  ASSERT_NO_FATAL_FAILURE(Bind("1.0.0", "a"));
  EXPECT_THAT(Published(), ElementsAre(DatasetKey{"pg", "a"}, DatasetKey{"pg", "a"}));
  ASSERT_NO_FATAL_FAILURE(Bind("2.0.0", "b"));
  EXPECT_THAT(Published(), ElementsAre(DatasetKey{"pg", "b"}, DatasetKey{"pg", "b"}));
  // A product deleted.
  ASSERT_TRUE(store_->DeleteDataProduct("p1", 0, "user:admin").ok());
  EXPECT_THAT(Published(), ElementsAre(DatasetKey{"pg", "b"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, ProductCacheTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::products
