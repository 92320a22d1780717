// Integration: the business glossary through the API and the default
// policies (docs/governance.md#glossary). Who keeps the terms and who may
// link them; what a term's links tell a caller who may not read every
// dataset; terms in policies (resource.terms), in search, and in rules over
// columns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include "client/client.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using client::CatalogClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Stub = v1::CatalogService::Stub;

class GlossaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    ASSERT_TRUE(Apply("admin",
                      R"(resources { principal { kind: PRINCIPAL_KIND_GROUP name: "data-stewards" } }
                         resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
                         resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
                         resources { principal { kind: PRINCIPAL_KIND_USER name: "sam"
                                                 spec { groups: "data-stewards" } } }
                         resources { domain { path: "sales" } }
                         resources { dataset { key { namespace: "pg" name: "orders" }
                                               spec { owners { principal: "user:alice" } } } }
                         resources { dataset { key { namespace: "pg" name: "users" }
                                               spec { owners { principal: "user:bob" } } } })")
                    .ok());
    for (const char* who : {"user:alice", "user:bob", "user:sam"}) {
      auto token = server_.Issue(who);
      ASSERT_TRUE(token.ok()) << token.status();
      clients_[who] = server_.Connect(*token);
    }
  }

  CatalogClient& As(const std::string& who) {
    return who == "admin" ? server_.admin() : *clients_.at(who);
  }

  absl::StatusOr<v1::ApplyResponse> Apply(const std::string& who, const std::string& text) {
    v1::ApplyRequest req;
    if (!google::protobuf::TextFormat::ParseFromString(text, &req)) {
      return absl::InternalError("request does not parse");
    }
    return As(who).Call(&Stub::Apply, As(who).catalog(), req);
  }

  // A term as text (a Resource's glossary_term).
  static std::string Term(const std::string& id, const std::string& more = "") {
    return R"(resources { glossary_term { id: ")" + id + R"(" name: ")" + id +
           R"(" definition: "What )" + id + R"( means" )" + more + " } }";
  }

  // Dataset pg/NAME owned by OWNER, its column email linking COLUMN_TERMS
  // and the dataset OWN_TERMS.
  static std::string Linking(const std::string& name, const std::string& owner,
                             const std::string& own_terms, const std::string& column_terms,
                             const std::string& column_spec = "") {
    return R"(resources { dataset { key { namespace: "pg" name: ")" + name +
           R"(" } spec { owners { principal: ")" + owner + R"(" } )" + own_terms +
           R"( schema { fields { name: "id" type: "bigint" }
                        fields { name: "email" type: "text" )" + column_terms + " " +
           column_spec + " } } } } }";
  }

  absl::StatusOr<v1::GlossaryTerm> Get(const std::string& who, const std::string& id) {
    v1::GetGlossaryTermRequest req;
    req.set_id(id);
    return As(who).Call(&Stub::GetGlossaryTerm, As(who).catalog(), req);
  }

  std::vector<std::string> List(const std::string& who, const std::string& query,
                                const std::string& domain = "") {
    v1::ListGlossaryTermsRequest req;
    req.set_query(query);
    req.set_domain(domain);
    auto list = As(who).Call(&Stub::ListGlossaryTerms, As(who).catalog(), req);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> ids;
    if (list.ok()) {
      for (const v1::GlossaryTerm& t : list->terms()) ids.push_back(t.id());
    }
    return ids;
  }

  absl::Status Delete(const std::string& who, const std::string& id) {
    v1::DeleteGlossaryTermRequest req;
    req.set_id(id);
    return As(who).Call(&Stub::DeleteGlossaryTerm, As(who).catalog(), req).status();
  }

  absl::StatusOr<v1::Dataset> GetDataset(const std::string& who, const std::string& name) {
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_("pg");
    req.mutable_key()->set_name(name);
    return As(who).Call(&Stub::GetDataset, As(who).catalog(), req);
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(GlossaryTest, StewardsKeepTheTermsAndBadInputChangesNothing) {
  // A dataset owner may not make a term, even one naming them its owner.
  auto alices = Apply("user:alice", Term("customer", R"(owners { principal: "user:alice" })"));
  EXPECT_EQ(alices.status().code(), absl::StatusCode::kPermissionDenied) << alices.status();
  // Every bad field is named, and nothing is written.
  auto undefined = Apply("user:sam", R"(resources { glossary_term { id: "customer" name: "C" } })");
  EXPECT_EQ(undefined.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(undefined.status().message(), HasSubstr("spec.definition: is required"));
  auto bad_id = Apply("user:sam", Term("Customer Email"));
  EXPECT_EQ(bad_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_id.status().message(), HasSubstr("is not a term id"));
  auto bad_status = Apply("user:sam", Term("customer", R"(term_status: "final")"));
  EXPECT_THAT(bad_status.status().message(), HasSubstr("spec.status: \"final\" is not a term"));
  auto self = Apply("user:sam", Term("customer", R"(related: "customer")"));
  EXPECT_THAT(self.status().message(), HasSubstr("a term is not related to itself"));
  auto dangling = Apply("user:sam", Term("customer", R"(related: "order")"));
  EXPECT_EQ(dangling.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(dangling.status().message(), HasSubstr("spec.related[0]"));
  EXPECT_EQ(Get("user:sam", "customer").status().code(), absl::StatusCode::kNotFound);

  // A steward makes them; everyone reads them.
  auto made = Apply("user:sam", Term("order") + Term("customer", R"(related: "order"
      synonyms: "client" synonyms: "buyer" domain: "sales" owners { principal: "user:sam" })"));
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->results(1).kind(), "GlossaryTerm");
  auto read = Get("user:bob", "customer");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->definition(), "What customer means");
  EXPECT_THAT(read->synonyms(), ElementsAre("client", "buyer"));
  EXPECT_EQ(read->term_status(), "draft");
  EXPECT_EQ(read->status().updated_by(), "user:sam");
  // Searched by words in its id, name, synonyms or definition; by domain.
  EXPECT_THAT(List("user:bob", ""), ElementsAre("customer", "order"));
  EXPECT_THAT(List("user:bob", "CLIENT"), ElementsAre("customer"));
  EXPECT_THAT(List("user:bob", "what means"), ElementsAre("customer", "order"));
  EXPECT_THAT(List("user:bob", "client order"), ElementsAre());
  EXPECT_THAT(List("user:bob", "", "sales"), ElementsAre("customer"));
  // Only a steward changes or deletes one; the owner named in it too is
  // just whom to ask.
  EXPECT_EQ(Delete("user:alice", "order").code(), absl::StatusCode::kPermissionDenied);
  absl::Status related = Delete("user:sam", "order");
  EXPECT_EQ(related.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(related.message(), HasSubstr("named as related by 1 other term(s)"));
  ASSERT_TRUE(Delete("user:sam", "customer").ok());
  ASSERT_TRUE(Delete("user:sam", "order").ok());
  EXPECT_EQ(Get("user:bob", "order").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(GlossaryTest, WritersLinkTheTermsTheyMayReadAndLinksTellOnlyWhatTheCallerMayRead) {
  ASSERT_TRUE(Apply("user:sam", Term("customer") + Term("email") + Term("secret")).ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == GlossaryTerm::"secret");
                                        forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/users");)")
                  .ok());
  // Linking a term that does not exist, or one alice may not read, is
  // refused and writes nothing.
  auto missing = Apply("user:alice", Linking("orders", "user:alice", R"(terms: "nope")", ""));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("spec.terms[0]: glossary term \"nope\" does not exist"));
  auto hidden = Apply("user:alice", Linking("orders", "user:alice", "", R"(terms: "secret")"));
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(hidden.status().message(),
              HasSubstr("spec.schema (column email).terms: glossary term \"secret\" not found"));
  EXPECT_EQ(GetDataset("admin", "orders")->spec().terms_size(), 0);
  // Bob may not link a term to alice's dataset (writing it is hers).
  EXPECT_EQ(Apply("user:bob", Linking("orders", "user:alice", R"(terms: "customer")", ""))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // Alice links the dataset and its email column; bob his users' email.
  ASSERT_TRUE(Apply("user:alice", Linking("orders", "user:alice", R"(terms: "customer")",
                                          R"(terms: "email" terms: "customer")"))
                  .ok());
  ASSERT_TRUE(Apply("user:bob", Linking("users", "user:bob", "", R"(terms: "email")")).ok());

  auto all = Get("admin", "email");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->links_size(), 2);
  EXPECT_EQ(all->links(0).dataset().name(), "orders");
  EXPECT_EQ(all->links(0).column(), "email");
  EXPECT_EQ(all->links(1).dataset().name(), "users");
  EXPECT_EQ(all->hidden_links(), 0);
  // Alice may not read pg/users: it is a count, not a name.
  auto hers = Get("user:alice", "email");
  ASSERT_TRUE(hers.ok()) << hers.status();
  ASSERT_EQ(hers->links_size(), 1);
  EXPECT_EQ(hers->links(0).dataset().name(), "orders");
  EXPECT_EQ(hers->hidden_links(), 1);
  auto customer = Get("user:alice", "customer");
  ASSERT_TRUE(customer.ok());
  ASSERT_EQ(customer->links_size(), 2);  // the dataset, and its column
  EXPECT_EQ(customer->links(0).column(), "");
  EXPECT_EQ(customer->links(1).column(), "email");
  // Nor does she see the term she may not read, in a list or by id.
  EXPECT_EQ(Get("user:alice", "secret").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(List("user:alice", ""), ElementsAre("customer", "email"));

  // A linked term is not deleted; it names how many datasets hold it.
  absl::Status held = Delete("user:sam", "email");
  EXPECT_EQ(held.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.message(), HasSubstr("still linked by 2 dataset(s)"));
}

TEST_F(GlossaryTest, PoliciesAndSearchReadADatasetsTerms) {
  ASSERT_TRUE(Apply("user:sam", Term("customer") + Term("email")).ok());
  ASSERT_TRUE(Apply("user:alice", Linking("orders", "user:alice", "", R"(terms: "email")")).ok());
  ASSERT_TRUE(Apply("user:bob", Linking("users", "user:bob", R"(terms: "customer")", "")).ok());
  // resource.terms holds the dataset's own terms and its columns'.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "email.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource is Dataset)
                                        when { resource.terms.contains("email") };)")
                  .ok());
  EXPECT_EQ(GetDataset("user:bob", "orders").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(GetDataset("user:bob", "users").ok());
  // Search narrows by term, and counts by it.
  v1::SearchRequest search;
  search.mutable_filter()->add_terms("customer");
  search.set_facets(true);
  auto found = As("admin").Call(&Stub::SearchDatasets, As("admin").catalog(), search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).key().name(), "users");
  v1::SearchRequest facets;
  facets.set_facets(true);
  facets.mutable_filter()->add_namespaces("pg");
  auto counted = As("admin").Call(&Stub::SearchDatasets, As("admin").catalog(), facets);
  ASSERT_TRUE(counted.ok()) << counted.status();
  std::map<std::string, int64_t> terms;
  for (const v1::Facet& f : counted->facets()) {
    if (f.name() != "term") continue;
    for (const v1::FacetValue& v : f.values()) terms[v.value()] = v.count();
  }
  EXPECT_EQ(terms, (std::map<std::string, int64_t>{{"customer", 1}, {"email", 1}}));
  // Unlinked: the policy no longer hides it.
  ASSERT_TRUE(Apply("user:alice", Linking("orders", "user:alice", "", "")).ok());
  EXPECT_TRUE(GetDataset("user:bob", "orders").ok());
}

TEST_F(GlossaryTest, AColumnRuleJudgesEveryColumnLinkedToATerm) {
  ASSERT_TRUE(Apply("user:sam", Term("email")).ok());
  // Made before the rule: breaks it, and is not frozen by it.
  ASSERT_TRUE(Apply("user:bob", Linking("users", "user:bob", "", R"(terms: "email")",
                                        "classification: CLASSIFICATION_INTERNAL"))
                  .ok());
  v1::PutRuleRequest rule;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(rule { name: "email-is-restricted" mode: "blocking" severity: "high"
                covers { kind: "Column" terms: "email" }
                condition: "resource has classificationLevel && resource.classificationLevel >= 3"
                message: "Columns holding an email address are restricted" })",
      &rule));
  auto put = As("admin").Call(&v1::GovernanceService::Stub::PutRule, As("admin").governance(), rule);
  ASSERT_TRUE(put.ok()) << put.status();
  // A new dataset whose email column is internal is refused, naming the
  // rule and the column.
  auto refused = Apply("user:alice", Linking("orders", "user:alice", "", R"(terms: "email")",
                                             "classification: CLASSIFICATION_INTERNAL"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("rule email-is-restricted (blocking, high): Columns holding an email "
                        "address are restricted (column email)"));
  EXPECT_EQ(GetDataset("admin", "orders")->spec().schema().fields_size(), 0);
  // Restricted, it is made; unlinked columns are not judged.
  ASSERT_TRUE(Apply("user:alice", Linking("orders", "user:alice", "", R"(terms: "email")",
                                          "classification: CLASSIFICATION_RESTRICTED"))
                  .ok());
  // The rule tells which columns of users break it.
  v1::DatasetRulesRequest rules;
  rules.mutable_dataset()->set_namespace_("pg");
  rules.mutable_dataset()->set_name("users");
  auto breaks = As("admin").Call(&v1::GovernanceService::Stub::DatasetRules,
                                 As("admin").governance(), rules);
  ASSERT_TRUE(breaks.ok()) << breaks.status();
  ASSERT_EQ(breaks->breaks_size(), 1);
  EXPECT_EQ(breaks->breaks(0).rule(), "email-is-restricted");
  EXPECT_THAT(breaks->breaks(0).columns(), ElementsAre("email"));
  rules.mutable_dataset()->set_name("orders");
  EXPECT_EQ(As("admin")
                .Call(&v1::GovernanceService::Stub::DatasetRules, As("admin").governance(), rules)
                ->breaks_size(),
            0);
}

}  // namespace
}  // namespace catalog
