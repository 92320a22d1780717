// Which outputs of an OpenLineage run are models (docs/models.md#training-lineage):
// a dataset whose datasetType facet says MODEL, or one in a model registry's
// namespace ("models:", "mlflow:" and what starts with them). The model's
// name and version come from the dataset: its version facet's
// datasetVersion, else the last segment of its name ("churn/3" is version
// 3 of churn), else the run's id.
#pragma once

#include <optional>
#include <string>

#include "lib/lineage/event.h"

namespace catalog::lineage {

struct ModelOutput {
  std::string model;    // a valid model name ('/' in a registry path becomes '.')
  std::string version;  // a valid version id
};

// Whether `dataset` (an output of run `run_id`) is a model; nullopt when it
// is an ordinary dataset. INVALID_ARGUMENT when it is a model whose name or
// version cannot be a catalog model's.
absl::StatusOr<std::optional<ModelOutput>> ModelOutputOf(const DatasetFacts& dataset,
                                                         const std::string& run_id);

}  // namespace catalog::lineage
