#include "server/quality_service.h"

#include <map>

#include "lib/catalog/validate.h"
#include "lib/lineage/event.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"
#include "proto/health_convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/domain_health.h"

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

// Whether the caller may read each job asked about, asked once per job.
class ReadableJobs {
 public:
  ReadableJobs(const authz::Authorizer& authorizer, const std::string& caller)
      : authorizer_(authorizer), caller_(caller) {}
  bool operator()(const JobKey& job) {
    auto [it, added] = known_.try_emplace(job, false);
    if (added && !job.ns.empty()) {
      it->second = Require(authorizer_, caller_, "catalog:read", authz::JobUid(job)).ok();
    }
    return it->second;
  }

 private:
  const authz::Authorizer& authorizer_;
  const std::string& caller_;
  std::map<JobKey, bool> known_;
};

}  // namespace

absl::StatusOr<DatasetKey> QualityServiceImpl::ReadableDataset(const std::string& caller,
                                                               const DatasetKey& key) const {
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
  return *canonical;
}

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
    ASSIGN_OR_RETURN(DatasetKey canonical, ReadableDataset(caller, key));
    absl::StatusOr<store::Page<store::QualityRecord>> listed =
        store_->ListQualityResults(canonical, filter, page);
    // Deleted between the two reads: as absent.
    if (listed.status().code() == absl::StatusCode::kNotFound) return DatasetNotFound(key);
    if (!listed.ok()) return listed.status();
    *response->mutable_key() = ToProto(canonical);
    ReadableJobs readable(*authorizer_, caller);
    for (const store::QualityRecord& r : listed->items) {
      v1::QualityResult* out = response->add_results();
      out->set_time(FormatMs(r.event_ms));
      // The reporting job, unless the caller may not read it.
      if (readable(r.job)) {
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

grpc::Status QualityServiceImpl::GetDatasetHealth(grpc::ServerContext* context,
                                                 const v1::GetDatasetHealthRequest* request,
                                                 v1::GetDatasetHealthResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    DatasetKey key = FromProto(request->key());
    RETURN_IF_ERROR(ValidateDatasetKey(key, "key"));
    ASSIGN_OR_RETURN(DatasetKey canonical, ReadableDataset(caller, key));
    absl::StatusOr<store::HealthDetail> h = store_->GetDatasetHealth(canonical);
    // Deleted between the two reads: as absent.
    if (h.status().code() == absl::StatusCode::kNotFound) return DatasetNotFound(key);
    if (!h.ok()) return h.status();
    *response->mutable_key() = ToProto(canonical);
    response->set_health(h->health.state);
    response->set_since(FormatMs(h->health.since_ms));
    response->set_reason(h->reason);
    response->set_freshness(h->health.freshness);
    response->set_freshness_since(FormatMs(h->health.freshness_since_ms));
    response->set_freshness_reason(h->freshness_reason);
    response->set_last_write(FormatMs(h->last_write_ms));
    response->set_next_check(FormatMs(h->next_check_ms));
    v1::FreshnessAgreement* sla = response->mutable_sla();
    if (h->sla.latency_ms) sla->set_latency(contract::SpanText(*h->sla.latency_ms));
    if (h->sla.frequency_ms) sla->set_frequency(contract::SpanText(*h->sla.frequency_ms));
    if (h->sla.retention_ms) sla->set_retention(contract::SpanText(*h->sla.retention_ms));
    for (const contract::DailyDeadline& d : h->sla.available_by) sla->add_available_by(d.text);
    ReadableJobs readable(*authorizer_, caller);
    for (const health::FailingCheck& f : h->failing) {
      v1::FailingCheck* out = response->add_failing_checks();
      ToProto(f, out);
      // The store's own fields; the job and run only for a caller who may
      // read the job.
      out->clear_job_namespace();
      out->clear_job_name();
      if (!readable(f.job)) {
        out->mutable_result()->clear_job();
        out->mutable_result()->clear_run_id();
      }
    }
    response->set_contract_broken_since(FormatMs(h->contract_broken_ms));
    response->set_contract_violations(h->contract_violations);
    response->set_own_health(h->health.state);
    // Upstream degradation, from the snapshot: each dataset on the path is
    // named only to a caller who may read it.
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    const health::UpstreamCause* cause = snapshot->upstream().Find(canonical);
    std::optional<health::Health> own = health::ParseHealth(h->health.state);
    if (cause != nullptr && own && health::EffectiveHealth(*own, cause) != *own) {
      for (const DatasetKey& k : cause->Path()) {
        response->add_upstream_path(
            Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(k)).ok() ? k.ToString()
                                                                                    : "");
      }
      response->set_health(health::HealthName(health::Health::kUpstreamDegraded));
      response->clear_since();  // when it became so is not kept
      response->set_upstream_cause(response->upstream_path(0));  // the path starts there
      response->set_upstream_cause_health(health::HealthName(cause->cause_health));
      response->set_upstream_hops(cause->hops);
      response->set_reason(StrCat(health::HealthName(cause->cause_health), " upstream, ",
                                  cause->hops, cause->hops == 1 ? " job" : " jobs", " away",
                                  response->upstream_cause().empty()
                                      ? std::string()
                                      : StrCat(": ", response->upstream_cause())));
    }
    return absl::OkStatus();
  });
}

grpc::Status QualityServiceImpl::GetDomainHealth(grpc::ServerContext* context,
                                                const v1::GetDomainHealthRequest* request,
                                                v1::GetDomainHealthResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    if (request->max_datasets() < 0 || request->max_datasets() > 1000) {
      return absl::InvalidArgumentError("max_datasets: must be between 0 and 1000");
    }
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    absl::StatusOr<Domain> domain = store_->GetDomain(request->domain());
    if (absl::IsNotFound(domain.status())) {
      return absl::NotFoundError(StrCat("domain \"", request->domain(), "\" not found"));
    }
    RETURN_IF_ERROR(domain.status());
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", authz::DomainUid(domain->path)));
    const bool everything = AllowedOnEverything(*authorizer_, caller, "catalog:read");
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    ASSIGN_OR_RETURN(
        DomainHealth rolled,
        RollUpDomainHealth(*store_, *snapshot, domain->path,
                           [&](const DatasetKey& key) {
                             return everything || Permits(*authorizer_, caller, "catalog:read",
                                                          authz::DatasetUid(key));
                           },
                           request->max_datasets() == 0 ? 20 : request->max_datasets()));
    response->set_domain(domain->path);
    response->set_health(health::HealthName(rolled.worst));
    response->set_datasets(rolled.datasets);
    using health::Health;
    response->set_ok(rolled.counts[static_cast<int>(Health::kOk)]);
    response->set_warning(rolled.counts[static_cast<int>(Health::kWarning)]);
    response->set_upstream_degraded(rolled.counts[static_cast<int>(Health::kUpstreamDegraded)]);
    response->set_stale(rolled.counts[static_cast<int>(Health::kStale)]);
    response->set_failing(rolled.counts[static_cast<int>(Health::kFailing)]);
    for (const DomainHealth::Unhealthy& u : rolled.unhealthy) {
      v1::DatasetHealthSummary* out = response->add_unhealthy();
      *out->mutable_key() = ToProto(u.key);
      out->set_health(health::HealthName(u.health));
      out->set_since(FormatMs(u.since_ms));
      out->set_freshness(u.freshness);
      out->set_domain(u.domain);
    }
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
