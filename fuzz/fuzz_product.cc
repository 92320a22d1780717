// libFuzzer: data products (ODPS documents) as JSON, read directly and
// through a manifest: read, written back and read again to the same product.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lib/catalog/data_product.h"
#include "lib/catalog/manifest.h"

namespace {

void RoundTrip(const catalog::DataProduct& p) {
  absl::StatusOr<catalog::DataProduct> again =
      catalog::DataProductFromOdps(catalog::DataProductToOdps(p));
  // What was read once reads the same again.
  if (!again.ok() || again->id != p.id || !(again->spec == p.spec)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Only JSON goes on (JSON is YAML too, so the manifest path is taken):
  // malformed YAML sends yaml-cpp 0.7 into a loop that allocates until the
  // memory limit (fuzz_odcs meets it; seen here on a 428-byte input), which
  // would be a finding about yaml-cpp, not about products.
  if (doc.is_discarded()) return 0;
  absl::StatusOr<catalog::DataProduct> p = catalog::DataProductFromOdps(doc);
  if (p.ok()) RoundTrip(*p);
  absl::StatusOr<std::vector<catalog::ManifestDocument>> docs =
      catalog::ParseManifest(text, "fuzz.yaml");
  if (docs.ok()) {
    for (const catalog::ManifestDocument& d : *docs) {
      if (d.resource.kind == catalog::Resource::Kind::kDataProduct) RoundTrip(d.resource.product);
    }
  }
  return 0;
}
