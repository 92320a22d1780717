// catalogctl quality: a dataset's quality results (checks and measurements
// its pipelines reported), newest first.
#pragma once

#include <string>

#include "client/commands.h"

namespace catalog::client {

struct QualityOptions {
  std::string dataset;  // namespace/name, or --namespace/--name
  std::string since;    // RFC 3339 time, date, or duration (7d)
  std::string column;
  std::string name;
  bool checks = false;        // only checks
  bool measurements = false;  // only measurements
  bool failed = false;        // only failed checks
  int limit = 50;             // results shown at most
  std::string output = "table";  // table or json
};

int RunQuality(CommandContext& ctx, const QualityOptions& options);

}  // namespace catalog::client
