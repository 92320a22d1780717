#include "lib/catalog/data_product.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/catalog/manifest.h"

namespace catalog {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Product() {
  return json::parse(R"({
    "apiVersion": "v1.0.0", "kind": "DataProduct", "id": "customer-360",
    "name": "Customer 360", "version": "v1.2.0", "status": "active",
    "domain": "sales/customers", "tenant": "RetailCorp",
    "description": {"purpose": "One view of a customer", "usage": "Join on customer_id"},
    "tags": ["customer"],
    "team": {"name": "crm", "members": [
      {"username": "alice", "role": "owner"},
      {"username": "group:crm-stewards", "role": "Data Owner"},
      {"username": "bob", "role": "engineer"},
      {"username": "carol", "role": "owner", "dateOut": "2026-01-31"}]},
    "inputPorts": [{"name": "orders", "version": "v1", "contractId": "sales-orders"}],
    "outputPorts": [{"name": "customers", "version": "v1", "type": "tables",
                     "contractId": "customers",
                     "customProperties": [{"property": "datasets",
                       "value": ["postgres://db:5432/crm.public.customers"]}]}],
    "support": [{"channel": "#crm", "url": "https://chat.example.com/crm"}]
  })");
}

TEST(DataProductTest, AnOdpsDocumentIsReadAndKeptAsWritten) {
  absl::StatusOr<DataProduct> p = DataProductFromOdps(Product());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, "customer-360");
  EXPECT_EQ(p->spec.status, "active");
  EXPECT_EQ(p->spec.domain, "sales/customers");
  EXPECT_EQ(p->spec.purpose, "One view of a customer");
  // Owners are the team members in an owner's role who have not left.
  ASSERT_EQ(p->spec.owners.size(), 2u);
  EXPECT_EQ(p->spec.owners[0].principal, "user:alice");
  EXPECT_EQ(p->spec.owners[1].principal, "group:crm-stewards");
  ASSERT_EQ(p->spec.input_ports.size(), 1u);
  EXPECT_EQ(p->spec.input_ports[0].contract_id, "sales-orders");
  ASSERT_EQ(p->spec.output_ports.size(), 1u);
  ASSERT_EQ(p->spec.output_ports[0].datasets.size(), 1u);
  EXPECT_EQ(p->spec.output_ports[0].datasets[0].ns, "postgres://db:5432");
  EXPECT_EQ(p->spec.output_ports[0].datasets[0].name, "crm.public.customers");
  // What catalogd does not read (support) reads back too.
  EXPECT_EQ(DataProductToOdps(*p), Product());
}

TEST(DataProductTest, TheV090TeamListIsReadToo) {
  json doc = Product();
  doc["apiVersion"] = "v0.9.0";
  doc["team"] = json::array({{{"username", "serviceaccount:crm-etl"}, {"role", "product owner"}}});
  absl::StatusOr<DataProduct> p = DataProductFromOdps(doc);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->spec.owners.size(), 1u);
  EXPECT_EQ(p->spec.owners[0].principal, "serviceaccount:crm-etl");
}

TEST(DataProductTest, EachBadFieldIsNamed) {
  struct Case {
    const char* pointer;
    json value;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"/apiVersion", "catalog/v1", "apiVersion: must be an ODPS version"},
      {"/id", "", "id: is required"},
      {"/id", "-x", "id: must start with a letter or a digit"},
      {"/id", "a b", "id: only letters, digits"},
      {"/status", "live", "status: must be proposed, draft, active, deprecated or retired"},
      {"/domain", "sales//x", "domain:"},
      {"/description", "text", "description: must be an object"},
      {"/tags/0", 7, "tags[0]: must be a string"},
      {"/team/members/0/username", "user:", "team.members[0].username:"},
      {"/outputPorts", json::array(), "outputPorts: a data product publishes at least one"},
      {"/outputPorts/0/name", "", "outputPorts[0].name: is required"},
      {"/outputPorts/0/customProperties/0/value/0", "nokey",
       "outputPorts[0].customProperties[0].value[0]:"},
      {"/outputPorts/0/customProperties/0/value", "x",
       "outputPorts[0].customProperties[0].value: must be a list"},
      {"/inputPorts/0/contractId", 3, "inputPorts[0].contractId: must be a string"},
  };
  for (const Case& c : cases) {
    json doc = Product();
    doc[json::json_pointer(c.pointer)] = c.value;
    absl::StatusOr<DataProduct> p = DataProductFromOdps(doc);
    ASSERT_FALSE(p.ok()) << c.pointer;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.pointer;
    EXPECT_THAT(p.status().message(), HasSubstr(c.error)) << c.pointer;
  }
  json large = Product();
  large["support"][0]["description"] = std::string(kMaxProductDocumentBytes, 'x');
  EXPECT_THAT(DataProductFromOdps(large).status().message(),
              HasSubstr("document: at most 65536 bytes as JSON"));
  json garbled = Product();
  garbled["support"][0]["channel"] = std::string("\xff\xfe");
  EXPECT_THAT(DataProductFromOdps(garbled).status().message(),
              HasSubstr("document: holds text that is not valid UTF-8"));
  json twice = Product();
  twice["outputPorts"].push_back(twice["outputPorts"][0]);
  EXPECT_THAT(DataProductFromOdps(twice).status().message(),
              HasSubstr("outputPorts[1]: port \"customers\" version \"v1\" is listed twice"));
}

TEST(DataProductTest, AManifestTakesAnOdpsDocumentBesideCatalogObjects) {
  absl::StatusOr<std::vector<ManifestDocument>> docs = ParseManifest(R"(apiVersion: catalog/v1
kind: Domain
metadata: {name: sales}
---
apiVersion: v1.0.0
kind: DataProduct
id: sales-orders
status: draft
domain: sales
outputPorts:
  - {name: orders, version: v1, contractId: sales-orders}
)",
                                                                    "products.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[1].resource.kind, Resource::Kind::kDataProduct);
  EXPECT_EQ((*docs)[1].resource.product.id, "sales-orders");
  EXPECT_EQ((*docs)[1].resource.KindName(), "DataProduct");
  absl::StatusOr<std::vector<ManifestDocument>> bad = ParseManifest(R"(apiVersion: v1.0.0
kind: DataProduct
id: sales-orders
status: draft
outputPorts:
  - {name: orders, version: v1, contractId: [1]}
)",
                                                                   "bad.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.yaml:6"));
  EXPECT_THAT(bad.status().message(), HasSubstr("outputPorts[0].contractId: must be a string"));
}

}  // namespace
}  // namespace catalog
