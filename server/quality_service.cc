#include "server/quality_service.h"

#include <map>

#include "lib/catalog/validate.h"
#include "lib/lineage/event.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"

namespace catalog::server {
namespace {

absl::StatusOr<store::QualityFilter::Kind> KindOf(v1::QualityKind kind) {
  switch (kind) {
    case v1::QUALITY_KIND_UNSPECIFIED:
      return store::QualityFilter::Kind::kAll;
    case v1::QUALITY_KIND_CHECK:
      return store::QualityFilter::Kind::kChecks;
    case v1::QUALITY_KIND_MEASUREMENT:
      return store::QualityFilter::Kind::kMeasurements;
    default:
      return absl::InvalidArgumentError(StrCat("kind: ", static_cast<int>(kind),
                                               " is not a QualityKind"));
  }
}

}  // namespace

absl::StatusOr<int64_t> SinceMs(std::string_view field, std::string_view since,
                                std::chrono::system_clock::time_point now) {
  if (since.empty()) return 0;
  if (std::optional<std::chrono::seconds> back = ParseDuration(since)) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               (now - *back).time_since_epoch())
        .count();
  }
  std::string text(since);
  if (text.size() == 10) text += "T00:00:00Z";  // a date
  absl::StatusOr<int64_t> ms = lineage::ParseEventTime(text);
  if (!ms.ok()) {
    return absl::InvalidArgumentError(
        StrCat(field, ": \"", since,
               "\" is neither an RFC 3339 time (2026-11-25T10:00:00Z), a date (2026-11-25) "
               "nor a duration (90s, 15m, 2h, 7d)"));
  }
  return *ms;
}

grpc::Status QualityServiceImpl::ListQualityResults(
    grpc::ServerContext* context, const v1::ListQualityResultsRequest* request,
    v1::ListQualityResultsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    DatasetKey key = FromProto(request->key());
    RETURN_IF_ERROR(ValidateDatasetKey(key, "key"));
    store::QualityFilter filter;
    ASSIGN_OR_RETURN(filter.since_ms,
                     SinceMs("since", request->since(), std::chrono::system_clock::now()));
    if (request->whole_dataset() && !request->column().empty()) {
      return absl::InvalidArgumentError(
          "whole_dataset: names no column; it cannot be asked with column");
    }
    if (request->whole_dataset()) {
      filter.column = "";
    } else if (!request->column().empty()) {
      filter.column = request->column();
    }
    filter.name = request->name();
    ASSIGN_OR_RETURN(filter.kind, KindOf(request->kind()));
    const std::string& status = request->status();
    if (!status.empty() && status != "pass" && status != "fail" && status != "skip" &&
        status != "not_measured") {
      return absl::InvalidArgumentError(
          StrCat("status: \"", status, "\" must be pass, fail, skip or not_measured"));
    }
    if (!status.empty() && filter.kind == store::QualityFilter::Kind::kMeasurements) {
      return absl::InvalidArgumentError("status: measurements have none; ask for checks");
    }
    filter.status = status;
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    // An alias names its dataset. An absent dataset and one the caller may
    // not read are answered alike, under the name asked.
    absl::StatusOr<DatasetKey> canonical = store_->ResolveDataset(key);
    RETURN_IF_ERROR(HiddenAsNotFound(
        Require(*authorizer_, caller, "catalog:read",
                authz::DatasetUid(canonical.ok() ? *canonical : key)),
        key));
    if (!canonical.ok()) {
      if (canonical.status().code() == absl::StatusCode::kNotFound) return DatasetNotFound(key);
      return canonical.status();
    }
    absl::StatusOr<store::Page<store::QualityRecord>> listed =
        store_->ListQualityResults(*canonical, filter, page);
    // Deleted between the two reads: as absent.
    if (listed.status().code() == absl::StatusCode::kNotFound) return DatasetNotFound(key);
    if (!listed.ok()) return listed.status();
    response->mutable_key()->set_namespace_(canonical->ns);
    response->mutable_key()->set_name(canonical->name);
    std::map<JobKey, bool> readable_jobs;
    for (const store::QualityRecord& r : listed->items) {
      v1::QualityResult* out = response->add_results();
      out->set_time(FormatRfc3339(
          std::chrono::system_clock::time_point(std::chrono::milliseconds(r.event_ms))));
      // The reporting job, unless the caller may not read it.
      auto [job, added] = readable_jobs.try_emplace(r.job, false);
      if (added && !r.job.ns.empty()) {
        job->second = Require(*authorizer_, caller, "catalog:read", authz::JobUid(r.job)).ok();
      }
      if (job->second) {
        out->set_job(r.job.ToString());
        out->set_run_id(r.run_id);
      }
      out->set_facet(r.facet);
      out->set_column(r.column);
      out->set_name(r.name);
      out->set_kind(r.value ? v1::QUALITY_KIND_MEASUREMENT : v1::QUALITY_KIND_CHECK);
      out->set_check_type(r.check_type);
      out->set_status(r.status);
      out->set_severity(r.severity);
      out->set_expected(r.expected);
      out->set_actual(r.actual);
      if (r.value) out->set_value(*r.value);
      out->set_description(r.description);
      out->set_reporter(r.reporter);
    }
    response->set_next_page_token(listed->next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
