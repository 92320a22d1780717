// What OpenLineage events say of a dataset's quality, read out of their
// facets as one list of results: checks (the dataQualityAssertions dataset
// facet, the test run facet) with their outcome, and measurements
// (dataQualityMetrics, inputStatistics, outputStatistics) with their value.
// Results keep the facet's own names: `rowCount` from dataQualityMetrics
// counts the rows evaluated, from outputStatistics the rows a run wrote.
//
//   ASSIGN_OR_RETURN(auto results, DatasetQuality(facets, io, "outputs[0]", "outputFacets"));
//
// A quality facet that breaks its schema refuses the event: the error names
// the JSON path and the rule. No I/O here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace catalog::lineage {

// The dataset facets read as results. They, and the test run facet, are
// kept as results only, not also as raw facets with the rest.
inline constexpr const char* kQualityDatasetFacets[] = {
    "dataQualityAssertions", "dataQualityMetrics", "inputStatistics", "outputStatistics"};
bool IsQualityDatasetFacet(std::string_view name);

// At most this many results (checks and measurements) in one event.
inline constexpr size_t kMaxQualityResultsPerEvent = 20000;
// Longest expected or actual value, description, or check name kept.
inline constexpr size_t kMaxQualityTextBytes = 4096;

struct QualityResult {
  std::string facet;   // dataQualityAssertions, test, dataQualityMetrics, ...
  std::string column;  // "" for the whole dataset
  // A check's name (its type when it has none); a measurement's name as
  // the facet spells it: rowCount, bytes, nullCount, quantiles.0.5, ...
  std::string name;
  std::string check_type;  // not_null, unique, row_count, ...; "" for a measurement
  // pass, fail or skip; "" for a measurement; not_measured for a contract
  // rule whose measure the event did not carry (facet "contract").
  std::string status;
  std::string severity;    // as configured: error, warn, ...
  std::string expected;
  std::string actual;  // as sent; for a measurement, only lastUpdated's time
  std::string description;
  std::optional<double> value;  // a measurement's
  bool operator==(const QualityResult&) const = default;
};

bool IsCheck(const QualityResult& r);

// A measurement's value as text: 12, 0.25, 1e+20 (no needless fraction).
std::string NumberText(double v);

// The results a dataset's `facets` and its input or output facets
// (`io_facets`, under the member `io_key`) carry; `path` names the dataset
// in the event ("outputs[0]").
absl::StatusOr<std::vector<QualityResult>> DatasetQuality(const nlohmann::json& facets,
                                                          const nlohmann::json& io_facets,
                                                          std::string_view path,
                                                          std::string_view io_key);

// The tests of a `test` run facet at `path` ("run.facets.test").
absl::StatusOr<std::vector<QualityResult>> RunTests(const nlohmann::json& facet,
                                                    std::string_view path);

}  // namespace catalog::lineage
