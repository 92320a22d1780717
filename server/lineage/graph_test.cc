#include "server/lineage/graph.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/test_env.h"

namespace catalog::lineage {
namespace {

store::LineageEdge In(const std::string& dataset, const std::string& job,
                      bool active = true) {
  return {.job = {"j", job}, .dataset = {"d", dataset}, .output = false,
          .active = active, .run_id = "r1", .first_seen_ms = 1, .last_seen_ms = 2};
}
store::LineageEdge Out(const std::string& job, const std::string& dataset,
                       bool active = true) {
  return {.job = {"j", job}, .dataset = {"d", dataset}, .output = true,
          .active = active, .run_id = "r1", .first_seen_ms = 1, .last_seen_ms = 2};
}

NodeRef D(const std::string& name) { return {.dataset = {"d", name}}; }
NodeRef J(const std::string& name) {
  return {.kind = NodeRef::Kind::kJob, .job = {"j", name}};
}

std::set<std::string> Names(const Traversal& t) {
  std::set<std::string> out;
  for (const Traversal::Node& n : t.nodes) {
    out.insert(n.is_job ? "job:" + n.job.name : n.dataset.name);
  }
  return out;
}

class GraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open({.path = (dir_.path() / "c.db").string()});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    ASSERT_TRUE(graph_.Load(*store_).ok());
    //  a -> J1 -> b -> J2 -> c -> J3 -> d
    //       J1 -> x            (x also read by J2)
    //  e -> J2
    graph_.OnCommit({.catalog_revision = 5,
                     .lineage_edges = {In("a", "J1"), Out("J1", "b"), Out("J1", "x"),
                                       In("b", "J2"), In("x", "J2"), In("e", "J2"),
                                       Out("J2", "c"), In("c", "J3"), Out("J3", "d")}});
  }
  Traversal Run(TraversalRequest r) {
    absl::StatusOr<Traversal> t = graph_.Traverse(r);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : Traversal{};
  }
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  LineageGraph graph_;
};

TEST_F(GraphTest, DownstreamByDepth) {
  EXPECT_EQ(Names(Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 1})),
            (std::set<std::string>{"a", "job:J1", "b", "x"}));
  Traversal t = Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 2});
  EXPECT_EQ(Names(t), (std::set<std::string>{"a", "job:J1", "b", "x", "job:J2", "c"}));
  EXPECT_EQ(t.edges.size(), 6u);  // a>J1, J1>b, J1>x, b>J2, x>J2, J2>c (not e>J2)
  EXPECT_EQ(t.revision, 5);
  EXPECT_FALSE(t.truncated);
  EXPECT_EQ(Names(Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 10})).size(), 8u);  // all but e
  EXPECT_EQ(Names(Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 0})),
            (std::set<std::string>{"a"}));
}

TEST_F(GraphTest, UpstreamBothAndJobs) {
  EXPECT_EQ(Names(Run({.start = D("c"), .direction = Direction::kUpstream, .depth = 1})),
            (std::set<std::string>{"c", "job:J2", "b", "x", "e"}));
  EXPECT_EQ(Names(Run({.start = D("c"), .direction = Direction::kBoth, .depth = 1})),
            (std::set<std::string>{"c", "job:J2", "b", "x", "e", "job:J3", "d"}));
  EXPECT_EQ(Names(Run({.start = J("J2"), .direction = Direction::kBoth, .depth = 1})),
            (std::set<std::string>{"job:J2", "b", "x", "e", "c"}));
  EXPECT_EQ(Names(Run({.start = J("J2"), .direction = Direction::kDownstream, .depth = 2})),
            (std::set<std::string>{"job:J2", "c", "job:J3", "d"}));
}

TEST_F(GraphTest, PathsLeadBackToTheStart) {
  Traversal t = Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 10});
  for (size_t i = 1; i < t.nodes.size(); ++i) {
    int steps = 0;
    for (int p = static_cast<int>(i); p != 0; p = t.nodes[p].parent) {
      ASSERT_GE(p, 0);
      ASSERT_LT(++steps, 20);
    }
  }
  for (const Traversal::Node& n : t.nodes) {
    if (!n.is_job && n.dataset.name == "d") {
      EXPECT_EQ(n.depth, 3);
    }
  }
}

// Each node says how many of its edges the answer leaves out, the ways the
// traversal went: what "+N" on it would add.
TEST_F(GraphTest, NodesCountTheEdgesLeftOut) {
  auto hidden = [](const Traversal& t) {
    std::map<std::string, int> out;
    for (const Traversal::Node& n : t.nodes) {
      out[n.is_job ? "job:" + n.job.name : n.dataset.name] = n.hidden_edges;
    }
    return out;
  };
  // Downstream of a, one job deep: b and x each feed J2, not shown.
  EXPECT_EQ(hidden(Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 1})),
            (std::map<std::string, int>{{"a", 0}, {"job:J1", 0}, {"b", 1}, {"x", 1}}));
  // Both ways from c: b and x are reached upstream through J2, and the
  // edges they have beyond (J1 writes them) are left out; so is J3 > d's
  // onward nothing, and e's nothing.
  EXPECT_EQ(hidden(Run({.start = D("c"), .direction = Direction::kBoth, .depth = 1})),
            (std::map<std::string, int>{{"c", 0}, {"job:J2", 0}, {"b", 1}, {"x", 1}, {"e", 0},
                                        {"job:J3", 0}, {"d", 0}}));
  // Cut by the node cap: a job whose outputs were not all taken says so.
  Traversal cut =
      Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 10, .max_nodes = 3});
  int left_out = 0;
  for (const Traversal::Node& n : cut.nodes) left_out += n.hidden_edges;
  EXPECT_GE(left_out, 1);
  // Both ways from a, all the way: what feeds J2 besides a's own line (e)
  // is neither up- nor downstream of a, and is left out.
  EXPECT_EQ(hidden(Run({.start = D("a"), .direction = Direction::kBoth, .depth = 10}))["job:J2"],
            1);
  // From c, every edge is up- or downstream of it: nothing left out.
  for (const Traversal::Node& n :
       Run({.start = D("c"), .direction = Direction::kBoth, .depth = 10}).nodes) {
    EXPECT_EQ(n.hidden_edges, 0) << (n.is_job ? n.job.name : n.dataset.name);
  }
}

// A cycle (a job that reads what it writes, and two jobs feeding each
// other) is walked once, and ends.
TEST_F(GraphTest, CyclesEnd) {
  graph_.OnCommit({.catalog_revision = 7,
                   .lineage_edges = {In("d", "J4"), Out("J4", "a"), In("d", "J5"), Out("J5", "d")}});
  Traversal t = Run({.start = D("a"), .direction = Direction::kBoth, .depth = 50});
  EXPECT_EQ(Names(t), (std::set<std::string>{"a", "b", "c", "d", "e", "x", "job:J1", "job:J2",
                                             "job:J3", "job:J4", "job:J5"}));
  std::set<std::pair<int, int>> edges;
  for (const Traversal::Edge& e : t.edges) EXPECT_TRUE(edges.insert({e.from, e.to}).second);
  EXPECT_EQ(t.edges.size(), 13u);
  for (const Traversal::Node& n : t.nodes) EXPECT_EQ(n.hidden_edges, 0);
}

TEST_F(GraphTest, TruncatesAtTheNodeCap) {
  Traversal t = Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 10, .max_nodes = 3});
  EXPECT_TRUE(t.truncated);
  EXPECT_EQ(t.nodes.size(), 3u);
  for (const Traversal::Edge& e : t.edges) {
    EXPECT_LT(e.from, 3);
    EXPECT_LT(e.to, 3);
  }
}

TEST_F(GraphTest, InactiveEdgesAreLeftOutUnlessAsked) {
  graph_.OnCommit({.catalog_revision = 6, .lineage_edges = {In("b", "J2", false)}});
  Traversal t = Run({.start = D("b"), .direction = Direction::kDownstream, .depth = 3});
  EXPECT_EQ(Names(t), (std::set<std::string>{"b"}));
  t = Run({.start = D("b"), .direction = Direction::kDownstream, .depth = 3, .include_inactive = true});
  EXPECT_EQ(Names(t).count("d"), 1u);
}

TEST_F(GraphTest, DeletedJobsAndDatasetsLinkNothing) {
  graph_.OnCommit({.catalog_revision = 7, .deleted_jobs = {{"j", "J2"}}});
  EXPECT_EQ(Names(Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 10})),
            (std::set<std::string>{"a", "job:J1", "b", "x"}));
  EXPECT_EQ(graph_.Traverse({.start = J("J2")})->nodes.size(), 1u);
  graph_.OnCommit({.catalog_revision = 8, .deleted_datasets = {{"d", "b"}}});
  EXPECT_EQ(Names(Run({.start = D("a"), .direction = Direction::kDownstream, .depth = 10})),
            (std::set<std::string>{"a", "job:J1", "x"}));
  EXPECT_EQ(graph_.edge_count(), 4u);  // a>J1, J1>x, c>J3, J3>d
}

TEST_F(GraphTest, UnknownStarts) {
  EXPECT_EQ(graph_.Traverse({.start = J("nope")}).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<Traversal> lone = graph_.Traverse({.start = D("lonely")});
  ASSERT_TRUE(lone.ok());
  EXPECT_EQ(lone->nodes.size(), 1u);
  EXPECT_EQ(graph_.Traverse({.start = D("a"), .depth = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GraphLoad, CommitsDuringTheLoadAreNotLost) {
  testing::TempDir dir;
  auto s = store::Store::Open({.path = (dir.path() / "c.db").string()});
  ASSERT_TRUE(s.ok());
  LineageGraph graph;
  EXPECT_EQ(graph.Traverse({.start = D("a")}).status().code(), absl::StatusCode::kUnavailable);
  // Seen before the load, newer than what it reads (revision 0).
  graph.OnCommit({.catalog_revision = 1, .lineage_edges = {In("a", "J1")}});
  ASSERT_TRUE(graph.Load(**s).ok());
  EXPECT_EQ(graph.edge_count(), 1u);
}

}  // namespace
}  // namespace catalog::lineage
