// A data contract's library quality rules (ODCS `quality` entries with a
// v3.1 `metric:` or a v3.0 `rule:`) judged against what a pipeline
// measured, without querying any warehouse: rowCount, nullValues,
// missingValues and duplicateValues from the counts OpenLineage's
// dataQualityMetrics facet carries, with every comparison operator and
// the units rows and percent. A rule whose measure did not arrive is "not
// measured", never passed. SQL, custom and text rules are not judged here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/contract/contract.h"

namespace catalog::contract {

// What one event measured of a dataset (dataQualityMetrics).
struct Measurements {
  std::optional<double> row_count;  // rows evaluated
  struct Column {
    std::optional<double> null_count, distinct_count, count;
  };
  std::map<std::string, Column> columns;  // by column name
};

struct RuleOutcome {
  std::string rule;      // QualityRule::key
  std::string property;  // the property's path; "" for the object's rules
  std::string column;    // the property's column in the events: physicalName, else its path
                         // below the object ("customer.city"); "" for the object's
  std::string metric;    // rowCount, nullValues, missingValues, duplicateValues, invalidValues
  std::string status;    // pass, fail or not_measured
  std::string severity;  // the rule's ("" when it gives none)
  std::string expected;  // "mustBeLessThan 5 rows"
  std::string actual;    // "12 rows", "2.5 percent"; why, when not measured
  std::optional<double> value;  // what was compared
};

// Every library rule of `object` and of its properties, in document order.
std::vector<RuleOutcome> JudgeQualityRules(const Object& object, const Measurements& measured);

}  // namespace catalog::contract
