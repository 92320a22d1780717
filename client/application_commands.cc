#include "client/application_commands.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "client/manifest_json.h"
#include "client/object_history.h"
#include "lib/catalog/json_codec.h"
#include "lib/util/printable.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

using nlohmann::json;
using Stub = v1::AIApplicationService::Stub;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

std::string Keys(const google::protobuf::RepeatedPtrField<v1::DatasetKey>& keys) {
  std::vector<std::string> out;
  for (const v1::DatasetKey& k : keys) out.push_back(StrCat(k.namespace_(), "/", k.name()));
  return out.empty() ? "-" : absl::StrJoin(out, ", ");
}

std::string Owners(const v1::AIApplication& a) {
  std::vector<std::string> out;
  for (const v1::Owner& o : a.owners()) out.push_back(o.principal());
  return out.empty() ? "-" : absl::StrJoin(out, ", ");
}

std::string Review(const v1::AIApplication& a) {
  const v1::ApplicationReview& r = a.review();
  if (r.by().empty()) return r.state();
  return StrCat(r.state(), " by ", r.by(), " at ", r.at(), " (revision ", r.revision(), ")");
}

std::string DecisionText(const v1::AuthorizeResponse& d) {
  return d.decision() == v1::DECISION_ALLOW ? "allow" : "deny";
}

}  // namespace

bool IsApplicationType(const std::string& type) {
  return type == "application" || type == "applications" || type == "app" || type == "apps";
}

int RunApplicationGet(CommandContext& ctx, const std::string& name, const std::string& domain,
                      const std::string& search, Format format) {
  std::vector<v1::AIApplication> apps;
  if (!name.empty()) {
    v1::GetAIApplicationRequest req;
    req.set_name(name);
    absl::StatusOr<v1::AIApplication> a =
        ctx.client.Call(&Stub::GetAIApplication, ctx.client.applications(), req);
    if (!a.ok()) return ReportError(ctx.err, a.status());
    apps.push_back(*std::move(a));
  } else {
    v1::ListAIApplicationsRequest req;
    req.set_domain(domain);
    req.set_query(search);
    absl::StatusOr<v1::ListAIApplicationsResponse> list =
        ctx.client.Call(&Stub::ListAIApplications, ctx.client.applications(), req);
    if (!list.ok()) return ReportError(ctx.err, list.status());
    apps.assign(list->applications().begin(), list->applications().end());
  }
  if (format == Format::kTable) {
    Table t{
        .header = {"NAME", "TYPE", "REVIEW", "DOMAIN", "SERVICE ACCOUNT", "MODELS", "REVISION"}};
    for (const v1::AIApplication& a : apps) {
      t.rows.push_back({a.name(), a.type(), a.review().state(), Or(a.domain()),
                        Or(a.service_account()),
                        a.models().empty() ? "-" : absl::StrJoin(a.models(), ", "),
                        std::to_string(a.status().revision())});
    }
    t.Print(ctx.out);
    return 0;
  }
  std::vector<json> docs;
  for (const v1::AIApplication& a : apps) {
    absl::StatusOr<json> doc = Manifest(a);
    if (!doc.ok()) return ReportError(ctx.err, doc.status());
    docs.push_back(*std::move(doc));
  }
  PrintDocument(ctx.out, format, name.empty() ? ListDocument(std::move(docs)) : docs.front());
  return 0;
}

int RunApplicationDescribe(CommandContext& ctx, const std::string& name) {
  if (name.empty()) {
    ctx.err << "error: describe application needs NAME\n";
    return 2;
  }
  v1::GetAIApplicationRequest req;
  req.set_name(name);
  absl::StatusOr<v1::AIApplication> a =
      ctx.client.Call(&Stub::GetAIApplication, ctx.client.applications(), req);
  if (!a.ok()) return ReportError(ctx.err, a.status());
  Table head;
  head.rows = {{"AIApplication:", a->name()},
               {"Type:", a->type()},
               {"Review:", Review(*a)},
               {"Domain:", Or(a->domain())},
               {"Owners:", Owners(*a)},
               {"Tags:", a->tags().empty() ? "-" : absl::StrJoin(a->tags(), ", ")},
               {"Service account:", Or(a->service_account())},
               {"Models:", a->models().empty() ? "-" : absl::StrJoin(a->models(), ", ")},
               {"Data sources:", Keys(a->data_sources())},
               {"Vector indexes:", Keys(a->vector_indexes())},
               {"Description:", Or(a->description())},
               {"Revision:", std::to_string(a->status().revision())}};
  if (!a->review().note().empty()) {
    head.rows.insert(head.rows.begin() + 3, {"Review note:", a->review().note()});
  }
  head.Print(ctx.out);
  ctx.out << "Tools:\n";
  if (a->tools().empty()) {
    ctx.out << "  (none)\n";
  } else {
    Table t{.header = {"  NAME", "READS", "WRITES", "DESCRIPTION"}};
    for (const v1::AIApplicationTool& tool : a->tools()) {
      t.rows.push_back({"  " + tool.name(), Keys(tool.reads()), Keys(tool.writes()),
                        Or(PrintableLines(tool.description()))});
    }
    t.Print(ctx.out);
  }
  if (a->hidden_datasets() > 0) {
    ctx.out << "(" << a->hidden_datasets() << " more dataset(s) you may not read)\n";
  }
  return 0;
}

int RunApplicationHistory(CommandContext& ctx, const std::string& name, Format format) {
  v1::GetAIApplicationHistoryRequest req;
  req.set_name(name);
  absl::StatusOr<v1::ObjectHistoryResponse> history =
      ctx.client.Call(&Stub::GetAIApplicationHistory, ctx.client.applications(), req);
  if (!history.ok()) return ReportError(ctx.err, history.status());
  return PrintObjectHistory(ctx, *history, "application", name, format);
}

int RunApplicationDelete(CommandContext& ctx, const std::string& name, int64_t expected_revision) {
  v1::DeleteAIApplicationRequest req;
  req.set_name(name);
  req.set_expected_revision(expected_revision);
  absl::StatusOr<v1::DeleteResponse> r =
      ctx.client.Call(&Stub::DeleteAIApplication, ctx.client.applications(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  ctx.out << "application/" << name << " deleted\n";
  return 0;
}

int RunApplicationReview(CommandContext& ctx, const std::string& name, const std::string& state,
                         const std::string& note, int64_t expected_revision) {
  v1::ReviewAIApplicationRequest req;
  req.set_name(name);
  req.set_state(state);
  req.set_note(note);
  req.set_expected_revision(expected_revision);
  absl::StatusOr<v1::AIApplication> a =
      ctx.client.Call(&Stub::ReviewAIApplication, ctx.client.applications(), req);
  if (!a.ok()) return ReportError(ctx.err, a.status());
  ctx.out << "application/" << name << " " << state << " at revision " << a->review().revision()
          << "\n";
  return 0;
}

int RunApplicationAccess(CommandContext& ctx, const std::string& name, const std::string& output) {
  if (output != "table" && output != "json") {
    ctx.err << "error: -o: \"" << output << "\" is not table or json\n";
    return 2;
  }
  v1::CheckAIApplicationAccessRequest req;
  req.set_name(name);
  absl::StatusOr<v1::AIApplicationAccess> access =
      ctx.client.Call(&Stub::CheckAIApplicationAccess, ctx.client.applications(), req);
  if (!access.ok()) return ReportError(ctx.err, access.status());
  if (output == "json") {
    std::string text;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;
    (void)google::protobuf::util::MessageToJsonString(*access, &text, options);
    ctx.out << text << "\n";
    return 0;
  }
  ctx.out << "Application " << access->application() << " runs as " << access->principal() << "\n";
  Table t{.header = {"DATASET", "USE", "ACTION", "DECISION", "COLUMNS"}};
  for (const v1::DatasetAccess& d : access->datasets()) {
    std::vector<std::string> columns;
    for (const v1::ColumnDecision& c : d.columns()) {
      columns.push_back(c.access() == v1::COLUMN_ACCESS_MASK
                            ? StrCat(c.column(), " masked (", c.mask(), ")")
                            : StrCat(c.column(), " denied"));
    }
    t.rows.push_back(
        {StrCat(d.dataset().namespace_(), "/", d.dataset().name()), d.use(), d.action(),
         DecisionText(d.decision()),
         columns.empty()
             ? (d.action() == "read" && d.decision().decision() == v1::DECISION_ALLOW ? "all" : "-")
             : absl::StrJoin(columns, ", ")});
  }
  t.Print(ctx.out);
  ctx.out << access->denied() << " denied, " << access->masked()
          << " with masked or denied columns";
  if (access->hidden() > 0) ctx.out << ", " << access->hidden() << " you may not read";
  ctx.out << "\n";
  return 0;
}

}  // namespace catalog::client
