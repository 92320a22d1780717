#include "server/products/product_cache.h"

#include "server/store/store.h"

namespace catalog::products {
namespace {

// Whether `change` may move a product or what its ports stand for, given
// the datasets its ports stood for (`resolved`).
bool Moves(const store::Change& change, const std::set<DatasetKey>& resolved) {
  if (change.reload || !change.deleted_products.empty() || !change.deleted_datasets.empty()) {
    return true;
  }
  for (const Resource& r : change.upserted) {
    if (r.kind == Resource::Kind::kDataProduct) return true;
    if (r.kind == Resource::Kind::kDataset &&
        (r.dataset.contract.has_value() || resolved.contains(r.dataset.key))) {
      return true;
    }
  }
  return false;
}

}  // namespace

ProductCache::ProductCache(store::Store* store) : store_(store) {
  hook_ = store_->AddCommitHook([this](const store::Change& c) { OnCommit(c); });
}

ProductCache::~ProductCache() { store_->RemoveCommitHook(hook_); }

void ProductCache::OnCommit(const store::Change& change) {
  std::lock_guard lock(mu_);
  if (catalog_ == nullptr) {
    ++generation_;  // a read under way may predate this change
    return;
  }
  if (!Moves(change, resolved_)) return;
  catalog_.reset();
  resolved_.clear();
  ++generation_;
}

absl::StatusOr<std::shared_ptr<const ProductCatalog>> ProductCache::Get() {
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    if (catalog_ != nullptr) return catalog_;
    generation = generation_;
  }
  absl::StatusOr<ProductCatalog> loaded = LoadProductCatalog(*store_);
  if (!loaded.ok()) return loaded.status();
  auto catalog = std::make_shared<const ProductCatalog>(*std::move(loaded));
  std::lock_guard lock(mu_);
  // Kept only when no change came while it was read (that change's hook
  // may have found nothing to drop).
  if (generation_ == generation) {
    catalog_ = catalog;
    for (const ProductCatalog::Entry& e : catalog->entries()) {
      for (const auto* ports : {&e.inputs, &e.outputs}) {
        for (const ProductCatalog::Port& p : *ports) resolved_.insert(p.datasets.begin(), p.datasets.end());
      }
    }
  }
  return catalog;
}

}  // namespace catalog::products
