#include "client/feature_view_commands.h"

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
using Stub = v1::ModelService::Stub;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

std::string Source(const v1::FeatureView& v) {
  return v.has_source() ? StrCat(v.source().namespace_(), "/", v.source().name())
                        : "(a dataset you may not read)";
}

}  // namespace

bool IsFeatureViewType(const std::string& type) {
  return type == "featureview" || type == "featureviews" || type == "fv";
}

int RunFeatureViewGet(CommandContext& ctx, const std::string& name, const std::string& domain,
                      const std::string& search, Format format) {
  std::vector<v1::FeatureView> views;
  if (!name.empty()) {
    v1::GetFeatureViewRequest req;
    req.set_name(name);
    absl::StatusOr<v1::FeatureView> v =
        ctx.client.Call(&Stub::GetFeatureView, ctx.client.models(), req);
    if (!v.ok()) return ReportError(ctx.err, v.status());
    views.push_back(*std::move(v));
  } else {
    v1::ListFeatureViewsRequest req;
    req.set_domain(domain);
    req.set_query(search);
    absl::StatusOr<v1::ListFeatureViewsResponse> list =
        ctx.client.Call(&Stub::ListFeatureViews, ctx.client.models(), req);
    if (!list.ok()) return ReportError(ctx.err, list.status());
    views.assign(list->feature_views().begin(), list->feature_views().end());
  }
  if (format == Format::kTable) {
    Table t{.header = {"NAME", "SOURCE", "ENTITIES", "FEATURES", "DOMAIN", "REVISION"}};
    for (const v1::FeatureView& v : views) {
      t.rows.push_back({v.name(), Source(v),
                        v.entities().empty() ? "-" : absl::StrJoin(v.entities(), ", "),
                        std::to_string(v.features_size()), Or(v.domain()),
                        std::to_string(v.status().revision())});
    }
    t.Print(ctx.out);
    return 0;
  }
  std::vector<json> docs;
  for (const v1::FeatureView& v : views) {
    absl::StatusOr<json> doc = Manifest(v);
    if (!doc.ok()) return ReportError(ctx.err, doc.status());
    docs.push_back(*std::move(doc));
  }
  PrintDocument(ctx.out, format, name.empty() ? ListDocument(std::move(docs)) : docs.front());
  return 0;
}

int RunFeatureViewDescribe(CommandContext& ctx, const std::string& name) {
  if (name.empty()) {
    ctx.err << "error: describe featureview needs NAME\n";
    return 2;
  }
  v1::GetFeatureViewRequest req;
  req.set_name(name);
  absl::StatusOr<v1::FeatureView> v =
      ctx.client.Call(&Stub::GetFeatureView, ctx.client.models(), req);
  if (!v.ok()) return ReportError(ctx.err, v.status());
  std::vector<std::string> owners;
  for (const v1::Owner& o : v->owners()) owners.push_back(o.principal());
  Table head;
  head.rows = {{"FeatureView:", v->name()},
               {"Source:", Source(*v)},
               {"Entities:", v->entities().empty() ? "-" : absl::StrJoin(v->entities(), ", ")},
               {"Domain:", Or(v->domain())},
               {"Owners:", owners.empty() ? "-" : absl::StrJoin(owners, ", ")},
               {"Tags:", v->tags().empty() ? "-" : absl::StrJoin(v->tags(), ", ")},
               {"Description:", Or(PrintableLines(v->description()))},
               {"Revision:", std::to_string(v->status().revision())}};
  head.Print(ctx.out);
  ctx.out << "Features:\n";
  Table t{.header = {"  NAME", "TYPE", "COLUMN", "DESCRIPTION"}};
  for (const v1::Feature& f : v->features()) {
    t.rows.push_back(
        {"  " + f.name(), Or(f.type()), f.column(), Or(PrintableLines(f.description()))});
  }
  t.Print(ctx.out);
  return 0;
}

int RunFeatureViewHistory(CommandContext& ctx, const std::string& name, Format format) {
  v1::GetFeatureViewHistoryRequest req;
  req.set_name(name);
  absl::StatusOr<v1::ObjectHistoryResponse> history =
      ctx.client.Call(&Stub::GetFeatureViewHistory, ctx.client.models(), req);
  if (!history.ok()) return ReportError(ctx.err, history.status());
  return PrintObjectHistory(ctx, *history, "featureView", name, format);
}

int RunFeatureViewDelete(CommandContext& ctx, const std::string& name, int64_t expected_revision) {
  v1::DeleteFeatureViewRequest req;
  req.set_name(name);
  req.set_expected_revision(expected_revision);
  absl::StatusOr<v1::DeleteResponse> r =
      ctx.client.Call(&Stub::DeleteFeatureView, ctx.client.models(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  ctx.out << "featureview/" << name << " deleted\n";
  return 0;
}

}  // namespace catalog::client
