// catalogctl webhooks: signed HTTP POSTs of a dataset's or a domain's
// incident and contract events (docs/quality.md#webhooks) — list them, add
// one (its secret is printed once), see its deliveries, resume a paused
// one, delete one.
#pragma once

#include <string>
#include <vector>

#include "client/commands.h"

namespace catalog::client {

struct WebhookOptions {
  std::string action = "list";  // list, add, deliveries, resume, delete
  std::string name;
  std::string url;                  // add
  std::string dataset;              // add: namespace/name
  std::string domain;               // add
  std::vector<std::string> events;  // add; none: all
  std::string output = "table";     // table or json
};

int RunWebhooks(CommandContext& ctx, const WebhookOptions& options);

}  // namespace catalog::client
