#include "lib/policy/entities.h"

namespace catalog::policy {

void Entities::Add(Entity entity) {
  EntityUid uid = entity.uid;
  entities_[std::move(uid)] = std::move(entity);
}

void Entities::Finalize() {
  // Depth-first from each entity; parents that are not entities themselves
  // still count as ancestors (Cedar allows dangling parents).
  for (auto& [uid, entity] : entities_) {
    entity.ancestors.clear();
    std::vector<const EntityUid*> stack;
    for (const EntityUid& p : entity.parents) stack.push_back(&p);
    while (!stack.empty()) {
      const EntityUid* next = stack.back();
      stack.pop_back();
      if (!entity.ancestors.insert(*next).second) continue;
      auto it = entities_.find(*next);
      if (it == entities_.end()) continue;
      for (const EntityUid& p : it->second.parents) stack.push_back(&p);
    }
  }
}

const Entity* Entities::Find(const EntityUid& uid) const {
  auto it = entities_.find(uid);
  return it == entities_.end() ? nullptr : &it->second;
}

bool Entities::InOrEqual(const EntityUid& a, const EntityUid& b) const {
  if (a == b) return true;
  const Entity* e = Find(a);
  return e != nullptr && e->ancestors.count(b) > 0;
}

}  // namespace catalog::policy
