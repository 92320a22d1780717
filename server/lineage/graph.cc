#include "server/lineage/graph.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {

// Nodes are dense indices; edges are stored once and listed by index on
// both their ends. Removed edges keep their slot, flagged.
struct LineageGraph::Data {
  struct EdgeRec {
    uint32_t job = 0;
    uint32_t dataset = 0;
    uint32_t run = 0;  // index into runs
    bool output = false;
    bool active = true;
    bool removed = false;
    int64_t first_seen_ms = 0;
    int64_t last_seen_ms = 0;
  };

  std::vector<DatasetKey> dataset_keys;
  std::vector<std::vector<uint32_t>> dataset_edges;
  std::unordered_map<std::string, uint32_t> dataset_index;
  std::vector<JobKey> job_keys;
  std::vector<std::vector<uint32_t>> job_edges;
  std::unordered_map<std::string, uint32_t> job_index;
  std::vector<EdgeRec> edges;
  std::unordered_map<uint64_t, uint32_t> edge_index;
  std::vector<std::string> runs;
  std::unordered_map<std::string, uint32_t> run_index;
  size_t live_edges = 0;
  int64_t revision = 0;

  static uint64_t EdgeKey(uint32_t job, uint32_t dataset, bool output) {
    return (static_cast<uint64_t>(job) << 33) |
           (static_cast<uint64_t>(dataset) << 1) | (output ? 1 : 0);
  }

  uint32_t Dataset(const DatasetKey& key) {
    auto [it, added] = dataset_index.emplace(key.ToString(),
                                             static_cast<uint32_t>(dataset_keys.size()));
    if (added) {
      dataset_keys.push_back(key);
      dataset_edges.emplace_back();
    }
    return it->second;
  }

  uint32_t Job(const JobKey& key) {
    auto [it, added] = job_index.emplace(key.ToString(),
                                         static_cast<uint32_t>(job_keys.size()));
    if (added) {
      job_keys.push_back(key);
      job_edges.emplace_back();
    }
    return it->second;
  }

  uint32_t Run(const std::string& id) {
    auto [it, added] = run_index.emplace(id, static_cast<uint32_t>(runs.size()));
    if (added) runs.push_back(id);
    return it->second;
  }

  void Upsert(const store::LineageEdge& e) {
    uint32_t job = Job(e.job);
    uint32_t dataset = Dataset(e.dataset);
    auto [it, added] = edge_index.emplace(EdgeKey(job, dataset, e.output),
                                          static_cast<uint32_t>(edges.size()));
    if (added) {
      edges.push_back({.job = job, .dataset = dataset, .output = e.output});
      job_edges[job].push_back(it->second);
      dataset_edges[dataset].push_back(it->second);
      ++live_edges;
    }
    EdgeRec& rec = edges[it->second];
    rec.active = e.active;
    rec.run = Run(e.run_id);
    rec.first_seen_ms = e.first_seen_ms;
    rec.last_seen_ms = e.last_seen_ms;
  }

  void Remove(uint32_t edge_id) {
    EdgeRec& rec = edges[edge_id];
    if (rec.removed) return;
    rec.removed = true;
    --live_edges;
    edge_index.erase(EdgeKey(rec.job, rec.dataset, rec.output));
    auto drop = [edge_id](std::vector<uint32_t>& list) {
      list.erase(std::remove(list.begin(), list.end(), edge_id), list.end());
    };
    drop(job_edges[rec.job]);
    drop(dataset_edges[rec.dataset]);
  }

  void RemoveAll(std::vector<uint32_t> edge_ids) {
    for (uint32_t id : edge_ids) Remove(id);
  }

  void Apply(const store::Change& change) {
    for (const DatasetKey& key : change.deleted_datasets) {
      auto it = dataset_index.find(key.ToString());
      if (it != dataset_index.end()) RemoveAll(dataset_edges[it->second]);
    }
    for (const JobKey& key : change.deleted_jobs) {
      auto it = job_index.find(key.ToString());
      if (it != job_index.end()) RemoveAll(job_edges[it->second]);
    }
    for (const store::LineageEdge& e : change.lineage_edges) Upsert(e);
    revision = std::max(revision, change.catalog_revision);
  }
};

LineageGraph::LineageGraph() : data_(std::make_unique<Data>()) {}
LineageGraph::~LineageGraph() = default;

absl::Status LineageGraph::Load(store::Store& store) {
  auto data = std::make_unique<Data>();
  ASSIGN_OR_RETURN(int64_t revision,
                   store.LoadLineage([&](const store::LineageEdge& e) {
                     data->Upsert(e);
                   }));
  data->revision = revision;
  std::unique_lock lock(mu_);
  for (const store::Change& c : pending_) {
    if (c.catalog_revision > revision) data->Apply(c);
  }
  pending_.clear();
  pending_.shrink_to_fit();
  data_ = std::move(data);
  loaded_ = true;
  return absl::OkStatus();
}

bool LineageGraph::loaded() const {
  std::shared_lock lock(mu_);
  return loaded_;
}

void LineageGraph::OnCommit(const store::Change& change) {
  std::unique_lock lock(mu_);
  if (!loaded_) {
    if (!change.lineage_edges.empty() || !change.deleted_datasets.empty() ||
        !change.deleted_jobs.empty()) {
      pending_.push_back(store::Change{
          .catalog_revision = change.catalog_revision,
          .deleted_datasets = change.deleted_datasets,
          .lineage_edges = change.lineage_edges,
          .deleted_jobs = change.deleted_jobs});
    }
    return;
  }
  data_->Apply(change);
}

absl::Status LineageGraph::WalkDownstream(
    const std::vector<DatasetKey>& starts, int max_hops,
    const std::function<void(const Reached&)>& reached) const {
  std::shared_lock lock(mu_);
  if (!loaded_) {
    return absl::UnavailableError("the lineage graph is still loading; retry shortly");
  }
  const Data& g = *data_;
  struct Visit {
    uint32_t dataset;
    uint32_t start;
    int hops;
    int64_t report;  // its report's number; -1 for a start
  };
  std::deque<Visit> queue;
  // A bit per dataset: cheaper than a hash set for the thousands a hub
  // reaches, and clearing a million bits costs microseconds.
  std::vector<bool> seen(g.dataset_keys.size());
  auto first_visit = [&](uint32_t d) {
    if (seen[d]) return false;
    seen[d] = true;
    return true;
  };
  for (size_t i = 0; i < starts.size(); ++i) {
    auto it = g.dataset_index.find(starts[i].ToString());
    if (it == g.dataset_index.end() || !first_visit(it->second)) continue;
    queue.push_back({it->second, static_cast<uint32_t>(i), 0, -1});
  }
  int64_t reports = 0;
  while (!queue.empty()) {
    Visit v = queue.front();
    queue.pop_front();
    if (v.hops >= max_hops) continue;
    // The jobs that read it, and what they write.
    for (uint32_t read : g.dataset_edges[v.dataset]) {
      const Data::EdgeRec& in = g.edges[read];
      if (in.removed || !in.active || in.output) continue;
      for (uint32_t write : g.job_edges[in.job]) {
        const Data::EdgeRec& out = g.edges[write];
        if (out.removed || !out.active || !out.output) continue;
        if (!first_visit(out.dataset)) continue;
        reached({g.dataset_keys[out.dataset], v.start, v.hops + 1, v.report});
        queue.push_back({out.dataset, v.start, v.hops + 1, reports++});
      }
    }
  }
  return absl::OkStatus();
}

size_t LineageGraph::edge_count() const {
  std::shared_lock lock(mu_);
  return data_->live_edges;
}
size_t LineageGraph::dataset_count() const {
  std::shared_lock lock(mu_);
  return data_->dataset_keys.size();
}
size_t LineageGraph::job_count() const {
  std::shared_lock lock(mu_);
  return data_->job_keys.size();
}

absl::StatusOr<Traversal> LineageGraph::Traverse(
    const TraversalRequest& request) const {
  if (request.depth < 0) {
    return absl::InvalidArgumentError("depth: must not be negative");
  }
  if (request.start.kind == NodeRef::Kind::kColumn) {
    return absl::InvalidArgumentError(
        "node: a column's lineage is column lineage, not dataset lineage");
  }
  std::shared_lock lock(mu_);
  if (!loaded_) {
    return absl::UnavailableError("the lineage graph is still loading; retry shortly");
  }
  const Data& g = *data_;
  Traversal out;
  out.revision = g.revision;
  const size_t max_nodes = request.max_nodes > 0
                               ? static_cast<size_t>(request.max_nodes)
                               : static_cast<size_t>(kDefaultMaxNodes);

  std::unordered_map<uint32_t, int> dataset_node, job_node;
  std::unordered_set<uint32_t> edges_added;
  auto node_for = [&](bool is_job, uint32_t id, int depth, int parent) -> int {
    auto& index = is_job ? job_node : dataset_node;
    auto it = index.find(id);
    if (it != index.end()) return it->second;
    if (out.nodes.size() >= max_nodes) {
      out.truncated = true;
      return -1;
    }
    Traversal::Node n{.is_job = is_job, .depth = depth, .parent = parent};
    if (is_job) {
      n.job = g.job_keys[id];
    } else {
      n.dataset = g.dataset_keys[id];
    }
    out.nodes.push_back(std::move(n));
    int index_of = static_cast<int>(out.nodes.size()) - 1;
    index.emplace(id, index_of);
    return index_of;
  };
  auto add_edge = [&](uint32_t edge_id) {
    const Data::EdgeRec& e = g.edges[edge_id];
    if (!edges_added.insert(edge_id).second) return;
    int job = job_node.at(e.job);
    int dataset = dataset_node.at(e.dataset);
    out.edges.push_back({.from = e.output ? job : dataset,
                         .to = e.output ? dataset : job,
                         .active = e.active,
                         .run_id = g.runs[e.run],
                         .first_seen_ms = e.first_seen_ms,
                         .last_seen_ms = e.last_seen_ms});
  };
  auto usable = [&](const Data::EdgeRec& e) {
    return !e.removed && (e.active || request.include_inactive);
  };

  bool start_is_job = request.start.kind == NodeRef::Kind::kJob;
  uint32_t start_id = 0;
  if (start_is_job) {
    auto it = g.job_index.find(request.start.job.ToString());
    if (it == g.job_index.end()) {
      return absl::NotFoundError(
          StrCat("job \"", request.start.job.ToString(), "\" has no lineage"));
    }
    start_id = it->second;
  } else {
    auto it = g.dataset_index.find(request.start.dataset.ToString());
    if (it == g.dataset_index.end()) {
      // A dataset no event mentioned has no edges: a graph of one.
      out.nodes.push_back({.dataset = request.start.dataset});
      return out;
    }
    start_id = it->second;
  }
  node_for(start_is_job, start_id, 0, -1);

  for (bool down : {true, false}) {
    if (down && request.direction == Direction::kUpstream) continue;
    if (!down && request.direction == Direction::kDownstream) continue;
    // Going downstream a dataset leads on through the edges that read it
    // (inputs) and a job through what it writes (outputs); upstream the
    // other way round.
    bool dataset_side_output = !down;
    std::unordered_set<uint32_t> expanded_jobs;
    std::unordered_set<uint32_t> expanded_datasets;
    std::deque<std::pair<uint32_t, int>> queue;  // datasets, with depth

    auto expand_job = [&](uint32_t job, int depth) {
      if (!expanded_jobs.insert(job).second) return;
      int job_index = job_node.at(job);
      for (uint32_t edge_id : g.job_edges[job]) {
        const Data::EdgeRec& e = g.edges[edge_id];
        if (!usable(e) || e.output != down) continue;
        int n = node_for(false, e.dataset, depth, job_index);
        if (n < 0) continue;
        add_edge(edge_id);
        if (!expanded_datasets.count(e.dataset)) queue.emplace_back(e.dataset, depth);
      }
    };

    if (start_is_job) {
      if (request.depth >= 1) expand_job(start_id, 1);
    } else {
      queue.emplace_back(start_id, 0);
    }
    while (!queue.empty()) {
      auto [dataset, depth] = queue.front();
      queue.pop_front();
      if (!expanded_datasets.insert(dataset).second) continue;
      if (depth >= request.depth) continue;
      int dataset_index = dataset_node.at(dataset);
      for (uint32_t edge_id : g.dataset_edges[dataset]) {
        const Data::EdgeRec& e = g.edges[edge_id];
        if (!usable(e) || e.output != dataset_side_output) continue;
        int n = node_for(true, e.job, depth + 1, dataset_index);
        if (n < 0) continue;
        add_edge(edge_id);
        expand_job(e.job, depth + 1);
      }
    }
  }
  // What each node's expansion would add: its usable edges, the ways the
  // traversal went, that the answer leaves out.
  auto wanted = [&](const Data::EdgeRec& e, bool dataset_side) {
    if (!usable(e)) return false;
    if (request.direction == Direction::kBoth) return true;
    // Downstream, a dataset leads through its inputs and a job through
    // its outputs.
    const bool down = request.direction == Direction::kDownstream;
    return dataset_side ? e.output != down : e.output == down;
  };
  for (const auto& [id, index] : dataset_node) {
    for (uint32_t edge_id : g.dataset_edges[id]) {
      if (wanted(g.edges[edge_id], true) && !edges_added.count(edge_id)) {
        ++out.nodes[index].hidden_edges;
      }
    }
  }
  for (const auto& [id, index] : job_node) {
    for (uint32_t edge_id : g.job_edges[id]) {
      if (wanted(g.edges[edge_id], false) && !edges_added.count(edge_id)) {
        ++out.nodes[index].hidden_edges;
      }
    }
  }
  return out;
}

}  // namespace catalog::lineage
