// Integration: ContractService on a real server in-process — registering
// versions, the guard on breaking changes, bindings, the dataset's contract
// in reads and in policies, CheckWrite, CheckContract's schemas and
// consumers, and lineage runs that break a contract.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using client::CatalogClient;
using CStub = v1::ContractService::Stub;
using json = nlohmann::json;

constexpr char kNs[] = "postgres://db:5432";
constexpr char kOrders[] = "shop.public.orders";

// The orders contract at `version` with `status`; `extra` adds property
// lines (indented for the properties list).
std::string OrdersContract(const std::string& version,
                           const std::string& status = "active",
                           const std::string& extra = "",
                           bool with_status_property = true) {
  return "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: " +
         version + "\nstatus: " + status +
         "\nservers:\n  - server: prod\n    type: postgres\n    host: db\n"
         "    port: 5432\n    database: shop\n    schema: public\n"
         "schema:\n  - name: orders\n    physicalName: orders\n"
         "    properties:\n"
         "      - name: id\n        logicalType: integer\n        primaryKey: true\n" +
         (with_status_property
              ? "      - name: status\n        logicalType: string\n"
                "        required: true\n"
              : "") +
         extra;
}

v1::Field MakeField(const std::string& name, const std::string& type,
                    bool nullable) {
  v1::Field f;
  f.set_name(name);
  f.set_type(type);
  f.set_nullable(nullable);
  return f;
}

class ContractServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    auto alice = server_.As("user:alice");
    auto bob = server_.As("user:bob");
    auto pipeline = server_.As("serviceaccount:etl");
    ASSERT_TRUE(alice.ok() && bob.ok() && pipeline.ok());
    alice_ = *std::move(alice);
    bob_ = *std::move(bob);
    pipeline_ = *std::move(pipeline);
    // alice owns the orders table and a report built from it.
    v1::ApplyRequest apply;
    for (const char* name : {kOrders, "shop.public.report"}) {
      v1::Dataset* d = apply.add_resources()->mutable_dataset();
      d->mutable_key()->set_namespace_(kNs);
      d->mutable_key()->set_name(name);
      v1::Owner* o = d->mutable_spec()->add_owners();
      o->set_principal("user:alice");
      o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
      auto* fields = d->mutable_spec()->mutable_schema()->mutable_fields();
      *fields->Add() = MakeField("id", "bigint", false);
      *fields->Add() = MakeField("status", "varchar(20)", false);
    }
    ASSERT_TRUE(admin().Call(&v1::CatalogService::Stub::Apply,
                             admin().catalog(), apply).ok());
  }

  CatalogClient& admin() { return server_.admin(); }

  absl::StatusOr<v1::PutContractResponse> Put(CatalogClient& c,
                                              const std::string& doc,
                                              bool dry_run = false) {
    v1::PutContractRequest req;
    req.set_document(doc);
    req.set_file("orders.odcs.yaml");
    req.set_dry_run(dry_run);
    return c.Call(&CStub::PutContract, c.contracts(), req);
  }
  absl::StatusOr<v1::Contract> Latest() {
    v1::GetContractRequest req;
    req.set_id("orders");
    return admin().Call(&CStub::GetContract, admin().contracts(), req);
  }
  absl::StatusOr<v1::Dataset> Orders() {
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_(kNs);
    req.mutable_key()->set_name(kOrders);
    return admin().Call(&v1::CatalogService::Stub::GetDataset,
                        admin().catalog(), req);
  }
  absl::StatusOr<v1::CheckWriteResponse> CheckWrite(
      const std::vector<v1::Field>& fields) {
    v1::CheckWriteRequest req;
    req.mutable_dataset()->set_namespace_(kNs);
    req.mutable_dataset()->set_name(kOrders);
    for (const v1::Field& f : fields) *req.add_fields() = f;
    return pipeline_->Call(&CStub::CheckWrite, pipeline_->contracts(), req);
  }

  testing::InProcessServer server_;
  std::unique_ptr<CatalogClient> alice_, bob_, pipeline_;
};

TEST_F(ContractServiceTest, RegistersAndBindsByTheServerRule) {
  auto r = Put(*alice_, OrdersContract("1.0.0"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->created());
  EXPECT_EQ(r->contract().seq(), 1);
  ASSERT_EQ(r->contract().bindings_size(), 1);
  EXPECT_EQ(r->contract().bindings(0).dataset().namespace_(), kNs);
  EXPECT_EQ(r->contract().bindings(0).dataset().name(), kOrders);
  // The same document again changes nothing.
  auto again = Put(*alice_, OrdersContract("1.0.0"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created());
  // The dataset shows its contract; the contract reads back whole.
  auto d = Orders();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->contract().id(), "orders");
  EXPECT_EQ(d->contract().version(), "1.0.0");
  EXPECT_EQ(d->contract().status(), "active");
  EXPECT_EQ(d->contract().object(), "orders");
  auto c = Latest();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->document(), OrdersContract("1.0.0"));
  EXPECT_EQ(c->created_by(), "user:alice");
  v1::GetContractRequest by_dataset;
  by_dataset.mutable_dataset()->set_namespace_(kNs);
  by_dataset.mutable_dataset()->set_name(kOrders);
  auto c2 = bob_->Call(&CStub::GetContract, bob_->contracts(), by_dataset);
  ASSERT_TRUE(c2.ok()) << c2.status();
  EXPECT_EQ(c2->version(), "1.0.0");
  // A compatible version (an optional property) with a minor bump.
  auto v110 = Put(*alice_, OrdersContract("1.1.0", "active",
                                          "      - name: note\n        logicalType: string\n"));
  ASSERT_TRUE(v110.ok()) << v110.status();
  EXPECT_FALSE(v110->diff().breaking());
  EXPECT_EQ(v110->diff().needed_bump(), "minor");
  v1::ListContractVersionsRequest versions;
  versions.set_id("orders");
  auto h = bob_->Call(&CStub::ListContractVersions, bob_->contracts(), versions);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->versions_size(), 2);
  EXPECT_EQ(h->versions(1).version(), "1.1.0");
  EXPECT_EQ(Orders()->contract().version(), "1.1.0");
  auto list = bob_->Call(&CStub::ListContracts, bob_->contracts(),
                         v1::ListContractsRequest());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->contracts_size(), 1);
  EXPECT_EQ(list->contracts(0).version(), "1.1.0");
}

TEST_F(ContractServiceTest, LintErrorsRefuseAndChangeNothing) {
  std::string bad = OrdersContract("1.0.0", "active",
                                   "      - name: x\n        logicalType: strng\n");
  auto r = Put(*alice_, bad);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("orders.odcs.yaml:24:22: schema/enum"));
  auto dry = Put(*alice_, "kind: [", true);
  EXPECT_EQ(dry.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dry.status().message()), HasSubstr("orders.odcs.yaml:1:"));
  EXPECT_EQ(Latest().status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(Orders()->has_contract());
}

TEST_F(ContractServiceTest, BreakingChangeToAnActiveContractNeedsAMajorVersion) {
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  // Dropping the required status column is breaking.
  std::string dropped = OrdersContract("1.1.0", "active", "", false);
  auto refused = Put(*alice_, dropped);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("property \"orders.status\" was removed"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("major"));
  EXPECT_EQ(Latest()->version(), "1.0.0");  // nothing changed
  // A dry run of the major version passes and still changes nothing.
  std::string major = OrdersContract("2.0.0", "active", "", false);
  auto dry = Put(*alice_, major, true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_TRUE(dry->diff().breaking());
  EXPECT_EQ(Latest()->version(), "1.0.0");
  ASSERT_TRUE(Put(*alice_, major).ok());
  EXPECT_EQ(Latest()->version(), "2.0.0");
  // Lower versions and reused versions are refused.
  EXPECT_EQ(Put(*alice_, OrdersContract("1.5.0")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Put(*alice_, OrdersContract("2.0.0", "deprecated")).status().code(),
            absl::StatusCode::kAlreadyExists);
  // A draft may break itself without a major bump.
  ASSERT_TRUE(Put(*alice_, OrdersContract("2.1.0", "draft", "", false)).ok());
  ASSERT_TRUE(Put(*alice_, OrdersContract("2.2.0", "draft")).ok());
}

TEST_F(ContractServiceTest, DiffsRegisteredVersionsAndCandidates) {
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.1.0", "active",
                                          "      - name: note\n        logicalType: string\n")).ok());
  v1::DiffContractsRequest req;
  req.set_id("orders");
  req.set_from_version("1.0.0");
  req.set_to_version("1.1.0");
  auto r = bob_->Call(&CStub::DiffContracts, bob_->contracts(), req);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->diff().changes_size(), 1);
  EXPECT_EQ(r->diff().changes(0).rule(), "property-added");
  EXPECT_EQ(r->diff().changes(0).impact(), v1::CHANGE_IMPACT_INFO);
  EXPECT_TRUE(r->diff().version_ok());
  // The latest registered against a candidate that drops a column.
  v1::DiffContractsRequest candidate;
  candidate.set_id("orders");
  candidate.set_document(OrdersContract("1.2.0", "active", "", false));
  auto c = bob_->Call(&CStub::DiffContracts, bob_->contracts(), candidate);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->diff().breaking());
  EXPECT_EQ(c->diff().from_version(), "1.1.0");
  EXPECT_EQ(c->diff().needed_bump(), "major");
  EXPECT_FALSE(c->diff().version_ok());
  // Unknown versions and missing fields are named.
  req.set_to_version("9.9.9");
  auto missing = bob_->Call(&CStub::DiffContracts, bob_->contracts(), req);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("9.9.9"));
  auto no_id = bob_->Call(&CStub::DiffContracts, bob_->contracts(),
                          v1::DiffContractsRequest());
  EXPECT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ContractServiceTest, BindingsAreExplicitCheckedAndExclusive) {
  v1::PutContractRequest req;
  req.set_document(OrdersContract("1.0.0"));
  v1::ContractBinding* b = req.add_bindings();
  b->set_object("nope");
  b->mutable_dataset()->set_namespace_(kNs);
  b->mutable_dataset()->set_name("shop.public.report");
  auto bad = alice_->Call(&CStub::PutContract, alice_->contracts(), req);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("bindings[0].object"));
  b->set_object("orders");
  auto ok = alice_->Call(&CStub::PutContract, alice_->contracts(), req);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->contract().bindings(0).dataset().name(), "shop.public.report");
  // Another contract may not take a bound dataset.
  std::string other = OrdersContract("1.0.0");
  other.replace(other.find("id: orders"), 10, "id: other1");
  v1::PutContractRequest steal;
  steal.set_document(other);
  *steal.add_bindings() = *b;
  auto taken = alice_->Call(&CStub::PutContract, alice_->contracts(), steal);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(taken.status().message()),
              HasSubstr("already bound to contract \"orders\""));
}

TEST_F(ContractServiceTest, OnlyOwnersRegisterAndPoliciesSeeTheContract) {
  auto denied = Put(*bob_, OrdersContract("1.0.0"));
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Latest().status().code(), absl::StatusCode::kNotFound);
  // A policy keyed on the contract's state: writes need an active one.
  ASSERT_TRUE(testing::AddPolicyFile(
                  admin(), "contracts.cedar",
                  "@id(\"pipelines-write-under-active-contracts\")\n"
                  "permit (principal is ServiceAccount, action == Action::\"write\", "
                  "resource is Dataset)\nwhen { resource has contract && "
                  "resource.contract.status == \"active\" };\n")
                  .ok());
  auto ask = [&] {
    v1::AuthorizeRequest req;
    req.set_principal("ServiceAccount::\"etl\"");
    req.set_action("write");
    req.set_resource(std::string("Dataset::\"") + kNs + "/" + kOrders + "\"");
    auto r = admin().Call(&v1::PolicyService::Stub::Authorize,
                          admin().policies(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->decision() == v1::DECISION_ALLOW;
  };
  EXPECT_FALSE(ask());
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  EXPECT_TRUE(ask());  // at once: the put waited for the snapshot
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.1", "deprecated")).ok());
  EXPECT_FALSE(ask());
}

// Issue 12 #11: bob, who owns some dataset, registered a new version of
// alice's contract bound to his own dataset, which unbound hers.
TEST_F(ContractServiceTest, ANewVersionMayNotUnbindAnotherOwnersDataset) {
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  v1::ApplyRequest apply;
  v1::Dataset* d = apply.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_(kNs);
  d->mutable_key()->set_name("shop.public.bobs");
  v1::Owner* o = d->mutable_spec()->add_owners();
  o->set_principal("user:bob");
  o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
  ASSERT_TRUE(admin().Call(&v1::CatalogService::Stub::Apply, admin().catalog(), apply).ok());
  v1::PutContractRequest hijack;
  std::string doc = OrdersContract("2.0.0", "retired");
  doc.erase(doc.find("servers:"), doc.find("\nschema:") + 1 - doc.find("servers:"));
  hijack.set_document(doc);
  v1::ContractBinding* b = hijack.add_bindings();
  b->set_object("orders");
  b->mutable_dataset()->set_namespace_(kNs);
  b->mutable_dataset()->set_name("shop.public.bobs");
  auto refused = bob_->Call(&CStub::PutContract, bob_->contracts(), hijack);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr(kOrders));
  // Alice's dataset keeps its contract; the owner may move it herself.
  auto latest = Latest();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), "1.0.0");
  ASSERT_EQ(latest->bindings_size(), 1);
  EXPECT_EQ(latest->bindings(0).dataset().name(), kOrders);
  auto orders = Orders();
  ASSERT_TRUE(orders.ok());
  EXPECT_EQ(orders->contract().id(), "orders");
}

TEST_F(ContractServiceTest, CheckWriteListsEachViolation) {
  // No contract: nothing to honour.
  auto none = CheckWrite({MakeField("anything", "x", true)});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->allowed());
  EXPECT_EQ(none->contract_id(), "");
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  auto good = CheckWrite({MakeField("id", "BIGINT", false),
                          MakeField("status", "text", false),
                          MakeField("extra", "json", true)});
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->allowed());
  EXPECT_EQ(good->contract_version(), "1.0.0");
  auto bad = CheckWrite({MakeField("id", "varchar", true)});
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->allowed());
  ASSERT_EQ(bad->violations_size(), 3);
  EXPECT_EQ(bad->violations(0).rule(), "type");
  EXPECT_EQ(bad->violations(1).rule(), "nullability");
  EXPECT_EQ(bad->violations(2).property(), "status");
  EXPECT_EQ(bad->violations(2).rule(), "missing");
  // A draft is not enforced.
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.1.0", "draft")).ok());
  auto draft = CheckWrite({MakeField("id", "varchar", true)});
  ASSERT_TRUE(draft.ok());
  EXPECT_TRUE(draft->allowed());
  EXPECT_EQ(draft->contract_status(), "draft");
  // Bad input is named.
  v1::CheckWriteRequest empty;
  auto refused = pipeline_->Call(&CStub::CheckWrite, pipeline_->contracts(), empty);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("dataset"));
}

TEST_F(ContractServiceTest, CheckContractFindsSchemaGapsAndConsumers) {
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  // The orders table feeds the report through a job.
  std::string event = testing::RunEventJson(
      "COMPLETE", "11111111-1111-1111-1111-111111111111", 1, {{kOrders}},
      {{"shop.public.report"}}, "build_report", "etl", kNs);
  v1::IngestRequest ingest;
  ingest.add_events(event);
  ASSERT_TRUE(pipeline_->Call(&v1::LineageService::Stub::Ingest,
                              pipeline_->lineage(), ingest).ok());
  // The candidate drops status (breaking) and wants a column the table lacks.
  v1::CheckContractRequest req;
  req.set_document(OrdersContract(
      "2.0.0", "active", "      - name: placed_at\n        logicalType: timestamp\n"
                         "        required: true\n", false));
  req.set_file("orders.odcs.yaml");
  auto r = bob_->Call(&CStub::CheckContract, bob_->contracts(), req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->registered());
  EXPECT_TRUE(r->diff().breaking());
  ASSERT_EQ(r->datasets_size(), 1);
  const v1::DatasetCheck& check = r->datasets(0);
  EXPECT_TRUE(check.registered());
  ASSERT_EQ(check.violations_size(), 1);
  EXPECT_EQ(check.violations(0).property(), "placed_at");
  EXPECT_EQ(check.violations(0).rule(), "missing");
  ASSERT_EQ(check.consumers_size(), 1);
  EXPECT_EQ(check.consumers(0).dataset().name(), "shop.public.report");
  EXPECT_EQ(check.consumers(0).distance(), 1);
  ASSERT_EQ(check.consumers(0).owners_size(), 1);
  EXPECT_EQ(check.consumers(0).owners(0).principal(), "user:alice");
  // Nothing was registered.
  EXPECT_EQ(Latest()->version(), "1.0.0");
}

TEST_F(ContractServiceTest, LineageRunBreakingTheContractIsRecorded) {
  ASSERT_TRUE(Put(*alice_, OrdersContract("1.0.0")).ok());
  json schema = {{"schema",
                  {{"_producer", "https://example.com"},
                   {"_schemaURL", "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json"},
                   {"fields", json::array({{{"name", "id"}, {"type", "string"}}})}}}};
  std::string event = testing::RunEventJson(
      "COMPLETE", "22222222-2222-2222-2222-222222222222", 2, {},
      {{kOrders, schema}}, "load_orders", "etl", kNs);
  v1::IngestRequest ingest;
  ingest.add_events(event);
  ASSERT_TRUE(pipeline_->Call(&v1::LineageService::Stub::Ingest,
                              pipeline_->lineage(), ingest).ok());
  auto d = Orders();
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->contract_violations_size(), 1);
  const v1::ContractViolation& v = d->contract_violations(0);
  EXPECT_EQ(v.version(), "1.0.0");
  EXPECT_THAT(v.source(), HasSubstr("etl/load_orders 22222222"));
  json list = json::parse(v.violations());
  ASSERT_TRUE(list.is_array());
  std::set<std::string> rules;
  for (const json& item : list) rules.insert(item["rule"].get<std::string>());
  // id: a string; status: missing. (OpenLineage facets cannot say a field
  // is not null, so nullability is not judged.)
  EXPECT_EQ(rules, (std::set<std::string>{"type", "missing"}));
}

}  // namespace
}  // namespace catalog
