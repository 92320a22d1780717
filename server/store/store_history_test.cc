// Object history on both engines: every revision of a model, a model
// version, a feature view and an AI application kept whole — who wrote
// it, when, which spec fields changed — deletions included, revisions that
// never repeat when a name comes back, and nothing written by an apply
// that fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/store/store.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class StoreHistoryTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  static Resource AModel(const std::string& description) {
    Resource r{.kind = Resource::Kind::kModel};
    r.model = {.name = "churn",
               .spec = {.description = description,
                        .owners = {{"user:mia", OwnershipType::kTechnical}},
                        .tags = {"ml"}}};
    return r;
  }

  static Resource AVersion(double auc) {
    Resource r{.kind = Resource::Kind::kModelVersion};
    r.model_version = {.model = "churn",
                       .version = "1",
                       .spec = {.framework = "sklearn", .metrics = {{"auc", auc}}}};
    return r;
  }

  static Resource AView(const std::string& column) {
    Resource r{.kind = Resource::Kind::kFeatureView};
    r.feature_view = {.name = "customer_features",
                      .spec = {.owners = {{"user:mia", OwnershipType::kTechnical}},
                               .source = {"pg", "orders"},
                               .entities = {"customer_id"},
                               .features = {{.name = "spend", .type = "double", .column = column}}}};
    return r;
  }

  static Resource AnApplication(const std::string& type) {
    Resource r{.kind = Resource::Kind::kAIApplication};
    r.application = {.name = "assistant",
                     .spec = {.type = type,
                              .owners = {{"user:mia", OwnershipType::kTechnical}},
                              .service_account = "bot"}};
    return r;
  }

  absl::Status Apply(const std::vector<Resource>& resources, const std::string& who) {
    return store_->Apply(resources, who, /*dry_run=*/false, nullptr).status();
  }

  template <typename T>
  static std::vector<std::string> Lines(const std::vector<Revision<T>>& revisions) {
    std::vector<std::string> out;
    for (const Revision<T>& r : revisions) {
      out.push_back(std::to_string(r.revision) + " " + r.action + " " + r.actor);
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreHistoryTest, AModelKeepsEveryRevisionAndCarriesOnAfterItIsDeleted) {
  ASSERT_TRUE(Apply({AModel("predicts churn"), AVersion(0.91)}, "user:mia").ok());
  ASSERT_TRUE(Apply({AModel("predicts churn monthly")}, "user:rita").ok());
  // Applied unchanged: no revision.
  ASSERT_TRUE(Apply({AModel("predicts churn monthly")}, "user:rita").ok());
  absl::StatusOr<std::vector<Revision<Model>>> history = store_->ModelHistory("churn");
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_THAT(Lines(*history), ElementsAre("1 create user:mia", "2 update user:rita"));
  // Each revision the model as it was, with what changed.
  EXPECT_EQ((*history)[0].object.spec.description, "predicts churn");
  EXPECT_THAT((*history)[0].changes, Contains("spec.description"));
  EXPECT_THAT((*history)[0].changes, Contains("spec.owners"));
  EXPECT_EQ((*history)[1].object.spec.description, "predicts churn monthly");
  EXPECT_THAT((*history)[1].changes, ElementsAre("spec.description"));
  EXPECT_EQ((*history)[1].object.status.revision, 2);
  EXPECT_EQ((*history)[1].object.status.updated_by, "user:rita");
  EXPECT_EQ((*history)[1].object.status.created_at, (*history)[0].time);

  // Deleting the model is its last revision, as it last was, and its
  // version's too.
  ASSERT_TRUE(store_->DeleteModel("churn", 2, "user:ops").ok());
  history = store_->ModelHistory("churn");
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_THAT(Lines(*history),
              ElementsAre("1 create user:mia", "2 update user:rita", "3 delete user:ops"));
  EXPECT_EQ(history->back().object.spec.description, "predicts churn monthly");
  EXPECT_THAT(history->back().changes, IsEmpty());
  absl::StatusOr<std::vector<Revision<ModelVersion>>> versions =
      store_->ModelVersionHistory("churn", "1");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_THAT(Lines(*versions), ElementsAre("1 create user:mia", "2 delete user:ops"));
  EXPECT_EQ(versions->back().object.spec.metrics.at("auc"), 0.91);

  // The name applied again carries on: revision 4, created anew.
  ASSERT_TRUE(Apply({AModel("predicts churn again"), AVersion(0.5)}, "user:mia").ok());
  absl::StatusOr<Store::ModelEntry> now = store_->GetModel("churn");
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->model.status.revision, 4);
  history = store_->ModelHistory("churn");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ(history->back().action, "create");
  EXPECT_EQ(history->back().object.status.created_at, history->back().time);
  versions = store_->ModelVersionHistory("churn", "1");
  EXPECT_THAT(Lines(*versions),
              ElementsAre("1 create user:mia", "2 delete user:ops", "3 create user:mia"));
}

TEST_P(StoreHistoryTest, AVersionDeletedAloneHasItsLastRevisionKept) {
  ASSERT_TRUE(Apply({AModel("m"), AVersion(0.7)}, "user:mia").ok());
  ASSERT_TRUE(Apply({AVersion(0.8)}, "user:mia").ok());
  ASSERT_TRUE(store_->DeleteModelVersion("churn", "1", 0, "user:mia").ok());
  absl::StatusOr<std::vector<Revision<ModelVersion>>> versions =
      store_->ModelVersionHistory("churn", "1");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_THAT(Lines(*versions),
              ElementsAre("1 create user:mia", "2 update user:mia", "3 delete user:mia"));
  EXPECT_THAT((*versions)[1].changes, ElementsAre("spec.metrics"));
  EXPECT_EQ((*versions)[2].object.spec.metrics.at("auc"), 0.8);
  // The model is untouched by its version's going.
  EXPECT_THAT(Lines(*store_->ModelHistory("churn")), ElementsAre("1 create user:mia"));
}

TEST_P(StoreHistoryTest, FeatureViewsAndApplicationsKeepTheirRevisions) {
  Resource orders{.kind = Resource::Kind::kDataset};
  orders.dataset.key = {"pg", "orders"};
  orders.dataset.spec.fields = {{.name = "customer_id", .type = "bigint"},
                                {.name = "amount", .type = "double"},
                                {.name = "total", .type = "double"}};
  ASSERT_TRUE(Apply({orders, AView("amount"), AnApplication("rag")}, "user:mia").ok());
  ASSERT_TRUE(Apply({AView("total"), AnApplication("agent")}, "user:rita").ok());
  // A refused apply writes no revision.
  EXPECT_FALSE(Apply({AView("missing")}, "user:rita").ok());
  ASSERT_TRUE(store_->DeleteFeatureView("customer_features", 2, "user:ops").ok());
  ASSERT_TRUE(store_->DeleteAIApplication("assistant", 2, "user:ops").ok());

  absl::StatusOr<std::vector<Revision<FeatureView>>> views =
      store_->FeatureViewHistory("customer_features");
  ASSERT_TRUE(views.ok()) << views.status();
  EXPECT_THAT(Lines(*views),
              ElementsAre("1 create user:mia", "2 update user:rita", "3 delete user:ops"));
  EXPECT_EQ((*views)[0].object.spec.features[0].column, "amount");
  EXPECT_EQ((*views)[1].object.spec.features[0].column, "total");
  EXPECT_THAT((*views)[1].changes, ElementsAre("spec.features"));

  absl::StatusOr<std::vector<Revision<AIApplication>>> apps =
      store_->AIApplicationHistory("assistant");
  ASSERT_TRUE(apps.ok()) << apps.status();
  EXPECT_THAT(Lines(*apps),
              ElementsAre("1 create user:mia", "2 update user:rita", "3 delete user:ops"));
  EXPECT_EQ((*apps)[0].object.spec.type, "rag");
  EXPECT_EQ((*apps)[2].object.spec.type, "agent");
  EXPECT_THAT((*apps)[1].changes, ElementsAre("spec.type"));
}

TEST_P(StoreHistoryTest, ANameThatNeverExistedHasNoHistoryAndABadNameIsRefused) {
  absl::StatusOr<std::vector<Revision<Model>>> none = store_->ModelHistory("never");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(store_->AIApplicationHistory("never")->empty());
  EXPECT_EQ(store_->ModelHistory("no/slash").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ModelVersionHistory("churn", "no/slash").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->FeatureViewHistory("").status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreHistoryTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
