#include "lib/governance/rule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace catalog::governance {
namespace {

using nlohmann::json;
using policy::Value;

Rule Parsed(std::string_view name, const json& spec) {
  absl::StatusOr<Rule> r = ParseRule(name, spec);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Rule{};
}

std::string ErrorOf(std::string_view name, const json& spec) {
  absl::StatusOr<Rule> r = ParseRule(name, spec);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

TEST(RuleTest, ReadsEveryFieldAndWritesThemBack) {
  json spec = json::parse(R"({
    "description": "Gold is owned and described",
    "covers": {"kind": "Dataset", "domains": ["sales"], "layers": ["gold"],
               "tiers": [1, "2"], "classifications": ["confidential"], "tags": ["finance"]},
    "condition": "resource.owners != [] && resource.description != \"\"",
    "severity": "high",
    "mode": "blocking",
    "message": "Gold needs an owner and a description",
    "waivers": [{"dataset": "pg://db/sales.orders", "until": "2027-01-31",
                 "reason": "moving to gold"}]
  })");
  Rule r = Parsed("gold-owned", spec);
  EXPECT_EQ(r.mode, Mode::kBlocking);
  EXPECT_EQ(r.severity, Severity::kHigh);
  EXPECT_EQ(r.covers.tiers, (std::vector<int>{1, 2}));
  EXPECT_EQ(r.parts.size(), 2u);
  ASSERT_EQ(r.waivers.size(), 1u);
  EXPECT_EQ(r.waivers[0].dataset.name, "sales.orders");
  json back = RuleSpecToJson(r);
  Rule again = Parsed("gold-owned", back);
  EXPECT_EQ(RuleSpecToJson(again), back);
  EXPECT_EQ(back["covers"]["tiers"], json::array({1, 2}));
}

TEST(RuleTest, DefaultsAreAdvisoryMediumAndTheMessageIsTheDescription) {
  Rule r = Parsed("r1", {{"condition", "true"}, {"description", "always"}});
  EXPECT_EQ(r.mode, Mode::kAdvisory);
  EXPECT_EQ(r.severity, Severity::kMedium);
  EXPECT_EQ(r.message, "always");
}

TEST(RuleTest, BadInputNamesTheFieldAndTheRule) {
  EXPECT_EQ(ErrorOf("Gold", {{"condition", "true"}}),
            "metadata.name: \"Gold\" is not a rule name: 1 to 63 lowercase letters, digits "
            "and '-', starting with a letter");
  EXPECT_EQ(ErrorOf("r", json::object()), "spec.condition: is required");
  EXPECT_NE(ErrorOf("r", {{"condition", "resource.owners !="}})
                .find("spec.condition: is not a Cedar expression"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"mode", "strict"}}),
            "spec.mode: \"strict\" is not a mode (advisory, warn, blocking)");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"severity", "urgent"}}),
            "spec.severity: \"urgent\" is not a severity (low, medium, high, critical)");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"covers", {{"tiers", {7}}}}}),
            "spec.covers.tiers[0]: 7 is not a tier: 1 (most critical) to 5");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"covers", {{"kind", "Model"}}}}),
            "spec.covers.kind: \"Model\" is not a kind rules cover (Dataset, Column, DataProduct, "
            "ModelVersion)");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"covers", {{"layer", "gold"}}}}),
            "spec.covers.layer: is not a coverage (kind, domains, layers, tiers, "
            "classifications, tags, terms, aliases)");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"covers", {{"terms", {"Customer Email"}}}}}),
            "spec.covers.terms[0]: \"Customer Email\" is not a term id: lowercase letters, "
            "digits and '-', starting with a letter");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"covers", {{"classifications", {"pii"}}}}}),
            "spec.covers.classifications[0]: \"pii\" is not a classification (public, "
            "internal, confidential, restricted)");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"}, {"colour", "red"}}),
            "spec.colour: is not a field of a GovernanceRule (description, covers, "
            "condition, severity, mode, message, waivers)");
  EXPECT_EQ(ErrorOf("r", {{"condition", "true"},
                          {"waivers", {{{"dataset", "pg://db/t"}, {"until", "2027-01-01"}}}}}),
            "spec.waivers[0].reason: is required");
  EXPECT_NE(ErrorOf("r", {{"condition", "true"},
                          {"waivers",
                           {{{"dataset", "pg://db/t"}, {"until", "soon"}, {"reason", "x"}}}}})
                .find("spec.waivers[0].until"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("r", {{"condition", std::string(kMaxConditionBytes + 1, ' ')}}),
            "spec.condition: must be at most 8192 bytes");
}

TEST(RuleTest, CoverageNarrowsByEveryListGiven) {
  Rule r = Parsed("r", {{"condition", "true"},
                        {"covers", {{"domains", {"sales"}}, {"layers", {"gold"}},
                                    {"tags", {"finance", "kpi"}}}}});
  DatasetSpec d{.domain = "sales/emea", .tags = {"kpi"}, .layer = "gold"};
  EXPECT_TRUE(Covers(r, d));
  d.domain = "salesforce";  // not beneath "sales"
  EXPECT_FALSE(Covers(r, d));
  d.domain = "sales";
  d.layer = "silver";
  EXPECT_FALSE(Covers(r, d));
  d.layer = "gold";
  d.tags = {"other"};
  EXPECT_FALSE(Covers(r, d));
  EXPECT_TRUE(Covers(Parsed("all", {{"condition", "true"}}), DatasetSpec{}));
  Rule tiers = Parsed("t", {{"condition", "true"}, {"covers", {{"tiers", {1, 2}}}}});
  EXPECT_TRUE(Covers(tiers, DatasetSpec{.tier = 2}));
  EXPECT_FALSE(Covers(tiers, DatasetSpec{.tier = 0}));
}

TEST(RuleTest, TermsCoverDatasetsByTheirOwnOrTheirColumnsLinks) {
  Rule r = Parsed("r", {{"condition", "true"}, {"covers", {{"terms", {"customer"}}}}});
  EXPECT_FALSE(Covers(r, DatasetSpec{}));
  EXPECT_TRUE(Covers(r, DatasetSpec{.terms = {"customer"}}));
  DatasetSpec nested{.fields = {{.name = "buyer",
                                 .type = "struct",
                                 .fields = {{.name = "email", .terms = {"customer"}}}}}};
  EXPECT_TRUE(Covers(r, nested));
  EXPECT_FALSE(Covers(r, DatasetSpec{.terms = {"order"}}));
}

TEST(RuleTest, AColumnRuleCoversDatasetsWithACoveredColumn) {
  Rule r = Parsed("email-classified",
                  {{"condition", "resource has classificationLevel"},
                   {"covers", {{"kind", "Column"}, {"layers", {"gold"}}, {"terms", {"email"}}}}});
  EXPECT_EQ(r.covers.kind, CoveredKind::kColumn);
  EXPECT_EQ(RuleSpecToJson(r)["covers"]["kind"], "Column");
  EXPECT_EQ(RuleSpecToJson(Parsed("r", RuleSpecToJson(r))), RuleSpecToJson(r));
  const Field linked{.name = "email", .terms = {"email"}};
  const Field plain{.name = "id"};
  EXPECT_TRUE(CoversColumn(r, linked));
  EXPECT_FALSE(CoversColumn(r, plain));
  // The dataset's layer narrows; so does having a covered column at all.
  EXPECT_TRUE(Covers(r, DatasetSpec{.fields = {plain, linked}, .layer = "gold"}));
  EXPECT_FALSE(Covers(r, DatasetSpec{.fields = {plain, linked}, .layer = "silver"}));
  EXPECT_FALSE(Covers(r, DatasetSpec{.fields = {plain}, .layer = "gold"}));
  // A dataset's own link does not make a column covered.
  EXPECT_FALSE(Covers(r, DatasetSpec{.fields = {plain}, .layer = "gold", .terms = {"email"}}));
  // Classifications and tags narrow the columns.
  Rule tagged = Parsed("t", {{"condition", "true"},
                             {"covers", {{"kind", "Column"}, {"tags", {"pii"}}}}});
  EXPECT_TRUE(CoversColumn(tagged, Field{.name = "a", .tags = {"pii"}}));
  EXPECT_FALSE(CoversColumn(tagged, linked));
}

TEST(RuleTest, ADataProductRuleCoversProductsByDomainAndTags) {
  Rule r = Parsed("p", {{"condition", "resource.purpose != \"\""},
                        {"covers", {{"kind", "DataProduct"}, {"domains", {"sales"}},
                                    {"tags", {"gold"}}}},
                        {"waivers", {{{"product", "legacy"},
                                      {"until", "2099-01-01"},
                                      {"reason", "moving"}}}}});
  EXPECT_EQ(r.covers.kind, CoveredKind::kDataProduct);
  EXPECT_TRUE(CoversProduct(r, DataProductSpec{.domain = "sales/emea", .tags = {"gold"}}));
  EXPECT_FALSE(CoversProduct(r, DataProductSpec{.domain = "salesforce", .tags = {"gold"}}));
  EXPECT_FALSE(CoversProduct(r, DataProductSpec{.domain = "sales", .tags = {"silver"}}));
  // It judges no dataset, and a dataset rule judges no product.
  EXPECT_FALSE(Covers(r, DatasetSpec{.domain = "sales", .tags = {"gold"}}));
  EXPECT_FALSE(CoversProduct(Parsed("all", {{"condition", "true"}}), DataProductSpec{}));
  EXPECT_NE(ProductWaiverFor(r, "legacy", 1'800'000'000'000), nullptr);
  EXPECT_EQ(ProductWaiverFor(r, "legacy", 4'200'000'000'000), nullptr);  // past its date
  EXPECT_EQ(WaiverFor(r, {"pg", "legacy"}, 1'800'000'000'000), nullptr);
  const json back = RuleSpecToJson(r);
  EXPECT_EQ(back["covers"]["kind"], "DataProduct");
  EXPECT_EQ(back["waivers"][0]["product"], "legacy");
  EXPECT_EQ(RuleSpecToJson(Parsed("p", back)), back);
  // Datasets' coverages and waivers are refused, naming the field.
  EXPECT_EQ(ErrorOf("p", {{"condition", "true"},
                          {"covers", {{"kind", "DataProduct"}, {"layers", {"gold"}}}}}),
            "spec.covers.layers: a DataProduct rule covers products by domains and tags only");
  EXPECT_EQ(ErrorOf("p", {{"condition", "true"},
                          {"covers", {{"kind", "DataProduct"}}},
                          {"waivers", {{{"dataset", "pg/t"}, {"until", "2099-01-01"},
                                        {"reason", "r"}}}}}),
            "spec.waivers[0].dataset: a DataProduct rule's waiver names a product");
}

TEST(RuleTest, AModelVersionRuleCoversPromotionsByDomainTagsAndAlias) {
  Rule r = Parsed("m", {{"condition", "context has input"},
                        {"covers", {{"kind", "ModelVersion"}, {"domains", {"ml"}},
                                    {"tags", {"prod"}}, {"aliases", {"champion", "canary"}}}},
                        {"waivers", {{{"model", "legacy-model"},
                                      {"until", "2099-01-01"},
                                      {"reason", "retired in Q2"}}}}});
  EXPECT_EQ(r.covers.kind, CoveredKind::kModelVersion);
  EXPECT_TRUE(CoversPromotion(r, ModelSpec{.domain = "ml/churn", .tags = {"prod"}}, "champion"));
  EXPECT_TRUE(CoversPromotion(r, ModelSpec{.domain = "ml", .tags = {"prod"}}, "canary"));
  EXPECT_FALSE(CoversPromotion(r, ModelSpec{.domain = "ml", .tags = {"prod"}}, "challenger"));
  EXPECT_FALSE(CoversPromotion(r, ModelSpec{.domain = "mlops", .tags = {"prod"}}, "champion"));
  EXPECT_FALSE(CoversPromotion(r, ModelSpec{.domain = "ml", .tags = {"dev"}}, "champion"));
  // No aliases: every promotion; and it judges no dataset or product, as
  // they judge no promotion.
  Rule any = Parsed("any", {{"condition", "true"}, {"covers", {{"kind", "ModelVersion"}}}});
  EXPECT_TRUE(CoversPromotion(any, ModelSpec{}, "anything"));
  EXPECT_FALSE(Covers(any, DatasetSpec{}));
  EXPECT_FALSE(CoversProduct(any, DataProductSpec{}));
  EXPECT_FALSE(CoversPromotion(Parsed("all", {{"condition", "true"}}), ModelSpec{}, "champion"));
  EXPECT_NE(ModelWaiverFor(r, "legacy-model", 1'800'000'000'000), nullptr);
  EXPECT_EQ(ModelWaiverFor(r, "legacy-model", 4'200'000'000'000), nullptr);
  EXPECT_EQ(ModelWaiverFor(r, "other", 1'800'000'000'000), nullptr);
  const json back = RuleSpecToJson(r);
  EXPECT_EQ(back["covers"]["kind"], "ModelVersion");
  EXPECT_EQ(back["covers"]["aliases"], json({"champion", "canary"}));
  EXPECT_EQ(back["waivers"][0]["model"], "legacy-model");
  EXPECT_EQ(RuleSpecToJson(Parsed("m", back)), back);
  EXPECT_EQ(ErrorOf("m", {{"condition", "true"},
                          {"covers", {{"kind", "ModelVersion"}, {"tiers", {1}}}}}),
            "spec.covers.tiers: a ModelVersion rule covers promotions by domains, tags and "
            "aliases only");
  EXPECT_EQ(ErrorOf("m", {{"condition", "true"}, {"covers", {{"aliases", {"champion"}}}}}),
            "spec.covers.aliases: only a ModelVersion rule covers aliases");
  EXPECT_THAT(ErrorOf("m", {{"condition", "true"},
                            {"covers", {{"kind", "ModelVersion"}, {"aliases", {"Champion!"}}}}}),
              ::testing::StartsWith("spec.covers.aliases[0]: "));
  EXPECT_EQ(ErrorOf("m", {{"condition", "true"},
                          {"covers", {{"kind", "ModelVersion"}}},
                          {"waivers", {{{"dataset", "pg/t"}, {"until", "2099-01-01"},
                                        {"reason", "r"}}}}}),
            "spec.waivers[0].dataset: a ModelVersion rule's waiver names a model");
}

TEST(RuleTest, AWaiverHoldsUntilItsDate) {
  Rule r = Parsed("r", {{"condition", "true"},
                        {"waivers",
                         {{{"dataset", "pg://db/t"}, {"until", "2027-01-01"}, {"reason", "x"}}}}});
  DatasetKey key{"pg://db", "t"};
  const int64_t jan1 = 1798761600000;  // 2027-01-01T00:00:00Z
  EXPECT_NE(WaiverFor(r, key, jan1 - 1), nullptr);
  EXPECT_EQ(WaiverFor(r, key, jan1), nullptr);
  EXPECT_EQ(WaiverFor(r, DatasetKey{"pg://db", "u"}, jan1 - 1), nullptr);
}

class JudgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy::Entity d{.uid = uid_};
    d.attrs["owners"] = Value::Set({});
    d.attrs["description"] = Value::String("");
    d.attrs["layer"] = Value::String("gold");
    entities_.Add(d);
    entities_.Finalize();
  }
  policy::EntityUid uid_{"Dataset", "pg://db/t"};
  policy::Entities entities_;
};

TEST_F(JudgeTest, CountsTheFailingPartsOfTheCondition) {
  Rule r = Parsed("r", {{"condition",
                         "resource.owners != [] && resource.description != \"\" && "
                         "resource.layer == \"gold\""}});
  Verdict v = Judge(r, uid_, entities_);
  EXPECT_FALSE(v.holds);
  EXPECT_EQ(v.failing_parts, 2);
  EXPECT_TRUE(v.error.empty());
  EXPECT_TRUE(Judge(Parsed("ok", {{"condition", "resource.layer == \"gold\""}}), uid_, entities_)
                  .holds);
}

TEST_F(JudgeTest, AConditionThatCannotBeEvaluatedBreaksTheRuleAndSaysWhy) {
  Verdict v = Judge(Parsed("r", {{"condition", "resource.contract.status == \"active\""}}),
                    uid_, entities_);
  EXPECT_FALSE(v.holds);
  EXPECT_FALSE(v.error.empty());
  Verdict guarded = Judge(
      Parsed("g", {{"condition", "resource has contract && resource.contract.status == "
                                 "\"active\""}}),
      uid_, entities_);
  EXPECT_FALSE(guarded.holds);
  EXPECT_TRUE(guarded.error.empty());
  EXPECT_EQ(guarded.failing_parts, 2);
  Verdict not_bool = Judge(Parsed("n", {{"condition", "resource.layer"}}), uid_, entities_);
  EXPECT_FALSE(not_bool.holds);
  EXPECT_NE(not_bool.error.find("not a boolean"), std::string::npos);
}

}  // namespace
}  // namespace catalog::governance
