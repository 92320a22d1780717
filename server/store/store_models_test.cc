// Models on both engines: models and versions written by Apply with their
// audit events and changes, their references checked, versions kept in the
// order they were registered, aliases moved (and raced) by SetModelAlias,
// and nothing an alias points at deleted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/store/change_codec.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StoreModelsTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    store_->AddCommitHook([this](const Change& c) { changes_.push_back(c); });
  }

  static Resource AModel(const std::string& name, const std::string& domain = "") {
    Resource r{.kind = Resource::Kind::kModel};
    r.model = {.name = name,
               .spec = {.description = "predicts " + name,
                        .domain = domain,
                        .owners = {{"user:mia", OwnershipType::kTechnical}},
                        .tags = {"ml"},
                        .card = {.intended_use = "ranking", .limitations = "EU only"}}};
    return r;
  }

  static Resource AVersion(const std::string& model, const std::string& version) {
    Resource r{.kind = Resource::Kind::kModelVersion};
    r.model_version = {.model = model,
                       .version = version,
                       .spec = {.source = "s3://models/" + model + "/" + version,
                                .framework = "sklearn",
                                .run = {.ns = "airflow", .job = "train_" + model, .run_id = "r1"},
                                .metrics = {{"auc", 0.91}},
                                .inputs = {{.name = "tenure", .type = "int"}}}};
    return r;
  }

  absl::StatusOr<ApplyResponse> Apply(const std::vector<Resource>& resources) {
    return store_->Apply(resources, "user:mia", /*dry_run=*/false, nullptr);
  }

  std::vector<std::string> Versions(const std::string& model) {
    absl::StatusOr<std::vector<ModelVersion>> all = store_->ListModelVersions(model);
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<std::string> out;
    for (const ModelVersion& v : all.ok() ? *all : std::vector<ModelVersion>{}) {
      out.push_back(v.version);
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::vector<Change> changes_;
};

TEST_P(StoreModelsTest, AModelAndItsVersionsAreWrittenAuditedAndReadBack) {
  // The version first: in one apply, order does not matter.
  absl::StatusOr<ApplyResponse> made = Apply({AVersion("churn", "1"), AModel("churn")});
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->results[0].kind, "ModelVersion");
  EXPECT_EQ(made->results[0].name, "churn@1");
  EXPECT_EQ(made->results[1].outcome, ApplyOutcome::kCreated);
  // The change carries both, through the feed's codec too (replicas).
  absl::StatusOr<Change> decoded = DecodeChange(EncodeChange(changes_.back()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->upserted.size(), 2u);
  EXPECT_EQ(decoded->upserted[0].kind, Resource::Kind::kModelVersion);
  EXPECT_EQ(decoded->upserted[0].model_version.spec, AVersion("churn", "1").model_version.spec);
  EXPECT_EQ(decoded->upserted[1].model.spec, AModel("churn").model.spec);

  absl::StatusOr<Store::ModelEntry> got = store_->GetModel("churn");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->model.spec, AModel("churn").model.spec);
  EXPECT_EQ(got->versions, 1);
  absl::StatusOr<ModelVersion> v1 = store_->GetModelVersion("churn", "1");
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->spec, AVersion("churn", "1").model_version.spec);
  EXPECT_EQ(v1->status.revision, 1);
  EXPECT_EQ(Apply({AVersion("churn", "1")})->results[0].outcome, ApplyOutcome::kUnchanged);
  // Registered in order, whatever their names.
  ASSERT_TRUE(Apply({AVersion("churn", "10")}).ok());
  ASSERT_TRUE(Apply({AVersion("churn", "2")}).ok());
  EXPECT_THAT(Versions("churn"), ElementsAre("1", "10", "2"));
  Resource archived = AVersion("churn", "1");
  archived.model_version.spec.status = "archived";
  archived.expected_revision = 1;
  ASSERT_EQ(Apply({archived})->results[0].revision, 2);
  EXPECT_EQ(Apply({archived}).status().code(), absl::StatusCode::kAborted);  // stale
  absl::StatusOr<std::vector<AuditEvent>> audit =
      store_->ListAudit(AuditFilter{.action = "modelversion."});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->size(), 4u);
  EXPECT_EQ((*audit)[0].action, "modelversion.create");
  EXPECT_EQ((*audit)[3].action, "modelversion.update");
  // The snapshot's scan sees them.
  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->ScanContents({.principal = [](Principal) {},
                                  .domain = [](Domain) {},
                                  .dataset = [](Dataset) {},
                                  .job = [](Job) {},
                                  .model = [&](Model m) { seen.push_back(m.name); },
                                  .model_version =
                                      [&](ModelVersion v) { seen.push_back(v.Ref()); }})
                  .ok());
  std::sort(seen.begin(), seen.end());
  EXPECT_THAT(seen, ElementsAre("churn", "churn@1", "churn@10", "churn@2"));
  absl::StatusOr<std::vector<Store::ModelEntry>> all = store_->ListModels();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].versions, 3);
}

TEST_P(StoreModelsTest, ReferencesMustExist) {
  absl::StatusOr<ApplyResponse> orphan = Apply({AVersion("churn", "1")});
  ASSERT_EQ(orphan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(orphan.status().message(),
              HasSubstr("metadata.name: model \"churn\" does not exist"));
  absl::StatusOr<ApplyResponse> nowhere = Apply({AModel("churn", "ml")});
  ASSERT_EQ(nowhere.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(nowhere.status().message(), HasSubstr("spec.domain: domain \"ml\" does not exist"));
  Resource evaluated = AModel("churn");
  evaluated.model.spec.card.evaluation_data = {{"pg", "holdout"}};
  absl::StatusOr<ApplyResponse> unknown = Apply({evaluated});
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("spec.card.evaluationData[0]: dataset \"pg/holdout\" does not exist"));
  EXPECT_EQ(store_->GetModel("churn").status().code(), absl::StatusCode::kNotFound);
  Resource holdout{.kind = Resource::Kind::kDataset};
  holdout.dataset.key = {"pg", "holdout"};
  ASSERT_TRUE(Apply({evaluated, holdout,
                     {.kind = Resource::Kind::kDomain, .domain = {.path = "ml"}}})
                  .ok());
  ASSERT_TRUE(Apply({AModel("ranker", "ml")}).ok());
  absl::StatusOr<int64_t> held = store_->DeleteDomain("ml", 0, "user:admin");
  ASSERT_EQ(held.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.status().message(), HasSubstr("1 model(s)"));
}

TEST_P(StoreModelsTest, AliasesMoveAndHoldWhatTheyPointAt) {
  ASSERT_TRUE(Apply({AModel("churn"), AVersion("churn", "1"), AVersion("churn", "2")}).ok());
  absl::StatusOr<Store::Promotion> first =
      store_->SetModelAlias("churn", "champion", "1", std::string(""), "user:mia");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->previous, "");
  EXPECT_GT(first->catalog_revision, 0);
  // A promotion that read an older state is refused, and changes nothing.
  absl::StatusOr<Store::Promotion> raced =
      store_->SetModelAlias("churn", "champion", "2", std::string(""), "user:ann");
  ASSERT_EQ(raced.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(raced.status().message(), HasSubstr("points at version 1, not nothing"));
  absl::StatusOr<Store::Promotion> second =
      store_->SetModelAlias("churn", "champion", "2", std::string("1"), "user:mia");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->previous, "1");
  EXPECT_EQ(store_->SetModelAlias("churn", "champion", "3", std::nullopt, "user:mia")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetModelAlias("churn", "challenger", "1", std::nullopt, "user:mia").ok());
  absl::StatusOr<Store::ModelEntry> got = store_->GetModel("churn");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->aliases.size(), 2u);
  EXPECT_EQ(got->aliases[0].alias, "challenger");
  EXPECT_EQ(got->aliases[1].alias, "champion");
  EXPECT_EQ(got->aliases[1].version, "2");
  EXPECT_EQ(got->aliases[1].updated_by, "user:mia");
  // Audited as the alias moving between registrations (1 -> 2).
  absl::StatusOr<std::vector<AuditEvent>> audit =
      store_->ListAudit(AuditFilter{.action = "model.promote"});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[1].target, "churn:champion");
  EXPECT_EQ((*audit)[1].before_revision, 1);
  EXPECT_EQ((*audit)[1].after_revision, 2);

  // What an alias points at is not deleted; nor is a model in use.
  absl::StatusOr<int64_t> in_use = store_->DeleteModelVersion("churn", "2", 0, "user:mia");
  ASSERT_EQ(in_use.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(in_use.status().message(),
              HasSubstr("model version \"churn@2\" is in use: alias(es) champion point at it"));
  absl::StatusOr<int64_t> model_in_use = store_->DeleteModel("churn", 0, "user:mia");
  ASSERT_EQ(model_in_use.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(model_in_use.status().message(), HasSubstr("challenger, champion"));
  ASSERT_TRUE(store_->UnsetModelAlias("churn", "challenger", "user:mia").ok());
  EXPECT_EQ(store_->UnsetModelAlias("churn", "challenger", "user:mia").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->DeleteModelVersion("churn", "1", 0, "user:mia").ok());
  EXPECT_THAT(changes_.back().deleted_model_versions, ElementsAre("churn@1"));
  ASSERT_TRUE(store_->UnsetModelAlias("churn", "champion", "user:mia").ok());
  // The model goes with its versions.
  ASSERT_TRUE(store_->DeleteModel("churn", 0, "user:mia").ok());
  EXPECT_THAT(changes_.back().deleted_models, ElementsAre("churn"));
  EXPECT_THAT(changes_.back().deleted_model_versions, ElementsAre("churn@2"));
  absl::StatusOr<Change> decoded = DecodeChange(EncodeChange(changes_.back()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_THAT(decoded->deleted_models, ElementsAre("churn"));
  EXPECT_THAT(decoded->deleted_model_versions, ElementsAre("churn@2"));
  EXPECT_EQ(store_->GetModelVersion("churn", "2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetModel("churn").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetModel("not/a/name").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetModelAlias("churn", "Champion", "2", std::nullopt, "user:mia")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// A training run: reads pg/customers (its email column masked on the way
// to the model's `contact` feature) and pg/orders, and outputs model
// churn, version `version`.
std::vector<lineage::Event> TrainingRun(const std::string& run, const std::string& version,
                                        const std::string& state = "COMPLETE") {
  nlohmann::json model_facets = {
      {"datasetType", {{"datasetType", "MODEL"}}},
      {"version", {{"datasetVersion", version}}},
      {"columnLineage",
       {{"fields",
         {{"contact",
           {{"inputFields",
             {{{"namespace", "pg"},
               {"name", "customers"},
               {"field", "email"},
               {"transformations",
                {{{"type", "DIRECT"}, {"subtype", "TRANSFORMATION"}, {"masking", true}}}}}}}}}}}}}};
  absl::StatusOr<lineage::Event> e = lineage::ParseEvent(testing::RunEventJson(
      state, run, 5, {{"customers"}, {"orders"}}, {{"churn", model_facets}}, "train_churn"));
  EXPECT_TRUE(e.ok()) << e.status();
  return {*e};
}

TEST_P(StoreModelsTest, ARunWhoseOutputIsAModelRegistersAVersionWithItsTrainingData) {
  // A run that only started registers nothing yet.
  ASSERT_TRUE(store_->IngestEvents(TrainingRun("11111111-1111-1111-1111-111111111111", "3",
                                               "START"),
                                   "serviceaccount:trainer")
                  .ok());
  EXPECT_EQ(store_->GetModel("churn").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<IngestResult> done = store_->IngestEvents(
      TrainingRun("11111111-1111-1111-1111-111111111111", "3"), "serviceaccount:trainer");
  ASSERT_TRUE(done.ok()) << done.status();
  // The model, new, is the reporter's; the version names its run.
  absl::StatusOr<Store::ModelEntry> model = store_->GetModel("churn");
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model->model.spec.owners.size(), 1u);
  EXPECT_EQ(model->model.spec.owners[0].principal, "serviceaccount:trainer");
  absl::StatusOr<ModelVersion> v = store_->GetModelVersion("churn", "3");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->spec.run.job, "train_churn");
  EXPECT_EQ(v->spec.run.run_id, "11111111-1111-1111-1111-111111111111");
  EXPECT_EQ(v->spec.source, "pg/churn");
  // A model is no dataset.
  EXPECT_EQ(store_->GetDataset({"pg", "churn"}).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::vector<TrainingInput>> inputs = store_->TrainingInputs("churn", "3");
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  ASSERT_EQ(inputs->size(), 2u);
  EXPECT_EQ((*inputs)[0].dataset, (DatasetKey{"pg", "customers"}));
  EXPECT_EQ((*inputs)[0].revision, 1);
  EXPECT_THAT((*inputs)[0].columns, HasSubstr("\"input\":\"email\""));
  EXPECT_THAT((*inputs)[0].columns, HasSubstr("\"masking\":true"));
  EXPECT_EQ((*inputs)[1].columns, "[]");
  // The same event again changes nothing; another run may not claim the
  // version, and nothing of its event is written.
  ASSERT_TRUE(store_->IngestEvents(TrainingRun("11111111-1111-1111-1111-111111111111", "3"),
                                   "serviceaccount:trainer")
                  .ok());
  absl::StatusOr<IngestResult> claimed = store_->IngestEvents(
      TrainingRun("22222222-2222-2222-2222-222222222222", "3"), "serviceaccount:trainer");
  ASSERT_EQ(claimed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(claimed.status().message(),
              HasSubstr("outputs[0]: model version \"churn@3\" was made by run "
                        "11111111-1111-1111-1111-111111111111 of airflow/train_churn"));
  EXPECT_EQ(store_->GetModelVersion("churn", "3")->spec.run.run_id,
            "11111111-1111-1111-1111-111111111111");
  // The gate decides who may register versions.
  IngestGate refuse{.may_register_model = [](const ModelVersion& v, const std::optional<Model>&) {
    return absl::PermissionDeniedError("not yours: " + v.Ref());
  }};
  absl::StatusOr<IngestResult> refused = store_->IngestEvents(
      TrainingRun("33333333-3333-3333-3333-333333333333", "4"), "serviceaccount:other", refuse);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("not yours: churn@4"));
  EXPECT_EQ(store_->GetModelVersion("churn", "4").status().code(), absl::StatusCode::kNotFound);
  // Impact finds the version from what it read.
  absl::StatusOr<std::vector<std::pair<DatasetKey, std::string>>> trained =
      store_->ModelsTrainedOn({{"pg", "orders"}, {"pg", "elsewhere"}});
  ASSERT_TRUE(trained.ok()) << trained.status();
  ASSERT_EQ(trained->size(), 1u);
  EXPECT_EQ((*trained)[0].second, "churn@3");
  // Deleting the version forgets what trained it.
  ASSERT_TRUE(store_->DeleteModelVersion("churn", "3", 0, "user:admin").ok());
  EXPECT_TRUE(store_->ModelsTrainedOn({{"pg", "orders"}})->empty());
}

TEST_P(StoreModelsTest, MonitoringPointsAreKeptPerVersionAndReplacedAtTheSameTime) {
  ASSERT_TRUE(Apply({AModel("churn"), AVersion("churn", "1"), AVersion("churn", "2")}).ok());
  ASSERT_TRUE(store_
                  ->RecordModelMetrics("churn", "1",
                                       {{.name = "auc", .value = 0.9, .at_ms = 1000},
                                        {.name = "auc", .value = 0.8, .at_ms = 2000},
                                        {.name = "gen_ai.usage.input_tokens", .value = 1e6,
                                         .at_ms = 2000}},
                                       "serviceaccount:monitor")
                  .ok());
  // The same metric at the same time again: replaced, not added.
  ASSERT_TRUE(store_
                  ->RecordModelMetrics("churn", "1", {{.name = "auc", .value = 0.85, .at_ms = 2000}},
                                       "serviceaccount:monitor")
                  .ok());
  ASSERT_TRUE(
      store_->RecordModelMetrics("churn", "2", {{.name = "auc", .value = 0.95, .at_ms = 3000}}, "x")
          .ok());
  absl::StatusOr<std::vector<ModelMetricPoint>> one = store_->ModelMetrics("churn", "1", 0, {}, 100);
  ASSERT_TRUE(one.ok()) << one.status();
  std::vector<std::string> seen;
  for (const ModelMetricPoint& p : *one) {
    seen.push_back(StrCat(p.version, " ", p.name, " ", p.value, " ", p.at_ms, " ", p.reporter));
  }
  EXPECT_THAT(seen, ElementsAre("1 auc 0.9 1000 serviceaccount:monitor",
                                "1 auc 0.85 2000 serviceaccount:monitor",
                                "1 gen_ai.usage.input_tokens 1e+06 2000 serviceaccount:monitor"));
  // Every version, since a time, of one name.
  absl::StatusOr<std::vector<ModelMetricPoint>> since =
      store_->ModelMetrics("churn", "", 2000, {"auc"}, 100);
  ASSERT_TRUE(since.ok()) << since.status();
  ASSERT_EQ(since->size(), 2u);
  EXPECT_EQ((*since)[1].version, "2");
  EXPECT_EQ((*since)[1].value, 0.95);
  EXPECT_EQ(store_->RecordModelMetrics("churn", "9", {{.name = "auc", .value = 1, .at_ms = 1}}, "x")
                .code(),
            absl::StatusCode::kNotFound);
}

Resource AnApplication(const std::string& name, std::vector<std::string> models,
                       std::vector<DatasetKey> sources) {
  Resource r{.kind = Resource::Kind::kAIApplication};
  r.application = {.name = name,
                   .spec = {.type = "rag",
                            .owners = {{"user:mia", OwnershipType::kTechnical}},
                            .service_account = "bot",
                            .models = std::move(models),
                            .data_sources = std::move(sources),
                            .tools = {{.name = "refund", .writes = {{"pg", "refunds"}}}}}};
  return r;
}

TEST_P(StoreModelsTest, ApplicationsAreReviewedAndFoundByWhatTheyUse) {
  Resource dataset{.kind = Resource::Kind::kDataset};
  dataset.dataset.key = {"pg", "docs"};
  Resource refunds = dataset;
  refunds.dataset.key = {"pg", "refunds"};
  ASSERT_TRUE(Apply({AModel("churn"), AVersion("churn", "1"), AVersion("churn", "2"), dataset,
                     refunds})
                  .ok());
  ASSERT_TRUE(store_->SetModelAlias("churn", "champion", "2", std::nullopt, "user:mia").ok());
  changes_.clear();
  ASSERT_TRUE(Apply({AnApplication("assistant", {"churn@champion"}, {{"pg", "docs"}}),
                     AnApplication("scorer", {"churn@1"}, {})})
                  .ok());
  // Each a change the snapshot and replicas see, unreviewed.
  ASSERT_EQ(changes_.size(), 1u);
  ASSERT_EQ(changes_[0].upserted.size(), 2u);
  EXPECT_EQ(changes_[0].upserted[0].application.review.state, "unreviewed");
  absl::StatusOr<AIApplication> reviewed =
      store_->ReviewAIApplication("assistant", "approved", "ok", 1, "user:rita");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  absl::StatusOr<Change> decoded = DecodeChange(EncodeChange(changes_.back()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->upserted[0].application.review,
            (ApplicationReview{.state = "approved",
                               .by = "user:rita",
                               .at = reviewed->review.at,
                               .note = "ok",
                               .revision = 1}));
  EXPECT_EQ(store_->GetAIApplication("assistant")->review.state, "approved");
  EXPECT_EQ(store_->ReviewAIApplication("assistant", "fine", "", 0, "user:rita").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Found by a dataset, and by a model version through the alias as it
  // points now.
  absl::StatusOr<std::vector<Store::ApplicationUse>> uses =
      store_->ApplicationsUsing({{"pg", "refunds"}}, {"churn@2"});
  ASSERT_TRUE(uses.ok()) << uses.status();
  std::vector<std::string> found;
  for (const Store::ApplicationUse& u : *uses) {
    found.push_back(StrCat(u.application, " ", u.version.empty() ? u.dataset.ToString() : u.version,
                           " ", u.used_as, " ", u.review));
  }
  EXPECT_THAT(found, ElementsAre("assistant pg/refunds tool:refund:writes approved",
                                 "assistant churn@2 churn@champion approved",
                                 "scorer pg/refunds tool:refund:writes unreviewed"));
  uses = store_->ApplicationsUsing({}, {"churn@1"});
  ASSERT_EQ(uses->size(), 1u);
  EXPECT_EQ((*uses)[0].application, "scorer");
  // A changed spec is unreviewed again; deleting forgets what it used.
  Resource changed = AnApplication("assistant", {"churn@champion"}, {});
  ASSERT_TRUE(Apply({changed}).ok());
  EXPECT_EQ(store_->GetAIApplication("assistant")->review,
            ApplicationReview{});
  // What an application uses is not deleted under it; a dataset two of
  // them use is counted once each.
  absl::StatusOr<int64_t> held = store_->DeleteDataset({"pg", "refunds"}, 0, "user:mia");
  ASSERT_EQ(held.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.status().message(), HasSubstr("is in use by 2 AI application(s)"));
  ASSERT_TRUE(store_->DeleteAIApplication("assistant", 0, "user:mia").ok());
  EXPECT_EQ(changes_.back().deleted_applications, std::vector<std::string>{"assistant"});
  EXPECT_EQ(store_->ApplicationsUsing({}, {"churn@2"})->size(), 0u);
  EXPECT_EQ(store_->GetAIApplication("assistant").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->ListAIApplications()->size(), 1u);
}

TEST_P(StoreModelsTest, FeatureViewsAreFoundByTheirSource) {
  Resource orders{.kind = Resource::Kind::kDataset};
  orders.dataset.key = {"pg", "orders"};
  orders.dataset.spec.fields = {{.name = "customer_id", .type = "bigint"},
                                {.name = "amount", .type = "double"}};
  Resource view{.kind = Resource::Kind::kFeatureView};
  view.feature_view = {.name = "customer_features",
                       .spec = {.owners = {{"user:mia", OwnershipType::kTechnical}},
                                .source = {"pg", "orders"},
                                .entities = {"customer_id"},
                                .features = {{.name = "spend", .type = "double", .column = "amount"}}}};
  changes_.clear();
  ASSERT_TRUE(Apply({orders, view}).ok());
  ASSERT_EQ(changes_.size(), 1u);
  absl::StatusOr<Change> decoded = DecodeChange(EncodeChange(changes_[0]));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->upserted.size(), 2u);
  EXPECT_EQ(decoded->upserted[1].feature_view.spec, view.feature_view.spec);
  absl::StatusOr<FeatureView> read = store_->GetFeatureView("customer_features");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->spec, view.feature_view.spec);
  EXPECT_EQ(read->status.revision, 1);
  absl::StatusOr<std::vector<FeatureView>> on = store_->FeatureViewsOn({{"pg", "orders"}});
  ASSERT_TRUE(on.ok()) << on.status();
  ASSERT_EQ(on->size(), 1u);
  EXPECT_TRUE(store_->FeatureViewsOn({{"pg", "other"}})->empty());
  // A column the source does not have is refused, and nothing is written.
  view.feature_view.spec.features[0].column = "total";
  absl::StatusOr<ApplyResponse> bad = Apply({view});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(bad.status().message(), HasSubstr("has no column \"total\""));
  EXPECT_EQ(store_->GetFeatureView("customer_features")->spec.features[0].column, "amount");
  // Its source is not deleted under it.
  absl::StatusOr<int64_t> held = store_->DeleteDataset({"pg", "orders"}, 0, "user:mia");
  ASSERT_EQ(held.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.status().message(),
              HasSubstr("dataset \"pg/orders\" is in use by 1 feature view(s); change or delete "
                        "them first"));
  EXPECT_TRUE(store_->GetDataset({"pg", "orders"}).ok());
  ASSERT_TRUE(store_->DeleteFeatureView("customer_features", 1, "user:mia").ok());
  EXPECT_EQ(changes_.back().deleted_feature_views, std::vector<std::string>{"customer_features"});
  EXPECT_TRUE(store_->FeatureViewsOn({{"pg", "orders"}})->empty());
  EXPECT_TRUE(store_->DeleteDataset({"pg", "orders"}, 0, "user:mia").ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreModelsTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
