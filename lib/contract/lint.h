// Lint of an ODCS v3 data contract: every rule of the official v3.1.0 JSON
// schema (which also accepts v3.0.x documents) plus rules no schema can say.
#pragma once

#include <string>
#include <vector>

#include "lib/contract/yaml_tree.h"

namespace catalog::contract {

enum class Severity { kError, kWarning, kInfo };
std::string SeverityName(Severity s);  // "error", "warning", "info"

struct Finding {
  Severity severity = Severity::kError;
  std::string rule;  // "schema/required", "semver", ...
  std::string path;  // "schema[0].properties[2].logicalType"
  Position pos;
  std::string message;
};

// The rules of the official JSON schema only (rule ids "schema/..."): a
// document passes them exactly when the schema accepts its JSON form.
std::vector<Finding> CheckSchema(const Node& root);

// Everything: the schema rules, then the semantic ones. Findings in document
// order.
std::vector<Finding> Lint(const Document& doc);

bool HasErrors(const std::vector<Finding>& findings);

}  // namespace catalog::contract
