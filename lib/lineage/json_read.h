// Reading members of OpenLineage JSON with the event parser's rules: an
// error names the JSON path and the rule ("run.runId: is required").
// Shared by the event parser and the facet readers beside it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace catalog::lineage {

// INVALID_ARGUMENT "path: rule".
absl::Status Bad(std::string_view path, std::string_view rule);
// "path.key", or "key" at the top.
std::string Member(std::string_view path, std::string_view key);

// The member `key` of `object` as a string: "" when absent (or null) and not
// required; an error when present and not a string.
absl::StatusOr<std::string> StringAt(const nlohmann::json& object, const char* key,
                                     std::string_view path, bool required);
// The member as an object or array; nullptr when absent and not required.
absl::StatusOr<const nlohmann::json*> ObjectAt(const nlohmann::json& object, const char* key,
                                               std::string_view path, bool required);
absl::StatusOr<const nlohmann::json*> ArrayAt(const nlohmann::json& object, const char* key,
                                              std::string_view path);
// The member as a number; nothing when absent or null.
absl::StatusOr<std::optional<double>> NumberAt(const nlohmann::json& object, const char* key,
                                               std::string_view path);

// A facet that says `"_deleted": true` withdraws the facet: as if not sent.
bool Withdrawn(const nlohmann::json& facet);

}  // namespace catalog::lineage
