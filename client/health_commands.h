// catalogctl health: what catalogd judges of a dataset's data now — its
// health and freshness, the agreement its contract states, the checks
// failing now and whether its last write broke the contract; or a
// domain's health rolled up from its datasets'.
#pragma once

#include <string>

#include "client/commands.h"

namespace catalog::client {

struct HealthOptions {
  std::string dataset;  // namespace/name, or --namespace/--name
  std::string domain;   // instead: the domain's health rolled up
  int max_datasets = 0; // with domain: unhealthy datasets listed (0: 20)
  std::string output = "table";  // table or json
};

int RunHealth(CommandContext& ctx, const HealthOptions& options);

}  // namespace catalog::client
