#include "server/lineage/health_spread.h"

#include <gtest/gtest.h>

#include "tests/test_env.h"

namespace catalog::lineage {
namespace {

using health::Health;

store::LineageEdge In(const std::string& dataset, const std::string& job, bool active = true) {
  return {.job = {"j", job}, .dataset = {"d", dataset}, .output = false, .active = active,
          .run_id = "r1"};
}
store::LineageEdge Out(const std::string& job, const std::string& dataset, bool active = true) {
  return {.job = {"j", job}, .dataset = {"d", dataset}, .output = true, .active = active,
          .run_id = "r1"};
}
DatasetKey D(const std::string& name) { return {"d", name}; }

std::string PathOf(const health::UpstreamHealth& u, const std::string& name) {
  const health::UpstreamCause* c = u.Find(D(name));
  if (c == nullptr) return "-";
  std::string out;
  for (const DatasetKey& k : c->Path()) out += (out.empty() ? "" : ">") + k.name;
  return out + " (" + health::HealthName(c->cause_health) + ", " + std::to_string(c->hops) + ")";
}

class HealthSpreadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open({.path = (dir_.path() / "c.db").string()});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    ASSERT_TRUE(graph_.Load(*store_).ok());
    //  a -> J1 -> b -> J2 -> c -> J3 -> d -> J4 -> e
    //  s -> J2 (s stale)     old -> J5 -> c (inactive)
    graph_.OnCommit({.catalog_revision = 5,
                     .lineage_edges = {In("a", "J1"), Out("J1", "b"), In("b", "J2"),
                                       In("s", "J2"), Out("J2", "c"), In("c", "J3"),
                                       Out("J3", "d"), In("d", "J4"), Out("J4", "e"),
                                       In("old", "J5", false), Out("J5", "c", false)}});
  }
  std::shared_ptr<const health::UpstreamHealth> Spread(
      const std::vector<std::pair<DatasetKey, Health>>& sources, int hops) {
    auto u = SpreadHealth(graph_, sources, hops);
    EXPECT_TRUE(u.ok()) << u.status();
    return u.ok() ? *u : nullptr;
  }
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  LineageGraph graph_;
};

TEST_F(HealthSpreadTest, DownstreamWithinTheHopsWithThePathToTheCause) {
  auto u = Spread({{D("a"), Health::kFailing}}, 3);
  EXPECT_EQ(PathOf(*u, "b"), "a>b (failing, 1)");
  EXPECT_EQ(PathOf(*u, "c"), "a>b>c (failing, 2)");
  EXPECT_EQ(PathOf(*u, "d"), "a>b>c>d (failing, 3)");
  EXPECT_EQ(PathOf(*u, "e"), "-");  // 4 hops away
  EXPECT_EQ(PathOf(*u, "a"), "-");  // the cause itself
  EXPECT_EQ(PathOf(*u, "s"), "-");  // upstream of c, not downstream of a
  EXPECT_EQ(u->size(), 3u);
  EXPECT_EQ(Spread({{D("a"), Health::kFailing}}, 0)->size(), 0u);
}

TEST_F(HealthSpreadTest, FailingCausesWinOverNearerStaleOnesAndInactiveEdgesCarryNothing) {
  auto u = Spread({{D("s"), Health::kStale}, {D("a"), Health::kFailing}}, 3);
  EXPECT_EQ(PathOf(*u, "c"), "a>b>c (failing, 2)");  // s is nearer, but only stale
  EXPECT_EQ(PathOf(*u, "b"), "a>b (failing, 1)");
  u = Spread({{D("s"), Health::kStale}}, 2);
  EXPECT_EQ(PathOf(*u, "c"), "s>c (stale, 1)");
  EXPECT_EQ(PathOf(*u, "d"), "s>c>d (stale, 2)");
  EXPECT_EQ(PathOf(*u, "e"), "-");
  EXPECT_EQ(Spread({{D("old"), Health::kFailing}}, 3)->size(), 0u);
}

TEST_F(HealthSpreadTest, UnavailableBeforeTheGraphLoads) {
  LineageGraph unloaded;
  EXPECT_EQ(SpreadHealth(unloaded, {{D("a"), Health::kFailing}}, 3).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace catalog::lineage
