// libFuzzer: models, model versions, feature views and AI applications as
// manifest documents (JSON): read, validated, written back and read again
// to the same object; and the names a model reference is made of.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)catalog::ValidateModelName("model", text);
  (void)catalog::ValidateModelVersionId("version", text);
  (void)catalog::ValidateModelAlias("alias", text);
  (void)catalog::ValidateModelRef("model", text);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  absl::StatusOr<catalog::Resource> r = catalog::ResourceFromJson(doc);
  if (!r.ok()) return 0;
  if (!catalog::ValidateResource(*r).ok()) return 0;
  using Kind = catalog::Resource::Kind;
  if (r->kind != Kind::kModel && r->kind != Kind::kModelVersion &&
      r->kind != Kind::kFeatureView && r->kind != Kind::kAIApplication) {
    return 0;
  }
  // What was read once reads the same again.
  absl::StatusOr<catalog::Resource> again =
      catalog::ResourceFromJson(catalog::ResourceToJson(*r, /*with_status=*/true));
  if (!again.ok() || again->kind != r->kind) std::abort();
  if (r->kind == Kind::kModel &&
      (again->model.name != r->model.name || !(again->model.spec == r->model.spec))) {
    std::abort();
  }
  if (r->kind == Kind::kModelVersion &&
      (again->model_version.Ref() != r->model_version.Ref() ||
       !(again->model_version.spec == r->model_version.spec))) {
    std::abort();
  }
  if (r->kind == Kind::kFeatureView && (again->feature_view.name != r->feature_view.name ||
                                        !(again->feature_view.spec == r->feature_view.spec))) {
    std::abort();
  }
  if (r->kind == Kind::kAIApplication &&
      (again->application.name != r->application.name ||
       !(again->application.spec == r->application.spec))) {
    std::abort();
  }
  return 0;
}
