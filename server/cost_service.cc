#include "server/cost_service.h"

#include <chrono>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/cost_report.h"

namespace catalog::server {

grpc::Status CostServiceImpl::GetCostReport(grpc::ServerContext* context,
                                            const v1::CostReportRequest* request,
                                            v1::CostReportResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // Decided per job and dataset without the token (Permits): a token
    // limited to other actions reads none of it.
    RETURN_IF_ERROR(RequireTokenAllows(caller, "catalog:read"));
    const std::string by_name = request->by().empty() ? "job" : request->by();
    CostBy by;
    if (by_name == "job") {
      by = CostBy::kJob;
    } else if (by_name == "dataset") {
      by = CostBy::kDataset;
    } else if (by_name == "domain") {
      by = CostBy::kDomain;
    } else {
      return absl::InvalidArgumentError(
          StrCat("by: \"", by_name, "\" must be job, dataset or domain"));
    }
    const std::string since_text = request->since().empty() ? "30d" : request->since();
    std::optional<std::chrono::seconds> since = ParseDuration(since_text);
    if (!since) {
      return absl::InvalidArgumentError(
          StrCat("since: \"", since_text, "\" must be a duration such as 12h, 30d"));
    }
    if (request->limit() < 0 || request->limit() > 10000) {
      return absl::InvalidArgumentError("limit: must be between 0 and 10000");
    }
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const auto from = std::chrono::system_clock::now() - *since;
    const int64_t since_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(from.time_since_epoch()).count();
    const bool everything = AllowedOnEverything(*authorizer_, caller, "catalog:read");
    ASSIGN_OR_RETURN(
        std::vector<CostLine> lines,
        ReportCosts(*store_, by, since_ms,
                    {.job =
                         [&](const JobKey& key) {
                           return everything || Permits(*authorizer_, caller, "catalog:read",
                                                        authz::JobUid(key));
                         },
                     .dataset =
                         [&](const DatasetKey& key) {
                           return everything || Permits(*authorizer_, caller, "catalog:read",
                                                        authz::DatasetUid(key));
                         }}));
    const size_t limit = request->limit() == 0 ? 100 : request->limit();
    response->set_by(by_name);
    response->set_since(FormatMs(since_ms));
    response->set_truncated(lines.size() > limit);
    if (lines.size() > limit) lines.resize(limit);
    for (const CostLine& l : lines) {
      v1::CostLine* out = response->add_lines();
      out->set_key(l.key);
      out->set_currency(l.currency);
      if (!l.currency.empty()) out->set_amount(MicrosText(l.amount_micros));
      out->set_runs(l.runs);
      out->set_billed_bytes(l.billed_bytes);
      out->set_jobs(l.jobs);
    }
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
