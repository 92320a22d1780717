#include "server/lineage/impact.h"

#include <map>

#include "lib/util/status_macros.h"
#include "server/lineage/column_walk.h"

namespace catalog::lineage {

std::vector<int> Impact::PathTo(int node) const {
  std::vector<int> path;
  for (int at = node; at >= 0; at = nodes[static_cast<size_t>(at)].parent) path.push_back(at);
  return {path.rbegin(), path.rend()};
}

absl::StatusOr<Impact> ComputeImpact(const LineageGraph& graph, store::Store& store,
                                     const ImpactQuery& query) {
  Impact out;
  std::map<DatasetKey, Impact::Dataset> datasets;
  std::map<JobKey, Impact::Job> jobs;
  if (query.fields.empty()) {
    ASSIGN_OR_RETURN(Traversal t, graph.Traverse({.start = {.dataset = query.start},
                                                  .direction = Direction::kDownstream,
                                                  .depth = query.depth,
                                                  .max_nodes = query.max_nodes}));
    for (const Traversal::Node& n : t.nodes) {
      out.nodes.push_back({.is_job = n.is_job,
                           .dataset = n.dataset,
                           .job = n.job,
                           .depth = n.depth,
                           .parent = n.parent});
    }
    for (size_t i = 1; i < t.nodes.size(); ++i) {
      const Traversal::Node& n = t.nodes[i];
      const int node = static_cast<int>(i);
      if (n.is_job) {
        jobs.emplace(n.job, Impact::Job{.key = n.job, .node = node, .depth = n.depth});
      } else {
        datasets.emplace(n.dataset,
                         Impact::Dataset{.key = n.dataset, .node = node, .depth = n.depth});
      }
    }
    out.truncated = t.truncated;
    out.revision = t.revision;
  } else {
    ColumnWalkRequest walk_request{.direction = Direction::kDownstream,
                                   .depth = query.depth,
                                   .max_nodes = query.max_nodes};
    for (const std::string& f : query.fields) walk_request.starts.push_back({query.start, f});
    ASSIGN_OR_RETURN(ColumnWalk walk, WalkColumns(store, walk_request));
    for (const ColumnWalk::Node& n : walk.nodes) {
      out.nodes.push_back(
          {.dataset = n.dataset, .field = n.field, .depth = n.depth, .parent = n.parent});
    }
    for (size_t i = query.fields.size(); i < walk.nodes.size(); ++i) {
      const ColumnWalk::Node& n = walk.nodes[i];
      if (n.dataset == query.start) continue;
      auto [it, added] = datasets.try_emplace(
          n.dataset,
          Impact::Dataset{.key = n.dataset, .node = static_cast<int>(i), .depth = n.depth});
      if (!n.field.empty()) it->second.columns.insert(n.field);
    }
    for (const ColumnWalk::Edge& e : walk.edges) {
      jobs.try_emplace(e.edge.job, Impact::Job{.key = e.edge.job,
                                               .node = e.to,
                                               .depth = walk.nodes[static_cast<size_t>(e.to)].depth});
    }
    out.truncated = walk.truncated;
    ASSIGN_OR_RETURN(out.revision, store.CatalogRevision());
  }

  std::vector<DatasetKey> described;
  for (const auto& [key, d] : datasets) {
    if (!query.describe || query.describe(key)) described.push_back(key);
  }
  ASSIGN_OR_RETURN(auto summaries, store.DatasetSummaries(described));
  for (size_t i = 0; i < described.size(); ++i) {
    Impact::Dataset& d = datasets.at(described[i]);
    d.summary = std::move(summaries[i]);
    if (!d.summary) continue;
    health::Health own = health::ParseHealth(d.summary->health.state).value_or(health::Health::kOk);
    d.health = health::EffectiveHealth(
        own, query.upstream != nullptr ? query.upstream->Find(d.key) : nullptr);
  }
  // The model versions trained on the start or on what the change reaches.
  std::vector<DatasetKey> reached = {query.start};
  std::map<DatasetKey, int> depth_of = {{query.start, 0}};
  for (const auto& [key, d] : datasets) {
    if (depth_of.emplace(key, d.depth).second) reached.push_back(key);
  }
  ASSIGN_OR_RETURN(auto trained, store.ModelsTrainedOn(reached));
  std::map<std::string, Impact::Model> models;  // by "model@version"
  for (auto& [key, ref] : trained) {
    const int depth = depth_of.at(key);
    auto [it, added] = models.try_emplace(ref);
    if (added || depth < it->second.depth) {
      const size_t at = ref.rfind('@');
      it->second = {.model = ref.substr(0, at), .version = ref.substr(at + 1), .dataset = key,
                    .depth = depth};
    }
  }
  std::vector<std::string> versions;
  for (const auto& [ref, m] : models) versions.push_back(ref);
  ASSIGN_OR_RETURN(std::vector<store::Store::ApplicationUse> uses,
                   store.ApplicationsUsing(reached, versions));
  std::map<std::string, Impact::Application> applications;  // by name
  for (store::Store::ApplicationUse& u : uses) {
    const int depth =
        u.version.empty() ? depth_of.at(u.dataset) : models.at(u.version).depth;
    auto [it, added] = applications.try_emplace(u.application);
    if (added || depth < it->second.depth) {
      it->second = {.name = u.application,
                    .review = std::move(u.review),
                    .dataset = u.dataset,
                    .version = std::move(u.version),
                    .used_as = std::move(u.used_as),
                    .depth = depth};
    }
  }
  for (auto& [key, d] : datasets) out.datasets.push_back(std::move(d));
  for (auto& [key, j] : jobs) out.jobs.push_back(std::move(j));
  for (auto& [ref, m] : models) out.models.push_back(std::move(m));
  for (auto& [name, a] : applications) out.applications.push_back(std::move(a));
  // Feature views on what is reached: with fields, those whose features
  // come from a column reached (the start's: the fields asked).
  std::map<DatasetKey, const std::set<std::string>*> columns_of;
  const std::set<std::string> asked(query.fields.begin(), query.fields.end());
  if (!query.fields.empty()) {
    columns_of[query.start] = &asked;
    for (const Impact::Dataset& d : out.datasets) columns_of.try_emplace(d.key, &d.columns);
  }
  ASSIGN_OR_RETURN(std::vector<catalog::FeatureView> views, store.FeatureViewsOn(reached));
  for (const catalog::FeatureView& v : views) {
    Impact::FeatureView hit{.name = v.name, .source = v.spec.source,
                            .depth = depth_of.at(v.spec.source)};
    for (const Feature& f : v.spec.features) {
      if (query.fields.empty()) {
        hit.features.push_back(f.name);
        continue;
      }
      auto reached_columns = columns_of.find(v.spec.source);
      if (reached_columns == columns_of.end()) continue;
      // A column reached, or a struct holding it, or a field inside one.
      for (const std::string& c : *reached_columns->second) {
        if (c == f.column || f.column.starts_with(c + ".") || c.starts_with(f.column + ".")) {
          hit.features.push_back(f.name);
          break;
        }
      }
    }
    if (!hit.features.empty()) out.feature_views.push_back(std::move(hit));
  }
  return out;
}

}  // namespace catalog::lineage
