#include "lib/catalog/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/catalog/json_codec.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;

constexpr char kIssueExample[] = R"(apiVersion: catalog/v1
kind: Dataset            # also Domain, User, ServiceAccount, Group
metadata:
  namespace: postgres://prod-db:5432
  name: sales.public.orders
spec:
  description: Orders placed in the web shop
  domain: sales/orders
  classification: confidential
  tags: [pii, gdpr]
  owners:
    - {principal: "user:alice", type: technical}
    - {principal: "group:sales-eng", type: business}
  properties: {tier: gold}
  schema:
    fields:
      - {name: order_id, type: bigint, nullable: false}
      - {name: email, type: varchar, tags: [pii], classification: restricted}
---
apiVersion: catalog/v1
kind: Group
metadata: {name: sales-eng}
spec:
  attributes: {department: sales}
---
)";

TEST(Manifest, ParsesTheDocumentedShape) {
  auto docs = ParseManifest(kIssueExample, "orders.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  const Dataset& d = (*docs)[0].resource.dataset;
  EXPECT_EQ(d.key.ns, "postgres://prod-db:5432");
  EXPECT_EQ(d.spec.classification, Classification::kConfidential);
  EXPECT_EQ(d.spec.tags, (std::vector<std::string>{"pii", "gdpr"}));
  ASSERT_EQ(d.spec.owners.size(), 2u);
  EXPECT_EQ(d.spec.owners[1].type, OwnershipType::kBusiness);
  EXPECT_EQ(d.spec.properties.at("tier"), "gold");
  ASSERT_EQ(d.spec.fields.size(), 2u);
  EXPECT_FALSE(d.spec.fields[0].nullable);
  EXPECT_TRUE(d.spec.fields[1].nullable);
  EXPECT_EQ(d.spec.fields[1].classification, Classification::kRestricted);
  EXPECT_EQ((*docs)[1].resource.principal.kind, PrincipalKind::kGroup);
  EXPECT_EQ((*docs)[1].index, 2);
  EXPECT_EQ((*docs)[1].line, 20);
}

TEST(Manifest, AListStandsForItsItemsAndDatasetsNameTheirFields) {
  auto docs = ParseManifest(
      "apiVersion: catalog/v1\nkind: List\nitems:\n"
      "  - apiVersion: catalog/v1\n    kind: Dataset\n"
      "    metadata: {namespace: pg, name: a}\n    spec: {tags: [x], description: \"\"}\n"
      "  - apiVersion: catalog/v1\n    kind: Group\n    metadata: {name: g}\n",
      "list.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_TRUE((*docs)[0].resource.merge);
  EXPECT_EQ((*docs)[0].resource.fields, (std::vector<std::string>{"description", "tags"}));
  EXPECT_FALSE((*docs)[1].resource.merge);
  auto bad = ParseManifest("kind: List\nitems: {a: 1}\n", "bad.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.yaml:1:1: a List holds its objects in items"),
            std::string::npos) << bad.status();
}

TEST(Manifest, ErrorNamesFileLineDocumentAndField) {
  std::string text = kIssueExample;
  text.replace(text.find("name: email"), 11, "name: order_id");
  auto docs = ParseManifest(text, "orders.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(docs.status().message(),
              HasSubstr("orders.yaml:18:"));
  EXPECT_THAT(docs.status().message(),
              HasSubstr("document 1 (Dataset postgres://prod-db:5432/"
                        "sales.public.orders): spec.schema.fields[1].name: "
                        "duplicate field name \"order_id\""));
}

TEST(Manifest, UnknownFieldPointsAtItsLine) {
  auto docs = ParseManifest(
      "apiVersion: catalog/v1\nkind: Domain\nmetadata: {name: sales}\n"
      "spec:\n  description: x\n  colour: red\n",
      "d.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(),
              HasSubstr("d.yaml:6:3: document 1: spec.colour: unknown field"));
}

TEST(Manifest, MalformedYamlHasFileAndLine) {
  auto docs = ParseManifest("kind: Dataset\nspec: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("bad.yaml:"));
  EXPECT_THAT(docs.status().message(), HasSubstr("malformed YAML"));
}

TEST(Manifest, DuplicateKeysAreRefused) {
  auto docs = ParseManifest(
      "apiVersion: catalog/v1\nkind: Domain\nkind: Dataset\n", "dup.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(),
              HasSubstr("dup.yaml:3:1: duplicate key \"kind\""));
}

TEST(Manifest, BillionLaughsIsBounded) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) {
      text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    }
    text += "]\n";
  }
  auto docs = ParseManifest(text, "lol.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("alias expansion"));
}

TEST(Manifest, DeepNestingIsRefusedNotACrash) {
  std::string deep(100000, '[');
  auto docs = ParseManifest(deep, "deep.yaml");
  ASSERT_FALSE(docs.ok());
  std::string nested = "spec:\n";
  for (int i = 0; i < 100; ++i) nested += std::string(2 * (i + 1), ' ') + "a:\n";
  docs = ParseManifest(nested, "nested.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("nesting deeper"));
}

TEST(Manifest, QuotedScalarsStayStrings) {
  auto docs = ParseManifest(
      "apiVersion: catalog/v1\nkind: Dataset\nmetadata: {namespace: n, name: "
      "t}\nspec:\n  description: \"true\"\n  properties: {flag: true}\n",
      "q.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ((*docs)[0].resource.dataset.spec.description, "true");
  EXPECT_EQ((*docs)[0].resource.dataset.spec.properties.at("flag"), "true");
}

TEST(Manifest, YamlOutputReadsBackAsTheSameObject) {
  auto docs = ParseManifest(kIssueExample, "orders.yaml");
  ASSERT_TRUE(docs.ok());
  Resource r = (*docs)[0].resource;
  r.dataset.spec.description = "null";  // must come back as the string
  std::string yaml = JsonToYaml(ResourceToJson(r, true));
  auto again = ParseManifest(yaml, "out.yaml");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << yaml;
  EXPECT_EQ((*again)[0].resource.dataset.spec, r.dataset.spec);
}

}  // namespace
}  // namespace catalog

namespace catalog {
namespace {

TEST(Manifest, LineOfFindsFieldsAndFallsBackToAncestors) {
  auto docs = ParseManifest(kIssueExample, "orders.yaml");
  ASSERT_TRUE(docs.ok());
  const ManifestDocument& d = (*docs)[0];
  EXPECT_EQ(d.LineOf("spec.domain"), 8);
  EXPECT_EQ(d.LineOf("spec.schema.fields[1].name"), 18);
  EXPECT_EQ(d.LineOf("spec.schema.fields[1].nosuch"), 18);
  EXPECT_EQ(d.LineOf(""), 1);
}

}  // namespace
}  // namespace catalog
