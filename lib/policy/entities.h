// The entity store a request is evaluated against: entities with their
// attributes, tags and parents, and the transitive closure of the parent
// relation, computed once by Finalize().
#pragma once

#include <memory>
#include <vector>

#include "lib/util/sharded_map.h"

#include "lib/policy/value.h"

namespace catalog::policy {

// A set of entity uids, kept sorted in one vector, which copies share
// until one of them changes: an entity's ancestors are few, a catalog holds
// millions of entities, and those with the same parent (the datasets of a
// domain) have the same ancestors (Entities::Finalize hands them one).
class UidSet {
 public:
  using const_iterator = std::vector<EntityUid>::const_iterator;
  // True when `uid` was not in the set.
  bool insert(EntityUid uid);
  template <typename It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }
  size_t count(const EntityUid& uid) const;
  const_iterator begin() const { return items().begin(); }
  const_iterator end() const { return items().end(); }
  size_t size() const { return items().size(); }
  bool empty() const { return items().empty(); }
  void clear() { items_.reset(); }
  bool operator==(const UidSet& o) const { return items_ == o.items_ || items() == o.items(); }

 private:
  const std::vector<EntityUid>& items() const;
  std::shared_ptr<std::vector<EntityUid>> items_;  // shared: never changed
};

struct Entity {
  EntityUid uid;
  ValueRecord attrs;
  ValueRecord tags;
  std::vector<EntityUid> parents;
  // Every entity reachable through parents; filled by Entities::Finalize.
  UidSet ancestors;
};

// Read access to entities, as the evaluator needs it.
class EntityView {
 public:
  virtual ~EntityView() = default;
  // nullptr when the entity is not in the store.
  virtual const Entity* Find(const EntityUid& uid) const = 0;
  // a == b, or b is an ancestor of a.
  virtual bool InOrEqual(const EntityUid& a, const EntityUid& b) const = 0;
};

// Entities are held by shared pointer in shards shared between copies, so
// a copy of the store is cheap and a copy with a few entities replaced
// shares the rest.
class Entities final : public EntityView {
 public:
  // A change copies one shard (about 250 entries at a million entities);
  // a copy of the store costs this many pointer copies.
  static constexpr size_t kShards = 4096;

  // Adds or replaces an entity. Call Finalize() after the last Add.
  void Add(Entity entity);
  // Removes an entity if present. Call Finalize() after the last change.
  void Remove(const EntityUid& uid);
  // Computes ancestors for every entity (parents need not exist). Entities
  // whose ancestors do not change are left as they are (and stay shared).
  void Finalize();
  // Recomputes ancestors of `changed` only: enough when none of them is a
  // parent of another entity (so no one else's ancestors moved).
  void FinalizeSome(const std::vector<EntityUid>& changed);

  const Entity* Find(const EntityUid& uid) const override;
  bool InOrEqual(const EntityUid& a, const EntityUid& b) const override;
  size_t size() const { return entities_.size(); }

 private:
  // Sharded so that a copy with a few entities changed copies a few
  // shards, not every entity's pointer.
  ShardedMap<EntityUid, std::shared_ptr<const Entity>, EntityUidHash, kShards> entities_;
};

// A few request-scoped entities over a shared store: lookups try `extra`
// first. The extra entities' ancestors must already be filled in (their
// parents' closure in `base` included).
class OverlayEntities final : public EntityView {
 public:
  OverlayEntities(const EntityView& base, const Entities& extra)
      : base_(base), extra_(extra) {}
  const Entity* Find(const EntityUid& uid) const override {
    const Entity* e = extra_.Find(uid);
    return e != nullptr ? e : base_.Find(uid);
  }
  bool InOrEqual(const EntityUid& a, const EntityUid& b) const override {
    if (extra_.Find(a) != nullptr) return extra_.InOrEqual(a, b);
    return base_.InOrEqual(a, b);
  }

 private:
  const EntityView& base_;
  const Entities& extra_;
};

}  // namespace catalog::policy
