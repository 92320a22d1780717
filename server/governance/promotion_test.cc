// Promotion rules (docs/models.md#promotion-rules): what training took from
// each input (used and unmasked columns, their tags and classifications),
// and a rule judged once per input, naming the inputs that break it only
// where the caller may read them.
#include "server/governance/promotion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/authz/catalog_entities.h"

namespace catalog::governance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using json = nlohmann::json;

Dataset Customers() {
  Dataset d{.key = {"pg", "customers"}};
  d.status.revision = 7;
  d.spec.fields = {
      {.name = "id", .type = "bigint"},
      {.name = "email",
       .type = "varchar",
       .tags = {"pii"},
       .classification = Classification::kRestricted},
      {.name = "address",
       .type = "struct",
       .fields = {{.name = "zip", .type = "varchar", .tags = {"pii", "geo"}}}},
  };
  return d;
}

std::string Edge(const std::string& field, const std::string& input, bool masking) {
  return json({{"field", field},
               {"input", input},
               {"transformations", {{{"type", "DIRECT"}, {"masking", masking}}}}})
      .dump();
}

TEST(InputFactsTest, AColumnIsMaskedWhenEveryPathToTheModelMasksIt) {
  const Dataset d = Customers();
  const std::string lineage = "[" + Edge("customer_key", "email", true) + "," +
                              Edge("zip", "address.zip", true) + "," +
                              Edge("zip_raw", "address.zip", false) + "]";
  InputFacts f = InputFacts::Of(d.key, 5, 2, lineage, &d, 1);
  EXPECT_THAT(f.columns, ElementsAre("address.zip", "email"));
  EXPECT_THAT(f.unmasked_columns, ElementsAre("address.zip"));
  EXPECT_THAT(f.unmasked_tags, ElementsAre("geo", "pii"));
  EXPECT_THAT(f.unmasked_classifications, IsEmpty());
  EXPECT_EQ(f.revisions_since, 2);
  EXPECT_EQ(f.open_incidents, 1);
  EXPECT_TRUE(f.exists);
  // Only the hashed e-mail: no unmasked PII.
  f = InputFacts::Of(d.key, 7, 2, "[" + Edge("customer_key", "email", true) + "]", &d, 0);
  EXPECT_THAT(f.unmasked_columns, IsEmpty());
  EXPECT_THAT(f.unmasked_tags, IsEmpty());
  EXPECT_EQ(f.revisions_since, 0);
}

TEST(InputFactsTest, WithoutColumnLineageEveryColumnCountsAsUsedUnmasked) {
  const Dataset d = Customers();
  InputFacts f = InputFacts::Of(d.key, 7, 2, "[]", &d, 0);
  EXPECT_THAT(f.unmasked_columns, ElementsAre("address", "address.zip", "email", "id"));
  EXPECT_THAT(f.unmasked_tags, ElementsAre("geo", "pii"));
  EXPECT_THAT(f.unmasked_classifications, ElementsAre("restricted"));
  // A dataset deleted since: what the lineage named, nothing known of it.
  f = InputFacts::Of(d.key, 7, 2, "[" + Edge("k", "email", false) + "]", nullptr, 0);
  EXPECT_FALSE(f.exists);
  EXPECT_THAT(f.unmasked_columns, ElementsAre("email"));
  EXPECT_THAT(f.unmasked_tags, IsEmpty());
}

class JudgePromotionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = {.name = "churn", .spec = {.domain = "", .tags = {"prod"}}};
    version_ = {.model = "churn", .version = "3"};
    entities_.Add(authz::ModelEntity(model_));
    for (const char* name : {"customers", "orders"}) {
      Dataset d{.key = {"pg", name}};
      d.spec.certification.state = std::string(name) == "orders" ? "verified" : "draft";
      entities_.Add(authz::DatasetEntity(d));
    }
  }

  Rule Parse(const std::string& condition, const std::string& mode = "blocking") {
    auto r = ParseRule("champions-mask-pii",
                       {{"condition", condition},
                        {"mode", mode},
                        {"severity", "high"},
                        {"message", "No unmasked PII"},
                        {"covers", {{"kind", "ModelVersion"}, {"aliases", {"champion"}}}}});
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }

  WriteVerdict JudgeIt(const std::vector<Rule>& rules, const std::string& alias,
                       std::vector<InputFacts> inputs,
                       std::function<bool(const DatasetKey&)> may_name = nullptr) {
    if (!may_name) may_name = [](const DatasetKey&) { return true; };
    PromotionSubject s{
        .model = &model_, .version = &version_, .alias = alias, .inputs = std::move(inputs)};
    return JudgePromotion(rules, s, entities_, 1'800'000'000'000, may_name);
  }

  InputFacts Input(const std::string& name, std::set<std::string> unmasked_tags) {
    return {.dataset = {"pg", name}, .unmasked_tags = std::move(unmasked_tags)};
  }

  Model model_;
  ModelVersion version_;
  policy::Entities entities_;
};

TEST_F(JudgePromotionTest, ABlockingRuleRefusesNamingTheInputsThatBreakIt) {
  const std::vector<Rule> rules = {
      Parse("context has input && !context.input.unmasked_tags.contains(\"pii\")")};
  WriteVerdict v =
      JudgeIt(rules, "champion", {Input("customers", {"pii"}), Input("orders", {"finance"})});
  ASSERT_EQ(v.refusals.size(), 1u);
  EXPECT_THAT(v.refusals[0].verdict.inputs, ElementsAre("pg/customers"));
  EXPECT_EQ(Refusal(v).message(),
            "refused by governance rule: rule champions-mask-pii (blocking, "
            "high): No unmasked "
            "PII (training input pg/customers)");
  // Another alias is not covered; masked inputs keep the rule.
  EXPECT_TRUE(JudgeIt(rules, "challenger", {Input("customers", {"pii"})}).refusals.empty());
  EXPECT_TRUE(
      JudgeIt(rules, "champion", {Input("customers", {}), Input("orders", {})}).refusals.empty());
  // Trained on nothing recorded: judged once, without context.input.
  v = JudgeIt(rules, "champion", {});
  ASSERT_EQ(v.refusals.size(), 1u);
  EXPECT_THAT(v.refusals[0].verdict.inputs, IsEmpty());
}

TEST_F(JudgePromotionTest, AnInputTheCallerMayNotReadIsCountedNeverNamed) {
  // Its condition errs on the input (no such attribute): the error would
  // quote the dataset's entity, so it is not told either.
  const std::vector<Rule> rules = {Parse("context.input.dataset.nothing_here == 1")};
  WriteVerdict v = JudgeIt(rules, "champion", {Input("customers", {}), Input("orders", {})},
                           [](const DatasetKey& k) { return k.name != "customers"; });
  ASSERT_EQ(v.refusals.size(), 1u);
  EXPECT_THAT(v.refusals[0].verdict.inputs, ElementsAre("pg/orders"));
  EXPECT_EQ(v.refusals[0].verdict.hidden_inputs, 1);
  const std::string message(Refusal(v).message());
  EXPECT_THAT(message, ::testing::HasSubstr("(training inputs pg/orders and 1 you may not read)"));
  EXPECT_THAT(message, ::testing::Not(::testing::HasSubstr("customers")));
  v = JudgeIt(rules, "champion", {Input("customers", {})}, [](const DatasetKey&) { return false; });
  ASSERT_EQ(v.refusals.size(), 1u);
  EXPECT_EQ(v.refusals[0].verdict.error, "not evaluable for an input you may not read");
  EXPECT_THAT(std::string(Refusal(v).message()), ::testing::Not(::testing::HasSubstr("customers")));
}

TEST_F(JudgePromotionTest, ConditionsReadTheVersionTheAliasAndTheInputsDataset) {
  // The input's dataset entity (its certification), the alias, the model.
  const std::vector<Rule> rules = {Parse("context.input.dataset.certification == \"verified\""),
                                   Parse("context.alias == \"champion\" && "
                                         "resource.model.tags.contains(\"prod\") && "
                                         "context.training_inputs == 2")};
  WriteVerdict v = JudgeIt(rules, "champion", {Input("customers", {}), Input("orders", {})});
  ASSERT_EQ(v.refusals.size(), 1u);
  EXPECT_THAT(v.refusals[0].verdict.inputs, ElementsAre("pg/customers"));
  // A rule that does not read the input is judged once and names none.
  const std::vector<Rule> once = {Parse("resource.version == \"4\"")};
  v = JudgeIt(once, "champion", {Input("customers", {}), Input("orders", {})});
  ASSERT_EQ(v.refusals.size(), 1u);
  EXPECT_THAT(v.refusals[0].verdict.inputs, IsEmpty());
}

TEST_F(JudgePromotionTest, WarnAndWaivedBreaksAreWarningsAndAdvisoryOnesNothing) {
  const std::string condition = "!context.input.unmasked_tags.contains(\"pii\")";
  WriteVerdict v = JudgeIt({Parse(condition, "warn")}, "champion", {Input("customers", {"pii"})});
  EXPECT_TRUE(v.refusals.empty());
  EXPECT_THAT(v.warnings, ElementsAre("rule champions-mask-pii (warn, high): No unmasked PII "
                                      "(training input pg/customers)"));
  EXPECT_THAT(
      JudgeIt({Parse(condition, "advisory")}, "champion", {Input("customers", {"pii"})}).warnings,
      IsEmpty());
  auto waived = ParseRule(
      "waived",
      {{"condition", condition},
       {"mode", "blocking"},
       {"covers", {{"kind", "ModelVersion"}}},
       {"waivers", {{{"model", "churn"}, {"until", "2099-01-01"}, {"reason", "retraining"}}}}});
  ASSERT_TRUE(waived.ok()) << waived.status();
  v = JudgeIt({*waived}, "champion", {Input("customers", {"pii"})});
  EXPECT_TRUE(v.refusals.empty());
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_THAT(v.warnings[0], ::testing::HasSubstr("(waived until 2099-01-01: retraining)"));
}

}  // namespace
}  // namespace catalog::governance
