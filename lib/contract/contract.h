// An ODCS contract as the values diff, binding and schema checks work on.
// Built from a parsed document (yaml_tree.h); fields of the wrong type read
// as absent, so run Lint first when the document may be invalid.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/catalog/model.h"
#include "lib/contract/yaml_tree.h"

namespace catalog::contract {

// A bound of logicalTypeOptions: a number, or a date/time as text.
struct Bound {
  const Node* node = nullptr;
  explicit operator bool() const { return node != nullptr; }
  // <0, 0, >0 like strcmp; numbers numerically, text by its ISO order.
  int Compare(const Bound& other) const;
  std::string Text() const;
};

struct QualityRule {
  std::string key;   // its id, else name, else metric/type and position
  std::string json;  // canonical form, without arguments.validValues
  const Node* node = nullptr;
};

struct Property {
  std::string name;
  std::string path;  // "orders.customer.city", items as "tags[]"
  const Node* node = nullptr;
  std::string logical_type;
  std::string physical_type;
  std::string physical_name;
  std::string classification;
  std::string format;  // logicalTypeOptions.format
  bool required = false;  // primaryKey implies required and unique
  bool unique = false;
  bool primary_key = false;
  Bound min_length, max_length, minimum, maximum, exclusive_minimum,
      exclusive_maximum, min_items, max_items;
  const Node* pattern = nullptr;
  // From an invalidValues quality rule's arguments.validValues.
  std::optional<std::vector<std::string>> valid_values;
  std::vector<QualityRule> quality;
  std::vector<std::string> relationships;  // canonical JSON each
  std::vector<Property> properties;        // nested, and "[]" for items
};

struct Object {
  std::string name;
  std::string physical_name;
  const Node* node = nullptr;
  std::vector<QualityRule> quality;
  std::vector<std::string> relationships;
  std::vector<Property> properties;
};

struct Contract {
  const Document* doc = nullptr;
  std::string id;
  std::string version;
  std::string status;
  std::string name;
  std::vector<Object> objects;

  const Object* FindObject(std::string_view name) const;
};

Contract FromDocument(const Document& doc);

// Which catalog dataset a schema object describes, by the documented rule:
// the first server's namespace ("type://host[:port]", the OpenLineage form)
// and the object's physicalName (else name), prefixed by the server's
// database/catalog/project and schema/dataset when it has them. Empty when
// the contract has no server.
std::optional<DatasetKey> DefaultDataset(const Contract& contract,
                                         const Object& object);

// What a catalog schema (a dataset's registered fields, or the schema a
// pipeline is about to write) does against a contract object: properties
// the contract requires that are missing, types that differ, nullable
// fields the contract requires (unless `nullability_known` is false: an
// OpenLineage schema facet cannot say). Each violation names the property.
struct Violation {
  std::string property;
  std::string rule;  // "missing", "type", "nullability"
  std::string message;
};
std::vector<Violation> CheckFields(const Object& object,
                                   const std::vector<Field>& fields,
                                   bool nullability_known = true);

// The logical type a catalog or engine type name belongs to ("varchar(18)"
// -> "string", "BIGINT" -> "integer"), or "" when unknown.
std::string LogicalTypeOf(std::string_view type);

}  // namespace catalog::contract
