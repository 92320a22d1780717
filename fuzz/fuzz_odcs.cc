// libFuzzer: ODCS contracts — YAML with positions, lint, the model, diff.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/contract/diff.h"
#include "lib/contract/lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = catalog::contract::ParseYaml(text, "fuzz.yaml");
  if (!doc.ok()) return 0;
  (void)catalog::contract::Lint(*doc);
  catalog::contract::Contract c = catalog::contract::FromDocument(*doc);
  (void)catalog::contract::Diff(c, c);
  for (const auto& o : c.objects) (void)catalog::contract::DefaultDataset(c, o);
  return 0;
}
