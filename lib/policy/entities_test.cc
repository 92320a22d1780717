// The entity store: ancestors through parents, and how little they cost.
#include "lib/policy/entities.h"

#include <gtest/gtest.h>

namespace catalog::policy {
namespace {

Entity Make(EntityUid uid, std::vector<EntityUid> parents) {
  return Entity{.uid = std::move(uid), .parents = std::move(parents)};
}

TEST(Entities, AncestorsFollowParentsAndAreSharedBySiblings) {
  Entities e;
  e.Add(Make({"Domain", "sales"}, {}));
  e.Add(Make({"Domain", "sales/eu"}, {{"Domain", "sales"}}));
  e.Add(Make({"Dataset", "a"}, {{"Domain", "sales/eu"}}));
  e.Add(Make({"Dataset", "b"}, {{"Domain", "sales/eu"}}));
  e.Add(Make({"Dataset", "c"}, {{"Domain", "sales"}}));
  e.Add(Make({"User", "u"}, {{"Group", "x"}, {"Group", "y"}}));  // dangling parents
  e.Finalize();
  const Entity* a = e.Find({"Dataset", "a"});
  const Entity* b = e.Find({"Dataset", "b"});
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->ancestors.size(), 2u);
  EXPECT_EQ(a->ancestors.count({"Domain", "sales"}), 1u);
  EXPECT_EQ(a->ancestors.count({"Domain", "sales/eu"}), 1u);
  EXPECT_TRUE(e.InOrEqual({"Dataset", "a"}, {"Domain", "sales"}));
  EXPECT_FALSE(e.InOrEqual({"Dataset", "c"}, {"Domain", "sales/eu"}));
  EXPECT_TRUE(e.InOrEqual({"User", "u"}, {"Group", "y"}));
  // Siblings hold one copy of their ancestors.
  EXPECT_EQ(&*a->ancestors.begin(), &*b->ancestors.begin());

  // A copy that changes does not change the one it was copied from.
  UidSet copy = a->ancestors;
  EXPECT_TRUE(copy.insert({"Domain", "other"}));
  EXPECT_EQ(copy.size(), 3u);
  EXPECT_EQ(a->ancestors.size(), 2u);
  EXPECT_EQ(b->ancestors.count({"Domain", "other"}), 0u);

  // Moving a dataset to another domain moves its ancestors only.
  e.Add(Make({"Dataset", "b"}, {{"Domain", "sales"}}));
  e.FinalizeSome({{"Dataset", "b"}});
  EXPECT_EQ(e.Find({"Dataset", "b"})->ancestors.size(), 1u);
  EXPECT_EQ(e.Find({"Dataset", "a"})->ancestors.size(), 2u);
  // A domain's new parent moves everything below it.
  e.Add(Make({"Domain", "root"}, {}));
  e.Add(Make({"Domain", "sales"}, {{"Domain", "root"}}));
  e.Finalize();
  EXPECT_TRUE(e.InOrEqual({"Dataset", "a"}, {"Domain", "root"}));
  EXPECT_TRUE(e.InOrEqual({"Dataset", "c"}, {"Domain", "root"}));
}

}  // namespace
}  // namespace catalog::policy
