// Manifests: YAML files of catalog objects in Kubernetes' shape, many
// documents per file, as `catalogctl apply -f` reads them.
//
//   ASSIGN_OR_RETURN(auto docs, ParseManifest(text, "orders.yaml"));
//   for (const ManifestDocument& d : docs) Send(d.resource);
//
// Parsing is all-or-nothing: one bad document fails the whole file, with an
// InvalidArgument message "FILE:LINE:COL: document N (Kind name): <field>:
// <rule>". Hostile input is bounded: nesting deeper than kMaxYamlDepth,
// more than kMaxYamlNodes nodes per document after alias expansion (billion laughs), and
// files over kMaxManifestBytes are refused. A `kind: List` document (what
// `catalogctl get -o yaml` prints for several objects) stands for its
// `items`, as in kubectl. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"

namespace catalog {

inline constexpr int kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlNodes = 100'000;
inline constexpr size_t kMaxYamlScalarBytes = 1 << 20;
inline constexpr size_t kMaxManifestBytes = 64 * 1024 * 1024;

struct ManifestDocument {
  int index = 0;  // 1-based position in the file
  int line = 0;   // 1-based line where the document starts
  Resource resource;
  // A `kind: GovernanceRule` document (docs/governance.md#rules) holds no
  // resource: its name and its spec as JSON text, which the governance
  // service validates.
  std::string rule_name;
  std::string rule_spec;
  bool IsRule() const { return !rule_name.empty(); }
  // 1-based line of each field path ("spec.schema.fields[1].name").
  std::map<std::string, int> field_lines;

  // The line of `path`, or of its nearest ancestor that has one, or the
  // document's first line.
  int LineOf(std::string path) const;
};

absl::StatusOr<std::vector<ManifestDocument>> ParseManifest(
    std::string_view text, std::string_view filename);

// Renders JSON as block-style YAML; strings that would read back as another
// type ("true", "null", "42", "") are quoted.
std::string JsonToYaml(const nlohmann::json& value);

}  // namespace catalog
