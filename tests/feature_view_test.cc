// Integration: feature views through the API and the default policies
// (docs/models.md#feature-views). Their columns are their source's, a
// reader who may not read the source does not learn it, impact lists the
// views a change reaches (with columns: only the features of the columns
// reached), and policies read their facts.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "client/client.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using client::CatalogClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Stub = v1::ModelService::Stub;

class FeatureViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    ASSERT_TRUE(Apply("admin", R"(
      resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
      resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
      resources { domain { path: "ml" } }
      resources { dataset { key { namespace: "pg" name: "orders" } spec { schema {
        fields { name: "customer_id" type: "bigint" }
        fields { name: "amount" type: "double" }
        fields { name: "address" type: "struct" fields { name: "country" type: "string" } } } } } })")
                    .ok());
    for (const char* who : {"user:alice", "user:bob"}) {
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
      return absl::InternalError("request does not parse: " + text);
    }
    return As(who).Call(&v1::CatalogService::Stub::Apply, As(who).catalog(), req);
  }

  static std::string View(const std::string& features) {
    return R"(resources { feature_view { name: "customer_features" domain: "ml"
      owners { principal: "user:alice" } source { namespace: "pg" name: "orders" }
      entities: "customer_id" )" +
           features + " } }";
  }

  absl::StatusOr<v1::FeatureView> Get(const std::string& who) {
    v1::GetFeatureViewRequest req;
    req.set_name("customer_features");
    return As(who).Call(&Stub::GetFeatureView, As(who).models(), req);
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(FeatureViewTest, ItsColumnsAreItsSourcesAndBadOnesAreNamed) {
  auto unknown = Apply("user:alice", View(R"(features { name: "spend" column: "total" })"));
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("spec.features[0].column: dataset \"pg/orders\" has no column \"total\""));
  auto twice = Apply("user:alice", View(R"(features { name: "a" column: "amount" }
                                           features { name: "a" column: "amount" })"));
  ASSERT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(twice.status().message(), HasSubstr("spec.features[1].name: \"a\" is listed twice"));
  auto none = Apply("user:alice", View(""));
  EXPECT_THAT(none.status().message(),
              HasSubstr("spec.features: at least one feature is required"));
  auto bad_key = Apply("user:alice", R"(resources { feature_view { name: "v"
      owners { principal: "user:alice" } source { namespace: "pg" name: "orders" }
      entities: "user_id" features { name: "a" column: "amount" } } })");
  EXPECT_THAT(bad_key.status().message(),
              HasSubstr("spec.entities[0]: dataset \"pg/orders\" has no column \"user_id\""));
  // Nobody registers a view for someone else.
  EXPECT_EQ(
      Apply("user:bob", View(R"(features { name: "spend" column: "amount" })")).status().code(),
      absl::StatusCode::kPermissionDenied);
  auto made = Apply("user:alice", View(R"(features { name: "spend" type: "double" column: "amount" }
                                          features { name: "country" column: "address.country" })"));
  ASSERT_TRUE(made.ok()) << made.status();
  auto read = Get("user:bob");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->features_size(), 2);
  EXPECT_EQ(read->features(1).column(), "address.country");
  EXPECT_EQ(read->source().name(), "orders");
  // A domain holding it is not deleted; its owner deletes it.
  v1::DeleteDomainRequest domain;
  domain.set_path("ml");
  auto held = server_.admin().Call(&v1::CatalogService::Stub::DeleteDomain,
                                   server_.admin().catalog(), domain);
  EXPECT_THAT(held.status().message(), HasSubstr("1 feature view(s)"));
  v1::DeleteFeatureViewRequest del;
  del.set_name("customer_features");
  EXPECT_EQ(
      As("user:bob").Call(&Stub::DeleteFeatureView, As("user:bob").models(), del).status().code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(As("user:alice").Call(&Stub::DeleteFeatureView, As("user:alice").models(), del).ok());
  EXPECT_EQ(Get("user:bob").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FeatureViewTest, ImpactListsTheFeaturesOfTheColumnsReached) {
  ASSERT_TRUE(Apply("user:alice", View(R"(features { name: "spend" column: "amount" }
                                          features { name: "country" column: "address.country" })"))
                  .ok());
  v1::ImpactRequest whole;
  whole.set_node("pg/orders");
  CatalogClient& alice = As("user:alice");
  auto all = alice.Call(&v1::LineageService::Stub::Impact, alice.lineage(), whole);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->feature_views_size(), 1);
  EXPECT_EQ(all->feature_views(0).source(), "pg/orders");
  EXPECT_THAT(all->feature_views(0).features(), ElementsAre("spend", "country"));
  // A change to the address struct reaches the country feature only.
  v1::ImpactRequest column;
  column.set_node("pg/orders");
  column.add_columns("address");
  auto some = alice.Call(&v1::LineageService::Stub::Impact, alice.lineage(), column);
  ASSERT_TRUE(some.ok()) << some.status();
  ASSERT_EQ(some->feature_views_size(), 1);
  EXPECT_THAT(some->feature_views(0).features(), ElementsAre("country"));
  // Bob may not read the view: counted, not named; nor its source: the
  // view's page does not name it.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource == FeatureView::"customer_features");)")
                  .ok());
  CatalogClient& bob = As("user:bob");
  auto hidden = bob.Call(&v1::LineageService::Stub::Impact, bob.lineage(), whole);
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  EXPECT_EQ(hidden->feature_views_size(), 0);
  EXPECT_EQ(hidden->hidden_feature_views(), 1);
  EXPECT_EQ(Get("user:bob").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FeatureViewTest, ASourceTheReaderMayNotReadIsNotNamedAndPoliciesSeeItsFacts) {
  ASSERT_TRUE(Apply("user:alice", View(R"(features { name: "spend" column: "amount" })")).ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "facts.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource == Dataset::"pg/orders");
      permit (principal == User::"bob", action == Action::"catalog:write", resource is FeatureView)
      when { resource.source == Dataset::"pg/orders" && resource.features.contains("spend") &&
             resource in Domain::"ml" };)")
                  .ok());
  auto read = Get("user:bob");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->has_source());
  v1::ListFeatureViewsRequest list;
  list.set_query("spend");
  auto listed = As("user:bob").Call(&Stub::ListFeatureViews, As("user:bob").models(), list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->feature_views_size(), 1);
  EXPECT_FALSE(listed->feature_views(0).has_source());
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"bob\"");
  ask.set_action("catalog:write");
  ask.set_resource("FeatureView::\"customer_features\"");
  auto decided =
      server_.admin().Call(&v1::PolicyService::Stub::Authorize, server_.admin().policies(), ask);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->decision(), v1::DECISION_ALLOW);
}

TEST_F(FeatureViewTest, ItsHistoryKeepsEveryRevisionAndHidesWhatTheReaderMayNotRead) {
  ASSERT_TRUE(Apply("user:alice", View(R"(features { name: "spend" column: "amount" })")).ok());
  ASSERT_TRUE(Apply("user:alice", View(R"(features { name: "spend" column: "amount" }
                                          features { name: "country" column: "address.country" })"))
                  .ok());
  auto history = [&](const std::string& who, const std::string& name) {
    v1::GetFeatureViewHistoryRequest req;
    req.set_name(name);
    return As(who).Call(&Stub::GetFeatureViewHistory, As(who).models(), req);
  };
  auto read = history("user:bob", "customer_features");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->entries_size(), 2);
  EXPECT_EQ(read->entries(0).feature_view().features_size(), 1);
  EXPECT_EQ(read->entries(1).feature_view().features_size(), 2);
  EXPECT_THAT(read->entries(1).changes(), ElementsAre("spec.features"));
  EXPECT_EQ(read->entries(1).feature_view().source().name(), "orders");
  // A source the reader may not read is named in no revision.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "orders.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource == Dataset::"pg/orders");)")
                  .ok());
  read = history("user:bob", "customer_features");
  ASSERT_TRUE(read.ok()) << read.status();
  for (const v1::ObjectRevision& e : read->entries()) EXPECT_FALSE(e.feature_view().has_source());
  // Deleted: its revisions stay, the last one the view as it was.
  v1::DeleteFeatureViewRequest del;
  del.set_name("customer_features");
  ASSERT_TRUE(
      As("user:alice").Call(&Stub::DeleteFeatureView, As("user:alice").models(), del).ok());
  read = history("user:alice", "customer_features");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->entries_size(), 3);
  EXPECT_EQ(read->entries(2).action(), "delete");
  EXPECT_EQ(read->entries(2).actor(), "user:alice");
  EXPECT_EQ(read->entries(2).feature_view().features_size(), 2);
  // Hidden or never there: the same words.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource == FeatureView::"customer_features");)")
                  .ok());
  EXPECT_EQ(history("user:bob", "customer_features").status().message(),
            "feature view \"customer_features\" not found");
  EXPECT_EQ(history("user:bob", "never").status().message(), "feature view \"never\" not found");
}

}  // namespace
}  // namespace catalog
