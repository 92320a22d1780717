#include "lib/health/upstream.h"

#include <gtest/gtest.h>

namespace catalog::health {
namespace {

TEST(UpstreamHealth, TheFirstCauseFoundIsKept) {
  UpstreamHealth u;
  const DatasetKey a{"pg", "a"}, b{"pg", "b"}, c{"pg", "c"};
  EXPECT_EQ(u.Find(b), nullptr);
  auto at_a = std::make_shared<const PathStep>(PathStep{a, nullptr});
  auto at_c = std::make_shared<const PathStep>(PathStep{c, nullptr});
  u.Add(b, {.cause_health = Health::kFailing, .hops = 1,
            .last = std::make_shared<const PathStep>(PathStep{b, at_a})});
  u.Add(b, {.cause_health = Health::kStale, .hops = 1,
            .last = std::make_shared<const PathStep>(PathStep{b, at_c})});
  ASSERT_NE(u.Find(b), nullptr);
  EXPECT_EQ(u.Find(b)->cause(), a);
  EXPECT_EQ(u.Find(b)->Path(), (std::vector<DatasetKey>{a, b}));
  EXPECT_EQ(u.size(), 1u);
}

TEST(EffectiveHealth, UpstreamDegradedOnlyOverOkAndWarning) {
  UpstreamCause cause{.hops = 1};
  EXPECT_EQ(EffectiveHealth(Health::kOk, &cause), Health::kUpstreamDegraded);
  EXPECT_EQ(EffectiveHealth(Health::kWarning, &cause), Health::kUpstreamDegraded);
  EXPECT_EQ(EffectiveHealth(Health::kStale, &cause), Health::kStale);
  EXPECT_EQ(EffectiveHealth(Health::kFailing, &cause), Health::kFailing);
  EXPECT_EQ(EffectiveHealth(Health::kWarning, nullptr), Health::kWarning);
}

}  // namespace
}  // namespace catalog::health
