// History answers (ModelService, AIApplicationService): which of an
// object's revisions a caller may read, and the revisions as
// catalog.v1.ObjectRevision.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "catalog/v1/catalog.pb.h"
#include "lib/util/status_macros.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

// OK when `caller` may read (catalog:read) `uid` as the catalog holds it
// now, or when it is not in the catalog (deleted); else `not_found`. A
// denial is a decision like any read's.
absl::Status MayReadNow(const authz::Authorizer& authorizer, const std::string& caller,
                        const policy::EntityUid& uid, absl::Status not_found);

// Whether `caller` may read `uid` with `as_it_was` standing for it (the
// object as one revision had it); nothing recorded.
bool MayReadRevision(const authz::Authorizer& authorizer, const std::string& caller,
                     const policy::EntityUid& uid, const policy::Entities& as_it_was);

// Of `revisions`, those `caller` may read, each decided on the object as
// that revision had it (`entities_of(object, entities)`: its entities,
// placed in what the snapshot holds now) — so a name deleted and created
// again by someone else, or an object moved out of a guarded domain, does
// not show its earlier revisions to who could not read them then. An
// object that exists and may not be read now, or none readable: `not_found`,
// the words for a name that never existed.
template <typename T, typename EntitiesOf>
absl::StatusOr<std::vector<store::Revision<T>>> ReadableRevisions(
    const authz::Authorizer& authorizer, const std::string& caller, const policy::EntityUid& uid,
    std::vector<store::Revision<T>> revisions, EntitiesOf entities_of, absl::Status not_found) {
  if (revisions.empty()) return not_found;
  RETURN_IF_ERROR(MayReadNow(authorizer, caller, uid, not_found));
  std::shared_ptr<const authz::Snapshot> snapshot = authorizer.current();
  std::vector<store::Revision<T>> out;
  for (store::Revision<T>& r : revisions) {
    if (MayReadRevision(authorizer, caller, uid, entities_of(r.object, snapshot->entities()))) {
      out.push_back(std::move(r));
    }
  }
  if (out.empty()) return not_found;
  return out;
}

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
