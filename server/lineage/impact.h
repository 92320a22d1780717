// Impact: what is downstream of a dataset (or of some of its columns) — the
// datasets and jobs a change to it reaches, each with the path it was
// reached by, and for each dataset its owners, classification, contract
// and health (its own, or upstream-degraded), the model versions trained
// on any of them (the start included), the feature views derived from
// them, and the AI applications using those datasets or model versions. A plain answer; who may see
// which node is the caller's business (server/lineage_service.cc).
//
//   ASSIGN_OR_RETURN(Impact i, ComputeImpact(graph, store, {.start = orders, .depth = 3}));
//   i.PathTo(i.datasets[0].node);  // node indices from the start
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/health/upstream.h"
#include "server/lineage/graph.h"
#include "server/store/store.h"

namespace catalog::lineage {

struct ImpactQuery {
  DatasetKey start;                 // resolved: not an alias
  std::vector<std::string> fields;  // only these columns' impact; none: the dataset's
  int depth = 10;  // jobs (datasets), or column hops (fields)
  int max_nodes = kDefaultMaxNodes;
  // Whose owners, classification, contract and health to read; all when unset.
  std::function<bool(const DatasetKey&)> describe;
  // Which datasets are upstream-degraded (the authorization snapshot's);
  // none when unset.
  const health::UpstreamHealth* upstream = nullptr;
};

struct Impact {
  // Every node the walk reached, in its order, the start(s) first; a
  // node's parent is the one it was first reached from (-1 at a start).
  struct Node {
    bool is_job = false;
    DatasetKey dataset;  // when !is_job
    std::string field;   // a column walk's column; "" for a whole dataset
    JobKey job;          // when is_job
    int depth = 0;
    int parent = -1;
  };
  struct Dataset {
    DatasetKey key;
    int node = 0;   // where it was first reached: its path ends there
    int depth = 0;
    std::set<std::string> columns;  // with fields: the columns reached
    std::optional<store::Store::DatasetSummary> summary;  // when described
    health::Health health = health::Health::kOk;  // with its upstream
  };
  struct Job {
    JobKey key;
    int node = 0;
    int depth = 0;
  };
  // A model version trained on a dataset reached: the shallowest one.
  struct Model {
    std::string model;
    std::string version;
    DatasetKey dataset;
    int depth = 0;
  };
  std::vector<Node> nodes;
  std::vector<Dataset> datasets;  // by key
  std::vector<Job> jobs;          // by key
  std::vector<Model> models;      // by model, then version
  // An AI application using a dataset reached, or a model version above:
  // its shallowest use.
  struct Application {
    std::string name;
    std::string review;   // unreviewed, approved, rejected
    DatasetKey dataset;   // what it uses, or
    std::string version;  // "model@version"
    std::string used_as;
    int depth = 0;
  };
  std::vector<Application> applications;  // by name
  // A feature view derived from a dataset reached; with fields, only the
  // features of the columns reached.
  struct FeatureView {
    std::string name;
    DatasetKey source;
    std::vector<std::string> features;
    int depth = 0;
  };
  std::vector<FeatureView> feature_views;  // by name
  bool truncated = false;
  int64_t revision = 0;  // the catalog revision it reflects

  // Node indices from the start to `node`.
  std::vector<int> PathTo(int node) const;
};

// UNAVAILABLE while the lineage graph loads; what the walks refuse.
absl::StatusOr<Impact> ComputeImpact(const LineageGraph& graph, store::Store& store,
                                     const ImpactQuery& query);

}  // namespace catalog::lineage
