// Integration: data products through the API and the default policies
// (docs/governance.md#data-products). Who may make a product and what its
// ports may publish or consume; its health rolled up from its output
// datasets, told only as far as the caller may read; products joined by
// declared input ports and by lineage, directly only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using client::CatalogClient;
using nlohmann::json;
using ::testing::HasSubstr;
using Stub = v1::CatalogService::Stub;

class ProductTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
           resources { domain { path: "sales" } }
           resources { dataset { key { namespace: "pg" name: "raw" }
                                 spec { owners { principal: "user:alice" } } } }
           resources { dataset { key { namespace: "pg" name: "orders" }
                                 spec { owners { principal: "user:alice" } layer: "silver" } } }
           resources { dataset { key { namespace: "pg" name: "staging" }
                                 spec { owners { principal: "user:bob" } } } }
           resources { dataset { key { namespace: "pg" name: "revenue" }
                                 spec { owners { principal: "user:bob" } } } }
           resources { dataset { key { namespace: "pg" name: "secret" }
                                 spec { owners { principal: "user:bob" } } } })",
        &apply));
    ASSERT_TRUE(Admin().Call(&Stub::Apply, Admin().catalog(), apply).ok());
    for (const char* who : {"user:alice", "user:bob"}) {
      auto token = server_.Issue(who);
      ASSERT_TRUE(token.ok()) << token.status();
      clients_[who] = server_.Connect(*token);
    }
  }

  CatalogClient& Admin() { return server_.admin(); }
  CatalogClient& As(const std::string& who) { return *clients_.at(who); }

  static json Product(const std::string& id, const std::string& owner,
                      const std::vector<std::string>& outputs,
                      const std::vector<std::string>& inputs = {}) {
    json doc = {{"apiVersion", "v1.0.0"},
                {"kind", "DataProduct"},
                {"id", id},
                {"name", id + " product"},
                {"status", "active"},
                {"domain", "sales"},
                {"team", {{{"username", owner}, {"role", "owner"}}}},
                {"outputPorts",
                 {{{"name", "out"},
                   {"version", "v1"},
                   {"customProperties", {{{"property", "datasets"}, {"value", outputs}}}}}}}};
    if (!inputs.empty()) {
      doc["inputPorts"] = {{{"name", "in"},
                            {"version", "v1"},
                            {"customProperties", {{{"property", "datasets"}, {"value", inputs}}}}}};
    }
    return doc;
  }

  absl::StatusOr<v1::ApplyResponse> Put(const std::string& who, const json& doc) {
    v1::ApplyRequest req;
    req.add_resources()->mutable_data_product()->set_document(doc.dump());
    CatalogClient& c = who == "admin" ? Admin() : As(who);
    return c.Call(&Stub::Apply, c.catalog(), req);
  }

  absl::StatusOr<v1::DataProduct> Get(const std::string& who, const std::string& id) {
    v1::GetDataProductRequest req;
    req.set_id(id);
    CatalogClient& c = who == "admin" ? Admin() : As(who);
    return c.Call(&Stub::GetDataProduct, c.catalog(), req);
  }

  absl::Status Ingest(const std::string& event) {
    v1::IngestRequest req;
    req.add_events(event);
    return Admin().Call(&v1::LineageService::Stub::Ingest, Admin().lineage(), req).status();
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(ProductTest, OnlyOwnersMakeAProductAndPublishOnlyWhatTheyMayWrite) {
  // Bob may not make a product owned by alice, nor claim one he does not own.
  auto bobs = Put("user:bob", Product("orders", "alice", {"pg/orders"}));
  EXPECT_EQ(bobs.status().code(), absl::StatusCode::kPermissionDenied) << bobs.status();
  // Alice may not publish bob's dataset as her product's output...
  auto claims = Put("user:alice", Product("orders", "alice", {"pg/revenue"}));
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(claims.status().message(),
              HasSubstr("outputPorts[0]: publishing pg/revenue needs catalog:write on it"));
  // ... nor name a dataset she may not read (answered as absent).
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/secret");)")
                  .ok());
  auto probe = Put("user:alice", Product("orders", "alice", {"pg/orders"}, {"pg/secret"}));
  EXPECT_EQ(probe.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(probe.status().message(), HasSubstr("inputPorts[0]: dataset pg/secret not found"));
  // Her own output, reading bob's staging: made.
  auto made = Put("user:alice", Product("orders", "alice", {"pg/orders"}, {"pg/staging"}));
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->results(0).kind(), "DataProduct");
  EXPECT_EQ(made->results(0).outcome(), v1::APPLY_OUTCOME_CREATED);
  // Bob cannot take it over by naming himself; he cannot delete it.
  EXPECT_EQ(Put("user:bob", Product("orders", "bob", {"pg/staging"})).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::DeleteDataProductRequest del;
  del.set_id("orders");
  EXPECT_EQ(As("user:bob").Call(&Stub::DeleteDataProduct, As("user:bob").catalog(), del)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // A bad document is named and changes nothing.
  json bad = Product("orders", "alice", {"pg/orders"});
  bad["status"] = "live";
  auto refused = Put("user:alice", bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("resources[0]: status: must be proposed"));
  auto got = Get("user:bob", "orders");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->product_status(), "active");
  EXPECT_EQ(got->owners(0).principal(), "user:alice");
  // Alice deletes it.
  ASSERT_TRUE(As("user:alice").Call(&Stub::DeleteDataProduct, As("user:alice").catalog(), del).ok());
  EXPECT_EQ(Get("user:alice", "orders").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ProductTest, AContractsBoundDatasetsArePublishedOnlyByWhoMayWriteThem) {
  v1::PutContractRequest contract;
  contract.set_document(R"(apiVersion: v3.0.2
kind: DataContract
id: revenue
version: 1.0.0
status: active
schema:
  - name: revenue
    properties:
      - {name: id, logicalType: integer}
)");
  v1::ContractBinding* b = contract.add_bindings();
  b->set_object("revenue");
  b->mutable_dataset()->set_namespace_("pg");
  b->mutable_dataset()->set_name("revenue");
  ASSERT_TRUE(
      Admin().Call(&v1::ContractService::Stub::PutContract, Admin().contracts(), contract).ok());
  json doc = Product("revenue", "alice", {});
  doc["outputPorts"][0].erase("customProperties");
  doc["outputPorts"][0]["contractId"] = "revenue";
  auto claims = Put("user:alice", doc);
  EXPECT_EQ(claims.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(claims.status().message(),
              HasSubstr("outputPorts[0].contractId: publishing contract \"revenue\" needs "
                        "catalog:write on every dataset it is bound to"));
  doc["team"][0]["username"] = "bob";
  ASSERT_TRUE(Put("user:bob", doc).ok());
  auto got = Get("user:alice", "revenue");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->output_ports(0).datasets_size(), 1);
  EXPECT_EQ(got->output_ports(0).datasets(0).key().name(), "revenue");
  EXPECT_TRUE(got->output_ports(0).datasets(0).from_contract());
  EXPECT_EQ(got->output_ports(0).datasets(0).health(), "ok");
}

TEST_F(ProductTest, HealthRollsUpFromOutputsAndNamesOnlyWhatTheReaderMayRead) {
  ASSERT_TRUE(Put("user:bob", Product("finance", "bob", {"pg/revenue", "pg/secret"})).ok());
  auto healthy = Get("user:alice", "finance");
  ASSERT_TRUE(healthy.ok()) << healthy.status();
  EXPECT_EQ(healthy->health(), "ok");
  EXPECT_EQ(healthy->health_reason(), "");
  // A failing check on bob's secret dataset.
  ASSERT_TRUE(Ingest(R"({"eventTime": "2026-12-01T10:00:00Z", "producer": "https://example.com/t",
      "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      "dataset": {"namespace": "pg", "name": "secret", "facets": {
        "dataQualityAssertions": {"assertions": [
          {"assertion": "not_null", "success": false, "column": "id"}]}}}})")
                  .ok());
  absl::StatusOr<v1::DataProduct> failing;
  for (int i = 0; i < 50; ++i) {
    failing = Get("user:bob", "finance");
    if (failing.ok() && failing->health() == "failing") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(failing.ok()) << failing.status();
  EXPECT_EQ(failing->health(), "failing");
  EXPECT_EQ(failing->health_reason(), "output port out: pg/secret is failing");
  ASSERT_EQ(failing->output_ports(0).datasets_size(), 2);
  EXPECT_EQ(failing->output_ports(0).datasets(1).health(), "failing");
  // Alice may not read pg/secret: the product's health is hers to see,
  // the dataset is not.
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/secret");)")
                  .ok());
  auto hers = Get("user:alice", "finance");
  ASSERT_TRUE(hers.ok()) << hers.status();
  EXPECT_EQ(hers->health(), "failing");
  EXPECT_EQ(hers->health_reason(), "output port out: a dataset you may not read is failing");
  ASSERT_EQ(hers->output_ports(0).datasets_size(), 1);
  EXPECT_EQ(hers->output_ports(0).datasets(0).key().name(), "revenue");
  EXPECT_EQ(hers->output_ports(0).hidden_datasets(), 1);
  // A product she may not read is absent, listed or asked for.
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide-product.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == DataProduct::"finance");)")
                  .ok());
  EXPECT_EQ(Get("user:alice", "finance").status().code(), absl::StatusCode::kNotFound);
  v1::ListDataProductsRequest list;
  auto listed = As("user:alice").Call(&Stub::ListDataProducts, As("user:alice").catalog(), list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->products_size(), 0);
  auto bobs = As("user:bob").Call(&Stub::ListDataProducts, As("user:bob").catalog(), list);
  ASSERT_TRUE(bobs.ok());
  EXPECT_EQ(bobs->products_size(), 1);
}

TEST_F(ProductTest, ProductsAreJoinedByDeclaredPortsAndDirectLineage) {
  // raw -> [orders] -> orders -> [staging] -> staging -> [revenue] -> revenue
  ASSERT_TRUE(Ingest(testing::RunEventJson("COMPLETE", "11111111-1111-1111-1111-111111111111", 1,
                                           {{"raw"}}, {{"orders"}}, "orders"))
                  .ok());
  ASSERT_TRUE(Ingest(testing::RunEventJson("COMPLETE", "22222222-2222-2222-2222-222222222222", 2,
                                           {{"orders"}}, {{"staging"}}, "staging"))
                  .ok());
  ASSERT_TRUE(Ingest(testing::RunEventJson("COMPLETE", "33333333-3333-3333-3333-333333333333", 3,
                                           {{"staging"}}, {{"revenue"}}, "revenue"))
                  .ok());
  // ingest publishes raw; orders publishes orders and declares raw as its
  // input; staging publishes staging; finance publishes revenue.
  ASSERT_TRUE(Put("user:alice", Product("ingest", "alice", {"pg/raw"})).ok());
  ASSERT_TRUE(Put("user:alice", Product("orders", "alice", {"pg/orders"}, {"pg/raw"})).ok());
  ASSERT_TRUE(Put("user:bob", Product("staging", "bob", {"pg/staging"})).ok());
  ASSERT_TRUE(Put("user:bob", Product("finance", "bob", {"pg/revenue"})).ok());
  auto orders = Get("user:bob", "orders");
  ASSERT_TRUE(orders.ok()) << orders.status();
  ASSERT_EQ(orders->upstream_size(), 1);
  EXPECT_EQ(orders->upstream(0).id(), "ingest");
  EXPECT_TRUE(orders->upstream(0).declared());
  EXPECT_TRUE(orders->upstream(0).observed());
  // Downstream: staging directly; finance only through staging, so not.
  ASSERT_EQ(orders->downstream_size(), 1);
  EXPECT_EQ(orders->downstream(0).id(), "staging");
  EXPECT_FALSE(orders->downstream(0).declared());
  EXPECT_TRUE(orders->downstream(0).observed());
  auto finance = Get("user:alice", "finance");
  ASSERT_TRUE(finance.ok());
  ASSERT_EQ(finance->upstream_size(), 1);
  EXPECT_EQ(finance->upstream(0).id(), "staging");
  // Input ports show the datasets they read, with their layer.
  ASSERT_EQ(orders->input_ports(0).datasets_size(), 1);
  EXPECT_EQ(orders->output_ports(0).datasets(0).layer(), "silver");
  // A change to staging reaches finance through revenue; alice may not
  // read revenue, nor (later) the staging product: told as a count, then
  // left out.
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/revenue");)")
                  .ok());
  v1::ImpactRequest impact;
  impact.set_node("pg/staging");
  auto reached = As("user:alice").Call(&v1::LineageService::Stub::Impact,
                                       As("user:alice").lineage(), impact);
  ASSERT_TRUE(reached.ok()) << reached.status();
  ASSERT_EQ(reached->products_size(), 2);
  EXPECT_EQ(reached->products(0).id(), "staging");
  EXPECT_EQ(reached->products(0).depth(), 0);
  EXPECT_EQ(reached->products(1).id(), "finance");
  EXPECT_EQ(reached->products(1).datasets_size(), 0);
  EXPECT_EQ(reached->products(1).hidden_datasets(), 1);
  EXPECT_EQ(reached->DebugString().find("pg/revenue"), std::string::npos) << reached->DebugString();
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide-product.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == DataProduct::"staging");)")
                  .ok());
  reached = As("user:alice").Call(&v1::LineageService::Stub::Impact, As("user:alice").lineage(),
                                  impact);
  ASSERT_TRUE(reached.ok()) << reached.status();
  ASSERT_EQ(reached->products_size(), 1);
  EXPECT_EQ(reached->products(0).id(), "finance");
  // Listing by domain.
  v1::ListDataProductsRequest list;
  list.set_domain("sales");
  auto in_sales = Admin().Call(&Stub::ListDataProducts, Admin().catalog(), list);
  ASSERT_TRUE(in_sales.ok());
  EXPECT_EQ(in_sales->products_size(), 4);
  list.set_domain("marketing");
  EXPECT_EQ(Admin().Call(&Stub::ListDataProducts, Admin().catalog(), list)->products_size(), 0);
  // A domain with products is not deleted.
  v1::DeleteDomainRequest gone;
  gone.set_path("sales");
  auto refused = Admin().Call(&Stub::DeleteDomain, Admin().catalog(), gone);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("4 data product(s)"));
}

TEST_F(ProductTest, TheComplianceReportScoresEachProductOverWhatItPublishes) {
  ASSERT_TRUE(Put("user:alice", Product("orders", "alice", {"pg/orders", "pg/raw"})).ok());
  ASSERT_TRUE(Put("user:bob", Product("finance", "bob", {"pg/revenue"})).ok());
  v1::ApplyRequest described;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(resources { dataset { key { namespace: "pg" name: "orders" } spec { description: "Orders" }}
                     merge: true fields: "description" })",
      &described));
  ASSERT_TRUE(Admin().Call(&Stub::Apply, Admin().catalog(), described).ok());
  v1::PutRuleRequest rule;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(rule { name: "described" condition: "resource.description != \"\"" mode: "advisory" })pb",
      &rule));
  ASSERT_TRUE(
      Admin().Call(&v1::GovernanceService::Stub::PutRule, Admin().governance(), rule).ok());
  v1::ReportRequest req;
  auto report = As("user:alice").Call(&v1::GovernanceService::Stub::Report,
                                      As("user:alice").governance(), req);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->products_size(), 2);
  EXPECT_EQ(report->products(0).product(), "finance");
  EXPECT_EQ(report->products(0).checks(), 1);
  EXPECT_EQ(report->products(0).passed(), 0);
  EXPECT_EQ(report->products(1).product(), "orders");
  EXPECT_EQ(report->products(1).name(), "orders product");
  EXPECT_EQ(report->products(1).checks(), 2);
  EXPECT_EQ(report->products(1).passed(), 1);
  EXPECT_DOUBLE_EQ(report->products(1).score(), 50.0);
  // What alice may not read is not scored for her, nor a product she may
  // not read listed.
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/raw");
                                        forbid (principal == User::"alice",
                                                action == Action::"catalog:read",
                                                resource == DataProduct::"finance");)")
                  .ok());
  auto hers = As("user:alice").Call(&v1::GovernanceService::Stub::Report,
                                    As("user:alice").governance(), req);
  ASSERT_TRUE(hers.ok()) << hers.status();
  ASSERT_EQ(hers->products_size(), 1);
  EXPECT_EQ(hers->products(0).product(), "orders");
  EXPECT_EQ(hers->products(0).checks(), 1);
  EXPECT_EQ(hers->products(0).passed(), 1);
}

TEST_F(ProductTest, RulesOverProductsJudgeTheirWritesAndTheReport) {
  v1::PutRuleRequest purpose;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(rule { name: "products-say-why" mode: "blocking"
                  covers { kind: "DataProduct" domains: "sales" }
                  condition: "resource.purpose != \"\" && resource.owners != []"
                  message: "A product says what it is for" })pb",
      &purpose));
  ASSERT_TRUE(
      Admin().Call(&v1::GovernanceService::Stub::PutRule, Admin().governance(), purpose).ok());
  // Without a purpose: refused, naming the rule, and nothing written.
  auto refused = Put("user:alice", Product("orders", "alice", {"pg/orders"}));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("resources[0] (DataProduct orders): refused by governance rule: rule "
                        "products-say-why (blocking, medium): A product says what it is for"));
  EXPECT_EQ(Get("user:alice", "orders").status().code(), absl::StatusCode::kNotFound);
  json with_purpose = Product("orders", "alice", {"pg/orders"});
  with_purpose["description"] = {{"purpose", "Every order, as placed"}};
  ASSERT_TRUE(Put("user:alice", with_purpose).ok());
  // A warn rule: written, with its warning.
  v1::PutRuleRequest tagged;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(rule { name: "products-are-tagged" mode: "warn" covers { kind: "DataProduct" }
                  condition: "resource.tags != []" message: "Tag your product" })pb",
      &tagged));
  ASSERT_TRUE(
      Admin().Call(&v1::GovernanceService::Stub::PutRule, Admin().governance(), tagged).ok());
  with_purpose["version"] = "v2";
  auto warned = Put("user:alice", with_purpose);
  ASSERT_TRUE(warned.ok()) << warned.status();
  ASSERT_EQ(warned->results(0).warnings_size(), 1);
  EXPECT_THAT(warned->results(0).warnings(0),
              HasSubstr("rule products-are-tagged (warn, medium): Tag your product"));
  // A product rule judges no dataset; the report lists the product's break
  // and counts it in its domain and its own score.
  v1::ReportRequest req;
  auto report = Admin().Call(&v1::GovernanceService::Stub::Report, Admin().governance(), req);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rules_size(), 2);  // by name
  const v1::RuleReport& rule = report->rules(0);
  EXPECT_EQ(rule.rule().name(), "products-are-tagged");
  EXPECT_EQ(rule.rule().covers().kind(), "DataProduct");
  EXPECT_EQ(rule.covered(), 1);
  EXPECT_EQ(rule.breaking(), 1);
  ASSERT_EQ(rule.breaks_size(), 1);
  EXPECT_EQ(rule.breaks(0).product(), "orders");
  EXPECT_FALSE(rule.breaks(0).has_dataset());
  EXPECT_EQ(report->rules(1).rule().name(), "products-say-why");
  EXPECT_EQ(report->rules(1).covered(), 1);
  EXPECT_EQ(report->rules(1).breaking(), 0);
  ASSERT_EQ(report->domains_size(), 1);
  EXPECT_EQ(report->domains(0).domain(), "sales");
  EXPECT_EQ(report->domains(0).checks(), 2);
  EXPECT_EQ(report->domains(0).passed(), 1);
  ASSERT_EQ(report->products_size(), 1);
  EXPECT_EQ(report->products(0).checks(), 2);
  // describe dataproduct's rules: the one it breaks, with the product named.
  v1::ProductRulesRequest mine;
  mine.set_product("orders");
  auto breaks = As("user:alice").Call(&v1::GovernanceService::Stub::ProductRules,
                                      As("user:alice").governance(), mine);
  ASSERT_TRUE(breaks.ok()) << breaks.status();
  ASSERT_EQ(breaks->breaks_size(), 1);
  EXPECT_EQ(breaks->breaks(0).rule(), "products-are-tagged");
  EXPECT_EQ(breaks->breaks(0).product(), "orders");
  EXPECT_FALSE(breaks->breaks(0).has_dataset());
  EXPECT_EQ(breaks->breaks(0).message(), "Tag your product");
  v1::ProductRulesRequest bad;
  bad.set_product("Not An Id");
  auto bad_id = Admin().Call(&v1::GovernanceService::Stub::ProductRules,
                             Admin().governance(), bad);
  EXPECT_EQ(bad_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_id.status().message(), HasSubstr("product"));
  bad.set_product("nowhere");
  EXPECT_EQ(Admin()
                .Call(&v1::GovernanceService::Stub::ProductRules, Admin().governance(), bad)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  // A product bob may not read is neither judged nor listed for him.
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == DataProduct::"orders");)")
                  .ok());
  auto his = As("user:bob").Call(&v1::GovernanceService::Stub::Report,
                                 As("user:bob").governance(), req);
  ASSERT_TRUE(his.ok()) << his.status();
  EXPECT_EQ(his->rules(0).covered(), 0);
  EXPECT_EQ(his->rules(0).breaks_size(), 0);
  auto hidden = As("user:bob").Call(&v1::GovernanceService::Stub::ProductRules,
                                    As("user:bob").governance(), mine);
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(hidden.status().message(), HasSubstr("data product \"orders\" not found"));
  // A waiver names a product; in force, the break is a warning no more.
  v1::PutRuleRequest waived = tagged;
  v1::RuleWaiver* w = waived.mutable_rule()->add_waivers();
  w->set_product("orders");
  w->set_until("2099-01-01");
  w->set_reason("tags come with the catalogue revamp");
  ASSERT_TRUE(
      Admin().Call(&v1::GovernanceService::Stub::PutRule, Admin().governance(), waived).ok());
  with_purpose["version"] = "v3";
  auto excused = Put("user:alice", with_purpose);
  ASSERT_TRUE(excused.ok()) << excused.status();
  ASSERT_EQ(excused->results(0).warnings_size(), 1);
  EXPECT_THAT(excused->results(0).warnings(0), HasSubstr("waived until 2099-01-01"));
  auto now_waived = As("user:alice").Call(&v1::GovernanceService::Stub::ProductRules,
                                          As("user:alice").governance(), mine);
  ASSERT_TRUE(now_waived.ok()) << now_waived.status();
  ASSERT_EQ(now_waived->breaks_size(), 1);
  EXPECT_EQ(now_waived->breaks(0).waived_until(), "2099-01-01");
}

}  // namespace
}  // namespace catalog
