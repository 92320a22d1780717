// catalogctl check-write: what a pipeline asks before it writes a dataset
// (ContractService.CheckWrite): whether its contract's schema holds and no
// blocking governance rule is broken, judged with what the write reads.
#pragma once

#include <string>
#include <vector>

#include "client/commands.h"

namespace catalog::client {

struct CheckWriteOptions {
  std::string dataset;              // "namespace/name"
  std::vector<std::string> inputs;  // what the write reads
  std::string output = "table";     // table or json
};
// 0 when the write may go ahead, 1 when it may not, 2 on a bad call.
int RunCheckWrite(CommandContext& ctx, const CheckWriteOptions& options);

}  // namespace catalog::client
