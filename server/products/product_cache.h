// The data products with their ports resolved, kept between calls:
// GetDataProduct, Impact and the compliance report all need every product,
// and reading them (an ODPS document parsed, a contract's bindings read,
// for each) takes about 50 µs a product — 250 ms at 5,000
// (docs/PERFORMANCE.md). Kept until a change could move them: a product
// written or deleted, a dataset deleted, a dataset written that has a
// contract or that a port stands for, or a reload. Replicas see the same
// changes (commit hooks run for followed changes too).
//
//   ProductCache cache(store);          // follows the store's commits
//   ASSIGN_OR_RETURN(auto catalog, cache.Get());
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

#include "absl/status/statusor.h"
#include "server/products/product_view.h"

namespace catalog::store {
class Store;
struct Change;
}

namespace catalog::products {

class ProductCache {
 public:
  explicit ProductCache(store::Store* store);
  ~ProductCache();
  ProductCache(const ProductCache&) = delete;
  ProductCache& operator=(const ProductCache&) = delete;

  absl::StatusOr<std::shared_ptr<const ProductCatalog>> Get();

  // What the commit hook does; public for tests.
  void OnCommit(const store::Change& change);

 private:
  store::Store* store_;
  int hook_ = 0;
  std::mutex mu_;
  std::shared_ptr<const ProductCatalog> catalog_;  // guarded by mu_; null: read again
  std::set<DatasetKey> resolved_;  // guarded by mu_: what catalog_'s ports stand for (empty without it)
  uint64_t generation_ = 0;                        // guarded by mu_: bumped at each drop
};

}  // namespace catalog::products
