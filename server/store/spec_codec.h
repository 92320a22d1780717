// How a dataset's current spec is kept in its row: as Protobuf bytes
// (catalog.v1.DatasetSpec) in `spec_pb`, which reads decode instead of
// JSON: GetDataset and the authorization snapshot's load spend a few
// microseconds a dataset, not tens, and the row is about half the size
// (one page, where spec and JSON together spilled onto overflow pages).
// The JSON `spec` column is left empty, and each revision in
// dataset_history keeps its spec in binary too (`spec_pb` there). A row
// written before the binary column existed has NULL there and its JSON in
// `spec` (in `document`, for history), and is read from it;
// EncodeMissingSpecs moves current specs, history rows stay as written.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "server/store/db.h"

namespace catalog::store {

std::string EncodeSpecBinary(const DatasetSpec& spec);
// A spec from its JSON text; DATA_LOSS names `key` when it is not JSON.
absl::StatusOr<DatasetSpec> DecodeSpecJson(const std::string& text, const DatasetKey& key);

// The spec in row `s`: from its binary column when set, else from its JSON
// column. DATA_LOSS names `key` when neither decodes.
absl::StatusOr<DatasetSpec> ReadSpec(const Statement& s, int json_column, int binary_column,
                                     const DatasetKey& key);
// Only the classification, without decoding the rest (lineage summaries).
absl::StatusOr<Classification> ReadClassification(const Statement& s, int json_column,
                                                  int binary_column, const DatasetKey& key);

}  // namespace catalog::store
