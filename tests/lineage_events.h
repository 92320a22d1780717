// OpenLineage RunEvents for tests, as JSON text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace catalog::testing {

// A dataset of an event: its name, and its facets.
struct EventIo {
  std::string name;
  nlohmann::json facets = nlohmann::json::object();
};

// A RunEvent of job `job_ns`/`job` at 2024-05-01T10:MM:00Z, datasets in
// namespace `dataset_ns`.
inline std::string RunEventJson(const std::string& state, const std::string& run,
                                int minute, const std::vector<EventIo>& inputs,
                                const std::vector<EventIo>& outputs,
                                const std::string& job,
                                const std::string& job_ns = "airflow",
                                const std::string& dataset_ns = "pg") {
  using nlohmann::json;
  json e = {{"eventType", state},
            {"eventTime", "2024-05-01T10:" + std::string(minute < 10 ? "0" : "") +
                              std::to_string(minute) + ":00Z"},
            {"producer", "https://example.com/test"},
            {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
            {"run", {{"runId", run}}},
            {"job", {{"namespace", job_ns}, {"name", job}}},
            {"inputs", json::array()},
            {"outputs", json::array()}};
  for (const EventIo& io : inputs) {
    e["inputs"].push_back({{"namespace", dataset_ns}, {"name", io.name}, {"facets", io.facets}});
  }
  for (const EventIo& io : outputs) {
    e["outputs"].push_back({{"namespace", dataset_ns}, {"name", io.name}, {"facets", io.facets}});
  }
  return e.dump();
}

// The input facets of a checked read of a table: Great Expectations-style
// assertions (not_null on id; "enough_rows", which fails below 1,000 rows)
// and dataQualityMetrics (1,200 or 999 rows; id: no nulls, 999 distinct).
inline nlohmann::json CheckedInputFacets(bool enough_rows) {
  using nlohmann::json;
  return {{"dataQualityAssertions",
           {{"assertions",
             {{{"assertion", "not_null"}, {"success", true}, {"column", "id"}},
              {{"assertion", "row_count"},
               {"name", "enough_rows"},
               {"success", enough_rows},
               {"severity", "error"},
               {"expected", ">= 1000"},
               {"actual", enough_rows ? "1200" : "999"}}}}}},
          {"dataQualityMetrics",
           {{"rowCount", enough_rows ? 1200 : 999},
            {"columnMetrics", {{"id", {{"nullCount", 0}, {"distinctCount", 999}}}}}}}};
}

}  // namespace catalog::testing
