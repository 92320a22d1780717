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
