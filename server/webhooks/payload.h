// What a webhook delivery POSTs (docs/quality.md#webhooks has its JSON
// schema): the event, its dataset with domain and owners, the event's
// facts (the incident, or the contract and its violations), and the
// datasets downstream within `hops` with their owners — only those the
// subscriber may read: a payload never names what its subscriber could
// not see through the catalog API.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "server/lineage/graph.h"
#include "server/store/store.h"

namespace catalog::server::webhooks {

struct PayloadSources {
  store::Store* store = nullptr;
  const lineage::LineageGraph* graph = nullptr;
  int hops = 3;
  // Whether the subscriber may catalog:read the dataset.
  std::function<bool(const DatasetKey&)> readable;
};

// PERMISSION_DENIED when the subscriber may not read the event's dataset
// (or it is gone): the delivery is skipped, saying so. UNAVAILABLE while
// the lineage graph loads.
absl::StatusOr<std::string> BuildPayload(const store::WebhookDelivery& delivery,
                                         const PayloadSources& from);

}  // namespace catalog::server::webhooks
