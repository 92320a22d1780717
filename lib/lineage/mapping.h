// What an OpenLineage event changes in the catalog's dataset entries. The
// catalog keeps what people applied; an event only changes what its facets
// speak of:
//   schema                -> the schema (a field's tags, classification and,
//                            when the event has none, description are kept
//                            from the field of the same name)
//   documentation         -> description
//   ownership             -> owners added (user:/team:/application: names
//                            map to user:/group:/serviceaccount:)
//   tags                  -> tags added ("key" or "key:value")
//   lifecycleStateChange  -> DROP: lifecycle dropped; CREATE, OVERWRITE,
//                            ALTER: active again; TRUNCATE: property
//                            lastTruncatedAt; RENAME: property renamedFrom
//                            here, and the old entry dropped with renamedTo
//
// Only a reporter who may change a dataset's curated metadata (catalog:write
// on it; `curate`) changes anything but its schema; for anyone else the
// schema is an observation that never removes a field with curated tags or
// classification.
#pragma once

#include "lib/catalog/model.h"
#include "lib/lineage/event.h"

namespace catalog::lineage {

// Applies `facts`, reported at `event_time`, to `spec`; with `curate`
// false, the schema only (see above).
void MergeFacts(const DatasetFacts& facts, const std::string& event_time,
                DatasetSpec& spec, bool curate = true);

// The entry a RENAME left behind: dropped, pointing at its new name.
void MarkRenamed(const DatasetKey& new_key, DatasetSpec& spec);

}  // namespace catalog::lineage
