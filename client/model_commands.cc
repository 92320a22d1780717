#include "client/model_commands.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "client/manifest_json.h"
#include "client/object_history.h"
#include "lib/catalog/json_codec.h"
#include "lib/util/printable.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

using nlohmann::json;
using Stub = v1::ModelService::Stub;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return items.empty() ? "-" : absl::StrJoin(items, ", ");
}

std::string OwnersOf(const v1::Model& m) {
  std::vector<std::string> owners;
  for (const v1::Owner& o : m.owners()) owners.push_back(o.principal());
  return owners.empty() ? "-" : absl::StrJoin(owners, ", ");
}

std::string AliasesOf(const v1::Model& m) {
  std::vector<std::string> out;
  for (const v1::ModelAlias& a : m.aliases()) out.push_back(StrCat(a.alias(), "=", a.version()));
  return out.empty() ? "-" : absl::StrJoin(out, ", ");
}

// "NAME" or "NAME@X".
struct Ref {
  std::string model;
  std::string at;  // a version or an alias; "" for the model
};
Ref ParseRef(const std::string& ref) {
  const size_t at = ref.find('@');
  if (at == std::string::npos) return {ref, ""};
  return {ref.substr(0, at), ref.substr(at + 1)};
}

// NAME@X: X is an alias when one of that name is set, else a version.
absl::StatusOr<v1::ModelVersion> GetVersion(CommandContext& ctx, const Ref& ref) {
  v1::GetModelRequest model;
  model.set_name(ref.model);
  ASSIGN_OR_RETURN(v1::Model m, ctx.client.Call(&Stub::GetModel, ctx.client.models(), model));
  v1::GetModelVersionRequest req;
  req.set_model(ref.model);
  bool alias = false;
  for (const v1::ModelAlias& a : m.aliases()) alias |= a.alias() == ref.at;
  if (alias) {
    req.set_alias(ref.at);
  } else {
    req.set_version(ref.at);
  }
  return ctx.client.Call(&Stub::GetModelVersion, ctx.client.models(), req);
}

void PrintSignature(std::ostream& out, const char* title, const v1::Schema& schema) {
  if (schema.fields().empty()) return;
  out << title << ":\n";
  Table t{.header = {"  NAME", "TYPE", "NULLABLE", "DESCRIPTION"}};
  for (const v1::Field& f : schema.fields()) {
    t.rows.push_back({"  " + f.name(), f.type(), f.nullable() ? "yes" : "no", Or(f.description())});
  }
  t.Print(out);
}

}  // namespace

bool IsModelType(const std::string& type) { return type == "model" || type == "models"; }

int RunModelGet(CommandContext& ctx, const std::string& ref_text, const std::string& domain,
                const std::string& search, Format format) {
  const Ref ref = ParseRef(ref_text);
  if (!ref.at.empty()) {
    absl::StatusOr<v1::ModelVersion> v = GetVersion(ctx, ref);
    if (!v.ok()) return ReportError(ctx.err, v.status());
    if (format == Format::kTable) {
      Table t{.header = {"MODEL", "VERSION", "STATUS", "FRAMEWORK", "ALIASES", "REVISION"}};
      t.rows.push_back({v->model(), v->version(), v->version_status(), Or(v->framework()),
                        Joined(v->aliases()), std::to_string(v->status().revision())});
      t.Print(ctx.out);
      return 0;
    }
    absl::StatusOr<json> doc = Manifest(*v);
    if (!doc.ok()) return ReportError(ctx.err, doc.status());
    PrintDocument(ctx.out, format, *doc);
    return 0;
  }
  std::vector<v1::Model> models;
  if (!ref.model.empty()) {
    v1::GetModelRequest req;
    req.set_name(ref.model);
    absl::StatusOr<v1::Model> m = ctx.client.Call(&Stub::GetModel, ctx.client.models(), req);
    if (!m.ok()) return ReportError(ctx.err, m.status());
    models.push_back(*std::move(m));
  } else {
    v1::ListModelsRequest req;
    req.set_domain(domain);
    req.set_query(search);
    absl::StatusOr<v1::ListModelsResponse> list =
        ctx.client.Call(&Stub::ListModels, ctx.client.models(), req);
    if (!list.ok()) return ReportError(ctx.err, list.status());
    models.assign(list->models().begin(), list->models().end());
  }
  if (format == Format::kTable) {
    Table t{.header = {"NAME", "DOMAIN", "OWNERS", "VERSIONS", "ALIASES", "REVISION"}};
    for (const v1::Model& m : models) {
      t.rows.push_back({m.name(), Or(m.domain()), OwnersOf(m), std::to_string(m.versions()),
                        AliasesOf(m), std::to_string(m.status().revision())});
    }
    t.Print(ctx.out);
    return 0;
  }
  std::vector<json> docs;
  for (const v1::Model& m : models) {
    absl::StatusOr<json> doc = Manifest(m);
    if (!doc.ok()) return ReportError(ctx.err, doc.status());
    docs.push_back(*std::move(doc));
  }
  PrintDocument(ctx.out, format, ref.model.empty() ? ListDocument(std::move(docs)) : docs.front());
  return 0;
}

int RunModelDescribe(CommandContext& ctx, const std::string& ref_text) {
  const Ref ref = ParseRef(ref_text);
  if (ref.model.empty()) {
    ctx.err << "error: describe model needs NAME or NAME@VERSION\n";
    return 2;
  }
  if (!ref.at.empty()) {
    absl::StatusOr<v1::ModelVersion> v = GetVersion(ctx, ref);
    if (!v.ok()) return ReportError(ctx.err, v.status());
    Table head;
    head.rows = {
        {"ModelVersion:", StrCat(v->model(), "@", v->version())},
        {"Status:", v->version_status()},
        {"Aliases:", Joined(v->aliases())},
        {"Framework:", Or(v->framework())},
        {"Source:", Or(v->source())},
        {"Training run:",
         v->run().job().empty()
             ? "-"
             : StrCat(v->run().namespace_(), "/", v->run().job(),
                      v->run().run_id().empty() ? "" : StrCat(" (run ", v->run().run_id(), ")"))},
        {"Description:", Or(v->description())},
        {"Registered:", StrCat(v->status().created_at(), " by ", v->status().updated_by())},
        {"Revision:", std::to_string(v->status().revision())}};
    head.Print(ctx.out);
    ctx.out << "Metrics:\n";
    if (v->metrics().empty()) {
      ctx.out << "  (none)\n";
    } else {
      std::map<std::string, double> sorted(v->metrics().begin(), v->metrics().end());
      Table t{.header = {"  METRIC", "VALUE"}};
      for (const auto& [name, value] : sorted) {
        std::ostringstream text;
        text << value;
        t.rows.push_back({"  " + name, text.str()});
      }
      t.Print(ctx.out);
    }
    PrintSignature(ctx.out, "Inputs", v->inputs());
    PrintSignature(ctx.out, "Outputs", v->outputs());
    return 0;
  }
  v1::GetModelRequest req;
  req.set_name(ref.model);
  absl::StatusOr<v1::Model> m = ctx.client.Call(&Stub::GetModel, ctx.client.models(), req);
  if (!m.ok()) return ReportError(ctx.err, m.status());
  std::vector<std::string> tags(m->tags().begin(), m->tags().end());
  Table head;
  head.rows = {{"Model:", m->name()},
               {"Domain:", Or(m->domain())},
               {"Owners:", OwnersOf(*m)},
               {"Tags:", tags.empty() ? "-" : absl::StrJoin(tags, ", ")},
               {"Description:", Or(m->description())},
               {"Revision:", std::to_string(m->status().revision())}};
  head.Print(ctx.out);
  const v1::ModelCard& card = m->card();
  ctx.out << "Model card:\n";
  ctx.out << "  Intended use:            " << PrintableLines(Or(card.intended_use())) << "\n";
  ctx.out << "  Limitations:             " << PrintableLines(Or(card.limitations())) << "\n";
  ctx.out << "  Ethical considerations:  " << PrintableLines(Or(card.ethical_considerations()))
          << "\n";
  std::vector<std::string> data;
  for (const v1::DatasetKey& k : card.evaluation_data()) {
    data.push_back(StrCat(k.namespace_(), "/", k.name()));
  }
  ctx.out << "  Evaluation data:         " << (data.empty() ? "-" : absl::StrJoin(data, ", "))
          << "\n";
  v1::ListModelVersionsRequest list;
  list.set_model(ref.model);
  absl::StatusOr<v1::ListModelVersionsResponse> versions =
      ctx.client.Call(&Stub::ListModelVersions, ctx.client.models(), list);
  if (!versions.ok()) return ReportError(ctx.err, versions.status());
  ctx.out << "Versions:\n";
  if (versions->versions().empty()) {
    ctx.out << "  (none)\n";
    return 0;
  }
  Table t{.header = {"  VERSION", "STATUS", "ALIASES", "FRAMEWORK", "TRAINING RUN", "REGISTERED"}};
  for (const v1::ModelVersion& v : versions->versions()) {
    t.rows.push_back(
        {"  " + v.version(), v.version_status(), Joined(v.aliases()), Or(v.framework()),
         v.run().job().empty() ? "-" : StrCat(v.run().namespace_(), "/", v.run().job()),
         v.status().created_at()});
  }
  t.Print(ctx.out);
  return 0;
}

int RunModelHistory(CommandContext& ctx, const std::string& ref_text, Format format) {
  const Ref ref = ParseRef(ref_text);
  v1::GetModelHistoryRequest req;
  req.set_model(ref.model);
  req.set_version(ref.at);
  if (!ref.at.empty()) {
    // An alias set now names its version; a deleted version has none.
    v1::GetModelRequest get;
    get.set_name(ref.model);
    absl::StatusOr<v1::Model> m = ctx.client.Call(&Stub::GetModel, ctx.client.models(), get);
    if (m.ok()) {
      for (const v1::ModelAlias& a : m->aliases()) {
        if (a.alias() == ref.at) req.set_version(a.version());
      }
    }
  }
  absl::StatusOr<v1::ObjectHistoryResponse> history =
      ctx.client.Call(&Stub::GetModelHistory, ctx.client.models(), req);
  if (!history.ok()) return ReportError(ctx.err, history.status());
  return PrintObjectHistory(ctx, *history, ref.at.empty() ? "model" : "modelVersion",
                            ref.at.empty() ? ref.model : StrCat(ref.model, "@", req.version()),
                            format);
}

int RunModelDelete(CommandContext& ctx, const std::string& ref_text, int64_t expected_revision) {
  const Ref ref = ParseRef(ref_text);
  if (ref.model.empty()) {
    ctx.err << "error: delete model needs NAME or NAME@VERSION\n";
    return 2;
  }
  if (ref.at.empty()) {
    v1::DeleteModelRequest req;
    req.set_name(ref.model);
    req.set_expected_revision(expected_revision);
    absl::Status status = ctx.client.Call(&Stub::DeleteModel, ctx.client.models(), req).status();
    if (!status.ok()) return ReportError(ctx.err, status);
    ctx.out << "model/" << ref.model << " deleted\n";
    return 0;
  }
  v1::DeleteModelVersionRequest req;
  req.set_model(ref.model);
  req.set_version(ref.at);
  req.set_expected_revision(expected_revision);
  absl::Status status =
      ctx.client.Call(&Stub::DeleteModelVersion, ctx.client.models(), req).status();
  if (!status.ok()) return ReportError(ctx.err, status);
  ctx.out << "modelversion/" << ref.model << "@" << ref.at << " deleted\n";
  return 0;
}

int RunModelPromote(CommandContext& ctx, const PromoteOptions& options) {
  const Ref ref = ParseRef(options.ref);
  if (ref.model.empty() || ref.at.empty()) {
    ctx.err << "error: model promote needs NAME@VERSION\n";
    return 2;
  }
  v1::PromoteModelVersionRequest req;
  req.set_model(ref.model);
  req.set_version(ref.at);
  req.set_alias(options.alias);
  if (options.from_set) req.set_expected_version(options.from);
  absl::StatusOr<v1::PromoteModelVersionResponse> p =
      ctx.client.Call(&Stub::PromoteModelVersion, ctx.client.models(), req);
  if (!p.ok()) return ReportError(ctx.err, p.status());
  if (p->previous_version() == ref.at) {
    ctx.out << "model/" << ref.model << " alias " << options.alias << " already at version "
            << ref.at << "\n";
  } else {
    ctx.out << "model/" << ref.model << " alias " << options.alias << " -> version " << ref.at
            << (p->previous_version().empty() ? "" : StrCat(" (was ", p->previous_version(), ")"))
            << "\n";
  }
  for (const std::string& w : p->warnings()) ctx.out << "  warning: " << Printable(w) << "\n";
  return 0;
}

int RunModelLineage(CommandContext& ctx, const std::string& ref_text, const std::string& output) {
  const Ref ref = ParseRef(ref_text);
  if (ref.model.empty() || ref.at.empty()) {
    ctx.err << "error: model lineage needs NAME@VERSION or NAME@ALIAS\n";
    return 2;
  }
  if (output != "table" && output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  // Resolved as describe does: an alias when one of that name is set.
  absl::StatusOr<v1::ModelVersion> v = GetVersion(ctx, ref);
  if (!v.ok()) return ReportError(ctx.err, v.status());
  v1::GetModelLineageRequest req;
  req.set_model(ref.model);
  req.set_version(v->version());
  absl::StatusOr<v1::ModelLineage> l =
      ctx.client.Call(&Stub::GetModelLineage, ctx.client.models(), req);
  if (!l.ok()) return ReportError(ctx.err, l.status());
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*l));
    return 0;
  }
  ctx.out << "ModelVersion:   " << l->model() << "@" << l->version() << "\n";
  ctx.out << "Training run:   "
          << (l->run().job().empty() ? std::string("- (registered by a manifest)")
                                     : StrCat(l->run().namespace_(), "/", l->run().job(), " (run ",
                                              l->run().run_id(), ")"))
          << "\n";
  ctx.out << "Trained on:\n";
  if (l->inputs().empty() && l->hidden_inputs() == 0) {
    ctx.out << "  (nothing recorded)\n";
    return 0;
  }
  Table t{.header = {"  DATASET", "REVISION", "SCHEMA VERSION", "COLUMNS"}};
  for (const v1::TrainingInput& in : l->inputs()) {
    std::vector<std::string> columns;
    for (const v1::TrainingColumn& c : in.columns()) {
      columns.push_back(StrCat(c.input_field().empty() ? "*" : c.input_field(), " -> ",
                               c.field().empty() ? "*" : c.field(),
                               c.masking() ? " (masked)" : ""));
    }
    t.rows.push_back({StrCat("  ", in.dataset().namespace_(), "/", in.dataset().name()),
                      std::to_string(in.revision()), std::to_string(in.schema_version()),
                      columns.empty() ? "-" : absl::StrJoin(columns, ", ")});
  }
  if (l->hidden_inputs() > 0) {
    t.rows.push_back({StrCat("  (", l->hidden_inputs(), " you may not read)"), "-", "-", "-"});
  }
  t.Print(ctx.out);
  return 0;
}

int RunModelUnalias(CommandContext& ctx, const std::string& model, const std::string& alias) {
  v1::UnsetModelAliasRequest req;
  req.set_model(model);
  req.set_alias(alias);
  absl::Status status = ctx.client.Call(&Stub::UnsetModelAlias, ctx.client.models(), req).status();
  if (!status.ok()) return ReportError(ctx.err, status);
  ctx.out << "model/" << model << " alias " << alias << " unset\n";
  return 0;
}

std::string Sparkline(const std::vector<double>& values) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty()) return "";
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (double v : values) {
    const int level = *hi > *lo ? static_cast<int>((v - *lo) / (*hi - *lo) * 7 + 0.5) : 0;
    out += kBlocks[std::clamp(level, 0, 7)];
  }
  return out;
}

int RunModelMetrics(CommandContext& ctx, const MetricsOptions& o) {
  const Ref ref = ParseRef(o.ref);
  v1::GetModelMetricsRequest req;
  req.set_model(ref.model);
  if (!ref.at.empty()) {
    // Resolved as describe does: an alias when one of that name is set.
    absl::StatusOr<v1::ModelVersion> v = GetVersion(ctx, ref);
    if (!v.ok()) return ReportError(ctx.err, v.status());
    req.set_version(v->version());
  }
  req.set_since(o.since);
  for (const std::string& n : o.names) req.add_names(n);
  absl::StatusOr<v1::GetModelMetricsResponse> r =
      ctx.client.Call(&Stub::GetModelMetrics, ctx.client.models(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  if (o.output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*r));
    return 0;
  }
  if (r->points().empty()) {
    ctx.out << "No metrics recorded" << (o.since.empty() ? "" : " since " + o.since) << ".\n";
    return 0;
  }
  Table t{.header = {"VERSION", "METRIC", "POINTS", "LAST", "AT", "MIN", "MAX", "TREND"}};
  auto number = [](double v) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.6g", v);
    return std::string(text);
  };
  const auto& points = r->points();
  for (int begin = 0; begin < points.size();) {
    int end = begin;
    std::vector<double> values;
    while (end < points.size() && points[end].version() == points[begin].version() &&
           points[end].name() == points[begin].name()) {
      values.push_back(points[end].value());
      ++end;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const std::vector<double> recent(values.end() - std::min<size_t>(values.size(), 30),
                                     values.end());
    t.rows.push_back({points[begin].version(), Printable(points[begin].name()),
                      std::to_string(values.size()), number(values.back()), points[end - 1].time(),
                      number(*lo), number(*hi), Sparkline(recent)});
    begin = end;
  }
  t.Print(ctx.out);
  if (r->truncated()) ctx.out << "(more points than shown: narrow with --since or --name)\n";
  return 0;
}

int RunModelReport(CommandContext& ctx, const std::string& ref_text,
                   const std::vector<std::string>& values, const std::string& time) {
  const Ref ref = ParseRef(ref_text);
  if (ref.model.empty() || ref.at.empty()) {
    ctx.err << "error: model report needs NAME@VERSION\n";
    return 2;
  }
  v1::RecordModelMetricsRequest req;
  req.set_model(ref.model);
  req.set_version(ref.at);
  const std::string at = time.empty() ? FormatRfc3339(std::chrono::system_clock::now()) : time;
  for (const std::string& v : values) {
    const size_t eq = v.find('=');
    double value = 0;
    if (eq == std::string::npos || eq == 0 || !absl::SimpleAtod(v.substr(eq + 1), &value)) {
      ctx.err << "error: \"" << Printable(v) << "\" is not NAME=NUMBER\n";
      return 2;
    }
    v1::ModelMetricPoint* p = req.add_points();
    p->set_name(v.substr(0, eq));
    p->set_value(value);
    p->set_time(at);
  }
  absl::StatusOr<v1::RecordModelMetricsResponse> r =
      ctx.client.Call(&Stub::RecordModelMetrics, ctx.client.models(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  ctx.out << "model/" << ref.model << "@" << ref.at << ": " << r->recorded() << " point"
          << (r->recorded() == 1 ? "" : "s") << " recorded at " << at << "\n";
  return 0;
}

}  // namespace catalog::client
