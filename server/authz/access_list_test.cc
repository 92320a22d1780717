#include "server/authz/access_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/authz/authorizer.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/decision_log.h"
#include "server/authz/snapshot.h"
#include "tests/test_env.h"

namespace catalog::authz {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPolicies[] = R"(
@id("analysts-read-sales")
permit (principal in Group::"analysts", action == Action::"read", resource in Domain::"sales");

@id("bob-with-mfa")
permit (principal == User::"bob", action, resource) when { context.mfa == true };

@id("not-carol")
forbid (principal == User::"carol", action == Action::"read", resource);
)";

TEST(WhoMay, ListsWhoIsAllowedWhyAndWhatDependsOnContext) {
  testing::TempDir dir;
  auto store = store::Store::Open({.path = (dir.path() / "c.db").string()});
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<Resource> rs;
  auto principal = [&](PrincipalKind kind, std::string name, std::vector<std::string> groups) {
    Resource r{.kind = Resource::Kind::kPrincipal};
    r.principal = {.kind = kind, .name = std::move(name)};
    r.principal.spec.groups = std::move(groups);
    rs.push_back(std::move(r));
  };
  principal(PrincipalKind::kGroup, "analysts", {});
  principal(PrincipalKind::kUser, "alice", {"analysts"});
  principal(PrincipalKind::kUser, "bob", {});
  principal(PrincipalKind::kUser, "carol", {"analysts"});
  for (const char* path : {"sales", "sales/orders", "finance"}) {
    Resource d{.kind = Resource::Kind::kDomain};
    d.domain.path = path;
    rs.push_back(d);
  }
  Resource d{.kind = Resource::Kind::kDataset};
  d.dataset.key = {"pg://db", "orders"};
  d.dataset.spec.domain = "sales/orders";
  rs.push_back(d);
  d.dataset.key = {"pg://db", "ledger"};
  d.dataset.spec.domain = "finance";
  rs.push_back(d);
  ASSERT_TRUE((*store)->Apply(rs, "user:admin", false).ok());
  auto authorizer = Authorizer::Create(store->get(), {{"p.cedar", kPolicies}});
  ASSERT_TRUE(authorizer.ok()) << authorizer.status();
  ASSERT_TRUE((*authorizer)->WaitReady(std::chrono::system_clock::now() + std::chrono::seconds(10)));
  auto snapshot = (*authorizer)->current();
  const std::vector<policy::EntityUid> everyone = {
      {"User", "alice"}, {"User", "bob"}, {"User", "carol"}, {"Group", "analysts"}};

  std::vector<AccessEntry> orders =
      WhoMay(*snapshot, everyone, {"read", "write"}, DatasetUid({"pg://db", "orders"}));
  std::vector<std::string> listed;
  for (const AccessEntry& e : orders) {
    listed.push_back(PrincipalName(e.principal) + " " + e.action +
                     (e.conditional ? " (conditional)" : ""));
  }
  // Carol is an analyst, but forbidden; bob only with context.mfa.
  EXPECT_THAT(listed, ElementsAre("user:alice read", "user:bob read (conditional)",
                                  "user:bob write (conditional)", "group:analysts read"));
  EXPECT_THAT(orders[0].reasons, ElementsAre("policy0"));
  EXPECT_THAT(orders[1].reasons, ElementsAre("policy1"));
  ASSERT_FALSE(orders[1].conditions.empty());
  EXPECT_THAT(orders[1].conditions[0], HasSubstr("bob-with-mfa"));
  EXPECT_FALSE(orders[0].conditional);

  // Outside the analysts' domain only bob's conditional access remains.
  std::vector<AccessEntry> ledger =
      WhoMay(*snapshot, everyone, {"read"}, DatasetUid({"pg://db", "ledger"}));
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].principal, (policy::EntityUid{"User", "bob"}));
  EXPECT_TRUE(ledger[0].conditional);
}

}  // namespace
}  // namespace catalog::authz
