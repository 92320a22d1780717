// The business glossary on both engines: terms written by Apply with their
// audit event and change, their domain and related terms checked, the
// datasets and columns that link them kept as the datasets are written,
// and a term deleted only when nothing links it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/store/change_codec.h"
#include "server/store/store.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StoreGlossaryTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    store_->AddCommitHook([this](const Change& c) { changes_.push_back(c); });
  }

  static Resource Term(const std::string& id, const std::vector<std::string>& related = {},
                       const std::string& domain = "") {
    Resource r{.kind = Resource::Kind::kGlossaryTerm};
    r.term = {.id = id,
              .spec = {.name = id,
                       .definition = "what " + id + " means",
                       .synonyms = {id + "s"},
                       .related = related,
                       .owners = {{"user:sam", OwnershipType::kSteward}},
                       .domain = domain}};
    return r;
  }

  static Resource Linking(const std::string& name, const std::vector<std::string>& own,
                          const std::vector<std::string>& column) {
    Resource r{.kind = Resource::Kind::kDataset};
    r.dataset.key = {"pg", name};
    r.dataset.spec.terms = own;
    r.dataset.spec.fields = {
        {.name = "id", .type = "bigint"},
        {.name = "buyer",
         .type = "struct",
         .fields = {{.name = "email", .type = "text", .terms = column}}}};
    return r;
  }

  absl::StatusOr<ApplyResponse> Apply(const std::vector<Resource>& resources) {
    return store_->Apply(resources, "user:sam", /*dry_run=*/false, nullptr);
  }

  std::vector<std::string> Links(const std::string& term) {
    absl::StatusOr<std::vector<Store::TermLink>> links = store_->LinksOfTerm(term, 100);
    EXPECT_TRUE(links.ok()) << links.status();
    std::vector<std::string> out;
    for (const Store::TermLink& l : links.ok() ? *links : std::vector<Store::TermLink>{}) {
      out.push_back(l.dataset.ToString() + "#" + l.column);
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::vector<Change> changes_;
};

TEST_P(StoreGlossaryTest, ATermIsWrittenAuditedAndReadBack) {
  absl::StatusOr<ApplyResponse> made = Apply({Term("customer")});
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->results[0].kind, "GlossaryTerm");
  EXPECT_EQ(made->results[0].outcome, ApplyOutcome::kCreated);
  // The change carries it, through the feed's codec too (replicas).
  absl::StatusOr<Change> decoded = DecodeChange(EncodeChange(changes_.back()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->upserted.size(), 1u);
  EXPECT_EQ(decoded->upserted[0].kind, Resource::Kind::kGlossaryTerm);
  EXPECT_EQ(decoded->upserted[0].term.spec, Term("customer").term.spec);

  absl::StatusOr<GlossaryTerm> got = store_->GetGlossaryTerm("customer");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->spec, Term("customer").term.spec);
  EXPECT_EQ(got->status.revision, 1);
  EXPECT_EQ(Apply({Term("customer")})->results[0].outcome, ApplyOutcome::kUnchanged);
  Resource approved = Term("customer");
  approved.term.spec.status = "approved";
  approved.expected_revision = 1;
  ASSERT_EQ(Apply({approved})->results[0].revision, 2);
  EXPECT_EQ(Apply({approved}).status().code(), absl::StatusCode::kAborted);  // stale
  absl::StatusOr<std::vector<AuditEvent>> audit =
      store_->ListAudit(AuditFilter{.action = "glossaryterm."});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "glossaryterm.create");
  EXPECT_EQ((*audit)[1].action, "glossaryterm.update");
  // The snapshot's scan sees it.
  absl::StatusOr<CatalogContents> contents = store_->LoadContents();
  ASSERT_TRUE(contents.ok()) << contents.status();
  ASSERT_EQ(contents->terms.size(), 1u);
  EXPECT_EQ(contents->terms[0].spec.status, "approved");
}

TEST_P(StoreGlossaryTest, ItsDomainAndRelatedTermsMustExist) {
  absl::StatusOr<ApplyResponse> orphan = Apply({Term("customer", {}, "sales")});
  ASSERT_EQ(orphan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(orphan.status().message(), HasSubstr("spec.domain: domain \"sales\" does not exist"));
  absl::StatusOr<ApplyResponse> dangling = Apply({Term("customer", {"order"})});
  ASSERT_EQ(dangling.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(dangling.status().message(),
              HasSubstr("spec.related[0]: glossary term \"order\" does not exist"));
  EXPECT_EQ(store_->GetGlossaryTerm("customer").status().code(), absl::StatusCode::kNotFound);
  // In one apply, in any order; the domain then keeps it.
  ASSERT_TRUE(Apply({Term("customer", {"order"}, "sales"), Term("order"),
                     {.kind = Resource::Kind::kDomain, .domain = {.path = "sales"}}})
                  .ok());
  absl::StatusOr<int64_t> gone = store_->DeleteDomain("sales", 0, "user:admin");
  ASSERT_EQ(gone.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(gone.status().message(), HasSubstr("1 glossary term(s)"));
  // A related term is not deleted while named.
  absl::StatusOr<int64_t> related = store_->DeleteGlossaryTerm("order", 0, "user:sam");
  ASSERT_EQ(related.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(related.status().message(), HasSubstr("named as related by 1 other term(s)"));
}

TEST_P(StoreGlossaryTest, LinksFollowTheDatasetsAndHoldTheTerm) {
  ASSERT_TRUE(Apply({Term("customer"), Term("email")}).ok());
  // A link to a term that does not exist is refused, and nothing is written.
  absl::StatusOr<ApplyResponse> bad = Apply({Linking("orders", {}, {"nope"})});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("(column buyer.email).terms: glossary term \"nope\" does not exist"));
  EXPECT_EQ(store_->GetDataset({"pg", "orders"}).status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(Apply({Linking("orders", {"customer"}, {"email", "customer"})}).ok());
  ASSERT_TRUE(Apply({Linking("users", {}, {"email"})}).ok());
  EXPECT_THAT(Links("customer"), ElementsAre("pg/orders#", "pg/orders#buyer.email"));
  EXPECT_THAT(Links("email"), ElementsAre("pg/orders#buyer.email", "pg/users#buyer.email"));
  // Read back as written (the spec keeps them).
  absl::StatusOr<Dataset> orders = store_->GetDataset({"pg", "orders"});
  ASSERT_TRUE(orders.ok()) << orders.status();
  EXPECT_THAT(orders->spec.terms, ElementsAre("customer"));
  EXPECT_THAT(orders->spec.fields[1].fields[0].terms, ElementsAre("email", "customer"));

  absl::StatusOr<int64_t> held = store_->DeleteGlossaryTerm("email", 0, "user:sam");
  ASSERT_EQ(held.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.status().message(), HasSubstr("still linked by 2 dataset(s)"));
  // Unlinked by a write, gone with a deleted dataset.
  ASSERT_TRUE(Apply({Linking("orders", {"customer"}, {})}).ok());
  EXPECT_THAT(Links("email"), ElementsAre("pg/users#buyer.email"));
  ASSERT_TRUE(store_->DeleteDataset({"pg", "users"}, 0, "user:sam").ok());
  EXPECT_TRUE(Links("email").empty());
  absl::StatusOr<int64_t> deleted = store_->DeleteGlossaryTerm("email", 0, "user:sam");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_THAT(changes_.back().deleted_terms, ElementsAre("email"));
  EXPECT_THAT(DecodeChange(EncodeChange(changes_.back()))->deleted_terms, ElementsAre("email"));
  EXPECT_EQ(store_->GetGlossaryTerm("email").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteGlossaryTerm("email", 0, "user:sam").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetGlossaryTerm("Not/An/Id").status().code(),
            absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreGlossaryTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
