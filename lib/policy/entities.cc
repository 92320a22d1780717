#include "lib/policy/entities.h"

#include <algorithm>
#include <unordered_map>

namespace catalog::policy {

const std::vector<EntityUid>& UidSet::items() const {
  static const std::vector<EntityUid> kEmpty;
  return items_ ? *items_ : kEmpty;
}

bool UidSet::insert(EntityUid uid) {
  const std::vector<EntityUid>& now = items();
  auto it = std::lower_bound(now.begin(), now.end(), uid);
  if (it != now.end() && *it == uid) return false;
  size_t at = it - now.begin();
  if (!items_) {
    items_ = std::make_shared<std::vector<EntityUid>>();
  } else if (items_.use_count() > 1) {
    items_ = std::make_shared<std::vector<EntityUid>>(*items_);  // copy on write
  }
  items_->insert(items_->begin() + at, std::move(uid));
  return true;
}

size_t UidSet::count(const EntityUid& uid) const {
  const std::vector<EntityUid>& now = items();
  return std::binary_search(now.begin(), now.end(), uid) ? 1 : 0;
}

void Entities::Add(Entity entity) {
  EntityUid uid = entity.uid;
  entities_.insert_or_assign(std::move(uid),
                             std::make_shared<const Entity>(std::move(entity)));
}

void Entities::Remove(const EntityUid& uid) { entities_.erase(uid); }

namespace {
using Map = ShardedMap<EntityUid, std::shared_ptr<const Entity>, EntityUidHash,
                       Entities::kShards>;

// One pass over entities whose ancestors may have moved. Depth-first from
// each entity; parents that are not entities themselves still count as
// ancestors (Cedar allows dangling parents). Entities with the same single
// parent have the same ancestors, so they are handed one shared set.
class Pass {
 public:
  explicit Pass(const Map& entities) : entities_(entities) {}

  // Replaces the entity when its ancestors changed.
  void Recompute(std::shared_ptr<const Entity>& entity) {
    UidSet ancestors = Compute(*entity);
    if (ancestors != entity->ancestors) {
      auto updated = std::make_shared<Entity>(*entity);
      updated->ancestors = std::move(ancestors);
      entity = std::move(updated);
    }
  }

 private:
  UidSet Compute(const Entity& e) {
    const bool one_parent = e.parents.size() == 1;
    if (one_parent) {
      auto it = by_parent_.find(e.parents[0]);
      if (it != by_parent_.end()) return it->second;
    }
    UidSet out;
    for (const EntityUid& p : e.parents) stack_.push_back(&p);
    while (!stack_.empty()) {
      const EntityUid* next = stack_.back();
      stack_.pop_back();
      if (!out.insert(*next)) continue;
      const std::shared_ptr<const Entity>* parent = entities_.find(*next);
      if (parent == nullptr) continue;
      for (const EntityUid& p : (*parent)->parents) stack_.push_back(&p);
    }
    if (one_parent) by_parent_.emplace(e.parents[0], out);
    return out;
  }

  const Map& entities_;
  std::unordered_map<EntityUid, UidSet, EntityUidHash> by_parent_;
  std::vector<const EntityUid*> stack_;
};
}  // namespace

void Entities::FinalizeSome(const std::vector<EntityUid>& changed) {
  Pass pass(entities_);
  for (const EntityUid& uid : changed) {
    std::shared_ptr<const Entity>* e = entities_.find_mutable(uid);
    if (e != nullptr) pass.Recompute(*e);
  }
}

void Entities::Finalize() {
  Pass pass(entities_);
  entities_.for_each_mutable(
      [&](const EntityUid&, std::shared_ptr<const Entity>& e) { pass.Recompute(e); });
}

const Entity* Entities::Find(const EntityUid& uid) const {
  const std::shared_ptr<const Entity>* e = entities_.find(uid);
  return e == nullptr ? nullptr : e->get();
}

bool Entities::InOrEqual(const EntityUid& a, const EntityUid& b) const {
  if (a == b) return true;
  const Entity* e = Find(a);
  return e != nullptr && e->ancestors.count(b) > 0;
}

}  // namespace catalog::policy
