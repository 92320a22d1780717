#include "lib/catalog/json_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace catalog {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

TEST(JsonCodec, DatasetRoundTrips) {
  Resource r;
  r.dataset.key = {"postgres://db:5432", "sales.orders"};
  r.dataset.spec.description = "Orders";
  r.dataset.spec.domain = "sales/orders";
  r.dataset.spec.classification = Classification::kConfidential;
  r.dataset.spec.tags = {"pii", "gdpr"};
  r.dataset.spec.owners = {{"user:alice", OwnershipType::kTechnical},
                           {"group:sales", OwnershipType::kBusiness}};
  r.dataset.spec.properties = {{"tier", "gold"}};
  r.dataset.spec.lifecycle = Lifecycle::kDeprecated;
  r.dataset.spec.layer = "gold";
  r.dataset.spec.tier = 2;
  r.dataset.spec.certification = {.state = "verified",
                                  .expires = "2027-06-30",
                                  .by = "user:carol",
                                  .at = "2026-12-03T10:00:00.000Z"};
  Field address{.name = "address", .type = "struct"};
  address.fields = {{.name = "city", .type = "varchar", .tags = {"geo"}}};
  r.dataset.spec.fields = {
      {.name = "id", .type = "bigint", .nullable = false},
      {.name = "email",
       .type = "varchar",
       .description = "buyer",
       .classification = Classification::kRestricted},
      address};
  json doc = ResourceToJson(r, false);
  EXPECT_EQ(doc["kind"], "Dataset");
  EXPECT_EQ(doc["metadata"]["namespace"], "postgres://db:5432");
  auto back = ResourceFromJson(doc);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->dataset.key, r.dataset.key);
  EXPECT_EQ(back->dataset.spec, r.dataset.spec);
}

TEST(JsonCodec, GovernanceFieldsAsManifestsWriteThem) {
  // YAML gives the tier as text; "none" is no certification.
  auto spec = DatasetSpecFromJson(json::parse(
      R"({"layer": "silver", "tier": "3", "certification": {"state": "none"}})"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->layer, "silver");
  EXPECT_EQ(spec->tier, 3);
  EXPECT_EQ(spec->certification, Certification{});
  for (const char* bad : {R"({"tier": 9})", R"({"tier": "high"})", R"({"tier": 1.5})"}) {
    auto refused = DatasetSpecFromJson(json::parse(bad));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_THAT(refused.status().message(), HasSubstr("spec.tier")) << bad;
  }
  auto unknown = DatasetSpecFromJson(json::parse(R"({"certification": {"level": 1}})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("spec.certification"));
}

TEST(JsonCodec, PrincipalKindsRoundTrip) {
  for (PrincipalKind kind : {PrincipalKind::kUser,
                             PrincipalKind::kServiceAccount,
                             PrincipalKind::kGroup}) {
    Resource r;
    r.kind = Resource::Kind::kPrincipal;
    r.principal = {.kind = kind, .name = "x"};
    r.principal.spec.attributes = {{"dept", "eng"}};
    r.principal.spec.groups = {"all"};
    auto back = ResourceFromJson(ResourceToJson(r, true));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->principal.kind, kind);
    EXPECT_EQ(back->principal.spec, r.principal.spec);
  }
}

TEST(JsonCodec, UnknownKeysAndBadEnumsNameTheField) {
  json doc = {{"apiVersion", "catalog/v1"},
              {"kind", "Dataset"},
              {"metadata", {{"namespace", "n"}, {"name", "x"}}},
              {"spec", {{"colour", "red"}}}};
  EXPECT_EQ(ResourceFromJson(doc).status().message(),
            "spec.colour: unknown field");
  doc["spec"] = {{"classification", "secret"}};
  EXPECT_THAT(ResourceFromJson(doc).status().message(),
              HasSubstr("spec.classification: unknown value \"secret\""));
  doc["spec"] = {{"schema", {{"fields", {{{"name", "a"}, {"nullable", "x"}}}}}}};
  EXPECT_EQ(ResourceFromJson(doc).status().message(),
            "spec.schema.fields[0].nullable: must be true or false");
  doc["kind"] = "Table";
  EXPECT_THAT(ResourceFromJson(doc).status().message(),
              HasSubstr("unknown kind \"Table\""));
  doc["apiVersion"] = "v2";
  EXPECT_THAT(ResourceFromJson(doc).status().message(),
              HasSubstr("apiVersion: unsupported"));
}

TEST(JsonCodec, MetadataRevisionBecomesExpectedRevision) {
  json doc = {{"apiVersion", "catalog/v1"},
              {"kind", "Domain"},
              {"metadata", {{"name", "sales"}, {"revision", 7}}}};
  auto r = ResourceFromJson(doc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->expected_revision, 7);
  doc["metadata"]["namespace"] = "x";
  EXPECT_THAT(ResourceFromJson(doc).status().message(),
              HasSubstr("only datasets and jobs have a namespace"));
}

}  // namespace
}  // namespace catalog
