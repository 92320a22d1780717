// Integration: models through the API and the default policies
// (docs/models.md). Who registers models and versions, who promotes
// (model:promote, apart from catalog:write), what a caller who may not read
// a model learns of it, and the model card's door to datasets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using client::CatalogClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::ModelService::Stub;

class ModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    ASSERT_TRUE(Apply("admin",
                      R"(resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
                         resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
                         resources { domain { path: "ml" } }
                         resources { dataset { key { namespace: "pg" name: "holdout" } } }
                         resources { dataset { key { namespace: "pg" name: "secret" } } }
                         resources { principal { kind: PRINCIPAL_KIND_SERVICE_ACCOUNT
                                                 name: "trainer" } }
                         resources { principal { kind: PRINCIPAL_KIND_SERVICE_ACCOUNT
                                                 name: "other" } })")
                    .ok());
    for (const char* who :
         {"user:alice", "user:bob", "serviceaccount:trainer", "serviceaccount:other"}) {
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
    return As(who).Call(&v1::CatalogService::Stub::Apply, As(who).catalog(), req);
  }

  static std::string Model(const std::string& name, const std::string& owner,
                           const std::string& more = "") {
    return R"(resources { model { name: ")" + name + R"(" domain: "ml" owners { principal: ")" +
           owner + R"(" } description: "Predicts churn" )" + more + " } }";
  }
  static std::string Version(const std::string& model, const std::string& version,
                             const std::string& status = "ready") {
    return R"(resources { model_version { model: ")" + model + R"(" version: ")" + version +
           R"(" framework: "sklearn" version_status: ")" + status +
           R"(" metrics { key: "auc" value: 0.91 } } })";
  }

  absl::StatusOr<v1::PromoteModelVersionResponse> Promote(const std::string& who,
                                                          const std::string& version,
                                                          const std::string& alias) {
    v1::PromoteModelVersionRequest req;
    req.set_model("churn");
    req.set_version(version);
    req.set_alias(alias);
    return As(who).Call(&Stub::PromoteModelVersion, As(who).models(), req);
  }

  absl::StatusOr<v1::Model> Get(const std::string& who, const std::string& name) {
    v1::GetModelRequest req;
    req.set_name(name);
    return As(who).Call(&Stub::GetModel, As(who).models(), req);
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(ModelTest, OwnersRegisterTheirModelsAndTheirVersions) {
  // A model and its first version in one apply, by who names themselves
  // its owner.
  auto made = Apply("user:alice", Model("churn", "user:alice") + Version("churn", "1"));
  ASSERT_TRUE(made.ok()) << made.status();
  // Not bob's: neither a version nor a change of the model.
  auto version = Apply("user:bob", Version("churn", "2"));
  EXPECT_EQ(version.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(version.status().message(), HasSubstr("resources[0] (ModelVersion churn@2)"));
  EXPECT_EQ(Apply("user:bob", Model("churn", "user:bob")).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Apply("user:alice", Version("churn", "2")).ok());
  // Everyone reads it: its versions counted, each with its facts.
  auto got = Get("user:bob", "churn");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->versions(), 2);
  EXPECT_EQ(got->domain(), "ml");
  v1::ListModelVersionsRequest list;
  list.set_model("churn");
  auto versions =
      As("user:bob").Call(&Stub::ListModelVersions, As("user:bob").models(), list);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->versions_size(), 2);
  EXPECT_EQ(versions->versions(1).version(), "2");
  EXPECT_EQ(versions->versions(1).metrics().at("auc"), 0.91);
  // A bad version id names the field and the rule, and writes nothing.
  auto bad = Apply("user:alice", Version("churn", "no/slash"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("is not a model version"));
  // Only its owners delete a version; the model goes with its versions.
  v1::DeleteModelVersionRequest del;
  del.set_model("churn");
  del.set_version("2");
  EXPECT_EQ(As("user:bob").Call(&Stub::DeleteModelVersion, As("user:bob").models(), del)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(
      As("user:alice").Call(&Stub::DeleteModelVersion, As("user:alice").models(), del).ok());
  v1::DeleteModelRequest gone;
  gone.set_name("churn");
  ASSERT_TRUE(As("user:alice").Call(&Stub::DeleteModel, As("user:alice").models(), gone).ok());
  EXPECT_EQ(Get("user:alice", "churn").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ModelTest, PromotionIsItsOwnPermissionJudgedOnTheVersion) {
  ASSERT_TRUE(Apply("user:alice", Model("churn", "user:alice") + Version("churn", "1") +
                                      Version("churn", "2", "pending"))
                  .ok());
  auto first = Promote("user:alice", "1", "champion");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->previous_version(), "");
  EXPECT_EQ(Promote("user:bob", "1", "challenger").status().code(),
            absl::StatusCode::kPermissionDenied);
  // A policy over the version's facts: nothing pending goes to production.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "ready.cedar",
                                     R"(@id("only-ready-versions-are-promoted")
                                        forbid (principal, action == Action::"model:promote",
                                                resource is ModelVersion)
                                        unless { resource.status == "ready" };)")
                  .ok());
  auto pending = Promote("user:alice", "2", "champion");
  ASSERT_EQ(pending.status().code(), absl::StatusCode::kPermissionDenied);
  // (Denials name policies by their place in the set, not their @id.)
  EXPECT_THAT(pending.status().message(),
              HasSubstr("may not model:promote ModelVersion::\"churn@2\": forbidden by policy"));
  // Writing a version is not promoting it.
  ASSERT_TRUE(Apply("user:alice", Version("churn", "2", "ready")).ok());
  auto second = Promote("user:alice", "2", "champion");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->previous_version(), "1");
  // Read back by alias; the version knows its aliases.
  v1::GetModelVersionRequest by_alias;
  by_alias.set_model("churn");
  by_alias.set_alias("champion");
  auto champion =
      As("user:bob").Call(&Stub::GetModelVersion, As("user:bob").models(), by_alias);
  ASSERT_TRUE(champion.ok()) << champion.status();
  EXPECT_EQ(champion->version(), "2");
  EXPECT_THAT(champion->aliases(), ElementsAre("champion"));
  // What an alias points at is not deleted.
  v1::DeleteModelVersionRequest del;
  del.set_model("churn");
  del.set_version("2");
  auto in_use = As("user:alice").Call(&Stub::DeleteModelVersion, As("user:alice").models(), del);
  EXPECT_EQ(in_use.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(in_use.status().message(), HasSubstr("alias(es) champion point at it"));
  // The promotion is in the audit log.
  v1::ListAuditEventsRequest audit;
  audit.set_action("model.promote");
  auto events = server_.admin().Call(&v1::AuditService::Stub::ListAuditEvents,
                                     server_.admin().audit(), audit);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->events_size(), 2);
  EXPECT_EQ(events->events(1).target(), "churn:champion");
  EXPECT_EQ(events->events(1).actor(), "user:alice");
}

TEST_F(ModelTest, AModelTheCallerMayNotReadIsNotThere) {
  ASSERT_TRUE(Apply("user:alice", Model("churn", "user:alice") + Version("churn", "1")).ok());
  ASSERT_TRUE(Promote("user:alice", "1", "champion").ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource in Model::"churn");)")
                  .ok());
  auto hidden = Get("user:bob", "churn");
  ASSERT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  // The same words as for a model that does not exist.
  EXPECT_EQ(hidden.status().message(), "model \"churn\" not found");
  EXPECT_EQ(Get("user:bob", "nowhere").status().message(), "model \"nowhere\" not found");
  v1::ListModelsRequest list;
  auto listed = As("user:bob").Call(&Stub::ListModels, As("user:bob").models(), list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->models_size(), 0);
  v1::GetModelVersionRequest version;
  version.set_model("churn");
  version.set_version("1");
  EXPECT_EQ(As("user:bob").Call(&Stub::GetModelVersion, As("user:bob").models(), version)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  // Nor may he learn it exists by trying to promote or delete it.
  EXPECT_EQ(Promote("user:bob", "1", "challenger").status().code(),
            absl::StatusCode::kNotFound);
  v1::DeleteModelRequest del;
  del.set_name("churn");
  EXPECT_EQ(As("user:bob").Call(&Stub::DeleteModel, As("user:bob").models(), del).status().code(),
            absl::StatusCode::kNotFound);
  // Alice still sees it, with its alias.
  auto hers = Get("user:alice", "churn");
  ASSERT_TRUE(hers.ok()) << hers.status();
  ASSERT_EQ(hers->aliases_size(), 1);
  EXPECT_EQ(hers->aliases(0).version(), "1");
}

TEST_F(ModelTest, AnAliasToAVersionTheCallerMayNotReadIsNotSetForIt) {
  ASSERT_TRUE(Apply("user:alice", Model("churn", "user:alice") + Version("churn", "1") +
                                      Version("churn", "2"))
                  .ok());
  ASSERT_TRUE(Promote("user:alice", "2", "champion").ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == ModelVersion::"churn@2");)")
                  .ok());
  auto his = Get("user:bob", "churn");
  ASSERT_TRUE(his.ok()) << his.status();
  EXPECT_EQ(his->aliases_size(), 0);
  v1::GetModelVersionRequest by_alias;
  by_alias.set_model("churn");
  by_alias.set_alias("champion");
  auto hidden = As("user:bob").Call(&Stub::GetModelVersion, As("user:bob").models(), by_alias);
  ASSERT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "alias \"champion\" of model \"churn\" is not set");
  v1::ListModelVersionsRequest list;
  list.set_model("churn");
  auto versions = As("user:bob").Call(&Stub::ListModelVersions, As("user:bob").models(), list);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->versions_size(), 1);
  EXPECT_EQ(versions->versions(0).version(), "1");
}

TEST_F(ModelTest, AModelCardNamesOnlyDatasetsItsWriterMayRead) {
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "secret.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/secret");)")
                  .ok());
  auto cited = Apply("user:bob", Model("ranker", "user:bob",
                                       R"(card { evaluation_data { namespace: "pg" name: "secret" } })"));
  ASSERT_EQ(cited.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(cited.status().message(),
              HasSubstr("spec.card.evaluationData[0]: dataset pg/secret not found"));
  EXPECT_EQ(Get("admin", "ranker").status().code(), absl::StatusCode::kNotFound);
  auto fine = Apply("user:bob", Model("ranker", "user:bob",
                                      R"(card { evaluation_data { namespace: "pg" name: "holdout" } })"));
  ASSERT_TRUE(fine.ok()) << fine.status();
  auto got = Get("user:alice", "ranker");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->card().evaluation_data_size(), 1);
  EXPECT_EQ(got->card().evaluation_data(0).name(), "holdout");
  // A card read back names only the datasets its reader may read.
  ASSERT_TRUE(Apply("admin", Model("scorer", "user:alice",
                                   R"(card { evaluation_data { namespace: "pg" name: "secret" } })"))
                  .ok());
  auto bobs = Get("user:bob", "scorer");
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  EXPECT_EQ(bobs->card().evaluation_data_size(), 0);
  EXPECT_EQ(Get("user:alice", "scorer")->card().evaluation_data_size(), 1);
}

// A training run of `job`: reads pg/holdout and pg/secret, outputs
// version `version` of model churn.
std::string TrainingEvent(const std::string& run, const std::string& version,
                          const std::string& job = "train_churn") {
  return testing::RunEventJson(
      "COMPLETE", run, 5, {{"holdout"}, {"secret"}},
      {{"churn", {{"datasetType", {{"datasetType", "MODEL"}}},
                  {"version", {{"datasetVersion", version}}}}}},
      job);
}

TEST_F(ModelTest, TrainingLineageIsReadAsTheCallerMayReadItsData) {
  v1::IngestRequest ingest;
  ingest.add_events(TrainingEvent("11111111-1111-1111-1111-111111111111", "1"));
  auto done = As("serviceaccount:trainer")
                  .Call(&v1::LineageService::Stub::Ingest,
                        As("serviceaccount:trainer").lineage(), ingest);
  ASSERT_TRUE(done.ok()) << done.status();
  // Its reporter owns the new model; another pipeline may not add to it.
  auto model = Get("user:bob", "churn");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->owners(0).principal(), "serviceaccount:trainer");
  // Claiming a version that exists, it learns nothing of the run that
  // made it: refused before the claim is judged.
  v1::IngestRequest other;
  other.add_events(TrainingEvent("22222222-2222-2222-2222-222222222222", "1", "train_other"));
  auto refused = As("serviceaccount:other")
                     .Call(&v1::LineageService::Stub::Ingest,
                           As("serviceaccount:other").lineage(), other);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("may not catalog:write ModelVersion::\"churn@1\""));
  EXPECT_THAT(refused.status().message(), Not(HasSubstr("11111111")));
  // Bob may not read pg/secret: counted, never named, in the model's
  // lineage and in impact.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "secret.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/secret");)")
                  .ok());
  v1::GetModelLineageRequest req;
  req.set_model("churn");
  req.set_version("1");
  auto hers = As("user:alice").Call(&Stub::GetModelLineage, As("user:alice").models(), req);
  ASSERT_TRUE(hers.ok()) << hers.status();
  ASSERT_EQ(hers->inputs_size(), 2);
  EXPECT_EQ(hers->inputs(1).dataset().name(), "secret");
  EXPECT_EQ(hers->run().run_id(), "11111111-1111-1111-1111-111111111111");
  auto his = As("user:bob").Call(&Stub::GetModelLineage, As("user:bob").models(), req);
  ASSERT_TRUE(his.ok()) << his.status();
  ASSERT_EQ(his->inputs_size(), 1);
  EXPECT_EQ(his->inputs(0).dataset().name(), "holdout");
  EXPECT_EQ(his->hidden_inputs(), 1);
  v1::ImpactRequest impact;
  impact.set_node("pg/secret");
  auto reached = As("user:alice").Call(&v1::LineageService::Stub::Impact,
                                       As("user:alice").lineage(), impact);
  ASSERT_TRUE(reached.ok()) << reached.status();
  ASSERT_EQ(reached->models_size(), 1);
  EXPECT_EQ(reached->models(0).model(), "churn");
  EXPECT_EQ(reached->models(0).version(), "1");
  EXPECT_EQ(reached->models(0).dataset(), "pg/secret");
  // A model bob may not read is counted in impact, not named.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "churn.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource in Model::"churn");)")
                  .ok());
  impact.set_node("pg/holdout");
  auto blind = As("user:bob").Call(&v1::LineageService::Stub::Impact,
                                   As("user:bob").lineage(), impact);
  ASSERT_TRUE(blind.ok()) << blind.status();
  EXPECT_EQ(blind->models_size(), 0);
  EXPECT_EQ(blind->hidden_models(), 1);
}

// Promotion rules (docs/models.md#promotion-rules) through the API: a
// blocking rule refuses naming the input, which a promoter who may not read
// it is not told; a warn rule's break comes back as a warning; waived by
// model, it goes ahead.
TEST_F(ModelTest, APromotionRuleJudgesTheTrainingDataAndNamesOnlyWhatThePromoterMayRead) {
  ASSERT_TRUE(Apply("admin", R"(resources { dataset { key { namespace: "pg" name: "secret" }
                                  spec { schema { fields { name: "email" type: "varchar"
                                                           tags: "pii" } } } } })")
                  .ok());
  v1::IngestRequest ingest;
  ingest.add_events(TrainingEvent("11111111-1111-1111-1111-111111111111", "1"));
  auto trainer = [&]() -> CatalogClient& { return As("serviceaccount:trainer"); };
  ASSERT_TRUE(trainer().Call(&v1::LineageService::Stub::Ingest, trainer().lineage(), ingest).ok());
  auto put = [&](const std::string& text) {
    v1::PutRuleRequest rule;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rule));
    return As("admin").Call(&v1::GovernanceService::Stub::PutRule, As("admin").governance(),
                            rule);
  };
  const std::string rule = R"pb(rule { name: "champions-mask-pii" mode: "blocking"
      severity: "high" covers { kind: "ModelVersion" aliases: "champion" }
      condition: "!context.input.unmasked_tags.contains(\"pii\")"
      message: "No unmasked PII" )pb";
  ASSERT_TRUE(put(rule + "}").ok());
  auto refused = Promote("serviceaccount:trainer", "1", "champion");
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("rule champions-mask-pii (blocking, high): No unmasked PII (training "
                        "input pg/secret)"));
  EXPECT_EQ(Get("admin", "churn")->aliases_size(), 0);  // nothing moved
  EXPECT_TRUE(Promote("serviceaccount:trainer", "1", "challenger").ok());
  // A promoter who may not read pg/secret learns that an input breaks the
  // rule, not which.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "secret.cedar",
                                     R"(forbid (principal == ServiceAccount::"trainer",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/secret");)")
                  .ok());
  refused = Promote("serviceaccount:trainer", "1", "champion");
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("(training input 1 you may not read)"));
  EXPECT_THAT(refused.status().message(), Not(HasSubstr("secret")));
  // In warn mode it goes ahead, saying why it might not have.
  ASSERT_TRUE(put(R"pb(rule { name: "champions-mask-pii" mode: "warn" severity: "high"
      covers { kind: "ModelVersion" aliases: "champion" }
      condition: "!context.input.unmasked_tags.contains(\"pii\")" message: "No unmasked PII" })pb")
                  .ok());
  auto warned = Promote("admin", "1", "champion");
  ASSERT_TRUE(warned.ok()) << warned.status();
  EXPECT_THAT(warned->warnings(),
              ElementsAre("rule champions-mask-pii (warn, high): No unmasked PII (training "
                          "input pg/secret)"));
  // Blocking again, with the model waived: a warning naming the waiver.
  ASSERT_TRUE(put(rule + R"(waivers { model: "churn" until: "2099-01-01" reason: "retraining" } })")
                  .ok());
  auto waived = Promote("admin", "1", "champion");
  ASSERT_TRUE(waived.ok()) << waived.status();
  ASSERT_EQ(waived->warnings_size(), 1);
  EXPECT_THAT(waived->warnings(0), HasSubstr("(waived until 2099-01-01: retraining)"));
  // The rule reads back as written.
  v1::GetRuleRequest get;
  get.set_name("champions-mask-pii");
  auto back = As("admin").Call(&v1::GovernanceService::Stub::GetRule, As("admin").governance(),
                               get);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_THAT(back->versions(0).covers().aliases(), ElementsAre("champion"));
  EXPECT_EQ(back->versions(0).waivers(0).model(), "churn");
}

// Monitoring metrics (docs/models.md#monitoring): recorded by who may write
// the version, read over time by who may read it; a point again replaces
// itself; bad points are refused naming the field and change nothing.
TEST_F(ModelTest, MonitoringMetricsAreRecordedByWritersAndReadOverTime) {
  ASSERT_TRUE(Apply("user:alice", Model("churn", "user:alice") + Version("churn", "1") +
                                      Version("churn", "2"))
                  .ok());
  auto record = [&](const std::string& who, const std::string& version,
                    const std::string& points) {
    v1::RecordModelMetricsRequest req;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(points, &req));
    req.set_model("churn");
    req.set_version(version);
    return As(who).Call(&Stub::RecordModelMetrics, As(who).models(), req);
  };
  auto done = record("user:alice", "1",
                     R"pb(points { name: "auc" value: 0.90 time: "2026-12-01T00:00:00Z" }
                          points { name: "auc" value: 0.88 time: "2026-12-02T00:00:00Z" }
                          points { name: "gen_ai.usage.input_tokens" value: 1200
                                   time: "2026-12-02T00:00:00Z" })pb");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->recorded(), 3);
  // The same point again replaces itself.
  ASSERT_TRUE(record("user:alice", "1",
                     R"pb(points { name: "auc" value: 0.87 time: "2026-12-02T00:00:00Z" })pb")
                  .ok());
  ASSERT_TRUE(record("user:alice", "2",
                     R"pb(points { name: "auc" value: 0.93 time: "2026-12-03T00:00:00Z" })pb")
                  .ok());
  // Bob may not write alice's model; a bad point names its field.
  EXPECT_EQ(record("user:bob", "1", R"pb(points { name: "auc" value: 1 time: "2026-12-03T00:00:00Z" })pb")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto bad = record("user:alice", "1", R"pb(points { name: "auc" value: 1 time: "yesterday" })pb");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("points[0].time"));
  EXPECT_EQ(record("user:alice", "9", R"pb(points { name: "auc" value: 1 time: "2026-12-03T00:00:00Z" })pb")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  v1::GetModelMetricsRequest get;
  get.set_model("churn");
  get.set_version("1");
  get.add_names("auc");
  auto one = As("user:bob").Call(&Stub::GetModelMetrics, As("user:bob").models(), get);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->points_size(), 2);
  EXPECT_EQ(one->points(0).value(), 0.90);
  EXPECT_EQ(one->points(1).value(), 0.87);
  EXPECT_EQ(one->points(1).time(), "2026-12-02T00:00:00.000Z");
  EXPECT_EQ(one->points(1).reporter(), "user:alice");
  // Every version: those bob may not read are left out.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "v2.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == ModelVersion::"churn@2");)")
                  .ok());
  get.clear_version();
  get.clear_names();
  auto all = As("admin").Call(&Stub::GetModelMetrics, As("admin").models(), get);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->points_size(), 4);
  auto his = As("user:bob").Call(&Stub::GetModelMetrics, As("user:bob").models(), get);
  ASSERT_TRUE(his.ok()) << his.status();
  EXPECT_EQ(his->points_size(), 3);
  for (const v1::ModelMetricPoint& p : his->points()) EXPECT_EQ(p.version(), "1");
  get.set_version("2");
  EXPECT_EQ(As("user:bob").Call(&Stub::GetModelMetrics, As("user:bob").models(), get).status().code(),
            absl::StatusCode::kNotFound);
}

// A run event with the modelMetrics run facet `facet` and, when `version`
// is given, a model output (version `version` of churn, trained on
// pg/holdout).
std::string MetricsEvent(const std::string& run, const nlohmann::json& facet,
                         const std::string& version = "", const std::string& job = "") {
  nlohmann::json e = nlohmann::json::parse(testing::RunEventJson(
      "COMPLETE", run, 7, {{"holdout"}},
      version.empty() ? std::vector<testing::EventIo>{}
                      : std::vector<testing::EventIo>{
                            {"churn", {{"datasetType", {{"datasetType", "MODEL"}}},
                                       {"version", {{"datasetVersion", version}}}}}},
      !job.empty() ? job : version.empty() ? "monitor_churn" : "train_churn"));
  e["run"]["facets"]["modelMetrics"] = facet;
  return e.dump();
}

TEST_F(ModelTest, MonitoringMetricsArriveAsARunFacetUnderTheSamePermission) {
  auto ingest = [&](const std::string& who, const std::string& event) {
    v1::IngestRequest req;
    req.add_events(event);
    return As(who).Call(&v1::LineageService::Stub::Ingest, As(who).lineage(), req);
  };
  // A training run's evaluation: the version it registers.
  auto trained = ingest("serviceaccount:trainer",
                        MetricsEvent("11111111-1111-1111-1111-111111111111",
                                     {{"metrics", {{"auc", 0.91}, {"f1", 0.8}}}}, "3"));
  ASSERT_TRUE(trained.ok()) << trained.status();
  // Later, a monitoring job of the trainer's names the version, with the
  // OpenTelemetry GenAI names.
  auto monitored = ingest(
      "serviceaccount:trainer",
      MetricsEvent("22222222-2222-2222-2222-222222222222",
                   {{"gen_ai.request.model", "churn@3"},
                    {"measuredAt", "2026-12-04T08:00:00Z"},
                    {"metrics", {{"gen_ai.usage.input_tokens", 1200}, {"latency_p99_ms", 180}}}}));
  ASSERT_TRUE(monitored.ok()) << monitored.status();
  v1::GetModelMetricsRequest get;
  get.set_model("churn");
  get.set_version("3");
  auto points = As("user:bob").Call(&Stub::GetModelMetrics, As("user:bob").models(), get);
  ASSERT_TRUE(points.ok()) << points.status();
  std::vector<std::string> seen;
  for (const v1::ModelMetricPoint& p : points->points()) {
    seen.push_back(p.name() + " " + p.reporter() + (p.time() == "2026-12-04T08:00:00.000Z" ? " (measuredAt)" : ""));
  }
  EXPECT_THAT(seen, ::testing::UnorderedElementsAre(
                        "auc serviceaccount:trainer", "f1 serviceaccount:trainer",
                        "gen_ai.usage.input_tokens serviceaccount:trainer (measuredAt)",
                        "latency_p99_ms serviceaccount:trainer (measuredAt)"));
  // Another pipeline may not write the trainer's version: refused, and
  // nothing of its event is kept.
  auto refused = ingest("serviceaccount:other",
                        MetricsEvent("33333333-3333-3333-3333-333333333333",
                                     {{"model", "churn"}, {"version", "3"},
                                      {"metrics", {{"auc", 0.1}}}},
                                     "", "monitor_other"));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("run.facets.modelMetrics: serviceaccount:other may not catalog:write "
                        "ModelVersion::\"churn@3\""));
  // A bad facet names its field; a run with no model output must name one.
  auto bad = ingest("serviceaccount:trainer",
                    MetricsEvent("44444444-4444-4444-4444-444444444444",
                                 {{"model", "churn@3"}, {"metrics", {{"auc", "high"}}}}));
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("run.facets.modelMetrics.metrics.auc: must be a finite number"));
  auto unnamed = ingest("serviceaccount:trainer",
                        MetricsEvent("55555555-5555-5555-5555-555555555555",
                                     {{"metrics", {{"auc", 0.5}}}}));
  EXPECT_THAT(std::string(unnamed.status().message()),
              HasSubstr("run.facets.modelMetrics.model: is required: the run outputs no model"));
  points = As("user:bob").Call(&Stub::GetModelMetrics, As("user:bob").models(), get);
  ASSERT_EQ(points->points_size(), 4);
}

TEST_F(ModelTest, AModelsHistoryIsReadAsTheModelWasGuarded) {
  ASSERT_TRUE(Apply("admin", Model("churn", "user:alice",
                                   R"(card { evaluation_data { namespace: "pg" name: "secret" } })") +
                                 Version("churn", "1"))
                  .ok());
  ASSERT_TRUE(Apply("user:alice",
                    Model("churn", "user:alice",
                          R"(tags: "tier1" card { evaluation_data { namespace: "pg" name: "secret" } })"))
                  .ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "secret.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource == Dataset::"pg/secret");)")
                  .ok());
  auto history = [&](const std::string& who, const std::string& model,
                     const std::string& version = "") {
    v1::GetModelHistoryRequest req;
    req.set_model(model);
    req.set_version(version);
    return As(who).Call(&Stub::GetModelHistory, As(who).models(), req);
  };
  // Every revision, who made it and what changed; what the reader may not
  // read is left out of each, as it is of the model now.
  auto bobs = history("user:bob", "churn");
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  ASSERT_EQ(bobs->entries_size(), 2);
  EXPECT_EQ(bobs->entries(0).action(), "create");
  EXPECT_EQ(bobs->entries(1).revision(), 2);
  EXPECT_EQ(bobs->entries(1).actor(), "user:alice");
  EXPECT_THAT(bobs->entries(1).changes(), ElementsAre("spec.tags"));
  EXPECT_THAT(bobs->entries(1).model().tags(), ElementsAre("tier1"));
  EXPECT_EQ(bobs->entries(0).model().card().evaluation_data_size(), 0);
  EXPECT_EQ(history("user:alice", "churn")->entries(0).model().card().evaluation_data_size(), 1);
  auto version = history("user:bob", "churn", "1");
  ASSERT_TRUE(version.ok()) << version.status();
  ASSERT_EQ(version->entries_size(), 1);
  EXPECT_EQ(version->entries(0).model_version().metrics().at("auc"), 0.91);

  // Hidden from bob: the same words as for a model that never was.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource in Model::"churn");)")
                  .ok());
  EXPECT_EQ(history("user:bob", "churn").status().message(), "model \"churn\" not found");
  EXPECT_EQ(history("user:bob", "nowhere").status().message(), "model \"nowhere\" not found");
  EXPECT_EQ(history("user:bob", "churn", "1").status().code(), absl::StatusCode::kNotFound);

  // Deleted, its history stays, as guarded as the model was.
  v1::DeleteModelRequest del;
  del.set_name("churn");
  ASSERT_TRUE(As("user:alice").Call(&Stub::DeleteModel, As("user:alice").models(), del).ok());
  auto hers = history("user:alice", "churn");
  ASSERT_TRUE(hers.ok()) << hers.status();
  ASSERT_EQ(hers->entries_size(), 3);
  EXPECT_EQ(hers->entries(2).action(), "delete");
  EXPECT_EQ(hers->entries(2).model().name(), "churn");
  EXPECT_THAT(hers->entries(2).model().tags(), ElementsAre("tier1"));
  auto gone_version = history("user:alice", "churn", "1");
  ASSERT_TRUE(gone_version.ok()) << gone_version.status();
  EXPECT_EQ(gone_version->entries(1).action(), "delete");
  EXPECT_EQ(history("user:bob", "churn").status().message(), "model \"churn\" not found");
  EXPECT_EQ(history("user:bob", "churn", "1").status().code(), absl::StatusCode::kNotFound);
  // A bad name names its field.
  auto bad = history("user:alice", "no/slash");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("model"));
}

TEST_F(ModelTest, ANameCreatedAgainDoesNotShowItsEarlierLifeToWhoCouldNotReadIt) {
  ASSERT_TRUE(Apply("admin", R"(resources { domain { path: "hr" } })").ok());
  ASSERT_TRUE(Apply("user:alice",
                    R"(resources { model { name: "x" domain: "hr" owners { principal: "user:alice" }
                                           description: "Ranks who to let go" } })" +
                        Version("x", "1"))
                  .ok());
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hr.cedar",
                                     R"(forbid (principal == User::"bob",
                                                action == Action::"catalog:read",
                                                resource in Domain::"hr");)")
                  .ok());
  v1::DeleteModelRequest del;
  del.set_name("x");
  ASSERT_TRUE(As("user:alice").Call(&Stub::DeleteModel, As("user:alice").models(), del).ok());
  // Bob takes the name, in a domain he reads.
  ASSERT_TRUE(Apply("user:bob", Model("x", "user:bob") + Version("x", "1")).ok());
  auto history = [&](const std::string& who, const std::string& version = "") {
    v1::GetModelHistoryRequest req;
    req.set_model("x");
    req.set_version(version);
    return As(who).Call(&Stub::GetModelHistory, As(who).models(), req);
  };
  auto bobs = history("user:bob");
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  ASSERT_EQ(bobs->entries_size(), 1);
  EXPECT_EQ(bobs->entries(0).revision(), 3);
  EXPECT_THAT(bobs->DebugString(), Not(HasSubstr("let go")));
  auto version = history("user:bob", "1");
  ASSERT_TRUE(version.ok()) << version.status();
  ASSERT_EQ(version->entries_size(), 1);
  EXPECT_EQ(version->entries(0).revision(), 3);
  EXPECT_EQ(version->entries(0).actor(), "user:bob");
  // Alice, who read both lives, sees both.
  EXPECT_EQ(history("user:alice")->entries_size(), 3);
  EXPECT_EQ(history("user:alice", "1")->entries_size(), 3);
}

}  // namespace
}  // namespace catalog
