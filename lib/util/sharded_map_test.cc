#include "lib/util/sharded_map.h"

#include <gtest/gtest.h>

#include <string>

namespace catalog {
namespace {

TEST(ShardedMap, CopiesShareUntilWritten) {
  ShardedMap<std::string, int> a;
  for (int i = 0; i < 10000; ++i) a.insert_or_assign("k" + std::to_string(i), i);
  EXPECT_EQ(a.size(), 10000u);
  ShardedMap<std::string, int> b = a;
  b.insert_or_assign("k5", 500);
  b.insert_or_assign("new", 1);
  EXPECT_TRUE(b.erase("k7"));
  EXPECT_FALSE(b.erase("k7"));
  // a is as it was.
  EXPECT_EQ(*a.find("k5"), 5);
  EXPECT_EQ(a.find("new"), nullptr);
  EXPECT_EQ(*a.find("k7"), 7);
  EXPECT_EQ(a.size(), 10000u);
  // b has its changes and the rest.
  EXPECT_EQ(*b.find("k5"), 500);
  EXPECT_EQ(*b.find("new"), 1);
  EXPECT_EQ(b.find("k7"), nullptr);
  EXPECT_EQ(*b.find("k9999"), 9999);
  EXPECT_EQ(b.size(), 10000u);
  // In place, through find_mutable: only b sees it.
  *b.find_mutable("k1") = 100;
  EXPECT_EQ(*a.find("k1"), 1);
  EXPECT_EQ(*b.find("k1"), 100);
  EXPECT_EQ(b.find_mutable("absent"), nullptr);
  int sum = 0;
  b.for_each_mutable([&](const std::string&, int& v) { sum += v > 0 ? 1 : 0; });
  EXPECT_EQ(sum, 9999);  // every entry but k0
}

}  // namespace
}  // namespace catalog
