#include "lib/policy/entities.h"

#include <algorithm>

namespace catalog::policy {

bool UidSet::insert(EntityUid uid) {
  auto it = std::lower_bound(items_.begin(), items_.end(), uid);
  if (it != items_.end() && *it == uid) return false;
  items_.insert(it, std::move(uid));
  return true;
}

size_t UidSet::count(const EntityUid& uid) const {
  return std::binary_search(items_.begin(), items_.end(), uid) ? 1 : 0;
}

void Entities::Add(Entity entity) {
  EntityUid uid = entity.uid;
  entities_.insert_or_assign(std::move(uid),
                             std::make_shared<const Entity>(std::move(entity)));
}

void Entities::Remove(const EntityUid& uid) { entities_.erase(uid); }

namespace {
using Map = ShardedMap<EntityUid, std::shared_ptr<const Entity>, EntityUidHash>;

// Depth-first from the entity; parents that are not entities themselves
// still count as ancestors (Cedar allows dangling parents). Replaces the
// entity when its ancestors changed.
void Recompute(const Map& entities, std::shared_ptr<const Entity>& entity,
               UidSet& ancestors,
               std::vector<const EntityUid*>& stack) {
  ancestors.clear();
  for (const EntityUid& p : entity->parents) stack.push_back(&p);
  while (!stack.empty()) {
    const EntityUid* next = stack.back();
    stack.pop_back();
    if (!ancestors.insert(*next)) continue;
    const std::shared_ptr<const Entity>* parent = entities.find(*next);
    if (parent == nullptr) continue;
    for (const EntityUid& p : (*parent)->parents) stack.push_back(&p);
  }
  if (ancestors != entity->ancestors) {
    auto updated = std::make_shared<Entity>(*entity);
    updated->ancestors = ancestors;
    entity = std::move(updated);
  }
}
}  // namespace

void Entities::FinalizeSome(const std::vector<EntityUid>& changed) {
  UidSet ancestors;
  std::vector<const EntityUid*> stack;
  for (const EntityUid& uid : changed) {
    std::shared_ptr<const Entity>* e = entities_.find_mutable(uid);
    if (e != nullptr) Recompute(entities_, *e, ancestors, stack);
  }
}

void Entities::Finalize() {
  UidSet ancestors;
  std::vector<const EntityUid*> stack;
  entities_.for_each_mutable([&](const EntityUid&, std::shared_ptr<const Entity>& e) {
    Recompute(entities_, e, ancestors, stack);
  });
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
