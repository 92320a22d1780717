#include "lib/contract/quality_rules.h"

#include <gtest/gtest.h>

namespace catalog::contract {
namespace {

// A contract whose `orders` object has `rules` (YAML list items, indented
// for the object) and property `id` with `id_rules`.
class QualityRules : public ::testing::Test {
 protected:
  std::vector<RuleOutcome> Judge(const std::string& object_rules, const std::string& id_rules,
                                 const Measurements& m, const std::string& api = "v3.1.0") {
    std::string text = "apiVersion: " + api +
                       "\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\n"
                       "schema:\n  - name: orders\n";
    if (!object_rules.empty()) text += "    quality:\n" + object_rules;
    text += "    properties:\n      - name: id\n        physicalName: order_id\n";
    if (!id_rules.empty()) text += "        quality:\n" + id_rules;
    text += "      - name: customer\n        properties:\n          - name: email\n"
            "            quality:\n              - metric: nullValues\n"
            "                mustBe: 0\n";
    absl::StatusOr<Document> d = ParseYaml(text, "c.yaml");
    EXPECT_TRUE(d.ok()) << d.status();
    doc_ = *std::move(d);
    contract_ = FromDocument(doc_);
    EXPECT_EQ(contract_.objects.size(), 1u);
    return JudgeQualityRules(contract_.objects[0], m);
  }
  Document doc_;
  Contract contract_;
};

Measurements Measured() {
  Measurements m;
  m.row_count = 1000;
  m.columns["order_id"] = {.null_count = 0, .distinct_count = 990};
  m.columns["customer.email"] = {.null_count = 25};
  return m;
}

TEST_F(QualityRules, EveryOperatorOnEveryMeasuredMetric) {
  struct Case {
    std::string object_rule, id_rule, status, actual;
  };
  std::vector<Case> cases = {
      {"      - metric: rowCount\n        mustBeGreaterThan: 500\n", "", "pass", "1000 rows"},
      {"      - metric: rowCount\n        mustBeGreaterThan: 1000\n", "", "fail", "1000 rows"},
      {"      - metric: rowCount\n        mustBeGreaterOrEqualTo: 1000\n", "", "pass", "1000 rows"},
      {"      - metric: rowCount\n        mustBeLessThan: 1000\n", "", "fail", "1000 rows"},
      {"      - metric: rowCount\n        mustBeLessOrEqualTo: 1000\n", "", "pass", "1000 rows"},
      {"      - metric: rowCount\n        mustBe: 1000\n", "", "pass", "1000 rows"},
      {"      - metric: rowCount\n        mustNotBe: 1000\n", "", "fail", "1000 rows"},
      {"      - metric: rowCount\n        mustBeBetween: [10, 1000]\n", "", "pass", "1000 rows"},
      {"      - metric: rowCount\n        mustNotBeBetween: [10, 1000]\n", "", "fail", "1000 rows"},
      {"", "          - metric: nullValues\n            mustBe: 0\n", "pass", "0 rows"},
      {"", "          - metric: duplicateValues\n            mustBe: 0\n", "fail", "10 rows"},
      {"", "          - metric: duplicateValues\n            unit: percent\n"
           "            mustBeLessThan: 2\n", "pass", "1 percent"},
      {"", "          - metric: missingValues\n            arguments:\n"
           "              missingValues: [null]\n            mustBe: 0\n", "pass", "0 rows"},
  };
  for (const Case& c : cases) {
    std::vector<RuleOutcome> out = Judge(c.object_rule, c.id_rule, Measured());
    ASSERT_EQ(out.size(), 2u) << c.object_rule << c.id_rule;  // and customer.email's
    EXPECT_EQ(out[0].status, c.status) << c.object_rule << c.id_rule << out[0].actual;
    EXPECT_EQ(out[0].actual, c.actual) << c.object_rule << c.id_rule;
    EXPECT_EQ(out[0].property, c.id_rule.empty() ? "" : "orders.id");
  }
}

TEST_F(QualityRules, ExpectedNamesTheOperatorAndUnitAndSeverityIsKept) {
  auto out = Judge("      - name: enough\n        metric: rowCount\n"
                   "        mustBeBetween: [100, 5000]\n        severity: warning\n",
                   "", Measured());
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].rule, "enough");
  EXPECT_EQ(out[0].metric, "rowCount");
  EXPECT_EQ(out[0].expected, "mustBeBetween [100, 5000] rows");
  EXPECT_EQ(out[0].severity, "warning");
  EXPECT_EQ(out[0].value, 1000);
  // A nested property's column is its path below the object; one with a
  // physicalName, that name.
  EXPECT_EQ(out[1].property, "orders.customer.email");
  EXPECT_EQ(out[1].column, "customer.email");
  auto id = Judge("", "          - metric: nullValues\n            mustBe: 0\n", Measured());
  EXPECT_EQ(id[0].property, "orders.id");
  EXPECT_EQ(id[0].column, "order_id");
  EXPECT_EQ(out[1].status, "fail");
  EXPECT_EQ(out[1].actual, "25 rows");
}

TEST_F(QualityRules, PercentIsOfTheRowsEvaluated) {
  auto out = Judge("", "", Measured());
  Measurements m = Measured();
  out = Judge("", "          - metric: nullValues\n            unit: percent\n"
                  "            mustBeLessOrEqualTo: 0.5\n", m);
  EXPECT_EQ(out[0].status, "pass");
  m.columns["order_id"].null_count = 6;
  out = Judge("", "          - metric: nullValues\n            unit: percent\n"
                  "            mustBeLessOrEqualTo: 0.5\n", m);
  EXPECT_EQ(out[0].status, "fail");
  EXPECT_EQ(out[0].actual, "0.6 percent");
}

TEST_F(QualityRules, WhatDidNotArriveIsNotMeasuredNeverPassed) {
  Measurements none;
  auto out = Judge("      - metric: rowCount\n        mustBeGreaterThan: 0\n",
                   "          - metric: nullValues\n            mustBe: 0\n"
                   "          - metric: invalidValues\n            arguments:\n"
                   "              validValues: [a, b]\n            mustBe: 0\n"
                   "          - metric: missingValues\n            arguments:\n"
                   "              missingValues: [null, '', N/A]\n            mustBe: 0\n"
                   "          - metric: nullValues\n            mustBe: zero\n"
                   "          - metric: nullValues\n            unit: bytes\n            mustBe: 0\n",
                   none);
  ASSERT_EQ(out.size(), 7u);
  for (const RuleOutcome& o : out) {
    EXPECT_EQ(o.status, "not_measured") << o.rule;
    EXPECT_EQ(o.actual.rfind("not measured: ", 0), 0u) << o.actual;
    EXPECT_FALSE(o.value.has_value());
  }
  EXPECT_EQ(out[0].actual, "not measured: the event carries no rowCount");
  EXPECT_EQ(out[1].actual, "not measured: the event carries no nullCount for order_id");
  EXPECT_EQ(out[2].actual, "not measured: no OpenLineage metric counts invalid values");
  EXPECT_NE(out[3].actual.find("other than null"), std::string::npos);
  EXPECT_NE(out[4].actual.find("no numeric comparison"), std::string::npos);
  EXPECT_NE(out[5].actual.find("unit \"bytes\""), std::string::npos);
  // Measured now: the same missingValues rule with only null counts.
  auto measured = Judge("", "          - metric: missingValues\n            arguments:\n"
                            "              missingValues: [null, '', N/A]\n            mustBe: 0\n",
                        Measured());
  EXPECT_EQ(measured[0].status, "not_measured");
}

TEST_F(QualityRules, V30RulesAndNonLibraryRules) {
  auto out = Judge("      - rule: rowCount\n        mustBeGreaterThan: 10\n"
                   "      - type: sql\n        query: SELECT 1\n        mustBe: 1\n"
                   "      - type: text\n        description: be good\n"
                   "      - type: custom\n        engine: soda\n        implementation: x\n",
                   "          - rule: duplicateCount\n            mustBeLessThan: 20\n",
                   Measured(), "v3.0.2");
  // SQL, text and custom rules are other engines' to run: not judged.
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].metric, "rowCount");
  EXPECT_EQ(out[0].status, "pass");
  EXPECT_EQ(out[1].metric, "duplicateValues");
  EXPECT_EQ(out[1].status, "pass");
  EXPECT_EQ(out[1].actual, "10 rows");
}

}  // namespace
}  // namespace catalog::contract
