// Integration: governance attributes through the API and the default
// policies. An owner writes a dataset's layer and tier but does not
// certify it; a data steward certifies it without being able to change
// anything else; data architects set the catalog's layers; policies read
// resource.layer, resource.tier and resource.certification.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <fstream>
#include <thread>
#include <sstream>

#include "client/client.h"
#include "lib/catalog/manifest.h"
#include "proto/convert.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using client::CatalogClient;
using ::testing::HasSubstr;

class GovernanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(resources { principal { kind: PRINCIPAL_KIND_GROUP name: "data-stewards" } }
           resources { principal { kind: PRINCIPAL_KIND_GROUP name: "data-architects" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "carol"
                                   spec { groups: "data-stewards" } } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "ada"
                                   spec { groups: "data-architects" } } }
           resources { dataset { key { namespace: "pg" name: "orders" }
                                 spec { owners { principal: "user:alice" } } } })",
        &apply));
    ASSERT_TRUE(Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), apply).ok());
    for (const char* who : {"user:alice", "user:bob", "user:carol", "user:ada"}) {
      auto token = server_.Issue(who);
      ASSERT_TRUE(token.ok()) << token.status();
      clients_[who] = server_.Connect(*token);
    }
  }

  CatalogClient& Admin() { return server_.admin(); }
  CatalogClient& As(const std::string& who) { return *clients_.at(who); }

  // Writes pg/orders' spec fields named by `fields` (a merge, as manifests do).
  absl::StatusOr<v1::ApplyResponse> Write(const std::string& who, const std::string& spec,
                                          std::vector<std::string> fields) {
    v1::ApplyRequest req;
    v1::Resource* r = req.add_resources();
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(dataset { key { namespace: "pg" name: "orders" } spec { )" + spec + " } }", r));
    r->set_merge(true);
    for (const std::string& f : fields) r->add_fields(f);
    return As(who).Call(&v1::CatalogService::Stub::Apply, As(who).catalog(), req);
  }

  v1::DatasetSpec Spec() {
    v1::GetDatasetRequest get;
    get.mutable_key()->set_namespace_("pg");
    get.mutable_key()->set_name("orders");
    auto d = Admin().Call(&v1::CatalogService::Stub::GetDataset, Admin().catalog(), get);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->spec() : v1::DatasetSpec();
  }

  bool BobMayRead() {
    v1::AuthorizeRequest req;
    req.set_principal(R"(User::"bob")");
    req.set_action("read");
    req.set_resource(R"(Dataset::"pg/orders")");
    auto r = Admin().Call(&v1::PolicyService::Stub::Authorize, Admin().policies(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->decision() == v1::DECISION_ALLOW;
  }

  // Puts a rule as `who` from its text form (name, spec fields).
  absl::StatusOr<v1::PutRuleResponse> PutRule(const std::string& who, const std::string& rule,
                                              bool dry_run = false) {
    v1::PutRuleRequest req;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(rule, req.mutable_rule()));
    req.set_dry_run(dry_run);
    return As(who).Call(&v1::GovernanceService::Stub::PutRule, As(who).governance(), req);
  }

  absl::StatusOr<v1::CheckWriteResponse> CheckWrite(const std::string& who,
                                                    const std::string& dataset,
                                                    std::vector<std::string> inputs) {
    v1::CheckWriteRequest req;
    req.mutable_dataset()->set_namespace_("pg");
    req.mutable_dataset()->set_name(dataset);
    for (const std::string& i : inputs) {
      v1::DatasetKey* k = req.add_inputs();
      k->set_namespace_("pg");
      k->set_name(i);
    }
    return As(who).Call(&v1::ContractService::Stub::CheckWrite, As(who).contracts(), req);
  }

  // pg/raw bronze, pg/clean silver, pg/orders gold (its spec replaced).
  void ApplyMedallion() {
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(resources { dataset { key { namespace: "pg" name: "raw" } spec { layer: "bronze" } } }
           resources { dataset { key { namespace: "pg" name: "clean" } spec { layer: "silver" } } }
           resources { dataset { key { namespace: "pg" name: "orders" } spec { layer: "gold" } } })",
        &apply));
    ASSERT_TRUE(Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), apply).ok());
  }

  absl::StatusOr<v1::ComplianceReport> Report(const std::string& who) {
    return As(who).Call(&v1::GovernanceService::Stub::Report, As(who).governance(),
                        v1::ReportRequest());
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(GovernanceTest, OwnersSetLayerAndTierStewardsCertify) {
  ASSERT_TRUE(Write("user:alice", R"(layer: "gold" tier: 1 certification { state: "draft" })",
                    {"layer", "tier", "certification"})
                  .ok());
  // The owner may not vouch for their own dataset.
  auto self = Write("user:alice", R"(certification { state: "verified" })", {"certification"});
  ASSERT_EQ(self.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(self.status().message(), HasSubstr("catalog:certify"));
  EXPECT_EQ(Spec().certification().state(), "draft");
  // A steward certifies, and nothing else.
  auto certified = Write("user:carol",
                         R"(certification { state: "verified" expires: "2099-01-01" })",
                         {"certification"});
  ASSERT_TRUE(certified.ok()) << certified.status();
  EXPECT_EQ(Spec().certification().state(), "verified");
  EXPECT_EQ(Spec().certification().by(), "user:carol");
  EXPECT_EQ(Spec().layer(), "gold");
  auto other = Write("user:carol", R"(description: "mine now")", {"description"});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  // Certifying is no way to make a dataset.
  v1::ApplyRequest create;
  v1::Resource* r = create.add_resources();
  r->mutable_dataset()->mutable_key()->set_namespace_("pg");
  r->mutable_dataset()->mutable_key()->set_name("new_one");
  r->mutable_dataset()->mutable_spec()->mutable_certification()->set_state("verified");
  r->set_merge(true);
  r->add_fields("certification");
  EXPECT_EQ(As("user:carol")
                .Call(&v1::CatalogService::Stub::Apply, As("user:carol").catalog(), create)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // The owner may not withdraw it either, nor forge who certified it.
  EXPECT_EQ(Write("user:alice", R"(certification { })", {"certification"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto forged = Write("user:alice",
                      R"(description: "orders" certification { state: "verified"
                         expires: "2099-01-01" by: "user:mallory" })",
                      {"description", "certification"});
  ASSERT_TRUE(forged.ok()) << forged.status();
  EXPECT_EQ(Spec().certification().by(), "user:carol");
}

TEST_F(GovernanceTest, PoliciesReadLayerTierAndCertification) {
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "gold.cedar",
                                     R"(permit (principal == User::"bob", action == Action::"read",
                                                resource is Dataset)
                                        when { resource has layer && resource.layer == "gold" &&
                                               resource has tier && resource.tier <= 2 &&
                                               resource.certification == "verified" };)")
                  .ok());
  EXPECT_FALSE(BobMayRead());
  ASSERT_TRUE(Write("user:alice", R"(layer: "gold" tier: 2)", {"layer", "tier"}).ok());
  EXPECT_FALSE(BobMayRead());  // not verified yet
  ASSERT_TRUE(
      Write("user:carol", R"(certification { state: "verified" })", {"certification"}).ok());
  EXPECT_TRUE(BobMayRead());
  ASSERT_TRUE(Write("user:alice", R"(tier: 3)", {"tier"}).ok());
  EXPECT_FALSE(BobMayRead());
}

TEST_F(GovernanceTest, ArchitectsSetTheLayers) {
  v1::SetLayersRequest set;
  for (const char* l : {"raw", "bronze", "silver", "gold"}) set.add_layers(l);
  auto denied =
      As("user:alice").Call(&v1::GovernanceService::Stub::SetLayers, As("user:alice").governance(), set);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  auto bad = Write("user:alice", R"(layer: "raw")", {"layer"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("is not one of the catalog's layers"));
  auto set_by_ada =
      As("user:ada").Call(&v1::GovernanceService::Stub::SetLayers, As("user:ada").governance(), set);
  ASSERT_TRUE(set_by_ada.ok()) << set_by_ada.status();
  EXPECT_EQ(set_by_ada->revision(), 1);
  EXPECT_EQ(set_by_ada->updated_by(), "user:ada");
  ASSERT_TRUE(Write("user:alice", R"(layer: "raw")", {"layer"}).ok());
  auto read = As("user:bob").Call(&v1::GovernanceService::Stub::GetLayers,
                                  As("user:bob").governance(), v1::GetLayersRequest());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->layers_size(), 4);
  EXPECT_EQ(read->layers(0), "raw");
}

TEST_F(GovernanceTest, RulesAreTheArchitectsAndKeepTheirVersions) {
  const std::string rule = R"(name: "gold-described" condition: "resource.description != \"\""
                               covers { layers: "gold" } mode: "blocking")";
  auto denied = PutRule("user:alice", rule);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  auto bad = PutRule("user:ada", R"(name: "x" condition: "resource.description ==")");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("spec.condition: is not a Cedar expression"));
  auto made = PutRule("user:ada", rule);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_TRUE(made->changed());
  EXPECT_EQ(made->rule().version(), 1);
  EXPECT_EQ(made->rule().severity(), "medium");  // defaults filled in
  auto same = PutRule("user:ada", rule);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed());
  ASSERT_TRUE(PutRule("user:ada", rule + R"( severity: "high")").ok());
  auto listed = As("user:bob").Call(&v1::GovernanceService::Stub::ListRules,
                                    As("user:bob").governance(), v1::ListRulesRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->rules_size(), 1);
  EXPECT_EQ(listed->rules(0).version(), 2);
  EXPECT_EQ(listed->rules(0).created_by(), "user:ada");
  v1::DeleteRuleRequest del;
  del.set_name("gold-described");
  EXPECT_EQ(As("user:alice")
                .Call(&v1::GovernanceService::Stub::DeleteRule, As("user:alice").governance(), del)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(
      As("user:ada").Call(&v1::GovernanceService::Stub::DeleteRule, As("user:ada").governance(), del)
          .ok());
  v1::GetRuleRequest get;
  get.set_name("gold-described");
  auto history =
      As("user:bob").Call(&v1::GovernanceService::Stub::GetRule, As("user:bob").governance(), get);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->versions_size(), 3);
  EXPECT_TRUE(history->versions(0).deleted());
  EXPECT_EQ(history->versions(1).severity(), "high");
}

TEST_F(GovernanceTest, ABlockingRuleRefusesAnApplyThatBreaksItAndChangesNothing) {
  ASSERT_TRUE(PutRule("user:ada", R"(name: "gold-described" mode: "blocking" severity: "high"
                                     covers { layers: "gold" }
                                     condition: "resource.description != \"\""
                                     message: "Gold datasets are described")")
                  .ok());
  ASSERT_TRUE(PutRule("user:ada", R"(name: "gold-tiered" mode: "warn" covers { layers: "gold" }
                                     condition: "resource has tier")")
                  .ok());
  auto refused = Write("user:alice", R"(layer: "gold")", {"layer"});
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("resources[0] (Dataset pg/orders): refused by governance rule: rule "
                        "gold-described (blocking, high): Gold datasets are described"));
  EXPECT_EQ(Spec().layer(), "");  // nothing written
  // Described: it goes ahead, with the warn rule's warning.
  auto ok = Write("user:alice", R"(layer: "gold" description: "Orders")",
                  {"layer", "description"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->results(0).warnings_size(), 1);
  EXPECT_THAT(ok->results(0).warnings(0), HasSubstr("rule gold-tiered (warn, medium)"));
  // Emptying the description afterwards is refused the same way.
  EXPECT_EQ(Write("user:alice", R"(description: "")", {"description"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Spec().description(), "Orders");
  // A dry run is judged too.
  v1::ApplyRequest dry;
  v1::Resource* r = dry.add_resources();
  r->mutable_dataset()->mutable_key()->set_namespace_("pg");
  r->mutable_dataset()->mutable_key()->set_name("gold_new");
  r->mutable_dataset()->mutable_spec()->set_layer("gold");
  dry.set_dry_run(true);
  EXPECT_EQ(Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), dry).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(GovernanceTest, AnObjectThatAlreadyBreaksANewRuleIsNotFrozen) {
  ASSERT_TRUE(Write("user:alice", R"(layer: "gold")", {"layer"}).ok());
  // Made blocking after the fact: orders breaks both parts.
  ASSERT_TRUE(PutRule("user:ada", R"(name: "gold-ready" mode: "blocking" covers { layers: "gold" }
                                     condition: "resource.description != \"\" && resource has tier")")
                  .ok());
  // Nobody vouches for it while it breaks the rule, not even a steward.
  auto verify = Write("user:carol", R"(certification { state: "verified" })", {"certification"});
  ASSERT_EQ(verify.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(verify.status().message(),
              HasSubstr("a dataset that breaks a blocking rule is not verified"));
  // An unrelated change goes ahead, with a warning.
  auto tags = Write("user:alice", R"(tags: "finance")", {"tags"});
  ASSERT_TRUE(tags.ok()) << tags.status();
  ASSERT_EQ(tags->results(0).warnings_size(), 1);
  EXPECT_THAT(tags->results(0).warnings(0), HasSubstr("not made worse"));
  // Closer (one part fixed) goes ahead; further (a fixed part broken
  // again) does not.
  ASSERT_TRUE(Write("user:alice", R"(description: "Orders")", {"description"}).ok());
  EXPECT_EQ(Write("user:alice", R"(description: "")", {"description"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Write("user:alice", R"(tier: 2)", {"tier"}).ok());
  v1::DatasetRulesRequest req;
  req.mutable_dataset()->set_namespace_("pg");
  req.mutable_dataset()->set_name("orders");
  auto breaks = As("user:bob").Call(&v1::GovernanceService::Stub::DatasetRules,
                                    As("user:bob").governance(), req);
  ASSERT_TRUE(breaks.ok()) << breaks.status();
  EXPECT_EQ(breaks->breaks_size(), 0);
}

TEST_F(GovernanceTest, CheckWriteRefusesAGoldWriteFromBronzeUntilWaived) {
  ASSERT_NO_FATAL_FAILURE(ApplyMedallion());
  const std::string rule = R"pb(name: "gold-not-from-bronze" mode: "blocking"
                                covers { layers: "gold" }
                                condition: "!resource.upstream_layers.contains(\"bronze\")")pb";
  ASSERT_TRUE(PutRule("user:ada", rule).ok());
  auto from_bronze = CheckWrite("user:alice", "orders", {"clean", "raw"});
  ASSERT_TRUE(from_bronze.ok()) << from_bronze.status();
  EXPECT_FALSE(from_bronze->allowed());
  ASSERT_EQ(from_bronze->rule_breaks_size(), 1);
  EXPECT_EQ(from_bronze->rule_breaks(0).rule(), "gold-not-from-bronze");
  // An input the caller may not read is answered as absent: its layer is
  // not learned through a rule.
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/raw");)")
                  .ok());
  auto probe = CheckWrite("user:bob", "orders", {"raw"});
  EXPECT_EQ(probe.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(probe.status().message(), HasSubstr("inputs[0]"));
  auto from_silver = CheckWrite("user:alice", "orders", {"clean"});
  ASSERT_TRUE(from_silver.ok());
  EXPECT_TRUE(from_silver->allowed());
  EXPECT_EQ(from_silver->rule_breaks_size(), 0);
  // A waiver lets it through until its date, reported as waived.
  ASSERT_TRUE(PutRule("user:ada", rule + R"( waivers { dataset: "pg/orders" until: "2099-01-01"
                                              reason: "migrating off raw" })")
                  .ok());
  auto waived = CheckWrite("user:alice", "orders", {"raw"});
  ASSERT_TRUE(waived.ok());
  EXPECT_TRUE(waived->allowed());
  ASSERT_EQ(waived->rule_breaks_size(), 1);
  EXPECT_EQ(waived->rule_breaks(0).waived_until(), "2099-01-01");
  // A bad input is named.
  auto bad = CheckWrite("user:alice", "orders", {""});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("inputs[0]"));
}

// A run reports a write that happened: a blocking rule it broke is an
// incident on the dataset, resolved by a write that keeps the rule.
TEST_F(GovernanceTest, ALineageWriteThatBreaksABlockingRuleOpensAnIncidentUntilOneKeepsIt) {
  ASSERT_NO_FATAL_FAILURE(ApplyMedallion());
  ASSERT_TRUE(PutRule("user:ada", R"pb(name: "gold-not-from-bronze" mode: "blocking"
                                       severity: "high" covers { layers: "gold" }
                                       message: "Gold reads silver, never bronze"
                                       condition: "!resource.upstream_layers.contains(\"bronze\")")pb")
                  .ok());
  auto run = [&](const std::string& run_id, const std::string& input,
                 CatalogClient* reporter = nullptr, const std::string& job = "orders") {
    v1::IngestRequest req;
    req.add_events(R"({"eventType": "COMPLETE", "eventTime": "2026-12-04T10:00:00Z",
        "producer": "https://example.com/dbt", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": ")" + run_id + R"("}, "job": {"namespace": "dbt", "name": ")" + job +
                   R"("}, "inputs": [{"namespace": "pg", "name": ")" + input + R"("}],
        "outputs": [{"namespace": "pg", "name": "orders"}]})");
    CatalogClient& as = reporter != nullptr ? *reporter : Admin();
    return as.Call(&v1::LineageService::Stub::Ingest, as.lineage(), req);
  };
  auto incidents = [&]() {
    v1::ListIncidentsRequest req;
    req.mutable_dataset()->set_namespace_("pg");
    req.mutable_dataset()->set_name("orders");
    auto r = Admin().Call(&v1::IncidentService::Stub::ListIncidents, Admin().incidents(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::ListIncidentsResponse();
  };
  ASSERT_TRUE(Write("user:carol", R"(certification { state: "verified" })", {"certification"}).ok());
  // A pipeline that may not write orders' metadata reports a run: the
  // lineage is kept (it happened) and the break is an incident, but its
  // word alone lapses no certification.
  v1::ApplyRequest etl;
  etl.add_resources()->mutable_principal()->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  etl.mutable_resources(0)->mutable_principal()->set_name("etl");
  ASSERT_TRUE(Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), etl).ok());
  auto etl_token = server_.Issue("serviceaccount:etl");
  ASSERT_TRUE(etl_token.ok()) << etl_token.status();
  auto etl_client = server_.Connect(*etl_token);
  auto reported = run("3f1c2a9e-0000-4000-8000-000000000000", "raw", etl_client.get(), "etl_orders");
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_EQ(Spec().certification().state(), "verified");
  ASSERT_EQ(incidents().incidents_size(), 1);
  // Reported by whoever may curate it, the certification lapses.
  ASSERT_TRUE(run("3f1c2a9e-0000-4000-8000-000000000001", "raw").ok());
  EXPECT_EQ(Spec().certification().state(), "");
  v1::ListIncidentsResponse open = incidents();
  ASSERT_EQ(open.incidents_size(), 1);
  EXPECT_EQ(open.incidents(0).cause(), "rule gold-not-from-bronze");
  EXPECT_EQ(open.incidents(0).kind(), "governance");
  EXPECT_EQ(open.incidents(0).severity(), "high");
  EXPECT_EQ(open.incidents(0).state(), "open");
  // Again: still one incident.
  ASSERT_TRUE(run("3f1c2a9e-0000-4000-8000-000000000002", "raw").ok());
  EXPECT_EQ(incidents().incidents_size(), 1);
  // The fix: the job reads silver; the incident resolves, saying why.
  ASSERT_TRUE(run("3f1c2a9e-0000-4000-8000-000000000003", "clean").ok());
  v1::ListIncidentsResponse after = incidents();
  ASSERT_EQ(after.incidents_size(), 1);
  EXPECT_EQ(after.incidents(0).state(), "resolved");
  EXPECT_EQ(after.incidents(0).resolved_by(), "catalogd");
  EXPECT_THAT(after.incidents(0).resolution(), HasSubstr("a write kept the rule"));
}

TEST_F(GovernanceTest, TheReportCountsOnlyWhatTheCallerReadsAndADryRunStoresNothing) {
  v1::ApplyRequest apply;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(resources { domain { path: "sales" } }
         resources { domain { path: "hr" } }
         resources { dataset { key { namespace: "pg" name: "orders" }
                               spec { domain: "sales" layer: "gold" description: "Orders" } } }
         resources { dataset { key { namespace: "pg" name: "daily" }
                               spec { domain: "sales" layer: "gold" } } }
         resources { dataset { key { namespace: "pg" name: "salaries" }
                               spec { domain: "hr" layer: "gold" } } })",
      &apply));
  ASSERT_TRUE(Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), apply).ok());
  const std::string rule = R"(name: "gold-described" covers { layers: "gold" }
                              condition: "resource.description != \"\""
                              waivers { dataset: "pg/salaries" until: "2099-01-01" reason: "hr" })";
  // A dry run says what the rule would report, and stores nothing.
  auto dry = PutRule("user:ada", rule, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->covered(), 3);
  EXPECT_EQ(dry->breaks_size(), 2);  // daily, and salaries (waived)
  auto none = Report("user:bob");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->rules_size(), 0);
  ASSERT_TRUE(PutRule("user:ada", rule).ok());
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource in Domain::"hr");)")
                  .ok());
  auto all = Report("user:ada");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->rules_size(), 1);
  EXPECT_EQ(all->rules(0).covered(), 3);
  EXPECT_EQ(all->rules(0).breaking(), 1);
  EXPECT_EQ(all->rules(0).waived(), 1);
  EXPECT_EQ(all->rules(0).rule().waivers_size(), 1);
  ASSERT_EQ(all->domains_size(), 2);
  EXPECT_EQ(all->domains(0).domain(), "hr");
  EXPECT_EQ(all->domains(1).domain(), "sales");
  EXPECT_DOUBLE_EQ(all->domains(1).score(), 50.0);
  // Bob reads nothing of hr: not its dataset, its score, nor its waiver.
  auto bobs = Report("user:bob");
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  EXPECT_EQ(bobs->datasets(), 2);
  EXPECT_EQ(bobs->rules(0).covered(), 2);
  EXPECT_EQ(bobs->rules(0).waived(), 0);
  EXPECT_EQ(bobs->rules(0).rule().waivers_size(), 0);
  ASSERT_EQ(bobs->domains_size(), 1);
  EXPECT_EQ(bobs->domains(0).domain(), "sales");
  auto listed = As("user:bob").Call(&v1::GovernanceService::Stub::ListRules,
                                    As("user:bob").governance(), v1::ListRulesRequest());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->rules(0).waivers_size(), 0);
  // The trend: the leader's sweep ran when the rule came (housekeeping
  // asks every 5 s); bob's has no hr in it either.
  v1::ReportRequest since;
  since.set_since("30d");
  v1::ComplianceReport trend;
  for (int i = 0; i < 100 && trend.trend_size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto r = As("user:ada").Call(&v1::GovernanceService::Stub::Report, As("user:ada").governance(),
                                 since);
    ASSERT_TRUE(r.ok()) << r.status();
    trend = *r;
  }
  ASSERT_EQ(trend.trend_size(), 2);
  EXPECT_EQ(trend.trend(0).domain(), "hr");
  EXPECT_EQ(trend.trend(1).domain(), "sales");
  EXPECT_DOUBLE_EQ(trend.trend(1).score(), 50.0);
  auto bobs_trend = As("user:bob").Call(&v1::GovernanceService::Stub::Report,
                                        As("user:bob").governance(), since);
  ASSERT_TRUE(bobs_trend.ok()) << bobs_trend.status();
  ASSERT_EQ(bobs_trend->trend_size(), 1);
  EXPECT_EQ(bobs_trend->trend(0).domain(), "sales");
  // A second rule every sales dataset keeps: the trend of all rules moves,
  // that of the first alone does not (the sweep runs when the rules change).
  ASSERT_TRUE(PutRule("user:ada", R"pb(name: "anything-goes" condition: "true" mode: "advisory"
                                       covers { domains: "sales" })pb")
                  .ok());
  for (int i = 0; i < 150; ++i) {
    auto r = As("user:ada").Call(&v1::GovernanceService::Stub::Report, As("user:ada").governance(),
                                 since);
    ASSERT_TRUE(r.ok()) << r.status();
    trend = *r;
    if (trend.trend_size() == 2 && trend.trend(1).score() > 50.0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(trend.trend_size(), 2);
  EXPECT_DOUBLE_EQ(trend.trend(1).score(), 75.0);  // 3 of 4 sales checks
  v1::ReportRequest one_rule = since;
  one_rule.set_rule("gold-described");
  auto first_only = As("user:ada").Call(&v1::GovernanceService::Stub::Report,
                                        As("user:ada").governance(), one_rule);
  ASSERT_TRUE(first_only.ok()) << first_only.status();
  ASSERT_EQ(first_only->trend_size(), 2);
  EXPECT_DOUBLE_EQ(first_only->trend(1).score(), 50.0);
  one_rule.clear_since();
  EXPECT_EQ(As("user:ada")
                .Call(&v1::GovernanceService::Stub::Report, As("user:ada").governance(), one_rule)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  since.set_since("last week");
  EXPECT_EQ(As("user:bob")
                .Call(&v1::GovernanceService::Stub::Report, As("user:bob").governance(), since)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// The guide's manifest applies as written, and its steward certifies.
TEST_F(GovernanceTest, TheGuidesExampleApplies) {
  std::ifstream in(testing::SourceDir() / "docs/examples/governance.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto docs = ParseManifest(text.str(), "governance.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status();
  v1::ApplyRequest apply;
  for (const ManifestDocument& d : *docs) *apply.add_resources() = ToProto(d.resource);
  auto applied = Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), apply);
  ASSERT_TRUE(applied.ok()) << applied.status();
  auto token = server_.Issue("user:carol");
  ASSERT_TRUE(token.ok());
  auto carol = server_.Connect(*token);
  v1::ApplyRequest certify;
  v1::Resource* r = certify.add_resources();
  r->mutable_dataset()->mutable_key()->set_namespace_("postgres://prod-db:5432");
  r->mutable_dataset()->mutable_key()->set_name("sales.public.orders_daily");
  r->mutable_dataset()->mutable_spec()->mutable_certification()->set_state("verified");
  r->mutable_dataset()->mutable_spec()->mutable_certification()->set_expires("2027-06-30");
  r->set_merge(true);
  r->add_fields("certification");
  auto done = carol->Call(&v1::CatalogService::Stub::Apply, carol->catalog(), certify);
  ASSERT_TRUE(done.ok()) << done.status();
  v1::GetDatasetRequest get;
  *get.mutable_key() = r->dataset().key();
  auto d = Admin().Call(&v1::CatalogService::Stub::GetDataset, Admin().catalog(), get);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->spec().layer(), "gold");
  EXPECT_EQ(d->spec().tier(), 1);
  EXPECT_EQ(d->spec().certification().state(), "verified");
  EXPECT_EQ(d->spec().certification().by(), "user:carol");
}

}  // namespace
}  // namespace catalog
