#include "client/governance_commands.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "lib/catalog/validate.h"
#include "lib/util/printable.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {

int RunLayers(CommandContext& ctx, const std::vector<std::string>& set, int64_t expected_revision,
              const std::string& output) {
  if (output != "table" && output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  absl::StatusOr<v1::Layers> layers;
  if (set.empty()) {
    layers = ctx.client.Call(&v1::GovernanceService::Stub::GetLayers, ctx.client.governance(),
                             v1::GetLayersRequest());
  } else {
    v1::SetLayersRequest req;
    for (const std::string& l : set) req.add_layers(l);
    req.set_expected_revision(expected_revision);
    layers = ctx.client.Call(&v1::GovernanceService::Stub::SetLayers, ctx.client.governance(), req);
  }
  if (!layers.ok()) return ReportError(ctx.err, layers.status());
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*layers));
    return 0;
  }
  Table t{.header = {"ORDER", "LAYER"}};
  for (int i = 0; i < layers->layers_size(); ++i) {
    t.rows.push_back({std::to_string(i + 1), layers->layers(i)});
  }
  t.Print(ctx.out);
  ctx.out << (layers->revision() == 0
                  ? std::string("the default layers (never set)")
                  : StrCat("revision ", layers->revision(), ", set by ", layers->updated_by(),
                           " at ", layers->updated_at()))
          << "\n";
  return 0;
}

int RunCertify(CommandContext& ctx, const CertifyOptions& o) {
  absl::StatusOr<DatasetKey> key = ParseDatasetKey(o.dataset);
  if (!key.ok()) {
    ctx.err << "error: dataset: " << key.status().message() << "\n";
    return 2;
  }
  v1::ApplyRequest req;
  v1::Resource* r = req.add_resources();
  *r->mutable_dataset()->mutable_key() = ToProto(*key);
  v1::Certification* c = r->mutable_dataset()->mutable_spec()->mutable_certification();
  c->set_state(o.state == "none" ? "" : o.state);
  c->set_expires(o.expires);
  r->set_merge(true);
  r->add_fields("certification");
  auto applied = ctx.client.Call(&v1::CatalogService::Stub::Apply, ctx.client.catalog(), req);
  if (!applied.ok()) return ReportError(ctx.err, applied.status());
  const v1::ApplyResult& result = applied->results(0);
  ctx.out << Printable(StrCat("dataset/", o.dataset, " certification ", o.state,
                              o.expires.empty() ? "" : StrCat(" until ", o.expires),
                              result.outcome() == v1::APPLY_OUTCOME_UNCHANGED
                                  ? " (unchanged)"
                                  : StrCat(" (revision ", result.revision(), ")")))
          << "\n";
  return 0;
}

}  // namespace catalog::client
