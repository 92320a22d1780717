// catalogctl incidents: what broke datasets' health (docs/quality.md#incidents)
// — list them, acknowledge, note and resolve one.
#pragma once

#include <string>

#include "client/commands.h"

namespace catalog::client {

struct IncidentOptions {
  std::string action = "list";  // list, ack, resolve, note
  int64_t id = 0;               // ack, resolve, note
  std::string dataset;          // list: only this dataset's
  std::string state = "open";   // list: open, acknowledged, resolved, all
  std::string assignee;         // ack
  std::string note;
  std::string output = "table";  // table or json
};

int RunIncidents(CommandContext& ctx, const IncidentOptions& options);

}  // namespace catalog::client
