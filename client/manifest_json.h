// Models, model versions, feature views and AI applications as the
// manifests apply -f takes back (get -o json|yaml, history -o json|yaml).
#pragma once

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "catalog/v1/catalog.pb.h"

namespace catalog::client {

absl::StatusOr<nlohmann::json> Manifest(const v1::Model& m);
absl::StatusOr<nlohmann::json> Manifest(const v1::ModelVersion& v);
absl::StatusOr<nlohmann::json> Manifest(const v1::FeatureView& v);
absl::StatusOr<nlohmann::json> Manifest(const v1::AIApplication& a);

}  // namespace catalog::client
