// The dataset-level lineage graph, in memory: jobs and datasets joined by
// input and output edges, loaded once from the store and then kept in step
// with every commit (the store's commit hook), so lineage queries never
// walk SQLite one hop at a time.
//
//   LineageGraph graph;
//   store->AddCommitHook([&](const store::Change& c) { graph.OnCommit(c); });
//   RETURN_IF_ERROR(graph.Load(*store));  // may run on another thread
//   ASSIGN_OR_RETURN(Traversal t, graph.Traverse({.start = node, ...}));
//
// Depth counts jobs: from a dataset, the jobs that read it and what they
// write are depth 1; from a job, its own inputs and outputs are depth 1.
// Thread-safe: queries share a lock, commits take it alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/lineage/node.h"
#include "server/store/store.h"

namespace catalog::lineage {

enum class Direction { kUpstream, kDownstream, kBoth };

// The most nodes a traversal returns unless asked otherwise.
inline constexpr int kDefaultMaxNodes = 10000;

struct TraversalRequest {
  NodeRef start;  // a dataset or a job
  Direction direction = Direction::kBoth;
  int depth = 1;
  int max_nodes = kDefaultMaxNodes;
  bool include_inactive = false;
};

struct Traversal {
  struct Node {
    bool is_job = false;
    DatasetKey dataset;  // when !is_job
    JobKey job;          // when is_job
    int depth = 0;
    int parent = -1;     // the node this one was first reached from
    // Edges of this node, in the directions traversed, that the answer
    // leaves out (past the depth or the node cap): what expanding it adds.
    int hidden_edges = 0;
  };
  struct Edge {
    int from = 0;  // node indices: dataset -> job for an input,
    int to = 0;    // job -> dataset for an output
    bool active = true;
    std::string run_id;
    int64_t first_seen_ms = 0;
    int64_t last_seen_ms = 0;
  };
  std::vector<Node> nodes;  // nodes[0] is the start
  std::vector<Edge> edges;
  bool truncated = false;   // max_nodes was reached
  int64_t revision = 0;     // the catalog revision the graph reflects
};

class LineageGraph {
 public:
  LineageGraph();
  ~LineageGraph();

  // Reads every edge from `store`; commits seen meanwhile (OnCommit) are
  // applied after it when newer than what was read.
  absl::Status Load(store::Store& store);
  bool loaded() const;
  void OnCommit(const store::Change& change);

  // NOT_FOUND when the start node has no edge and is not known;
  // UNAVAILABLE before the graph is loaded.
  absl::StatusOr<Traversal> Traverse(const TraversalRequest& request) const;

  // A dataset a downstream walk reached.
  struct Reached {
    const DatasetKey& dataset;
    size_t start;    // the index of the start it was reached from
    int hops;        // jobs from that start
    // The report (counted from 0) of the dataset it was reached from; -1
    // for the start itself.
    int64_t parent;
  };
  // Calls `reached` for each dataset downstream of `starts` within
  // `max_hops` jobs over active edges, breadth first from all starts at
  // once (the nearest start reaches a dataset first), once each. Starts
  // are not reported unless reached from another. UNAVAILABLE before the
  // graph is loaded.
  absl::Status WalkDownstream(const std::vector<DatasetKey>& starts, int max_hops,
                              const std::function<void(const Reached&)>& reached) const;

  size_t edge_count() const;
  size_t dataset_count() const;
  size_t job_count() const;

  struct Data;

 private:
  mutable std::shared_mutex mu_;
  std::unique_ptr<Data> data_;                // guarded by mu_
  std::vector<store::Change> pending_;        // commits before the load
  bool loaded_ = false;
};

}  // namespace catalog::lineage
