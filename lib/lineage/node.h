// How people and the API name a lineage node:
//   a dataset   namespace/name           ("gs://bucket/path/file.csv" is
//                                         namespace gs://bucket, name
//                                         path/file.csv: the namespace
//                                         runs to the first '/' after its
//                                         scheme://)
//   a column    namespace/name#field     (the last '#' starts the field)
//   a job       job:namespace/name
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/lineage/event.h"

namespace catalog::lineage {

struct NodeRef {
  enum class Kind { kDataset, kColumn, kJob };
  Kind kind = Kind::kDataset;
  DatasetKey dataset;  // kDataset, kColumn
  std::string field;   // kColumn
  JobKey job;          // kJob

  std::string ToString() const;
  bool operator==(const NodeRef&) const = default;
};

// INVALID_ARGUMENT naming `path` when `text` is none of the forms above.
absl::StatusOr<NodeRef> ParseNodeRef(std::string_view path,
                                     std::string_view text);

std::string DatasetNodeId(const DatasetKey& key);
std::string JobNodeId(const JobKey& key);
std::string ColumnNodeId(const DatasetKey& key, std::string_view field);

}  // namespace catalog::lineage
