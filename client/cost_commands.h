// catalogctl cost: what pipelines cost (docs/cost.md), per job, dataset or
// domain, since a time ago, per currency.
#pragma once

#include <string>

#include "client/commands.h"

namespace catalog::client {

struct CostOptions {
  std::string by = "job";       // job, dataset, domain
  std::string since = "30d";
  int limit = 0;                // 0: the server's 100
  std::string output = "table";  // table or json
};

int RunCost(CommandContext& ctx, const CostOptions& options);

}  // namespace catalog::client
