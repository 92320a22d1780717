// libFuzzer: Cedar's JSON formats — entities, requests, values.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "lib/policy/json_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, false);
  if (json.is_discarded()) return 0;
  (void)catalog::policy::EntitiesFromJson(json, nullptr);
  (void)catalog::policy::RequestFromJson(json, nullptr);
  (void)catalog::policy::ValueFromJson(json, nullptr);
  return 0;
}
