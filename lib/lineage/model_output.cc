#include "lib/lineage/model_output.h"

#include <algorithm>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {
namespace {

bool IsRegistryNamespace(std::string_view ns) {
  return ns.starts_with("models:") || ns.starts_with("mlflow:");
}

std::string StringAt(const nlohmann::json& facets, const char* facet, const char* field) {
  auto f = facets.find(facet);
  if (f == facets.end() || !f->is_object()) return "";
  auto v = f->find(field);
  return v != f->end() && v->is_string() ? v->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<std::optional<ModelOutput>> ModelOutputOf(const DatasetFacts& dataset,
                                                         const std::string& run_id) {
  std::string type = StringAt(dataset.facets, "datasetType", "datasetType");
  std::transform(type.begin(), type.end(), type.begin(), ::toupper);
  if (type != "MODEL" && !IsRegistryNamespace(dataset.key.ns)) return std::nullopt;
  std::string name = dataset.key.name;
  // "models:/churn/3" arrives as namespace "models:" and name "/churn/3".
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  ModelOutput out{.version = StringAt(dataset.facets, "version", "datasetVersion")};
  if (out.version.empty()) {
    const size_t slash = name.rfind('/');
    if (slash != std::string::npos) {
      out.version = name.substr(slash + 1);
      name.resize(slash);
    } else {
      out.version = run_id;
    }
  }
  std::replace(name.begin(), name.end(), '/', '.');
  out.model = std::move(name);
  const std::string at = StrCat("the model output ", dataset.key.ToString());
  if (absl::Status s = ValidateModelName("name", out.model); !s.ok()) {
    return absl::InvalidArgumentError(StrCat(at, ": ", MessageOf(s)));
  }
  if (absl::Status s = ValidateModelVersionId("version", out.version); !s.ok()) {
    return absl::InvalidArgumentError(StrCat(at, ": ", MessageOf(s)));
  }
  return out;
}

}  // namespace catalog::lineage
