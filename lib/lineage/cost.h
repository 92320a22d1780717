// What a run cost (docs/cost.md): the `cost` run facet catalogd defines —
// {"amount": 12.5, "currency": "USD", "billedBytes": 1048576} — and the
// billedBytes of BigQuery's job facet (`bigQueryJob`, or `bigQuery_job` as
// older integrations name it). Amounts are kept in millionths of their
// currency, and never added across currencies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace catalog::lineage {

// Largest amount taken, in a currency's units.
inline constexpr double kMaxCostAmount = 1e12;

struct RunCost {
  std::optional<int64_t> amount_micros;  // with currency
  std::string currency;                  // ISO 4217: "USD"
  std::optional<int64_t> billed_bytes;
};

// The cost `run_facets` (an event's run facets by name) report; nothing
// when they report none. INVALID_ARGUMENT naming the field and the rule.
absl::StatusOr<std::optional<RunCost>> ReadRunCost(const nlohmann::json& run_facets);

}  // namespace catalog::lineage
