// Column lineage: a breadth-first walk over column edges, read from the
// store hop by hop (column graphs fan out little, unlike dataset graphs).
// An output that depends on a column as a whole (the columnLineage facet's
// "dataset" list: filters, join keys) is a node with an empty field, and
// the walk stops there.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/lineage/graph.h"
#include "server/store/store.h"

namespace catalog::lineage {

struct ColumnWalkRequest {
  std::vector<std::pair<DatasetKey, std::string>> starts;  // (dataset, field)
  Direction direction = Direction::kBoth;
  int depth = 10;  // column hops
  int max_nodes = kDefaultMaxNodes;
  bool include_inactive = false;
};

struct ColumnWalk {
  struct Node {
    DatasetKey dataset;
    std::string field;  // "" for a whole dataset
    int depth = 0;
    int parent = -1;
  };
  struct Edge {
    int from = 0;  // the input column's node
    int to = 0;    // the output column's node
    store::ColumnEdge edge;
  };
  std::vector<Node> nodes;  // the starts first
  std::vector<Edge> edges;
  bool truncated = false;
};

absl::StatusOr<ColumnWalk> WalkColumns(store::Store& store,
                                       const ColumnWalkRequest& request);

}  // namespace catalog::lineage
