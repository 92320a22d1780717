#include "lib/lineage/model_metrics.h"

#include <cmath>

#include "lib/catalog/validate.h"
#include "lib/lineage/event.h"
#include "lib/lineage/json_read.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {

using nlohmann::json;

absl::StatusOr<std::optional<RunModelMetrics>> ReadRunModelMetrics(const json& run_facets,
                                                                   int64_t event_ms) {
  const auto it = run_facets.find("modelMetrics");
  if (it == run_facets.end() || it->is_null()) return std::nullopt;
  constexpr std::string_view path = "run.facets.modelMetrics";
  if (!it->is_object()) return Bad(path, "must be an object");
  const json& facet = *it;
  RunModelMetrics out{.at_ms = event_ms};
  ASSIGN_OR_RETURN(std::string model, StringAt(facet, "model", path, false));
  if (model.empty()) {
    ASSIGN_OR_RETURN(model, StringAt(facet, "gen_ai.request.model", path, false));
  }
  ASSIGN_OR_RETURN(out.version, StringAt(facet, "version", path, false));
  if (const size_t at = model.find('@'); at != std::string::npos) {
    if (!out.version.empty()) {
      return Bad(Member(path, "version"), "must not be given when model names NAME@VERSION");
    }
    out.version = model.substr(at + 1);
    model.resize(at);
  }
  out.model = std::move(model);
  if (!out.model.empty()) {
    RETURN_IF_ERROR(ValidateModelName(Member(path, "model"), out.model));
    if (out.version.empty()) return Bad(Member(path, "version"), "is required with model");
    RETURN_IF_ERROR(ValidateModelVersionId(Member(path, "version"), out.version));
  } else if (!out.version.empty()) {
    return Bad(Member(path, "model"), "is required with version");
  }
  ASSIGN_OR_RETURN(std::string measured, StringAt(facet, "measuredAt", path, false));
  if (!measured.empty()) {
    absl::StatusOr<int64_t> ms = ParseEventTime(measured);
    if (!ms.ok()) return Bad(Member(path, "measuredAt"), "must be an RFC 3339 date-time");
    out.at_ms = *ms;
  }
  ASSIGN_OR_RETURN(const json* metrics, ObjectAt(facet, "metrics", path, true));
  if (metrics->empty()) return Bad(Member(path, "metrics"), "must hold at least one metric");
  if (metrics->size() > kMaxRunModelMetrics) {
    return Bad(Member(path, "metrics"), StrCat("at most ", kMaxRunModelMetrics, " metrics"));
  }
  for (const auto& [name, value] : metrics->items()) {
    const std::string item = StrCat(path, ".metrics.", name);
    RETURN_IF_ERROR(ValidateName(item, name, 128));
    if (!value.is_number() || !std::isfinite(value.get<double>())) {
      return Bad(item, "must be a finite number");
    }
    out.metrics.emplace_back(name, value.get<double>());
  }
  return out;
}

}  // namespace catalog::lineage
