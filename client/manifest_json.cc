#include "client/manifest_json.h"

#include "lib/catalog/json_codec.h"
#include "lib/util/status_macros.h"
#include "proto/convert.h"

namespace catalog::client {

absl::StatusOr<nlohmann::json> Manifest(const v1::Model& m) {
  ASSIGN_OR_RETURN(Model model, FromProto(m));
  Resource r{.kind = Resource::Kind::kModel};
  r.model = std::move(model);
  return ResourceToJson(r, true);
}

absl::StatusOr<nlohmann::json> Manifest(const v1::ModelVersion& v) {
  ASSIGN_OR_RETURN(ModelVersion version, FromProto(v));
  Resource r{.kind = Resource::Kind::kModelVersion};
  r.model_version = std::move(version);
  return ResourceToJson(r, true);
}

absl::StatusOr<nlohmann::json> Manifest(const v1::FeatureView& v) {
  ASSIGN_OR_RETURN(FeatureView view, FromProto(v));
  Resource r{.kind = Resource::Kind::kFeatureView};
  r.feature_view = std::move(view);
  return ResourceToJson(r, true);
}

absl::StatusOr<nlohmann::json> Manifest(const v1::AIApplication& a) {
  ASSIGN_OR_RETURN(AIApplication app, FromProto(a));
  Resource r{.kind = Resource::Kind::kAIApplication};
  r.application = std::move(app);
  return ResourceToJson(r, true);
}

}  // namespace catalog::client
