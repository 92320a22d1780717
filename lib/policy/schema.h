// Cedar schemas (the `.cedarschema` text format), parsed far enough to type
// entity attributes, tags and request contexts, and to know the action
// hierarchy. The JSON readers use it to read values the way Cedar does with
// a schema: a bare {"type", "id"} record where an entity is expected is an
// entity, a string where an extension type is expected is that extension.
// Validation of policies against a schema is not implemented.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/policy/value.h"

namespace catalog::policy {

struct SchemaType {
  enum class Kind { kBool, kLong, kString, kSet, kRecord, kEntity, kExtension };
  Kind kind = Kind::kString;
  std::string name;                            // entity type or extension name
  std::vector<SchemaType> element;             // kSet: exactly one
  std::map<std::string, SchemaType> attributes;  // kRecord
};

struct SchemaEntityType {
  SchemaType attributes;  // a record
  bool has_tags = false;
  SchemaType tags;
};

struct SchemaAction {
  EntityUid uid;
  std::vector<EntityUid> parents;
  bool has_context = false;
  SchemaType context;  // a record
};

class Schema {
 public:
  // Parses the text format. Errors are INVALID_ARGUMENT "FILE:LINE:COL: ...".
  static absl::StatusOr<Schema> Parse(std::string_view text,
                                      std::string_view filename);

  const SchemaEntityType* FindEntityType(std::string_view name) const;
  const SchemaAction* FindAction(const EntityUid& uid) const;
  const std::vector<SchemaAction>& actions() const { return actions_; }

 private:
  friend class SchemaParser;
  std::map<std::string, SchemaEntityType, std::less<>> entity_types_;
  std::vector<SchemaAction> actions_;
};

}  // namespace catalog::policy
