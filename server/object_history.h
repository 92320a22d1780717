// History answers (ModelService, AIApplicationService): who may read an
// object's revisions, and the revisions as catalog.v1.ObjectRevision.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/v1/catalog.pb.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

// OK when `caller` may read (catalog:read) object `uid` as the catalog
// holds it now or, once it is deleted, as `as_it_was` (its entities as it
// last was, placed in what `entities` hold) has it: a deleted object's
// revisions stay as guarded as the object was. Else `not_found` — the
// words for a name that never existed.
absl::Status MayReadHistory(
    const authz::Authorizer& authorizer, const std::string& caller, const policy::EntityUid& uid,
    const std::function<policy::Entities(const policy::EntityView& entities)>& as_it_was,
    absl::Status not_found);

// Appends `revisions` to `out`, each object set by `set(object, entry)`.
template <typename T, typename Set>
void RevisionsToProto(const std::vector<store::Revision<T>>& revisions, Set set,
                      v1::ObjectHistoryResponse* out) {
  for (const store::Revision<T>& r : revisions) {
    v1::ObjectRevision* e = out->add_entries();
    e->set_revision(r.revision);
    e->set_actor(r.actor);
    e->set_time(r.time);
    e->set_action(r.action);
    for (const std::string& c : r.changes) e->add_changes(c);
    set(r.object, e);
  }
}

}  // namespace catalog::server
