// Catalog objects in their manifest shape, as JSON:
//
//   {"apiVersion": "catalog/v1", "kind": "Dataset",
//    "metadata": {"namespace": "...", "name": "..."},
//    "spec": {...}, "status": {...}}
//
// The same shape is what `catalogctl apply -f` reads (as YAML), what
// `catalogctl get -o json|yaml` prints, and what the store keeps for history.
// Decoding checks types, enum values and unknown keys and reports
// InvalidArgument "<path>: <rule>"; it does not apply the rules of
// validate.h, which callers run after decoding.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"

namespace catalog {

inline constexpr char kApiVersion[] = "catalog/v1";

nlohmann::json DatasetSpecToJson(const DatasetSpec& spec);
absl::StatusOr<DatasetSpec> DatasetSpecFromJson(const nlohmann::json& spec);

// One spec field (kDatasetSpecFields) as a manifest writes it; an empty
// value as its explicit empty form ("", [], {}), so that
// DatasetSpecFromJson({{field, value}}) reads it back.
nlohmann::json DatasetSpecFieldToJson(const DatasetSpec& spec, std::string_view field);

nlohmann::json DomainSpecToJson(const DomainSpec& spec);
absl::StatusOr<DomainSpec> DomainSpecFromJson(const nlohmann::json& spec);

nlohmann::json JobSpecToJson(const JobSpec& spec);
absl::StatusOr<JobSpec> JobSpecFromJson(const nlohmann::json& spec);

nlohmann::json GlossaryTermSpecToJson(const GlossaryTermSpec& spec);
absl::StatusOr<GlossaryTermSpec> GlossaryTermSpecFromJson(const nlohmann::json& spec);
// Models (docs/models.md).
nlohmann::json ModelSpecToJson(const ModelSpec& spec);
absl::StatusOr<ModelSpec> ModelSpecFromJson(const nlohmann::json& spec);
nlohmann::json ModelVersionSpecToJson(const ModelVersionSpec& spec);
absl::StatusOr<ModelVersionSpec> ModelVersionSpecFromJson(const nlohmann::json& spec);
// Feature views (docs/models.md#feature-views).
nlohmann::json FeatureViewSpecToJson(const FeatureViewSpec& spec);
absl::StatusOr<FeatureViewSpec> FeatureViewSpecFromJson(const nlohmann::json& spec);
// AI applications (docs/models.md#ai-applications).
nlohmann::json AIApplicationSpecToJson(const AIApplicationSpec& spec);
absl::StatusOr<AIApplicationSpec> AIApplicationSpecFromJson(const nlohmann::json& spec);
nlohmann::json PrincipalSpecToJson(const PrincipalSpec& spec);
absl::StatusOr<PrincipalSpec> PrincipalSpecFromJson(const nlohmann::json& spec);

// A whole document. `with_status` adds the server-maintained "status" block.
nlohmann::json ResourceToJson(const Resource& resource, bool with_status);

// Decodes a whole document; "status" is ignored, so the output of
// `get -o yaml` can be applied again. metadata.revision, when present,
// becomes the expected revision.
absl::StatusOr<Resource> ResourceFromJson(const nlohmann::json& doc);

}  // namespace catalog
