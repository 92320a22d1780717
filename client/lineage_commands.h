// catalogctl's lineage commands: lineage ingest / show, impact, jobs, runs.
#pragma once

#include <string>
#include <vector>

#include "client/commands.h"

namespace catalog::client {

// lineage ingest FILE|DIR|-: JSON events, JSON arrays of events or JSON
// lines (a directory: its *.json, *.jsonl and *.ndjson files). Every event
// is checked locally first (errors name file and event); then they are
// sent in batches of `batch_size`, each one transaction.
int RunLineageIngest(CommandContext& ctx, const std::vector<std::string>& paths,
                     int batch_size);

struct LineageShowOptions {
  std::string node;  // ns/name, ns/name#field or job:ns/name
  bool upstream = false;
  bool downstream = false;  // neither: both
  int depth = 1;
  bool columns = false;
  bool include_inactive = false;
  int max_nodes = 0;
};

// -o table, json or dot (Graphviz).
int RunLineageShow(CommandContext& ctx, const LineageShowOptions& options,
                   const std::string& output);
int RunImpact(CommandContext& ctx, const std::string& node,
              const std::vector<std::string>& columns, int depth,
              const std::string& output);
int RunJobs(CommandContext& ctx, const std::string& ns, const std::string& output);
int RunRuns(CommandContext& ctx, const std::string& job, const std::string& output);
int RunDeleteJob(CommandContext& ctx, const std::string& job);

}  // namespace catalog::client
