#include "server/authz/authorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/policy/parser.h"
#include "server/authz/catalog_entities.h"
#include "lib/util/strings.h"
#include "tests/test_env.h"

namespace catalog::authz {
namespace {

using ::testing::ElementsAre;

constexpr char kPolicies[] = R"(
@id("admins")
permit (principal == User::"admin", action, resource);

@id("owners-write")
permit (principal, action == Action::"catalog:write", resource is Dataset)
when { resource.owners.contains(principal) };

@id("analysts-read-sales")
permit (principal in Group::"analysts", action in Action::"data",
        resource is Dataset in Domain::"sales");

@id("no-restricted-columns")
forbid (principal, action == Action::"read", resource is Column)
when { resource has classificationLevel && resource.classificationLevel >= 3 }
unless { principal in Group::"stewards" };

@id("mask-pii")
@mask("sha256")
permit (principal in Group::"analysts", action == Action::"read", resource is Column)
when { resource.tags.contains("pii") };

@id("plain-columns")
permit (principal in Group::"analysts", action == Action::"read", resource is Column)
when { !resource.tags.contains("pii") };
)";

class AuthorizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open({.path = (dir_.path() / "c.db").string()});
    ASSERT_TRUE(s.ok());
    store_ = *std::move(s);
    std::vector<Resource> rs;
    auto principal = [&](PrincipalKind kind, std::string name,
                         std::vector<std::string> groups) {
      Resource r{.kind = Resource::Kind::kPrincipal};
      r.principal = {.kind = kind, .name = std::move(name)};
      r.principal.spec.groups = std::move(groups);
      rs.push_back(std::move(r));
    };
    principal(PrincipalKind::kGroup, "analysts", {});
    principal(PrincipalKind::kGroup, "stewards", {});
    principal(PrincipalKind::kUser, "alice", {"analysts"});
    principal(PrincipalKind::kUser, "bob", {});
    Resource domain{.kind = Resource::Kind::kDomain};
    domain.domain.path = "sales";
    rs.push_back(domain);
    domain.domain.path = "sales/orders";
    rs.push_back(domain);
    Resource d{.kind = Resource::Kind::kDataset};
    d.dataset.key = {"pg://db", "orders"};
    d.dataset.spec.domain = "sales/orders";
    d.dataset.spec.owners = {{"user:bob", OwnershipType::kTechnical}};
    d.dataset.spec.fields = {
        {.name = "id", .type = "bigint"},
        {.name = "email", .type = "varchar", .tags = {"pii"}},
        {.name = "card", .type = "varchar",
         .classification = Classification::kRestricted}};
    rs.push_back(d);
    ASSERT_TRUE(store_->Apply(rs, "user:admin", false).ok());
    auto a = Authorizer::Create(store_.get(), {{"test.cedar", kPolicies}});
    ASSERT_TRUE(a.ok()) << a.status();
    authorizer_ = *std::move(a);
    // The first snapshot loads in the background.
    ASSERT_TRUE(authorizer_->WaitReady(Deadline()));
    EXPECT_GT(authorizer_->current()->revision(), 0);
  }

  Decision Ask(std::string principal, std::string action, policy::EntityUid resource) {
    return authorizer_->Authorize(
        {.principal = {"User", std::move(principal)},
         .action = ActionUid(action),
         .resource = std::move(resource)});
  }
  static std::chrono::system_clock::time_point Deadline() {
    return std::chrono::system_clock::now() + std::chrono::seconds(5);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Authorizer> authorizer_;
};

TEST_F(AuthorizerTest, TheCatalogIsTheEntityStore) {
  policy::EntityUid orders = DatasetUid({"pg://db", "orders"});
  // Group membership and the domain tree come from the catalog.
  Decision d = Ask("alice", "read", orders);
  EXPECT_TRUE(d.allow);
  EXPECT_THAT(d.reasons, ElementsAre("policy2"));
  EXPECT_FALSE(Ask("bob", "read", orders).allow);
  // Owners come from the dataset's owners.
  EXPECT_TRUE(Ask("bob", "catalog:write", orders).allow);
  EXPECT_FALSE(Ask("alice", "catalog:write", orders).allow);
  EXPECT_TRUE(Ask("admin", "policy:write", orders).allow);
}

TEST_F(AuthorizerTest, AChangeIsVisibleAtItsRevision) {
  policy::EntityUid orders = DatasetUid({"pg://db", "orders"});
  ASSERT_TRUE(Ask("alice", "read", orders).allow);
  // Remove alice from analysts: the revoke must hold from its revision on.
  Resource alice{.kind = Resource::Kind::kPrincipal};
  alice.principal = {.kind = PrincipalKind::kUser, .name = "alice"};
  auto applied = store_->Apply({alice}, "user:admin", false);
  ASSERT_TRUE(applied.ok());
  ASSERT_TRUE(authorizer_->AwaitRevision(applied->catalog_revision, "user:alice", Deadline()).ok());
  Decision d = authorizer_->Authorize(
      {.principal = {"User", "alice"}, .action = ActionUid("read"), .resource = orders});
  EXPECT_FALSE(d.allow);
  EXPECT_GE(d.revision, applied->catalog_revision);
}

TEST_F(AuthorizerTest, ColumnsAreAllowedMaskedOrDenied) {
  std::vector<ColumnDecision> columns;
  Decision d = authorizer_->AuthorizeRead(
      {"User", "alice"}, {"pg://db", "orders"}, {"id", "email", "card", "nosuch"},
      policy::Value::Record({}), &columns);
  EXPECT_TRUE(d.allow);
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[0].access, ColumnAccess::kAllow);
  EXPECT_EQ(columns[1].access, ColumnAccess::kMask);
  EXPECT_EQ(columns[1].mask, "sha256");
  EXPECT_EQ(columns[2].access, ColumnAccess::kDeny);
  EXPECT_THAT(columns[2].decision.reasons, ElementsAre("policy3"));
  EXPECT_EQ(columns[3].access, ColumnAccess::kDeny);
  EXPECT_FALSE(columns[3].decision.denial.empty());
}

TEST_F(AuthorizerTest, AnUnmaskedPermitOutweighsAMaskedOne) {
  // Columns are inside their dataset, so a permit on the dataset's domain
  // covers them too, unmasked.
  ASSERT_TRUE(store_->PutPolicyVersion(
                       {{"p.cedar",
                         "@mask(\"hash\") permit (principal, action, resource is Column);\n"
                         "permit (principal == User::\"alice\", action, resource is Dataset);\n"
                         "permit (principal == User::\"bob\", action, resource in "
                         "Domain::\"sales\");"}},
                       "", 0, "user:admin")
                  .ok());
  auto revision = store_->CatalogRevision();
  ASSERT_TRUE(authorizer_->WaitFor(*revision, Deadline()));
  std::vector<ColumnDecision> columns;
  authorizer_->AuthorizeRead({"User", "alice"}, {"pg://db", "orders"}, {"id"},
                             policy::Value::Record({}), &columns);
  EXPECT_EQ(columns[0].access, ColumnAccess::kMask);
  columns.clear();
  authorizer_->AuthorizeRead({"User", "bob"}, {"pg://db", "orders"}, {"id"},
                             policy::Value::Record({}), &columns);
  EXPECT_EQ(columns[0].access, ColumnAccess::kAllow);
}

TEST_F(AuthorizerTest, ARevisionBeyondTheHeadIsRefusedAtOnce) {
  // On its own SQLite store the head is known: a revision beyond it may
  // never come, so nobody waits for it.
  auto head = store_->CatalogRevision();
  ASSERT_TRUE(head.ok());
  auto start = std::chrono::steady_clock::now();
  absl::Status s = authorizer_->AwaitRevision(1000000, "user:admin", Deadline());
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(std::to_string(*head)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  // The head itself is there already.
  EXPECT_TRUE(authorizer_->AwaitRevision(*head, "user:admin", Deadline()).ok());
}

TEST_F(AuthorizerTest, ExplainTracesEveryPolicy) {
  std::vector<PolicyTrace> trace;
  Decision d = authorizer_->Explain(
      {.principal = {"User", "alice"}, .action = ActionUid("read"),
       .resource = DatasetUid({"pg://db", "orders"})},
      &trace);
  EXPECT_TRUE(d.allow);
  ASSERT_EQ(trace.size(), 6u);
  EXPECT_FALSE(trace[0].scope_matched);
  EXPECT_EQ(trace[2].outcome, PolicyTrace::Outcome::kSatisfied);
}

}  // namespace
}  // namespace catalog::authz

namespace catalog::authz {
namespace {

std::shared_ptr<const Snapshot> SnapshotOf(const std::string& text) {
  auto policies = policy::ParsePolicies(text, "p.cedar");
  EXPECT_TRUE(policies.ok()) << policies.status();
  policy::Entities entities;
  entities.Add({.uid = {"User", "bob"}, .parents = {{"Group", "readers"}}});
  entities.Add({.uid = {"Group", "readers"}});
  for (const policy::Entity& a : ActionEntities()) entities.Add(a);
  entities.Finalize();
  return Snapshot::ForBenchmark(*policies, std::move(entities));
}

TEST(AllowsEveryResource, OnlyForAnUnconditionalPermitAndNoForbid) {
  policy::EntityUid bob{"User", "bob"}, carol{"User", "carol"};
  policy::EntityUid read = ActionUid("catalog:read"), write = ActionUid("catalog:write");
  auto open = SnapshotOf("permit (principal, action == Action::\"catalog:read\", resource);");
  EXPECT_TRUE(open->AllowsEveryResource(bob, read));
  EXPECT_FALSE(open->AllowsEveryResource(bob, write));
  auto grouped = SnapshotOf(
      "permit (principal in Group::\"readers\", action in Action::\"catalog\", resource);");
  EXPECT_TRUE(grouped->AllowsEveryResource(bob, read));
  EXPECT_FALSE(grouped->AllowsEveryResource(carol, read));
  auto forbid = SnapshotOf(
      "permit (principal, action, resource);\n"
      "forbid (principal == User::\"bob\", action, resource is Dataset) "
      "when { resource.tags.contains(\"secret\") };");
  EXPECT_FALSE(forbid->AllowsEveryResource(bob, read));
  EXPECT_TRUE(forbid->AllowsEveryResource(carol, read));
  auto conditional = SnapshotOf(
      "permit (principal, action, resource) when { resource.public };");
  EXPECT_FALSE(conditional->AllowsEveryResource(bob, read));
  auto scoped = SnapshotOf("permit (principal, action, resource in Domain::\"sales\");");
  EXPECT_FALSE(scoped->AllowsEveryResource(bob, read));
}

// Issue 12 #9: a struct stayed ALLOW and unmasked while a field inside it
// was masked or denied, and a column could be more open than its dataset.
TEST_F(AuthorizerTest, AColumnIsNeverMoreOpenThanWhatItHoldsOrItsDataset) {
  Resource d{.kind = Resource::Kind::kDataset};
  d.dataset.key = {"pg://db", "customers"};
  d.dataset.spec.domain = "sales/orders";
  d.dataset.spec.fields = {
      {.name = "id", .type = "bigint"},
      {.name = "shipping_address",
       .type = "struct",
       .fields = {{.name = "street", .type = "varchar", .tags = {"pii"}},
                  {.name = "city", .type = "varchar"}}},
      {.name = "billing",
       .type = "struct",
       .fields = {{.name = "card", .type = "varchar",
                   .classification = Classification::kRestricted},
                  {.name = "zip", .type = "varchar"}}}};
  auto applied = store_->Apply({d}, "user:admin", false);
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_TRUE(authorizer_->WaitFor(applied->catalog_revision, Deadline()));
  std::vector<ColumnDecision> columns;
  Decision overall = authorizer_->AuthorizeRead(
      {"User", "alice"}, {"pg://db", "customers"},
      {"shipping_address", "shipping_address.city", "billing", "billing.zip", "id"},
      policy::Value::Record({}), &columns);
  ASSERT_TRUE(overall.allow);
  ASSERT_EQ(columns.size(), 5u);
  EXPECT_EQ(columns[0].access, ColumnAccess::kMask);  // street inside is masked
  EXPECT_EQ(columns[0].mask, "sha256");
  EXPECT_EQ(columns[1].access, ColumnAccess::kAllow);
  EXPECT_EQ(columns[2].access, ColumnAccess::kDeny);  // card inside is denied
  EXPECT_THAT(columns[2].decision.denial, ::testing::HasSubstr("billing.card"));
  EXPECT_EQ(columns[3].access, ColumnAccess::kAllow);
  EXPECT_EQ(columns[4].access, ColumnAccess::kAllow);
  // bob may not read the dataset: no column of it either (a Column permit
  // for him would not open it).
  columns.clear();
  Decision bob = authorizer_->AuthorizeRead({"User", "bob"}, {"pg://db", "customers"}, {"id"},
                                            policy::Value::Record({}), &columns);
  EXPECT_FALSE(bob.allow);
  ASSERT_EQ(columns.size(), 1u);
  EXPECT_EQ(columns[0].access, ColumnAccess::kDeny);
}

// Issue 12 #17: Authorize on a Column denied with no reason (no Column
// entities outside AuthorizeRead); it answers as AuthorizeRead does.
TEST_F(AuthorizerTest, AuthorizeOnAColumnAnswersAsAuthorizeRead) {
  auto column = [](const std::string& path) {
    return policy::EntityUid{"Column", "pg://db/orders#" + path};
  };
  Decision id = Ask("alice", "read", column("id"));
  EXPECT_TRUE(id.allow);
  EXPECT_THAT(id.reasons, ElementsAre("policy5"));
  EXPECT_TRUE(Ask("alice", "read", column("email")).allow);  // masked: readable, masked
  Decision card = Ask("alice", "read", column("card"));
  EXPECT_FALSE(card.allow);
  EXPECT_THAT(card.reasons, ElementsAre("policy3"));
  Decision nosuch = Ask("alice", "read", column("nosuch"));
  EXPECT_FALSE(nosuch.allow);
  EXPECT_THAT(nosuch.denial, ::testing::HasSubstr("not in the schema"));
  Decision elsewhere = Ask("alice", "read", {"Column", "pg://db/nothing#id"});
  EXPECT_FALSE(elsewhere.allow);
  EXPECT_THAT(elsewhere.denial, ::testing::HasSubstr("not in the catalog"));
  EXPECT_FALSE(Ask("bob", "read", column("id")).allow);
}

// Issue 12 #5: waits for a revision held every handler thread. Beyond the
// store's head, a revision is refused at once; at most kMaxWaitsPerCaller
// calls of one caller wait.
TEST_F(AuthorizerTest, RevisionWaitsAreBoundedPerCaller) {
  int64_t head = *store_->CatalogRevision();
  auto beyond = authorizer_->AdmitWait(head + 1000, "user:mallory");
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(beyond.status().message()),
              ::testing::HasSubstr(StrCat("beyond the catalog's head revision ", head)));
  // A revision the snapshot has needs no place.
  EXPECT_TRUE(authorizer_->AdmitWait(head, "user:mallory").ok());
  // A commit this authorizer has not seen yet (another connection wrote it).
  auto other = store::Store::Open({.path = (dir_.path() / "c.db").string()});
  ASSERT_TRUE(other.ok());
  Resource d{.kind = Resource::Kind::kDataset};
  d.dataset.key = {"pg://db", "elsewhere"};
  auto written = (*other)->Apply({d}, "user:admin", false);
  ASSERT_TRUE(written.ok());
  int64_t pending = written->catalog_revision;
  ASSERT_GT(pending, authorizer_->current()->revision());
  std::vector<Authorizer::WaitTicket> held;
  for (int i = 0; i < Authorizer::kMaxWaitsPerCaller; ++i) {
    auto t = authorizer_->AdmitWait(pending, "user:mallory");
    ASSERT_TRUE(t.ok()) << t.status();
    held.push_back(*std::move(t));
  }
  auto refused = authorizer_->AdmitWait(pending, "user:mallory");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(authorizer_->AdmitWait(pending, "user:alice").ok());  // others still wait
  held.pop_back();
  EXPECT_TRUE(authorizer_->AdmitWait(pending, "user:mallory").ok());
}

}  // namespace
}  // namespace catalog::authz

namespace catalog::authz {
namespace {

// The failing and stale datasets a snapshot keeps follow each entry of a
// change in order: a dataset failing and then ok within one change (two
// events of one group commit) is not kept.
TEST(SnapshotHealth, UnhealthyDatasetsFollowEveryEntryOfAChange) {
  Dataset d{.key = {"pg", "orders"}};
  policy::Entities entities;
  entities.Add(DatasetEntity(d, nullptr));
  entities.Finalize();
  std::shared_ptr<const Snapshot> s = Snapshot::ForBenchmark({}, std::move(entities));
  Dataset failing = d, ok = d;
  failing.health.state = "failing";
  store::Change change{.catalog_revision = 2};
  change.upserted = {{.kind = Resource::Kind::kDataset, .dataset = failing},
                     {.kind = Resource::Kind::kDataset, .dataset = ok}};
  auto next = s->WithChanges(change, 2, nullptr);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE((*next)->UnhealthySources().empty());
  change.upserted.pop_back();
  next = s->WithChanges(change, 2, nullptr);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ((*next)->UnhealthySources().size(), 1u);
  EXPECT_EQ((*next)->UnhealthySources()[0].second, health::Health::kFailing);
  EXPECT_TRUE((*next)->UpstreamMayMove(change));
}

}  // namespace
}  // namespace catalog::authz
