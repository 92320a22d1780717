#include "client/health_commands.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

std::string Since(const std::string& state, const std::string& since, const std::string& why) {
  return StrCat(state, since.empty() ? "" : StrCat(" since ", since),
                why.empty() ? "" : StrCat(": ", why));
}

int RunDomainHealth(CommandContext& ctx, const HealthOptions& o) {
  v1::GetDomainHealthRequest req;
  req.set_domain(o.domain);
  req.set_max_datasets(o.max_datasets);
  absl::StatusOr<v1::GetDomainHealthResponse> h =
      ctx.client.Call(&v1::QualityService::Stub::GetDomainHealth, ctx.client.quality(), req);
  if (!h.ok()) return ReportError(ctx.err, h.status());
  if (o.output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*h));
    return 0;
  }
  ctx.out << "Domain:      " << h->domain() << " (and below)\n"
          << "Health:      " << h->health() << "\n"
          << "Datasets:    " << h->datasets() << ": " << h->ok() << " ok, " << h->warning()
          << " warning, " << h->upstream_degraded() << " upstream-degraded, " << h->stale()
          << " stale, " << h->failing() << " failing\n";
  if (h->unhealthy_size() == 0) return 0;
  ctx.out << "\n";
  Table t{.header = {"DATASET", "HEALTH", "SINCE", "FRESHNESS", "DOMAIN"}};
  for (const v1::DatasetHealthSummary& d : h->unhealthy()) {
    t.rows.push_back({StrCat(d.key().namespace_(), "/", d.key().name()), d.health(),
                      d.since().empty() ? "-" : d.since(), d.freshness(), d.domain()});
  }
  t.Print(ctx.out);
  return 0;
}

}  // namespace

int RunHealth(CommandContext& ctx, const HealthOptions& o) {
  if (o.output != "table" && o.output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  if (!o.domain.empty()) {
    if (!o.dataset.empty()) {
      ctx.err << "error: give a dataset or --domain, not both\n";
      return 2;
    }
    return RunDomainHealth(ctx, o);
  }
  absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, o.dataset);
  if (!key.ok()) return ReportError(ctx.err, key.status());
  v1::GetDatasetHealthRequest req;
  req.mutable_key()->set_namespace_(key->ns);
  req.mutable_key()->set_name(key->name);
  absl::StatusOr<v1::GetDatasetHealthResponse> h =
      ctx.client.Call(&v1::QualityService::Stub::GetDatasetHealth, ctx.client.quality(), req);
  if (!h.ok()) return ReportError(ctx.err, h.status());
  if (o.output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*h));
    return 0;
  }
  std::ostream& out = ctx.out;
  out << "Dataset:     " << h->key().namespace_() << "/" << h->key().name() << "\n";
  out << "Health:      " << Since(h->health(), h->since(), h->reason()) << "\n";
  if (h->upstream_path_size() > 0) {
    std::vector<std::string> path;
    for (const std::string& p : h->upstream_path()) path.push_back(p.empty() ? "(hidden)" : p);
    out << "Upstream:    " << absl::StrJoin(path, " > ") << " (" << h->upstream_cause_health()
        << " " << h->upstream_hops() << (h->upstream_hops() == 1 ? " job" : " jobs")
        << " up; by itself " << h->own_health() << ")\n";
  }
  out << "Freshness:   " << Since(h->freshness(), h->freshness_since(), h->freshness_reason())
      << "\n";
  std::vector<std::string> agreed;
  const v1::FreshnessAgreement& sla = h->sla();
  if (!sla.latency().empty()) agreed.push_back(StrCat("latency ", sla.latency()));
  if (!sla.frequency().empty()) agreed.push_back(StrCat("frequency ", sla.frequency()));
  for (const std::string& at : sla.available_by()) agreed.push_back(StrCat("available by ", at));
  if (!sla.retention().empty()) agreed.push_back(StrCat("retention ", sla.retention()));
  out << "Agreement:   " << (agreed.empty() ? "none" : absl::StrJoin(agreed, ", ")) << "\n";
  out << "Last write:  " << (h->last_write().empty() ? "none reported" : h->last_write()) << "\n";
  if (!h->next_check().empty()) out << "Stale from:  " << h->next_check() << " unless written\n";
  if (!h->contract_broken_since().empty()) {
    out << "Contract:    its last write broke the schema (since " << h->contract_broken_since()
        << ")\n";
    nlohmann::json list = nlohmann::json::parse(h->contract_violations(), nullptr, false);
    if (list.is_array()) {
      for (const nlohmann::json& v : list) out << "  - " << v.value("message", "") << "\n";
    }
  }
  if (h->failing_checks_size() == 0) {
    out << "Failing:     no check\n";
    return 0;
  }
  auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  out << "\nFailing checks:\n";
  Table t{.header = {"SINCE", "LAST", "COLUMN", "CHECK", "ACTUAL", "EXPECTED", "SEVERITY", "JOB"}};
  for (const v1::FailingCheck& f : h->failing_checks()) {
    const v1::QualityResult& r = f.result();
    t.rows.push_back({f.since(), r.time(), dash(r.column()), r.name(), dash(r.actual()),
                      dash(r.expected()), dash(r.severity()),
                      r.job().empty() ? "-" : StrCat("job:", r.job())});
  }
  t.Print(out);
  return 0;
}

}  // namespace catalog::client
