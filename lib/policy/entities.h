// The entity store a request is evaluated against: entities with their
// attributes, tags and parents, and the transitive closure of the parent
// relation, computed once by Finalize().
#pragma once

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/policy/value.h"

namespace catalog::policy {

struct Entity {
  EntityUid uid;
  ValueRecord attrs;
  ValueRecord tags;
  std::vector<EntityUid> parents;
  // Every entity reachable through parents; filled by Entities::Finalize.
  std::unordered_set<EntityUid, EntityUidHash> ancestors;
};

class Entities {
 public:
  // Adds or replaces an entity. Call Finalize() after the last Add.
  void Add(Entity entity);
  // Computes ancestors for every entity (parents need not exist).
  void Finalize();

  // nullptr when the entity is not in the store.
  const Entity* Find(const EntityUid& uid) const;
  // a == b, or b is an ancestor of a.
  bool InOrEqual(const EntityUid& a, const EntityUid& b) const;
  size_t size() const { return entities_.size(); }

 private:
  std::unordered_map<EntityUid, Entity, EntityUidHash> entities_;
};

}  // namespace catalog::policy
