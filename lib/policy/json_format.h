// Cedar's JSON formats for values, entities and requests:
//   - values: JSON booleans, integers (64-bit), strings, arrays (sets),
//     objects (records), `{"__entity": {"type", "id"}}` and
//     `{"__extn": {"fn", "arg"}}` (or "args" for a method such as offset);
//   - entities: `[{"uid": {...}, "attrs": {...}, "parents": [...],
//     "tags": {...}}]`;
//   - requests: `{"principal": {...}, "action": {...}, "resource": {...},
//     "context": {...}}`.
// With a schema, a bare {"type", "id"} where an entity is expected is an
// entity, a string where an extension type is expected is that extension,
// and the schema's actions (with their parents) join the entities.
// Errors are INVALID_ARGUMENT naming the JSON path. Nesting beyond
// kMaxJsonDepth is refused.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "absl/status/statusor.h"
#include "lib/policy/entities.h"
#include "lib/policy/evaluator.h"
#include "lib/policy/schema.h"

namespace catalog::policy {

inline constexpr int kMaxJsonDepth = 128;

absl::StatusOr<EntityUid> EntityUidFromJson(const nlohmann::json& json);

// `type` (nullable) is the schema's expectation for this value.
absl::StatusOr<Value> ValueFromJson(const nlohmann::json& json,
                                    const SchemaType* type);

// `schema` may be null.
absl::StatusOr<Entities> EntitiesFromJson(const nlohmann::json& json,
                                          const Schema* schema);

absl::StatusOr<Request> RequestFromJson(const nlohmann::json& json,
                                        const Schema* schema);

// Renders a value in Cedar's JSON form (escapes for entities, extensions).
nlohmann::json ValueToJson(const Value& value);

}  // namespace catalog::policy
