#include "lib/lineage/model_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace catalog::lineage {
namespace {

using ::testing::HasSubstr;

DatasetFacts Output(const std::string& ns, const std::string& name,
                    nlohmann::json facets = nlohmann::json::object()) {
  DatasetFacts d;
  d.key = {ns, name};
  d.facets = std::move(facets);
  return d;
}

TEST(ModelOutputTest, TheDatasetTypeFacetOrARegistryNamespaceMakesAModel) {
  EXPECT_FALSE(ModelOutputOf(Output("pg", "orders"), "r1")->has_value());
  auto typed = ModelOutputOf(
      Output("s3://ml", "churn",
             {{"datasetType", {{"datasetType", "MODEL"}}}, {"version", {{"datasetVersion", "7"}}}}),
      "r1");
  ASSERT_TRUE(typed.ok() && typed->has_value());
  EXPECT_EQ((*typed)->model, "churn");
  EXPECT_EQ((*typed)->version, "7");
  // models:/NAME/VERSION: the last segment is the version.
  auto registry = ModelOutputOf(Output("models:", "/churn/3"), "r1");
  ASSERT_TRUE(registry.ok() && registry->has_value());
  EXPECT_EQ((*registry)->model, "churn");
  EXPECT_EQ((*registry)->version, "3");
  auto nested = ModelOutputOf(Output("mlflow://tracking", "team/churn/4"), "r1");
  ASSERT_TRUE(nested.ok() && nested->has_value());
  EXPECT_EQ((*nested)->model, "team.churn");
  // No version anywhere: the run that made it names it.
  auto unversioned = ModelOutputOf(
      Output("s3://ml", "churn", {{"datasetType", {{"datasetType", "model"}}}}), "0b3c-run");
  ASSERT_TRUE(unversioned.ok() && unversioned->has_value());
  EXPECT_EQ((*unversioned)->version, "0b3c-run");
}

TEST(ModelOutputTest, ANameNoModelCanHaveIsRefusedNamingTheOutput) {
  auto bad = ModelOutputOf(Output("models:", "/chu rn/3"), "r1");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("the model output models:/"));
  EXPECT_THAT(bad.status().message(), HasSubstr("is not a model name"));
}

}  // namespace
}  // namespace catalog::lineage
