#include "lib/contract/yaml_tree.h"

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::contract {

absl::StatusOr<Document> ParseYaml(std::string_view text,
                                   std::string_view file) {
  ASSIGN_OR_RETURN(
      std::vector<Node> docs,
      yaml::ParseDocuments(text, file,
                           {.max_bytes = kMaxContractBytes,
                            .max_depth = kMaxContractDepth,
                            .max_nodes = kMaxContractNodes,
                            .max_scalar_bytes = kMaxContractScalarBytes}));
  if (docs.empty()) {
    return absl::InvalidArgumentError(StrCat(file, ":1:1: empty document"));
  }
  if (docs.size() > 1) {
    return absl::InvalidArgumentError(
        StrCat(file, ":", docs[1].pos.line, ":", docs[1].pos.column,
               ": a contract file holds one YAML document, not several"));
  }
  return Document{std::string(file), std::move(docs[0])};
}

}  // namespace catalog::contract
