#include "server/lineage/column_walk.h"

#include <deque>
#include <map>
#include <set>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {

absl::StatusOr<ColumnWalk> WalkColumns(store::Store& store,
                                       const ColumnWalkRequest& request) {
  ColumnWalk out;
  const size_t max_nodes = request.max_nodes > 0
                               ? static_cast<size_t>(request.max_nodes)
                               : static_cast<size_t>(kDefaultMaxNodes);
  using Key = std::pair<DatasetKey, std::string>;
  std::map<Key, int> index;
  std::set<std::string> edges_added;
  auto node_for = [&](const Key& key, int depth, int parent) -> int {
    auto it = index.find(key);
    if (it != index.end()) return it->second;
    if (out.nodes.size() >= max_nodes) {
      out.truncated = true;
      return -1;
    }
    out.nodes.push_back({key.first, key.second, depth, parent});
    int i = static_cast<int>(out.nodes.size()) - 1;
    index.emplace(key, i);
    return i;
  };
  for (const Key& start : request.starts) node_for(start, 0, -1);

  for (bool down : {true, false}) {
    if (down && request.direction == Direction::kUpstream) continue;
    if (!down && request.direction == Direction::kDownstream) continue;
    std::set<Key> expanded;
    std::deque<std::pair<Key, int>> queue;
    for (const Key& start : request.starts) queue.emplace_back(start, 0);
    while (!queue.empty()) {
      auto [key, depth] = queue.front();
      queue.pop_front();
      // A whole-dataset node ends the walk: its edges are every column's.
      if (key.second.empty() || depth >= request.depth) continue;
      if (!expanded.insert(key).second) continue;
      int here = index.at(key);
      ASSIGN_OR_RETURN(std::vector<store::ColumnEdge> edges,
                       store.ColumnEdges(key.first, key.second, !down,
                                         request.include_inactive));
      for (store::ColumnEdge& e : edges) {
        Key next = down ? Key{e.out_dataset, e.out_field}
                        : Key{e.in_dataset, e.in_field};
        int n = node_for(next, depth + 1, here);
        if (n < 0) continue;
        std::string id = StrCat(e.out_dataset.ToString(), "#", e.out_field, "<",
                                e.in_dataset.ToString(), "#", e.in_field, "@",
                                e.job.ToString());
        if (edges_added.insert(id).second) {
          out.edges.push_back({.from = down ? here : n,
                               .to = down ? n : here,
                               .edge = std::move(e)});
        }
        if (!expanded.count(next)) queue.emplace_back(next, depth + 1);
      }
    }
  }
  return out;
}

}  // namespace catalog::lineage
