#include "server/store/store.h"
#include "tests/store_engines.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

namespace catalog::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

class StoreTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }
  void Reopen() {
    store_.reset();
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  static Resource DomainRes(std::string path) {
    Resource r{.kind = Resource::Kind::kDomain};
    r.domain.path = std::move(path);
    return r;
  }
  static Resource DatasetRes(std::string name, std::string domain = "") {
    Resource r{.kind = Resource::Kind::kDataset};
    r.dataset.key = {"postgres://db:5432", std::move(name)};
    r.dataset.spec.domain = std::move(domain);
    r.dataset.spec.description = "orders placed in the shop";
    r.dataset.spec.tags = {"pii"};
    r.dataset.spec.owners = {{"user:alice", OwnershipType::kTechnical}};
    r.dataset.spec.fields = {{.name = "order_id", .type = "bigint"},
                             {.name = "customer_email", .type = "varchar"}};
    return r;
  }
  static Resource GroupRes(std::string name, std::vector<std::string> parents) {
    Resource r{.kind = Resource::Kind::kPrincipal};
    r.principal = {.kind = PrincipalKind::kGroup, .name = std::move(name)};
    r.principal.spec.groups = std::move(parents);
    return r;
  }

  int64_t AuditCount() {
    auto events = store_->ListAudit(0, 100000);
    EXPECT_TRUE(events.ok());
    return static_cast<int64_t>(events->size());
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, ApplyCreatesThenIsIdempotentThenUpdates) {
  std::vector<Resource> batch = {DatasetRes("sales.orders", "sales"),
                                 DomainRes("sales")};
  auto first = store_->Apply(batch, "user:admin", false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->results[0].outcome, ApplyOutcome::kCreated);
  EXPECT_EQ(first->results[0].revision, 1);
  EXPECT_EQ(first->catalog_revision, 1);
  int64_t audits = AuditCount();
  EXPECT_EQ(audits, 2);

  auto again = store_->Apply(batch, "user:admin", false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->results[0].outcome, ApplyOutcome::kUnchanged);
  EXPECT_EQ(again->results[1].outcome, ApplyOutcome::kUnchanged);
  EXPECT_EQ(again->results[0].revision, 1);
  EXPECT_EQ(again->catalog_revision, 1);
  EXPECT_EQ(AuditCount(), audits);  // no-op writes leave no trace

  batch[0].dataset.spec.description = "changed";
  auto third = store_->Apply(batch, "user:bob", false);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->results[0].outcome, ApplyOutcome::kChanged);
  EXPECT_EQ(third->results[0].revision, 2);
  auto got = store_->GetDataset(batch[0].dataset.key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->spec.description, "changed");
  EXPECT_EQ(got->status.revision, 2);
  EXPECT_EQ(got->status.schema_version, 1);  // fields did not change
  EXPECT_EQ(got->status.updated_by, "user:bob");
}

// Issue 12 #16: a write may name the spec fields it sets; the others keep
// their stored values (what apply does with a manifest).
TEST_P(StoreTest, AMergeWritesOnlyTheFieldsItNames) {
  ASSERT_TRUE(store_->Apply({DatasetRes("orders")}, "user:admin", false).ok());
  Resource tags{.kind = Resource::Kind::kDataset, .merge = true, .fields = {"tags", "description"}};
  tags.dataset.key = {"postgres://db:5432", "orders"};
  tags.dataset.spec.tags = {"gold"};
  auto r = store_->Apply({tags}, "user:admin", false);
  ASSERT_TRUE(r.ok()) << r.status();
  auto d = store_->GetDataset({"postgres://db:5432", "orders"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->spec.tags, std::vector<std::string>{"gold"});
  EXPECT_EQ(d->spec.description, "");  // named and empty: cleared
  EXPECT_EQ(d->spec.owners.size(), 1u);
  EXPECT_EQ(d->spec.fields.size(), 2u);
  // Naming no field changes nothing; a new dataset takes what is given.
  tags.fields = {};
  EXPECT_EQ(store_->Apply({tags}, "user:admin", false)->results[0].outcome,
            ApplyOutcome::kUnchanged);
  tags.fields = {"nonsense"};
  EXPECT_EQ(store_->Apply({tags}, "user:admin", false).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Without merge the whole spec is replaced, as before.
  tags.merge = false;
  tags.fields = {};
  ASSERT_TRUE(store_->Apply({tags}, "user:admin", false).ok());
  EXPECT_TRUE(store_->GetDataset({"postgres://db:5432", "orders"})->spec.owners.empty());
}

TEST_P(StoreTest, SchemaChangeBumpsSchemaVersionAndHistoryNamesIt) {
  Resource d = DatasetRes("t");
  ASSERT_TRUE(store_->Apply({d}, "user:admin", false).ok());
  d.dataset.spec.fields.push_back({.name = "total", .type = "decimal"});
  ASSERT_TRUE(store_->Apply({d}, "user:admin", false).ok());
  auto got = store_->GetDataset(d.dataset.key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status.schema_version, 2);
  auto history = store_->DatasetHistory(d.dataset.key);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].action, "create");
  EXPECT_EQ((*history)[1].action, "update");
  EXPECT_THAT((*history)[1].changes, ElementsAre("spec.schema"));
  EXPECT_EQ((*history)[0].dataset.spec.fields.size(), 2u);
  EXPECT_EQ((*history)[1].dataset.spec.fields.size(), 3u);
}

TEST_P(StoreTest, StaleRevisionIsAbortedAndChangesNothing) {
  Resource d = DatasetRes("t");
  ASSERT_TRUE(store_->Apply({d}, "user:admin", false).ok());
  d.dataset.spec.description = "second";
  ASSERT_TRUE(store_->Apply({d}, "user:admin", false).ok());  // revision 2
  d.dataset.spec.description = "from a stale read";
  d.expected_revision = 1;
  auto stale = store_->Apply({d}, "user:admin", false);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(Msg(stale.status()), HasSubstr("resources[0] (Dataset"));
  EXPECT_EQ(store_->GetDataset(d.dataset.key)->spec.description, "second");
  d.expected_revision = 2;
  EXPECT_TRUE(store_->Apply({d}, "user:admin", false).ok());
}

TEST_P(StoreTest, OneBadResourceRollsBackTheWholeApply) {
  int64_t audits = AuditCount();
  auto r = store_->Apply({DomainRes("sales"), DatasetRes("a", "sales"),
                          DatasetRes("b", "marketing")},
                         "user:admin", false);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Msg(r.status()),
              HasSubstr("resources[2] (Dataset postgres://db:5432/b): "
                        "spec.domain: domain \"marketing\" does not exist"));
  EXPECT_EQ(store_->GetDomain("sales").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDataset({"postgres://db:5432", "a"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(*store_->CatalogRevision(), 0);
  // Nor its search rows (queued until commit): the next apply's commit
  // writes only its own.
  ASSERT_TRUE(store_->Apply({DatasetRes("c")}, "user:admin", false).ok());
  auto hits = store_->Search("orders", {});
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->items.size(), 1u);
  EXPECT_EQ(hits->items[0].key.name, "c");
}

TEST_P(StoreTest, InvalidAndDuplicateResourcesAreRefused) {
  Resource bad = DatasetRes("t");
  bad.dataset.spec.fields.push_back({.name = "order_id", .type = "int"});
  auto r = store_->Apply({bad}, "user:admin", false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), HasSubstr("duplicate field name"));
  r = store_->Apply({DatasetRes("t"), DatasetRes("t")}, "user:admin", false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), HasSubstr("appears twice (also resources[0])"));
}

TEST_P(StoreTest, DryRunReportsButChangesNothing) {
  auto r = store_->Apply({DatasetRes("t")}, "user:admin", true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->results[0].outcome, ApplyOutcome::kCreated);
  EXPECT_EQ(store_->GetDataset({"postgres://db:5432", "t"}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreTest, DeleteKeepsHistoryAndRevisionsNeverRepeat) {
  Resource d = DatasetRes("t");
  ASSERT_TRUE(store_->Apply({d}, "user:admin", false).ok());
  EXPECT_EQ(store_->DeleteDataset(d.dataset.key, 5, "user:admin")
                .status()
                .code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(store_->DeleteDataset(d.dataset.key, 1, "user:admin").ok());
  EXPECT_EQ(store_->GetDataset(d.dataset.key).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteDataset(d.dataset.key, 0, "user:admin")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  auto again = store_->Apply({d}, "user:admin", false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->results[0].revision, 3);
  auto history = store_->DatasetHistory(d.dataset.key);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> actions;
  for (const auto& e : *history) actions.push_back(e.action);
  EXPECT_THAT(actions, ElementsAre("create", "delete", "create"));
  // Search no longer finds a deleted dataset's old row twice.
  auto hits = store_->Search("orders", {});
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->items.size(), 1u);
}

TEST_P(StoreTest, ListPaginatesAndFiltersByDomainSubtree) {
  std::vector<Resource> batch = {DomainRes("sales"), DomainRes("sales/eu"),
                                 DomainRes("sales_ops")};
  for (int i = 0; i < 25; ++i) {
    batch.push_back(DatasetRes("t" + std::to_string(100 + i),
                               i % 3 == 0   ? "sales"
                               : i % 3 == 1 ? "sales/eu"
                                            : "sales_ops"));
  }
  ASSERT_TRUE(store_->Apply(batch, "user:admin", false).ok());
  std::vector<std::string> names;
  PageRequest page{.page_size = 10};
  int pages = 0;
  do {
    auto p = store_->ListDatasets("", page);
    ASSERT_TRUE(p.ok()) << p.status();
    for (const auto& d : p->items) names.push_back(d.key.name);
    page.page_token = p->next_page_token;
    ++pages;
  } while (!page.page_token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 25u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));

  auto sales = store_->ListDatasets("sales", {});
  ASSERT_TRUE(sales.ok());
  EXPECT_EQ(sales->items.size(), 17u);  // sales and sales/eu, not sales_ops
  EXPECT_EQ(store_->ListDatasets("", {.page_token = "%%%"}).status().code(),
            absl::StatusCode::kInvalidArgument);

  // By namespace: only that namespace, and with a domain, both.
  Resource other = DatasetRes("t100", "sales");
  other.dataset.key.ns = "postgres://db:5433";
  ASSERT_TRUE(store_->Apply({other}, "user:admin", false).ok());
  auto in_ns = store_->ListDatasets("", {}, "postgres://db:5433");
  ASSERT_TRUE(in_ns.ok());
  ASSERT_EQ(in_ns->items.size(), 1u);
  EXPECT_EQ(in_ns->items[0].key, other.dataset.key);
  EXPECT_EQ(store_->ListDatasets("", {}, "postgres://db:5432")->items.size(), 25u);
  EXPECT_EQ(store_->ListDatasets("sales", {}, "postgres://db:5432")->items.size(), 17u);
  EXPECT_EQ(store_->ListDatasets("sales_ops", {}, "postgres://db:5433")->items.size(), 0u);
}

TEST_P(StoreTest, SearchCoversNamesDescriptionsFieldsAndTags) {
  Resource a = DatasetRes("sales.orders");
  Resource b = DatasetRes("hr.people");
  b.dataset.spec.description = "employees";
  b.dataset.spec.tags = {"confidential-hr"};
  b.dataset.spec.fields = {{.name = "salary_band", .type = "int"}};
  ASSERT_TRUE(store_->Apply({a, b}, "user:admin", false).ok());
  auto keys = [&](std::string q) {
    std::vector<std::string> out;
    auto hits = store_->Search(q, {});
    EXPECT_TRUE(hits.ok()) << hits.status();
    if (hits.ok()) {
      for (const auto& h : hits->items) out.push_back(h.key.name);
    }
    return out;
  };
  EXPECT_THAT(keys("orders"), ElementsAre("sales.orders"));
  EXPECT_THAT(keys("employees"), ElementsAre("hr.people"));
  EXPECT_THAT(keys("salary"), ElementsAre("hr.people"));
  // A match in the name outranks one in a field name.
  EXPECT_THAT(keys("sal"), ElementsAre("sales.orders", "hr.people"));
  EXPECT_THAT(keys("confidential"), ElementsAre("hr.people"));
  // FTS5 syntax in user text is taken literally, not as an operator.
  EXPECT_TRUE(keys("orders OR NOT \"x").empty());
  EXPECT_EQ(store_->Search("  ", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, SearchPagesThroughNameMatchesThenFieldMatches) {
  std::vector<Resource> batch;
  for (int i = 0; i < 25; ++i) {
    Resource r = DatasetRes("t" + std::to_string(i));
    r.dataset.spec.description = i < 5 ? "invoice totals" : "other";
    r.dataset.spec.fields = {{.name = "invoice_id", .type = "int"}};
    batch.push_back(std::move(r));
  }
  ASSERT_TRUE(store_->Apply(batch, "user:admin", false).ok());
  std::vector<std::string> names;
  PageRequest page{.page_size = 10};
  do {
    auto hits = store_->Search("invoice", page);
    ASSERT_TRUE(hits.ok()) << hits.status();
    for (const auto& h : hits->items) names.push_back(h.key.name);
    page.page_token = hits->next_page_token;
  } while (!page.page_token.empty());
  ASSERT_EQ(names.size(), 25u);
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), 25u);
  // The five described as invoices come first.
  std::set<std::string> first(names.begin(), names.begin() + 5);
  EXPECT_EQ(first, (std::set<std::string>{"t0", "t1", "t2", "t3", "t4"}));
  // A page that starts past the name matches.
  auto twenty = store_->Search("invoice", {.page_size = 20});
  ASSERT_TRUE(twenty.ok());
  auto late = store_->Search("invoice", {.page_size = 5,
                                         .page_token = twenty->next_page_token});
  ASSERT_TRUE(late.ok()) << late.status();
  // Tokens are sealed: one made up ("20", base64) is refused.
  EXPECT_EQ(store_->Search("invoice", {.page_size = 5, .page_token = "MjA"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(late->items.size(), 5u);
  EXPECT_TRUE(late->next_page_token.empty());
}

TEST_P(StoreTest, GroupsMustExistAndMayNotCycle) {
  Resource user{.kind = Resource::Kind::kPrincipal};
  user.principal = {.kind = PrincipalKind::kUser, .name = "alice"};
  user.principal.spec.groups = {"analysts"};
  auto r = store_->Apply({user}, "user:admin", false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Msg(r.status()), HasSubstr("group \"analysts\" does not exist"));

  ASSERT_TRUE(store_->Apply({user, GroupRes("analysts", {"everyone"}),
                             GroupRes("everyone", {})},
                            "user:admin", false)
                  .ok());
  r = store_->Apply({GroupRes("everyone", {"analysts"})}, "user:admin", false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Msg(r.status()), HasSubstr("member of itself"));
  auto del = store_->DeletePrincipal(PrincipalKind::kGroup, "analysts", 0,
                                     "user:admin");
  EXPECT_EQ(del.status().code(), absl::StatusCode::kFailedPrecondition);
  auto users = store_->ListPrincipals(std::nullopt, {});
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->items.size(), 1u);
  EXPECT_EQ(users->items[0].name, "alice");
}

TEST_P(StoreTest, DomainsNeedParentsAndRefuseDeletionWhileUsed) {
  auto r = store_->Apply({DomainRes("finance/payments")}, "user:admin", false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->Apply({DomainRes("finance/payments"), DomainRes("finance"),
                             DatasetRes("p", "finance/payments")},
                            "user:admin", false)
                  .ok());
  EXPECT_EQ(store_->DeleteDomain("finance", 0, "user:admin").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DeleteDataset({"postgres://db:5432", "p"}, 0,
                                    "user:admin")
                  .ok());
  EXPECT_TRUE(store_->DeleteDomain("finance/payments", 0, "user:admin").ok());
  EXPECT_TRUE(store_->DeleteDomain("finance", 0, "user:admin").ok());
}

TEST_P(StoreTest, DataSurvivesReopen) {
  ASSERT_TRUE(store_->Apply({DatasetRes("t")}, "user:admin", false).ok());
  Reopen();
  auto got = store_->GetDataset({"postgres://db:5432", "t"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->spec.owners[0].principal, "user:alice");
}

TEST_P(StoreTest, TokensStoreHashesAndRevoke) {
  TokenRecord t{.id = "tok_1", .secret_hash = std::string("\x00\x01\xff", 3),
                .principal = "user:alice", .description = "ci"};
  ASSERT_TRUE(store_->CreateToken(t, "user:admin").ok());
  auto got = store_->GetToken("tok_1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->secret_hash, t.secret_hash);
  EXPECT_FALSE(got->revoked);
  ASSERT_TRUE(store_->RevokeToken("tok_1", "user:admin").ok());
  EXPECT_TRUE(store_->GetToken("tok_1")->revoked);
  EXPECT_EQ(store_->RevokeToken("tok_1", "user:admin").code(),
            absl::StatusCode::kNotFound);
  auto events = store_->ListAudit(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].action, "token.revoke");
}

TEST_P(StoreTest, SqlInjectionTextIsStoredVerbatim) {
  Resource d = DatasetRes("x'); DROP TABLE datasets; --");
  d.dataset.spec.description = "\"; DELETE FROM audit_events; --";
  ASSERT_TRUE(store_->Apply({d}, "user:admin", false).ok());
  auto got = store_->GetDataset(d.dataset.key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->spec.description, d.dataset.spec.description);
  EXPECT_EQ(AuditCount(), 1);
}

// Web UI sessions (server/ui_session.h): tokens of kind "session", and
// when each was last used, which replicas record without a revision.
TEST_P(StoreTest, SessionsAreTokensWhoseUseIsRecordedWithoutARevision) {
  TokenRecord t{.id = "tok_s", .secret_hash = std::string("\x01\x02", 2),
                .principal = "user:alice", .description = "web session",
                .expires_at = "2030-01-01T00:00:00.000Z", .kind = "session"};
  ASSERT_TRUE(store_->CreateToken(t, "user:alice").ok());
  EXPECT_EQ(store_->GetToken("tok_s")->kind, "session");
  TokenRecord api{.id = "tok_a", .secret_hash = "x", .principal = "user:bob", .description = "ci"};
  ASSERT_TRUE(store_->CreateToken(api, "user:admin").ok());
  auto tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.ok());
  for (const TokenRecord& r : *tokens) EXPECT_EQ(r.kind, r.id == "tok_s" ? "session" : "api");

  auto revision = store_->CatalogRevision();
  ASSERT_TRUE(revision.ok());
  EXPECT_EQ(*store_->SessionLastSeen("tok_s"), "");
  ASSERT_TRUE(store_->TouchSession("tok_s", "2026-12-02T10:00:00.000Z").ok());
  EXPECT_EQ(*store_->SessionLastSeen("tok_s"), "2026-12-02T10:00:00.000Z");
  // Replicas race: the latest use wins, whatever order the writes land in.
  ASSERT_TRUE(store_->TouchSession("tok_s", "2026-12-02T10:05:00.000Z").ok());
  ASSERT_TRUE(store_->TouchSession("tok_s", "2026-12-02T10:01:00.000Z").ok());
  EXPECT_EQ(*store_->SessionLastSeen("tok_s"), "2026-12-02T10:05:00.000Z");
  // Not catalog state: no revision, no audit event.
  EXPECT_EQ(*store_->CatalogRevision(), *revision);
  EXPECT_EQ(AuditCount(), 2);
}

// A session remembers the token it was signed in with; revoking that
// token revokes the session too, in the same transaction.
TEST_P(StoreTest, RevokingATokenRevokesTheSessionsItOpened) {
  TokenRecord api{.id = "tok_a", .secret_hash = "x", .principal = "user:bob", .description = "ci"};
  ASSERT_TRUE(store_->CreateToken(api, "user:admin").ok());
  for (const char* id : {"tok_s1", "tok_s2"}) {
    TokenRecord s{.id = id, .secret_hash = "y", .principal = "user:bob",
                  .description = "web session", .kind = "session", .parent = "tok_a"};
    ASSERT_TRUE(store_->CreateToken(s, "user:bob").ok());
  }
  TokenRecord other{.id = "tok_s3", .secret_hash = "z", .principal = "user:bob",
                    .description = "web session", .kind = "session"};
  ASSERT_TRUE(store_->CreateToken(other, "user:bob").ok());
  EXPECT_EQ(store_->GetToken("tok_s1")->parent, "tok_a");
  EXPECT_EQ(store_->GetToken("tok_s3")->parent, "");
  ASSERT_TRUE(store_->RevokeToken("tok_a", "user:admin").ok());
  EXPECT_TRUE(store_->GetToken("tok_a")->revoked);
  EXPECT_TRUE(store_->GetToken("tok_s1")->revoked);
  EXPECT_TRUE(store_->GetToken("tok_s2")->revoked);
  EXPECT_FALSE(store_->GetToken("tok_s3")->revoked);
  EXPECT_EQ(AuditCount(), 4 + 3);  // four made, three revoked
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
