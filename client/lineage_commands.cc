#include "client/lineage_commands.h"


#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include "absl/strings/str_join.h"

#include "client/files.h"
#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"

namespace catalog::client {
namespace {

using json = nlohmann::json;
using LStub = v1::LineageService::Stub;

// -o for lineage commands: table, json, or (where given) dot.
bool CheckOutput(CommandContext& ctx, const std::string& output, bool dot) {
  if (output == "table" || output == "json" || (dot && output == "dot")) return true;
  ctx.err << "error: -o must be table" << (dot ? ", json or dot" : " or json")
          << " (got \"" << output << "\")\n";
  return false;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out + "\"";
}

std::string Html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// Datasets are tables listing the columns that take part, so column edges
// run from row to row; jobs are boxes between them.
void PrintDot(std::ostream& out, const v1::LineageGraph& g) {
  out << "digraph lineage {\n"
      << "  rankdir=LR;\n"
      << "  node [fontname=\"Helvetica\", fontsize=11];\n"
      << "  edge [color=\"#555555\"];\n";
  // Columns by their dataset's node id; each column's port there.
  std::map<std::string, std::vector<std::string>> columns;
  std::map<std::string, std::string> column_at;  // column id -> "dataset":port
  std::map<std::string, const v1::LineageNode*> datasets;
  for (const v1::LineageNode& n : g.nodes()) {
    if (n.kind() == v1::NODE_KIND_DATASET && !n.redacted()) datasets[n.id()] = &n;
  }
  for (const v1::LineageNode& n : g.nodes()) {
    if (n.kind() != v1::NODE_KIND_COLUMN || n.redacted()) continue;
    std::string owner = StrCat(n.dataset().namespace_(), "/", n.dataset().name());
    auto& list = columns[owner];
    column_at[n.id()] = StrCat(Quote(owner), ":c", list.size());
    list.push_back(n.field());
  }
  std::string start = g.nodes_size() > 0 ? g.nodes(0).id() : "";
  auto dataset_node = [&](const std::string& id, const std::string& ns,
                          const std::string& name) {
    std::string border = id == start || (!g.nodes().empty() &&
                                         g.nodes(0).kind() == v1::NODE_KIND_COLUMN &&
                                         column_at.count(start) &&
                                         column_at[start].rfind(Quote(id), 0) == 0)
                             ? "3" : "1";
    out << "  " << Quote(id) << " [shape=plaintext, label=<<table border=\"" << border
        << "\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">"
        << "<tr><td bgcolor=\"#bfdbfe\"><b>" << Html(name) << "</b><br/><font point-size=\"9\">"
        << Html(ns) << "</font></td></tr>";
    auto it = columns.find(id);
    if (it != columns.end()) {
      for (size_t i = 0; i < it->second.size(); ++i) {
        out << "<tr><td port=\"c" << i << "\" align=\"left\" bgcolor=\"#eff6ff\">"
            << Html(it->second[i]) << "</td></tr>";
      }
    }
    out << "</table>>];\n";
  };
  std::set<std::string> drawn;
  for (const v1::LineageNode& n : g.nodes()) {
    if (n.kind() == v1::NODE_KIND_COLUMN && !n.redacted()) continue;
    if (n.redacted()) {
      out << "  " << Quote(n.id()) << " [shape=box, style=dashed, color=\"#999999\", "
          << "label=\"(hidden)\"];\n";
    } else if (n.kind() == v1::NODE_KIND_JOB) {
      out << "  " << Quote(n.id()) << " [shape=box, style=\"rounded,filled\", "
          << "fillcolor=\"#fde68a\"" << (n.id() == start ? ", penwidth=3" : "")
          << ", label=\"" << Html(n.job_name()) << "\\n" << Html(n.job_namespace())
          << "\"];\n";
    } else {
      dataset_node(n.id(), n.dataset().namespace_(), n.dataset().name());
      drawn.insert(n.id());
    }
  }
  // Column lineage alone names no dataset nodes: draw their tables too.
  for (const v1::LineageNode& n : g.nodes()) {
    if (n.kind() != v1::NODE_KIND_COLUMN || n.redacted()) continue;
    std::string owner = StrCat(n.dataset().namespace_(), "/", n.dataset().name());
    if (drawn.insert(owner).second) {
      dataset_node(owner, n.dataset().namespace_(), n.dataset().name());
    }
  }
  auto end_of = [&](int index) {
    const std::string& id = g.nodes(index).id();
    auto it = column_at.find(id);
    return it != column_at.end() ? it->second : Quote(id);
  };
  for (const v1::LineageEdge& e : g.edges()) {
    std::vector<std::string> attrs;
    if (!e.active()) attrs.push_back("style=dashed, color=\"#aaaaaa\"");
    if (e.transformations_size() > 0) {
      const v1::Transformation& t = e.transformations(0);
      attrs.push_back(t.type() == "INDIRECT" ? "style=dotted, color=\"#2563eb\""
                                             : "color=\"#2563eb\"");
      attrs.push_back(StrCat("label=", Quote(t.subtype().empty() ? t.type() : t.subtype()),
                             ", fontsize=8"));
      if (t.masking()) attrs.push_back("color=\"#dc2626\"");
    } else if (g.nodes(e.from()).kind() == v1::NODE_KIND_COLUMN ||
               g.nodes(e.to()).kind() == v1::NODE_KIND_COLUMN) {
      attrs.push_back("color=\"#2563eb\"");
    }
    out << "  " << end_of(e.from()) << " -> " << end_of(e.to());
    if (!attrs.empty()) {
      out << " [";
      for (size_t i = 0; i < attrs.size(); ++i) out << (i ? ", " : "") << attrs[i];
      out << "]";
    }
    out << ";\n";
  }
  out << "}\n";
}

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items,
                 const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Every page of a List call: as a table (`rows` adds an item's rows) or
// as a JSON array of the items (`items` picks them from a page).
template <typename Request, typename Response, typename Items, typename Rows>
int PrintAllPages(CommandContext& ctx, const std::string& output,
                  grpc::Status (LStub::*method)(grpc::ClientContext*, const Request&,
                                                Response*),
                  Request req, Table table, Items items, Rows rows) {
  json all = json::array();
  while (true) {
    absl::StatusOr<Response> r = ctx.client.Call(method, ctx.client.lineage(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    for (const auto& item : items(*r)) {
      all.push_back(ProtoToJson(item));
      rows(item, table);
    }
    if (r->next_page_token().empty()) break;
    req.set_page_token(r->next_page_token());
  }
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, all);
  } else {
    table.Print(ctx.out);
  }
  return 0;
}

}  // namespace

int RunLineageIngest(CommandContext& ctx, const std::vector<std::string>& paths,
                     int batch_size) {
  if (batch_size < 1 || batch_size > 10000) {
    ctx.err << "error: --batch must be between 1 and 10000\n";
    return 2;
  }
  absl::StatusOr<std::vector<std::string>> files =
      ExpandPaths(paths, {".json", ".jsonl", ".ndjson"});
  if (!files.ok()) return ReportError(ctx.err, files.status());
  std::vector<std::string> events;
  bool bad = false;
  for (const std::string& file : *files) {
    std::string name = file == "-" ? "<stdin>" : file;
    absl::StatusOr<std::string> text = ReadAll(file);
    if (!text.ok()) return ReportError(ctx.err, text.status());
    absl::StatusOr<std::vector<std::string>> split = lineage::SplitEvents(*text);
    if (!split.ok()) {
      ctx.err << name << ": " << split.status().message() << "\n";
      bad = true;
      continue;
    }
    for (size_t i = 0; i < split->size(); ++i) {
      absl::StatusOr<lineage::Event> e = lineage::ParseEvent((*split)[i]);
      if (!e.ok()) {
        ctx.err << name << ": event " << i + 1 << ": " << e.status().message() << "\n";
        bad = true;
      }
    }
    for (std::string& e : *split) events.push_back(std::move(e));
  }
  if (bad) {
    ctx.err << "error: nothing was sent\n";
    return 1;
  }
  size_t sent = 0;
  int64_t revision = 0;
  int changed = 0;
  while (sent < events.size()) {
    v1::IngestRequest req;
    size_t end = std::min(events.size(), sent + static_cast<size_t>(batch_size));
    for (size_t i = sent; i < end; ++i) req.add_events(events[i]);
    absl::StatusOr<v1::IngestResponse> r =
        ctx.client.Call(&LStub::Ingest, ctx.client.lineage(), req);
    if (!r.ok()) {
      if (sent > 0) ctx.err << "stored " << sent << " events before this batch\n";
      ctx.err << "events " << sent + 1 << "-" << end << ": ";
      return ReportError(ctx.err, r.status());
    }
    revision = r->catalog_revision();
    changed += r->datasets_changed();
    sent = end;
  }
  ctx.out << "ingested " << sent << " event" << (sent == 1 ? "" : "s") << " ("
          << changed << " dataset change" << (changed == 1 ? "" : "s")
          << "), catalog revision " << revision << "\n";
  return 0;
}

int RunLineageShow(CommandContext& ctx, const LineageShowOptions& o,
                   const std::string& output) {
  if (!CheckOutput(ctx, output, true)) return 2;
  v1::GetLineageRequest req;
  req.set_node(o.node);
  req.set_direction(o.upstream == o.downstream ? v1::LINEAGE_DIRECTION_BOTH
                    : o.upstream               ? v1::LINEAGE_DIRECTION_UPSTREAM
                                               : v1::LINEAGE_DIRECTION_DOWNSTREAM);
  req.set_depth(o.depth);
  req.set_columns(o.columns);
  req.set_include_inactive(o.include_inactive);
  req.set_max_nodes(o.max_nodes);
  absl::StatusOr<v1::LineageGraph> g =
      ctx.client.Call(&LStub::GetLineage, ctx.client.lineage(), req);
  if (!g.ok()) return ReportError(ctx.err, g.status());
  for (const v1::LineageEdge& e : g->edges()) {
    if (e.from() < 0 || e.from() >= g->nodes_size() || e.to() < 0 ||
        e.to() >= g->nodes_size()) {
      ctx.err << "error: the server sent an edge to a node it did not send\n";
      return 1;
    }
  }
  if (output == "dot") {
    PrintDot(ctx.out, *g);
  } else if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*g));
  } else {
    Table nodes{.header = {"DEPTH", "KIND", "NODE"}};
    for (const v1::LineageNode& n : g->nodes()) {
      const char* kind = n.kind() == v1::NODE_KIND_JOB      ? "job"
                         : n.kind() == v1::NODE_KIND_COLUMN ? "column"
                                                            : "dataset";
      nodes.rows.push_back({std::to_string(n.depth()), kind, n.id()});
    }
    nodes.Print(ctx.out);
    ctx.out << "\n";
    Table edges{.header = {"FROM", "TO", "LAST SEEN", "ACTIVE", "TRANSFORMATION"}};
    for (const v1::LineageEdge& e : g->edges()) {
      std::string t;
      for (const v1::Transformation& x : e.transformations()) {
        t += (t.empty() ? "" : ",") + (x.subtype().empty() ? x.type() : x.subtype()) +
             (x.masking() ? " (masked)" : "");
      }
      edges.rows.push_back({g->nodes(e.from()).id(), g->nodes(e.to()).id(),
                            FormatRfc3339(std::chrono::system_clock::time_point(
                                std::chrono::milliseconds(e.last_seen_ms()))),
                            e.active() ? "yes" : "no",
                            t.empty() ? "-" : t});
    }
    edges.Print(ctx.out);
    if (g->truncated()) ctx.out << "\n(truncated: more nodes than --max-nodes)\n";
  }
  return 0;
}

int RunImpact(CommandContext& ctx, const std::string& node,
              const std::vector<std::string>& columns, int depth,
              const std::string& output) {
  if (!CheckOutput(ctx, output, false)) return 2;
  v1::ImpactRequest req;
  req.set_node(node);
  for (const std::string& c : columns) req.add_columns(c);
  req.set_depth(depth);
  absl::StatusOr<v1::ImpactResponse> r =
      ctx.client.Call(&LStub::Impact, ctx.client.lineage(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*r));
    return 0;
  }
  Table t{.header = {"DATASET", "DEPTH", "HEALTH", "OWNERS", "CLASSIFICATION", "CONTRACT",
                     "COLUMNS", "PATH"}};
  for (const v1::ImpactedNode& d : r->datasets()) {
    std::string owners;
    for (const v1::Owner& o : d.owners()) owners += (owners.empty() ? "" : ",") + o.principal();
    t.rows.push_back({d.node().id(), std::to_string(d.node().depth()),
                      d.health().empty() ? "-" : d.health(), owners.empty() ? "-" : owners,
                      d.classification().empty() ? "-" : d.classification(),
                      d.active_contract().empty() ? "-" : d.active_contract(),
                      d.columns().empty() ? "-" : Join(d.columns(), ","),
                      Join(d.path(), " > ")});
  }
  t.Print(ctx.out);
  ctx.out << "\n";
  Table jobs{.header = {"JOB", "DEPTH"}};
  for (const v1::ImpactedNode& j : r->jobs()) {
    jobs.rows.push_back({j.node().id(), std::to_string(j.node().depth())});
  }
  jobs.Print(ctx.out);
  if (r->products_size() > 0) {
    ctx.out << "\n";
    Table products{.header = {"DATA PRODUCT", "DEPTH", "STATUS", "OWNERS", "THROUGH"}};
    for (const v1::ImpactedProduct& p : r->products()) {
      std::vector<std::string> owners, through(p.datasets().begin(), p.datasets().end());
      for (const v1::Owner& o : p.owners()) owners.push_back(o.principal());
      if (p.hidden_datasets() > 0) {
        through.push_back(StrCat(p.hidden_datasets(), " you may not read"));
      }
      products.rows.push_back({p.id(), std::to_string(p.depth()), p.status(),
                               owners.empty() ? "-" : absl::StrJoin(owners, ","),
                               absl::StrJoin(through, ", ")});
    }
    products.Print(ctx.out);
  }
  if (r->models_size() > 0 || r->hidden_models() > 0) {
    ctx.out << "\n";
    Table models{.header = {"MODEL", "DEPTH", "TRAINED ON"}};
    for (const v1::ImpactedModel& m : r->models()) {
      models.rows.push_back({StrCat(m.model(), "@", m.version()), std::to_string(m.depth()),
                             m.dataset().empty() ? "a dataset you may not read" : m.dataset()});
    }
    if (r->hidden_models() > 0) {
      models.rows.push_back({StrCat("(", r->hidden_models(), " you may not read)"), "-", "-"});
    }
    models.Print(ctx.out);
  }
  if (r->feature_views_size() > 0 || r->hidden_feature_views() > 0) {
    ctx.out << "\n";
    Table views{.header = {"FEATURE VIEW", "DEPTH", "SOURCE", "FEATURES"}};
    for (const v1::ImpactedFeatureView& v : r->feature_views()) {
      views.rows.push_back({v.name(), std::to_string(v.depth()), v.source(),
                            absl::StrJoin(v.features(), ", ")});
    }
    if (r->hidden_feature_views() > 0) {
      views.rows.push_back(
          {StrCat("(", r->hidden_feature_views(), " you may not read)"), "-", "-", "-"});
    }
    views.Print(ctx.out);
  }
  if (r->applications_size() > 0 || r->hidden_applications() > 0) {
    ctx.out << "\n";
    Table apps{.header = {"APPLICATION", "DEPTH", "REVIEW", "USES", "AS"}};
    for (const v1::ImpactedApplication& a : r->applications()) {
      apps.rows.push_back({a.name(), std::to_string(a.depth()), a.review(),
                           a.uses().empty() ? "something you may not read" : a.uses(),
                           a.used_as().empty() ? "-" : a.used_as()});
    }
    if (r->hidden_applications() > 0) {
      apps.rows.push_back(
          {StrCat("(", r->hidden_applications(), " you may not read)"), "-", "-", "-", "-"});
    }
    apps.Print(ctx.out);
  }
  ctx.out << "\n" << r->datasets_size() << " dataset" << (r->datasets_size() == 1 ? "" : "s")
          << " and " << r->jobs_size() << " job" << (r->jobs_size() == 1 ? "" : "s")
          << " downstream";
  if (r->products_size() > 0) {
    ctx.out << ", in " << r->products_size() << " data product"
            << (r->products_size() == 1 ? "" : "s");
  }
  if (r->models_size() > 0) {
    ctx.out << "; " << r->models_size() << " model version" << (r->models_size() == 1 ? "" : "s")
            << " trained on it";
  }
  ctx.out << (r->truncated() ? " (truncated)" : "") << "\n";
  return 0;
}

int RunJobs(CommandContext& ctx, const std::string& ns, const std::string& output) {
  if (!CheckOutput(ctx, output, false)) return 2;
  v1::ListJobsRequest req;
  req.set_namespace_(ns);
  return PrintAllPages(
      ctx, output, &LStub::ListJobs, req,
      Table{.header = {"JOB", "OWNERS", "TYPE", "LATEST RUN", "STATE", "UPDATED"}},
      [](const v1::ListJobsResponse& r) -> const auto& { return r.jobs(); },
      [](const v1::Job& j, Table& t) {
        std::vector<std::string> owners;
        for (const v1::Owner& o : j.owners()) owners.push_back(o.principal());
        t.rows.push_back({StrCat("job:", j.namespace_(), "/", j.name()),
                          owners.empty() ? "-" : absl::StrJoin(owners, ","),
                          j.job_type().empty() ? "-" : j.job_type(),
                          j.latest_run_id().empty() ? "-" : j.latest_run_id(),
                          j.latest_state().empty() ? "-" : j.latest_state(), j.updated_at()});
      });
}

int RunRuns(CommandContext& ctx, const std::string& job, const std::string& output) {
  if (!CheckOutput(ctx, output, false)) return 2;
  v1::ListRunsRequest req;
  req.set_job(job);
  return PrintAllPages(
      ctx, output, &LStub::ListRuns, req,
      Table{.header = {"RUN", "STATE", "STARTED", "ENDED", "DURATION", "PARENT"}},
      [](const v1::ListRunsResponse& r) -> const auto& { return r.runs(); },
      [](const v1::Run& run, Table& t) {
        std::string duration =
            run.started_at().empty() || run.ended_at().empty()
                ? "-"
                : StrCat(run.duration_ms() / 1000, ".", (run.duration_ms() % 1000) / 100, "s");
        std::string parent = run.parent_job().empty()
                                 ? "-"
                                 : StrCat("job:", run.parent_job(), " ", run.parent_run_id());
        t.rows.push_back({run.run_id(), run.state(),
                          run.started_at().empty() ? "-" : run.started_at(),
                          run.ended_at().empty() ? "-" : run.ended_at(), duration, parent});
        if (!run.error_message().empty()) {
          t.rows.push_back({"", "error: " + run.error_message().substr(0, 120), "", "", "", ""});
        }
      });
}

int RunDeleteJob(CommandContext& ctx, const std::string& job) {
  v1::DeleteJobRequest req;
  req.set_job(job);
  absl::StatusOr<v1::DeleteResponse> r =
      ctx.client.Call(&LStub::DeleteJob, ctx.client.lineage(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  ctx.out << "job " << job << " deleted (catalog revision " << r->catalog_revision() << ")\n";
  return 0;
}

}  // namespace catalog::client
