#include "lib/lineage/node.h"

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {
namespace {

// Splits "namespace/name" the way ParseDatasetKey does.
absl::StatusOr<std::pair<std::string, std::string>> SplitKey(
    std::string_view path, std::string_view text) {
  size_t from = 0;
  size_t scheme = text.find("://");
  if (scheme != std::string_view::npos) from = scheme + 3;
  size_t slash = text.find('/', from);
  if (slash == std::string_view::npos || slash == 0 ||
      slash + 1 == text.size()) {
    return absl::InvalidArgumentError(
        StrCat(path, ": \"", text,
               "\" must be written namespace/name, namespace/name#field or "
               "job:namespace/name"));
  }
  std::string ns(text.substr(0, slash));
  std::string name(text.substr(slash + 1));
  RETURN_IF_ERROR(ValidateName(path, ns));
  RETURN_IF_ERROR(ValidateName(path, name));
  return std::make_pair(std::move(ns), std::move(name));
}

}  // namespace

std::string DatasetNodeId(const DatasetKey& key) { return key.ToString(); }
std::string JobNodeId(const JobKey& key) { return "job:" + key.ToString(); }
std::string ColumnNodeId(const DatasetKey& key, std::string_view field) {
  return StrCat(key.ToString(), "#", field);
}

std::string NodeRef::ToString() const {
  switch (kind) {
    case Kind::kDataset: return DatasetNodeId(dataset);
    case Kind::kColumn: return ColumnNodeId(dataset, field);
    case Kind::kJob: return JobNodeId(job);
  }
  return "";
}

absl::StatusOr<NodeRef> ParseNodeRef(std::string_view path,
                                     std::string_view text) {
  NodeRef ref;
  if (text.substr(0, 4) == "job:") {
    ref.kind = NodeRef::Kind::kJob;
    ASSIGN_OR_RETURN(auto parts, SplitKey(path, text.substr(4)));
    ref.job = {std::move(parts.first), std::move(parts.second)};
    return ref;
  }
  size_t hash = text.rfind('#');
  std::string_view key = text;
  if (hash != std::string_view::npos) {
    ref.kind = NodeRef::Kind::kColumn;
    ref.field = std::string(text.substr(hash + 1));
    key = text.substr(0, hash);
    RETURN_IF_ERROR(ValidateName(path, ref.field, kMaxShortNameBytes));
  }
  ASSIGN_OR_RETURN(auto parts, SplitKey(path, key));
  ref.dataset = {std::move(parts.first), std::move(parts.second)};
  return ref;
}

}  // namespace catalog::lineage
