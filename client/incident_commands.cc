#include "client/incident_commands.h"

#include <nlohmann/json.hpp>

#include "lib/util/strings.h"

namespace catalog::client {
namespace {

using IStub = v1::IncidentService::Stub;

// "3 min", "2 h 5 min", "-" for none.
std::string Span(int64_t ms) {
  if (ms <= 0) return "-";
  const int64_t minutes = ms / 60000;
  if (minutes < 1) return StrCat(ms / 1000, " s");
  if (minutes < 60) return StrCat(minutes, " min");
  return StrCat(minutes / 60, " h ", minutes % 60, " min");
}

void PrintOne(std::ostream& out, const v1::Incident& i) {
  out << "incident " << i.id() << " (" << i.state() << ") on " << i.dataset().namespace_() << "/"
      << i.dataset().name() << ": " << i.summary() << "\n";
  if (!i.assignee().empty()) out << "  assignee: " << i.assignee() << "\n";
  if (!i.resolution().empty()) {
    out << "  resolved by " << i.resolved_by() << ": " << i.resolution() << "\n";
  }
}

}  // namespace

int RunIncidents(CommandContext& ctx, const IncidentOptions& o) {
  if (o.output != "table" && o.output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  if (o.action != "list") {
    if (o.id <= 0) {
      ctx.err << "error: incidents " << o.action << " needs the incident's id\n";
      return 2;
    }
    v1::ChangeIncidentRequest req;
    req.set_id(o.id);
    req.set_assignee(o.assignee);
    req.set_note(o.note);
    auto method = o.action == "ack"       ? &IStub::AcknowledgeIncident
                  : o.action == "resolve" ? &IStub::ResolveIncident
                                          : &IStub::AddIncidentNote;
    absl::StatusOr<v1::Incident> r = ctx.client.Call(method, ctx.client.incidents(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    if (o.output == "json") {
      PrintDocument(ctx.out, Format::kJson, ProtoToJson(*r));
    } else {
      PrintOne(ctx.out, *r);
    }
    return 0;
  }
  v1::ListIncidentsRequest req;
  if (o.state != "all") req.set_state(o.state);
  if (!o.dataset.empty()) {
    absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, o.dataset);
    if (!key.ok()) return ReportError(ctx.err, key.status());
    req.mutable_dataset()->set_namespace_(key->ns);
    req.mutable_dataset()->set_name(key->name);
  }
  std::vector<v1::Incident> all;
  do {
    absl::StatusOr<v1::ListIncidentsResponse> r =
        ctx.client.Call(&IStub::ListIncidents, ctx.client.incidents(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    for (const v1::Incident& i : r->incidents()) all.push_back(i);
    req.set_page_token(r->next_page_token());
  } while (!req.page_token().empty() && all.size() < 10000);
  if (o.output == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const v1::Incident& i : all) list.push_back(ProtoToJson(i));
    PrintDocument(ctx.out, Format::kJson, list);
    return 0;
  }
  if (all.empty()) {
    ctx.out << "no " << (o.state == "all" ? "" : o.state + " ") << "incidents\n";
    return 0;
  }
  Table t{.header = {"ID", "STATE", "DATASET", "KIND", "SUMMARY", "OPENED", "DETECTED IN",
                     "RESOLVED IN", "ASSIGNEE"}};
  for (const v1::Incident& i : all) {
    t.rows.push_back({std::to_string(i.id()), i.state(),
                      StrCat(i.dataset().namespace_(), "/", i.dataset().name()), i.kind(),
                      i.summary(), i.opened_at(), Span(i.time_to_detect_ms()),
                      Span(i.time_to_resolve_ms()), i.assignee().empty() ? "-" : i.assignee()});
  }
  t.Print(ctx.out);
  return 0;
}

}  // namespace catalog::client
