#include "client/cost_commands.h"

#include <nlohmann/json.hpp>

#include "lib/util/strings.h"

namespace catalog::client {

int RunCost(CommandContext& ctx, const CostOptions& o) {
  if (o.output != "table" && o.output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  v1::CostReportRequest req;
  req.set_by(o.by);
  req.set_since(o.since);
  req.set_limit(o.limit);
  absl::StatusOr<v1::CostReportResponse> r =
      ctx.client.Call(&v1::CostService::Stub::GetCostReport, ctx.client.costs(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  if (o.output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*r));
    return 0;
  }
  if (r->lines().empty()) {
    ctx.out << "no costs reported since " << r->since() << "\n";
    return 0;
  }
  std::string key = o.by == "domain" ? "DOMAIN" : o.by == "dataset" ? "DATASET" : "JOB";
  Table t{.header = {key, "CURRENCY", "AMOUNT", "RUNS", "JOBS", "BILLED BYTES"}};
  for (const v1::CostLine& l : r->lines()) {
    t.rows.push_back({l.key().empty() ? "(no domain)" : l.key(),
                      l.currency().empty() ? "-" : l.currency(),
                      l.amount().empty() ? "-" : l.amount(), std::to_string(l.runs()),
                      std::to_string(l.jobs()),
                      l.billed_bytes() == 0 ? "-" : std::to_string(l.billed_bytes())});
  }
  t.Print(ctx.out);
  ctx.out << "since " << r->since() << (r->truncated() ? "; more lines than --limit" : "")
          << "\n";
  return 0;
}

}  // namespace catalog::client
