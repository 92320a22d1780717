// Monitoring metrics of a model version sent with a run
// (docs/models.md#monitoring): the `modelMetrics` run facet catalogd
// defines —
//   {"model": "churn-predictor", "version": "3",
//    "metrics": {"auc": 0.91, "gen_ai.usage.input_tokens": 1200},
//    "measuredAt": "2026-12-04T10:00:00Z"}
// `model` may be written "NAME@VERSION", or given as OpenTelemetry's
// `gen_ai.request.model`; without it the metrics are the run's model
// output's (a training run's evaluation). `measuredAt` defaults to the
// event's time. No I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace catalog::lineage {

// The most metrics one facet carries.
inline constexpr size_t kMaxRunModelMetrics = 1000;

struct RunModelMetrics {
  std::string model;    // "" for the run's model output
  std::string version;  // "" with model "": the output's version
  std::vector<std::pair<std::string, double>> metrics;  // by name
  int64_t at_ms = 0;
};

// The metrics `run_facets` (an event's run facets by name) report, at
// `event_ms` unless the facet says when; nothing when there is no such
// facet. INVALID_ARGUMENT naming the field and the rule.
absl::StatusOr<std::optional<RunModelMetrics>> ReadRunModelMetrics(const nlohmann::json& run_facets,
                                                                   int64_t event_ms);

}  // namespace catalog::lineage
