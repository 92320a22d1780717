// How a dataset's spec is kept in its row: as JSON in `spec` (what people
// read with sqlite3, what history and schema versions copy) and as
// Protobuf bytes (catalog.v1.DatasetSpec) in `spec_pb`, which reads decode
// instead of the JSON: GetDataset and the authorization snapshot's load
// spend a few microseconds a dataset, not tens. Both are written in the
// same statement. A row written before the binary column existed has
// NULL there and is read from its JSON until EncodeMissingSpecs fills it.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "server/store/sqlite.h"

namespace catalog::store {

std::string EncodeSpecBinary(const DatasetSpec& spec);
// A spec from its JSON text; DATA_LOSS names `key` when it is not JSON.
absl::StatusOr<DatasetSpec> DecodeSpecJson(const std::string& text, const DatasetKey& key);

// The spec in row `s`: from its binary column when set, else from its JSON
// column. DATA_LOSS names `key` when neither decodes.
absl::StatusOr<DatasetSpec> ReadSpec(const Statement& s, int json_column, int binary_column,
                                     const DatasetKey& key);

}  // namespace catalog::store
