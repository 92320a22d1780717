// libFuzzer: governance rules as architects write them (docs/governance.md
// #rules): a spec's JSON, parsed and validated, and when it is a rule, its
// condition judged against a dataset entity.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "lib/governance/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::json spec = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) {
    // Not JSON: the text as a condition, the way most rules are written.
    spec = {{"condition", text}};
  }
  auto rule = catalog::governance::ParseRule("fuzzed-rule", spec);
  if (!rule.ok()) return 0;
  (void)catalog::governance::RuleSpecToJson(*rule);
  catalog::DatasetSpec d{.domain = "sales/eu", .tags = {"pii"}, .layer = "gold", .tier = 1};
  d.fields = {{.name = "buyer",
               .type = "struct",
               .fields = {{.name = "email", .tags = {"pii"}, .terms = {"customer-email"}}}}};
  d.terms = {"customer"};
  (void)catalog::governance::Covers(*rule, d);
  (void)catalog::governance::CoversColumn(*rule, d.fields[0].fields[0]);
  (void)catalog::governance::WaiverFor(*rule, {"pg", "t"}, 1'800'000'000'000);
  catalog::policy::Entities entities;
  catalog::policy::Entity e{.uid = {"Dataset", "pg/t"}};
  e.attrs["owners"] = catalog::policy::Value::Set({});
  e.attrs["description"] = catalog::policy::Value::String("");
  e.attrs["layer"] = catalog::policy::Value::String("gold");
  e.attrs["tier"] = catalog::policy::Value::Long(1);
  e.attrs["upstream_layers"] =
      catalog::policy::Value::Set({catalog::policy::Value::String("bronze")});
  entities.Add(e);
  entities.Finalize();
  (void)catalog::governance::Judge(*rule, {"Dataset", "pg/t"}, entities);
  return 0;
}
