#include "server/lineage_service.h"

#include <map>
#include <unordered_map>
#include <set>

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "lib/catalog/validate.h"
#include "lib/lineage/event.h"
#include "lib/lineage/node.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/governance/lineage_writes.h"
#include "server/lineage/column_walk.h"
#include "server/lineage/impact.h"
#include "server/products/product_cache.h"
#include "server/products/product_view.h"

namespace catalog::server {
namespace {

using lineage::Direction;
using lineage::NodeRef;

std::string TimeOf(int64_t ms) {
  if (ms == 0) return "";
  return FormatRfc3339(std::chrono::system_clock::time_point(
      std::chrono::milliseconds(ms)));
}

absl::StatusOr<Direction> DirectionOf(v1::LineageDirection d) {
  switch (d) {
    case v1::LINEAGE_DIRECTION_UNSPECIFIED:
    case v1::LINEAGE_DIRECTION_BOTH:
      return Direction::kBoth;
    case v1::LINEAGE_DIRECTION_UPSTREAM:
      return Direction::kUpstream;
    case v1::LINEAGE_DIRECTION_DOWNSTREAM:
      return Direction::kDownstream;
    default:
      return absl::InvalidArgumentError(
          StrCat("direction: unknown value ", static_cast<int>(d)));
  }
}

absl::StatusOr<int> DepthOf(int32_t depth, int fallback) {
  if (depth < 0) return absl::InvalidArgumentError("depth: must not be negative");
  if (depth > kMaxLineageDepth) {
    return absl::InvalidArgumentError(
        StrCat("depth: at most ", kMaxLineageDepth, " (got ", depth, ")"));
  }
  return depth == 0 ? fallback : depth;
}

absl::Status MaxNodesOk(int32_t max_nodes) {
  return max_nodes < 0 ? absl::InvalidArgumentError("max_nodes: must not be negative")
                       : absl::OkStatus();
}

// A job's name in requests: "namespace/name" or "job:namespace/name".
absl::StatusOr<JobKey> JobOf(std::string_view path, std::string_view text) {
  std::string node = text.substr(0, 4) == "job:" ? std::string(text)
                                                  : StrCat("job:", text);
  ASSIGN_OR_RETURN(NodeRef ref, lineage::ParseNodeRef(path, node));
  return ref.job;
}

v1::Transformation ToProto(const nlohmann::json& t) {
  v1::Transformation out;
  out.set_type(t.value("type", ""));
  out.set_subtype(t.value("subtype", ""));
  out.set_description(t.value("description", ""));
  out.set_masking(t.value("masking", false));
  return out;
}

// Gives nodes their ids, hiding those the caller may not catalog:read. A
// hidden entity keeps one placeholder id ("redacted:N") however often it
// is met, so paths and nodes agree.
class Redactor {
 public:
  Redactor(const authz::Authorizer& authorizer, const std::string& caller)
      : authorizer_(authorizer),
        caller_(caller),
        everything_(AllowedOnEverything(authorizer, caller, "catalog:read")) {}

  bool MayRead(const policy::EntityUid& uid) { return Placeholder(uid).empty(); }

  // Fills `node`; returns its id.
  std::string Dataset(const DatasetKey& key, std::string_view field,
                      v1::LineageNode& node) {
    v1::NodeKind kind = field.empty() ? v1::NODE_KIND_DATASET : v1::NODE_KIND_COLUMN;
    node.set_kind(kind);
    const std::string& hidden = Placeholder(authz::DatasetUid(key));
    if (!hidden.empty()) return Redact(node, hidden);
    *node.mutable_dataset() = ToProto(key);
    node.set_field(std::string(field));
    node.set_id(field.empty() ? lineage::DatasetNodeId(key)
                              : lineage::ColumnNodeId(key, field));
    return node.id();
  }

  std::string Job(const JobKey& key, v1::LineageNode& node) {
    node.set_kind(v1::NODE_KIND_JOB);
    const std::string& hidden = Placeholder(authz::JobUid(key));
    if (!hidden.empty()) return Redact(node, hidden);
    node.set_job_namespace(key.ns);
    node.set_job_name(key.name);
    node.set_id(lineage::JobNodeId(key));
    return node.id();
  }

  // The id of a job named only on an edge.
  std::string JobId(const JobKey& key) {
    const std::string& hidden = Placeholder(authz::JobUid(key));
    return hidden.empty() ? lineage::JobNodeId(key) : hidden;
  }

 private:
  // "" when the caller may read `uid`, else its placeholder id.
  const std::string& Placeholder(const policy::EntityUid& uid) {
    static const std::string kVisible;
    if (everything_) return kVisible;
    auto [it, added] = placeholders_.try_emplace(uid);
    if (added && !Require(authorizer_, caller_, "catalog:read", uid).ok()) {
      it->second = StrCat("redacted:", placeholders_.size());
    }
    return it->second;
  }

  static std::string Redact(v1::LineageNode& node, const std::string& id) {
    node.set_redacted(true);
    node.set_id(id);
    return id;
  }

  const authz::Authorizer& authorizer_;
  const std::string& caller_;
  const bool everything_;  // the caller may read every node
  std::unordered_map<policy::EntityUid, std::string, policy::EntityUidHash> placeholders_;
};

void ColumnEdgeToProto(const store::ColumnEdge& e, int from, int to,
                       Redactor& redactor, v1::LineageEdge& out) {
  out.set_from(from);
  out.set_to(to);
  out.set_active(e.active);
  out.set_run_id(e.run_id);
  out.set_first_seen_ms(e.first_seen_ms);
  out.set_last_seen_ms(e.last_seen_ms);
  out.set_job(redactor.JobId(e.job));
  // How a hidden column was transformed (its SQL, say) is as hidden as the
  // column: only edges between readable datasets carry it.
  if (!redactor.MayRead(authz::DatasetUid(e.in_dataset)) ||
      !redactor.MayRead(authz::DatasetUid(e.out_dataset))) {
    return;
  }
  nlohmann::json ts = nlohmann::json::parse(e.transformations, nullptr, false);
  if (ts.is_array()) {
    for (const nlohmann::json& t : ts) {
      if (t.is_object()) *out.add_transformations() = ToProto(t);
    }
  }
}

// The column walk as a graph message; returns each node's id.
std::vector<std::string> ColumnWalkToProto(const lineage::ColumnWalk& walk,
                                           Redactor& redactor,
                                           v1::LineageGraph& out) {
  std::vector<std::string> ids;
  for (const lineage::ColumnWalk::Node& n : walk.nodes) {
    v1::LineageNode* node = out.add_nodes();
    node->set_depth(n.depth);
    ids.push_back(redactor.Dataset(n.dataset, n.field, *node));
  }
  for (const lineage::ColumnWalk::Edge& e : walk.edges) {
    ColumnEdgeToProto(e.edge, e.from, e.to, redactor, *out.add_edges());
  }
  out.set_truncated(walk.truncated);
  return ids;
}

// The column lineage of `start` (a column): `walk` says how far; its
// starts are filled in here.
absl::Status ColumnLineage(store::Store& store, const authz::Authorizer& authorizer,
                           const std::string& caller, NodeRef start,
                           lineage::ColumnWalkRequest walk,
                           v1::LineageGraph& out) {
  ASSIGN_OR_RETURN(start.dataset, store.ResolveDataset(start.dataset));
  walk.starts = {{start.dataset, start.field}};
  ASSIGN_OR_RETURN(lineage::ColumnWalk found, lineage::WalkColumns(store, walk));
  Redactor redactor(authorizer, caller);
  ColumnWalkToProto(found, redactor, out);
  ASSIGN_OR_RETURN(int64_t revision, store.CatalogRevision());
  out.set_catalog_revision(revision);
  return absl::OkStatus();
}

// Node ids from the start to node `i`, following parents.
template <typename Nodes>
std::vector<std::string> PathTo(const Nodes& nodes,
                                const std::vector<std::string>& ids, int i) {
  std::vector<std::string> path;
  for (int at = i; at >= 0; at = nodes[at].parent) path.push_back(ids[at]);
  return {path.rbegin(), path.rend()};
}

}  // namespace

absl::StatusOr<store::IngestResult> LineageServiceImpl::IngestEvents(
    const std::string& caller, const std::vector<std::string>& texts) {
  if (texts.empty()) return absl::InvalidArgumentError("events: must not be empty");
  if (texts.size() > static_cast<size_t>(kMaxIngestEvents)) {
    return absl::InvalidArgumentError(
        StrCat("events: at most ", kMaxIngestEvents, " per call (got ",
               texts.size(), ")"));
  }
  RETURN_IF_ERROR(RequireTokenAllows(caller, "lineage:write"));
  // The writer's checks (below) decide on the snapshot; before it loads
  // they would refuse every job and take every fact for an observation.
  RETURN_IF_ERROR(DecisionsReady(*authorizer_));
  std::vector<lineage::Event> events;
  events.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    absl::StatusOr<lineage::Event> e = lineage::ParseEvent(texts[i]);
    if (!e.ok()) {
      return absl::InvalidArgumentError(
          StrCat("events[", i, "]: ", MessageOf(e.status())));
    }
    events.push_back(*std::move(e));
  }
  // A DatasetEvent names no job: it is reported to the catalog as a whole.
  for (const lineage::Event& e : events) {
    if (e.kind == lineage::EventKind::kDataset) {
      RETURN_IF_ERROR(Require(*authorizer_, caller, "lineage:write", CatalogRoot()));
      break;
    }
  }
  // The writer asks, as it meets each job and existing dataset (its owners
  // as stored in the same transaction), whether the caller may report the
  // job (lineage:write on it) and change the dataset's curated metadata
  // (catalog:write; otherwise the facts are observations). The checks run
  // on the writer's thread, so the token is read here.
  const bool token_may_write = RequireTokenAllows(caller, "catalog:write").ok();
  const std::string peer(store::AuditPeer::Current());
  const authz::Authorizer& authorizer = *authorizer_;
  store::IngestGate gate{
      .may_report = [&](const Job& job) -> absl::Status {
        policy::Entities stored;
        stored.Add(authz::JobEntity(job));
        policy::EntityUid uid = authz::JobUid(job.key);
        if (Permits(authorizer, caller, "lineage:write", uid, &stored)) return absl::OkStatus();
        std::vector<std::string> owners;
        for (const Owner& o : job.spec.owners) owners.push_back(o.principal);
        store::AuditPeer as_caller(peer);  // the writer may be another call's thread
        RETURN_IF_ERROR(authorizer.RecordDecision(caller, "lineage:write", uid, false,
                                                  authorizer.current()->revision()));
        return absl::PermissionDeniedError(
            StrCat(caller, " may not lineage:write ", uid.ToString(), " (owned by ",
                   absl::StrJoin(owners, ", "),
                   "): a job's runs are reported by its owners; a Job manifest reassigns it"));
      },
      .may_curate = [&](const DatasetKey& key) {
        return token_may_write &&
               Permits(authorizer, caller, "catalog:write", authz::DatasetUid(key));
      },
      // A run's model output registers a version as a ModelVersion manifest
      // would: catalog:write on it, judged with its model as stored (or,
      // new, as it will be: the reporter's).
      .may_register_model = [&](const ModelVersion& v,
                                const std::optional<Model>& stored) -> absl::Status {
        Model model = stored ? *stored : Model{.name = v.model};
        if (!stored) model.spec.owners = {{.principal = caller}};
        // The model as the writer's transaction holds it: the snapshot may
        // not have it yet (an earlier event of the same group made it).
        policy::Entities proposed =
            authz::ProposedVersion(v, &model, authorizer.current()->entities());
        const policy::EntityUid uid = authz::ModelVersionUid(v.model, v.version);
        if (token_may_write && Permits(authorizer, caller, "catalog:write", uid, &proposed)) {
          return absl::OkStatus();
        }
        store::AuditPeer as_caller(peer);
        RETURN_IF_ERROR(authorizer.RecordDecision(caller, "catalog:write", uid, false,
                                                  authorizer.current()->revision()));
        return absl::PermissionDeniedError(
            StrCat(caller, " may not catalog:write ", uid.ToString(),
                   ": a model's versions are registered by its owners"));
      },
      // A run's monitoring metrics (the modelMetrics facet) are recorded as
      // RecordModelMetrics records them: catalog:write on the version.
      .may_record_model_metrics = [&](const std::string& model,
                                      const std::string& version) -> absl::Status {
        const policy::EntityUid uid = authz::ModelVersionUid(model, version);
        if (token_may_write && Permits(authorizer, caller, "catalog:write", uid)) {
          return absl::OkStatus();
        }
        store::AuditPeer as_caller(peer);
        RETURN_IF_ERROR(authorizer.RecordDecision(caller, "catalog:write", uid, false,
                                                  authorizer.current()->revision()));
        return absl::PermissionDeniedError(
            StrCat(caller, " may not catalog:write ", uid.ToString(),
                   ": a version's metrics are recorded by who may write it"));
      }};
  const std::function<bool(const DatasetKey&)> may_curate = gate.may_curate;
  ASSIGN_OR_RETURN(store::IngestResult result,
                   store_->IngestEvents(events, caller, std::move(gate)));
  authorizer_->WaitFor(result.catalog_revision,
                       std::chrono::system_clock::now() + std::chrono::seconds(10));
  // The writes reported happened: a blocking governance rule they broke
  // is an incident on the dataset (docs/governance.md#rules).
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  // Should recording fail, the caller retries: the events are kept once.
  RETURN_IF_ERROR(store_->SyncRuleIncidents(governance::JudgeLineageWrites(
      *store_, *authorizer_->current(), events, now_ms, may_curate)));
  return result;
}

grpc::Status LineageServiceImpl::Ingest(grpc::ServerContext* context,
                                        const v1::IngestRequest* request,
                                        v1::IngestResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    std::vector<std::string> texts(request->events().begin(),
                                   request->events().end());
    ASSIGN_OR_RETURN(store::IngestResult r, IngestEvents(caller, texts));
    response->set_events(static_cast<int32_t>(texts.size()));
    response->set_datasets_changed(r.datasets_changed);
    response->set_catalog_revision(r.catalog_revision);
    return absl::OkStatus();
  });
}

grpc::Status LineageServiceImpl::GetLineage(grpc::ServerContext* context,
                                            const v1::GetLineageRequest* request,
                                            v1::LineageGraph* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(NodeRef start, lineage::ParseNodeRef("node", request->node()));
    ASSIGN_OR_RETURN(Direction direction, DirectionOf(request->direction()));
    ASSIGN_OR_RETURN(int depth, DepthOf(request->depth(), 1));
    RETURN_IF_ERROR(MaxNodesOk(request->max_nodes()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (start.kind == NodeRef::Kind::kColumn) {
      return ColumnLineage(*store_, *authorizer_, caller, start,
                           {.direction = direction,
                            .depth = depth,
                            .max_nodes = request->max_nodes(),
                            .include_inactive = request->include_inactive()},
                           *response);
    }
    Redactor redactor(*authorizer_, caller);
    if (start.kind == NodeRef::Kind::kDataset) {
      ASSIGN_OR_RETURN(start.dataset, store_->ResolveDataset(start.dataset));
    }
    ASSIGN_OR_RETURN(lineage::Traversal t,
                     graph_->Traverse({.start = start,
                                       .direction = direction,
                                       .depth = depth,
                                       .max_nodes = request->max_nodes(),
                                       .include_inactive = request->include_inactive()}));
    std::map<DatasetKey, int> readable;  // datasets shown: node index
    response->mutable_nodes()->Reserve(static_cast<int>(t.nodes.size()));
    for (const lineage::Traversal::Node& n : t.nodes) {
      v1::LineageNode* node = response->add_nodes();
      node->set_depth(n.depth);
      if (n.is_job) {
        redactor.Job(n.job, *node);
      } else {
        redactor.Dataset(n.dataset, "", *node);
        if (!node->redacted() && request->columns()) {
          readable.emplace(n.dataset, response->nodes_size() - 1);
        }
      }
      // What expanding it would add; nothing said of a node the caller
      // may not read.
      if (!node->redacted()) node->set_hidden_edges(n.hidden_edges);
    }
    response->mutable_edges()->Reserve(static_cast<int>(t.edges.size()));
    for (const lineage::Traversal::Edge& e : t.edges) {
      v1::LineageEdge* edge = response->add_edges();
      edge->set_from(e.from);
      edge->set_to(e.to);
      edge->set_active(e.active);
      edge->set_run_id(e.run_id);
      edge->set_first_seen_ms(e.first_seen_ms);
      edge->set_last_seen_ms(e.last_seen_ms);
    }
    if (request->columns()) {
      // Column edges between the datasets shown, by their output side.
      std::map<std::string, int> columns;  // column node id -> index
      for (const auto& [key, index] : readable) {
        ASSIGN_OR_RETURN(std::vector<store::ColumnEdge> edges,
                         store_->ColumnEdges(key, "", true, request->include_inactive()));
        for (const store::ColumnEdge& e : edges) {
          if (!readable.count(e.in_dataset)) continue;
          int ends[2];
          int side = 0;
          for (const auto& [dataset, field] :
               {std::pair{e.in_dataset, e.in_field}, std::pair{e.out_dataset, e.out_field}}) {
            if (field.empty()) {
              ends[side++] = readable.at(dataset);
              continue;
            }
            auto [it, added] = columns.try_emplace(lineage::ColumnNodeId(dataset, field),
                                                   response->nodes_size());
            if (added) redactor.Dataset(dataset, field, *response->add_nodes());
            ends[side++] = it->second;
          }
          ColumnEdgeToProto(e, ends[0], ends[1], redactor, *response->add_edges());
        }
      }
    }
    response->set_truncated(t.truncated);
    response->set_catalog_revision(t.revision);
    return absl::OkStatus();
  });
}

grpc::Status LineageServiceImpl::GetColumnLineage(
    grpc::ServerContext* context, const v1::GetColumnLineageRequest* request,
    v1::LineageGraph* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(NodeRef start, lineage::ParseNodeRef("node", request->node()));
    if (start.kind != NodeRef::Kind::kColumn) {
      return absl::InvalidArgumentError(
          StrCat("node: \"", request->node(), "\" is not a column (write namespace/name#field)"));
    }
    ASSIGN_OR_RETURN(Direction direction, DirectionOf(request->direction()));
    ASSIGN_OR_RETURN(int depth, DepthOf(request->depth(), 10));
    RETURN_IF_ERROR(MaxNodesOk(request->max_nodes()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    return ColumnLineage(*store_, *authorizer_, caller, start,
                         {.direction = direction,
                          .depth = depth,
                          .max_nodes = request->max_nodes(),
                          .include_inactive = request->include_inactive()},
                         *response);
  });
}

grpc::Status LineageServiceImpl::Impact(grpc::ServerContext* context,
                                        const v1::ImpactRequest* request,
                                        v1::ImpactResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(NodeRef start, lineage::ParseNodeRef("node", request->node()));
    if (start.kind == NodeRef::Kind::kJob) {
      return absl::InvalidArgumentError("node: impact starts at a dataset or a column");
    }
    ASSIGN_OR_RETURN(int depth, DepthOf(request->depth(), 10));
    RETURN_IF_ERROR(MaxNodesOk(request->max_nodes()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(start.dataset, store_->ResolveDataset(start.dataset));
    std::vector<std::string> fields(request->columns().begin(), request->columns().end());
    if (start.kind == NodeRef::Kind::kColumn) fields.push_back(start.field);
    for (size_t i = 0; i < fields.size(); ++i) {
      RETURN_IF_ERROR(ValidateName(StrCat("columns[", i, "]"), fields[i], kMaxShortNameBytes));
    }
    Redactor redactor(*authorizer_, caller);
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    ASSIGN_OR_RETURN(
        lineage::Impact impact,
        lineage::ComputeImpact(
            *graph_, *store_,
            {.start = start.dataset,
             .fields = fields,
             .depth = depth,
             .max_nodes = request->max_nodes(),
             .describe = [&](const DatasetKey& k) { return redactor.MayRead(authz::DatasetUid(k)); },
             .upstream = &snapshot->upstream()}));
    // Each node's id, in the walk's order (placeholders numbered as met).
    std::vector<std::string> ids;
    for (const lineage::Impact::Node& n : impact.nodes) {
      v1::LineageNode scratch;
      ids.push_back(n.is_job ? redactor.Job(n.job, scratch)
                             : redactor.Dataset(n.dataset, n.field, scratch));
    }
    auto add_path = [&](int node, v1::ImpactedNode& out) {
      for (int at : impact.PathTo(node)) out.add_path(ids[static_cast<size_t>(at)]);
    };
    for (const lineage::Impact::Dataset& d : impact.datasets) {
      v1::ImpactedNode* out = response->add_datasets();
      redactor.Dataset(d.key, "", *out->mutable_node());
      out->mutable_node()->set_depth(d.depth);
      add_path(d.node, *out);
      if (!d.summary) continue;  // not the caller's to see, or gone
      for (const std::string& c : d.columns) out->add_columns(c);
      OwnersToProto(d.summary->owners, out->mutable_owners());
      out->set_classification(ClassificationName(d.summary->classification));
      if (d.summary->contract) {
        out->set_active_contract(StrCat(d.summary->contract->id, "@", d.summary->contract->version));
      }
      out->set_health(health::HealthName(d.health));
      out->set_freshness(d.summary->health.freshness);
    }
    for (const lineage::Impact::Job& j : impact.jobs) {
      v1::ImpactedNode* out = response->add_jobs();
      redactor.Job(j.key, *out->mutable_node());
      out->mutable_node()->set_depth(j.depth);
      add_path(j.node, *out);
    }
    // The data products that publish what the change reaches.
    ASSIGN_OR_RETURN(std::shared_ptr<const products::ProductCatalog> catalog, products_->Get());
    std::vector<std::pair<DatasetKey, int>> reached = {{start.dataset, 0}};
    for (const lineage::Impact::Dataset& d : impact.datasets) reached.push_back({d.key, d.depth});
    for (const products::ImpactedProduct& p : products::ImpactedProducts(*catalog, reached)) {
      const DataProduct& product = p.entry->product;
      if (!redactor.MayRead(authz::ProductUid(product.id))) continue;
      v1::ImpactedProduct* out = response->add_products();
      out->set_id(product.id);
      out->set_name(product.spec.name);
      out->set_status(product.spec.status);
      OwnersToProto(product.spec.owners, out->mutable_owners());
      out->set_depth(p.depth);
      for (const DatasetKey& k : p.datasets) {
        if (redactor.MayRead(authz::DatasetUid(k))) {
          out->add_datasets(k.ToString());
        } else {
          out->set_hidden_datasets(out->hidden_datasets() + 1);
        }
      }
    }
    for (const lineage::Impact::Model& m : impact.models) {
      if (!redactor.MayRead(authz::ModelVersionUid(m.model, m.version))) {
        response->set_hidden_models(response->hidden_models() + 1);
        continue;
      }
      v1::ImpactedModel* out = response->add_models();
      out->set_model(m.model);
      out->set_version(m.version);
      if (redactor.MayRead(authz::DatasetUid(m.dataset))) out->set_dataset(m.dataset.ToString());
      out->set_depth(m.depth);
    }
    for (const lineage::Impact::Application& a : impact.applications) {
      if (!redactor.MayRead(authz::ApplicationUid(a.name))) {
        response->set_hidden_applications(response->hidden_applications() + 1);
        continue;
      }
      v1::ImpactedApplication* out = response->add_applications();
      out->set_name(a.name);
      out->set_review(a.review);
      const bool via_model = !a.version.empty();
      const size_t at = a.version.rfind('@');
      if (via_model ? redactor.MayRead(authz::ModelVersionUid(a.version.substr(0, at),
                                                               a.version.substr(at + 1)))
                    : redactor.MayRead(authz::DatasetUid(a.dataset))) {
        out->set_uses(via_model ? a.version : a.dataset.ToString());
        out->set_used_as(a.used_as);
      }
      out->set_depth(a.depth);
    }
    for (const lineage::Impact::FeatureView& v : impact.feature_views) {
      if (!redactor.MayRead(authz::FeatureViewUid(v.name)) ||
          !redactor.MayRead(authz::DatasetUid(v.source))) {
        response->set_hidden_feature_views(response->hidden_feature_views() + 1);
        continue;
      }
      v1::ImpactedFeatureView* out = response->add_feature_views();
      out->set_name(v.name);
      out->set_source(v.source.ToString());
      for (const std::string& f : v.features) out->add_features(f);
      out->set_depth(v.depth);
    }
    response->set_truncated(impact.truncated);
    response->set_catalog_revision(impact.revision);
    return absl::OkStatus();
  });
}

grpc::Status LineageServiceImpl::ListJobs(grpc::ServerContext* context,
                                          const v1::ListJobsRequest* request,
                                          v1::ListJobsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(store::PageRequest page_request,
                     PageOf(request->page_size(), request->page_token()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(store::Page<store::JobRecord> page,
                     store_->ListJobs(request->namespace_(), page_request));
    Redactor redactor(*authorizer_, caller);
    for (const store::JobRecord& j : page.items) {
      if (!redactor.MayRead(authz::JobUid(j.key))) continue;
      v1::Job* out = response->add_jobs();
      out->set_namespace_(j.key.ns);
      out->set_name(j.key.name);
      out->set_job_type(j.job_type);
      out->set_description(j.description);
      out->set_sql(j.sql);
      out->set_facets_json(j.facets);
      out->set_latest_run_id(j.latest_run_id);
      out->set_latest_state(j.latest_state);
      out->set_created_at(j.created_at);
      out->set_updated_at(j.updated_at);
      OwnersToProto(j.owners, out->mutable_owners());
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status LineageServiceImpl::ListRuns(grpc::ServerContext* context,
                                          const v1::ListRunsRequest* request,
                                          v1::ListRunsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(JobKey job, JobOf("job", request->job()));
    ASSIGN_OR_RETURN(store::PageRequest page_request,
                     PageOf(request->page_size(), request->page_token()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", authz::JobUid(job)));
    ASSIGN_OR_RETURN(store::Page<store::RunRecord> page,
                     store_->ListRuns(job, page_request));
    for (const store::RunRecord& r : page.items) {
      v1::Run* out = response->add_runs();
      out->set_run_id(r.run_id);
      out->set_job(r.job.ToString());
      out->set_state(r.state);
      out->set_started_at(TimeOf(r.started_ms));
      out->set_ended_at(TimeOf(r.ended_ms));
      if (r.started_ms != 0 && r.ended_ms != 0) {
        out->set_duration_ms(r.ended_ms - r.started_ms);
      }
      out->set_parent_run_id(r.parent_run_id);
      out->set_parent_job(r.parent_job);
      out->set_error_message(r.error_message);
      out->set_facets_json(r.facets);
      for (const auto& [state, ms] : r.transitions) {
        v1::RunTransition* t = out->add_transitions();
        t->set_state(state);
        t->set_time(TimeOf(ms));
      }
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status LineageServiceImpl::DeleteJob(grpc::ServerContext* context,
                                           const v1::DeleteJobRequest* request,
                                           v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(JobKey job, JobOf("job", request->job()));
    // Reporting lineage is not licence to erase another pipeline's.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write", authz::JobUid(job)));
    ASSIGN_OR_RETURN(int64_t revision, store_->DeleteJob(job, caller));
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
