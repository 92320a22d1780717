#include "lib/lineage/json_read.h"

#include "lib/util/strings.h"

namespace catalog::lineage {

using json = nlohmann::json;

absl::Status Bad(std::string_view path, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(path, ": ", rule));
}

std::string Member(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

absl::StatusOr<std::string> StringAt(const json& object, const char* key,
                                     std::string_view path, bool required) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Bad(Member(path, key), "is required");
    return std::string();
  }
  if (!it->is_string()) {
    return Bad(Member(path, key), "must be a string");
  }
  return it->get<std::string>();
}

absl::StatusOr<const json*> ObjectAt(const json& object, const char* key,
                                     std::string_view path, bool required) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Bad(Member(path, key), "is required");
    return nullptr;
  }
  if (!it->is_object()) {
    return Bad(Member(path, key), "must be an object");
  }
  return &*it;
}

absl::StatusOr<const json*> ArrayAt(const json& object, const char* key,
                                    std::string_view path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  if (!it->is_array()) return Bad(Member(path, key), "must be an array");
  return &*it;
}

absl::StatusOr<std::optional<double>> NumberAt(const json& object, const char* key,
                                               std::string_view path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number()) return Bad(Member(path, key), "must be a number");
  return std::optional<double>(it->get<double>());
}

bool Withdrawn(const json& facet) {
  auto it = facet.find("_deleted");
  return it != facet.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace catalog::lineage
