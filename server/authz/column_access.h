// Column-level access: what a principal may do with each column of a
// dataset, as AuthorizeRead answers and as Authorize answers for a
// Column::"<dataset>#<path>" resource.
//
// Three rules keep a column from leaking through another door:
// - a column is never more open than its dataset (a denied dataset denies
//   every column);
// - a struct is at most as open as the most restricted field inside it
//   (deny < mask < allow): reading `shipping_address` would return
//   `shipping_address.street`;
// - names are unambiguous: field names never hold '.', the path separator
//   (lib/catalog/validate.h), so a path names one field.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/authz/decision.h"

namespace catalog::authz {

// Decisions for `columns` ("a", "a.b") of `dataset`, for `request` (whose
// resource is the dataset's entity) and the dataset-level decision on it.
// A column not in the dataset's schema is denied, saying so. Pure.
std::vector<ColumnDecision> DecideColumns(const std::shared_ptr<const Snapshot>& snapshot,
                                          const policy::Request& request,
                                          const Decision& dataset_decision,
                                          const DatasetKey& dataset,
                                          const std::vector<std::string>& columns);

// The decision on `request` whose resource is Column::"<dataset>#<path>":
// allowed when DecideColumns would allow or mask that column.
Decision DecideColumnRequest(const std::shared_ptr<const Snapshot>& snapshot,
                             const policy::Request& request);

// `request` decided on `snapshot`: DecideColumnRequest for a Column, the
// policies over the snapshot's entities otherwise.
Decision DecideRequest(const std::shared_ptr<const Snapshot>& snapshot,
                       const policy::Request& request);

}  // namespace catalog::authz
