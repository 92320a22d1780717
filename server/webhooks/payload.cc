#include "server/webhooks/payload.h"

#include <nlohmann/json.hpp>
#include <set>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/lineage/impact.h"

namespace catalog::server::webhooks {
namespace {

using nlohmann::json;

// Downstream datasets named at most.
constexpr int kMaxDownstream = 100;

json OwnersJson(const std::vector<Owner>& owners) {
  json out = json::array();
  for (const Owner& o : owners) {
    out.push_back({{"principal", o.principal}, {"type", OwnershipTypeName(o.type)}});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> BuildPayload(const store::WebhookDelivery& d,
                                         const PayloadSources& from) {
  const absl::Status hidden = absl::PermissionDeniedError(
      StrCat(d.subscriber, " may not read ", d.dataset.ToString(), " (or it is gone)"));
  if (!from.readable(d.dataset)) return hidden;
  absl::StatusOr<Dataset> dataset = from.store->GetDataset(d.dataset);
  if (absl::IsNotFound(dataset.status())) return hidden;
  RETURN_IF_ERROR(dataset.status());
  json body = {{"delivery", d.id},
               {"webhook", d.webhook},
               {"event", d.event},
               {"created_at", FormatMs(d.created_ms)},
               {"dataset",
                {{"namespace", d.dataset.ns},
                 {"name", d.dataset.name},
                 {"domain", dataset->spec.domain},
                 {"owners", OwnersJson(dataset->spec.owners)}}}};
  json detail = json::parse(d.detail, nullptr, false);
  if (detail.is_object()) {
    for (auto& [key, value] : detail.items()) body[key] = value;
  }
  ASSIGN_OR_RETURN(lineage::Impact impact,
                   lineage::ComputeImpact(*from.graph, *from.store,
                                          {.start = d.dataset,
                                           .depth = std::max(1, from.hops),
                                           .max_nodes = 4 * kMaxDownstream,
                                           .describe = from.readable}));
  json downstream = json::array();
  std::set<std::string> owners;
  for (const lineage::Impact::Dataset& reached : impact.datasets) {
    if (reached.depth == 0 || !reached.summary) continue;  // the start; not readable
    if (static_cast<int>(downstream.size()) == kMaxDownstream) break;
    json names = json::array();
    for (const Owner& o : reached.summary->owners) {
      names.push_back(o.principal);
      owners.insert(o.principal);
    }
    downstream.push_back({{"namespace", reached.key.ns},
                          {"name", reached.key.name},
                          {"hops", reached.depth},
                          {"owners", std::move(names)}});
  }
  body["downstream"] = std::move(downstream);
  body["downstream_owners"] = owners;
  return body.dump();
}

}  // namespace catalog::server::webhooks
