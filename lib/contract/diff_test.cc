// One case per row of the diff table (docs/contracts-in-ci.md), each run in
// both directions: the change and its reverse.
#include "lib/contract/diff.h"

#include <gtest/gtest.h>

#include "lib/contract/lint.h"

namespace catalog::contract {
namespace {

// A contract whose only object "orders" has `properties` (YAML list items
// indented by 6) and, when given, object-level `extra` lines.
std::string ContractText(const std::string& version, const std::string& properties,
                     const std::string& extra = "",
                     const std::string& top = "") {
  return "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: " +
         version + "\nstatus: active\n" + top + "schema:\n  - name: orders\n" +
         extra + "    properties:\n" + properties;
}

DiffResult DiffTexts(const std::string& before, const std::string& after) {
  static std::vector<std::unique_ptr<Document>> keep;  // Contracts point in
  auto a = std::make_unique<Document>(*ParseYaml(before, "old.yaml"));
  auto b = std::make_unique<Document>(*ParseYaml(after, "new.yaml"));
  EXPECT_FALSE(HasErrors(Lint(*a))) << before;
  EXPECT_FALSE(HasErrors(Lint(*b))) << after;
  DiffResult r = Diff(FromDocument(*a), FromDocument(*b));
  keep.push_back(std::move(a));
  keep.push_back(std::move(b));
  return r;
}

std::string Describe(const DiffResult& r) {
  std::string out;
  for (const Change& c : r.changes) {
    out += ImpactName(c.impact) + ":" + c.rule + "(" + c.path + ") ";
  }
  return out;
}

bool Has(const DiffResult& r, Impact impact, std::string_view rule) {
  for (const Change& c : r.changes) {
    if (c.impact == impact && c.rule == rule) return true;
  }
  return false;
}

struct Row {
  const char* name;
  std::string before, after;  // property lists (or whole contracts)
  Impact forward;
  const char* forward_rule;
  Impact backward;
  const char* backward_rule;
  bool whole = false;  // before/after are whole contracts
};

const std::string kId = "      - name: id\n        logicalType: integer\n";
std::string Prop(const std::string& name, const std::string& lines = "") {
  return "      - name: " + name + "\n        logicalType: string\n" + lines;
}

std::vector<Row> Rows() {
  return {
      {"property removed / optional added", kId + Prop("note"), kId,
       Impact::kBreaking, "property-removed", Impact::kInfo, "property-added"},
      {"required property added / removed", kId,
       kId + Prop("code", "        required: true\n"), Impact::kBreaking,
       "required-property-added", Impact::kBreaking, "property-removed"},
      {"logicalType changed", Prop("id"), kId, Impact::kBreaking,
       "logical-type-changed", Impact::kBreaking, "logical-type-changed"},
      {"physicalType changed", Prop("a", "        physicalType: varchar(10)\n"),
       Prop("a", "        physicalType: text\n"), Impact::kBreaking,
       "physical-type-changed", Impact::kBreaking, "physical-type-changed"},
      {"becomes required / relaxed", Prop("a"),
       Prop("a", "        required: true\n"), Impact::kBreaking,
       "became-required", Impact::kInfo, "required-relaxed"},
      {"unique added / removed", Prop("a"), Prop("a", "        unique: true\n"),
       Impact::kBreaking, "unique-added", Impact::kInfo, "unique-removed"},
      {"primaryKey added / removed", Prop("a", "        required: true\n        unique: true\n"),
       Prop("a", "        primaryKey: true\n        required: true\n        unique: true\n"),
       Impact::kBreaking, "primary-key-added", Impact::kWarning,
       "primary-key-removed"},
      {"valid values removed / added",
       Prop("s", "        quality:\n          - metric: invalidValues\n"
                 "            mustBe: 0\n            arguments:\n"
                 "              validValues: [new, paid, shipped]\n"),
       Prop("s", "        quality:\n          - metric: invalidValues\n"
                 "            mustBe: 0\n            arguments:\n"
                 "              validValues: [new, paid]\n"),
       Impact::kBreaking, "valid-values-removed", Impact::kInfo,
       "constraint-loosened"},
      {"pattern changed",
       Prop("a", "        logicalTypeOptions:\n          pattern: '^[a-z]+$'\n"),
       Prop("a", "        logicalTypeOptions:\n          pattern: '^[a-c]+$'\n"),
       Impact::kBreaking, "constraint-tightened", Impact::kBreaking,
       "constraint-tightened"},
      {"pattern added where none was / removed", Prop("a"),
       Prop("a", "        logicalTypeOptions:\n          pattern: '^[a-z]+$'\n"),
       Impact::kWarning, "constraint-added", Impact::kInfo,
       "constraint-loosened"},
      {"maxLength tightened / loosened",
       Prop("a", "        logicalTypeOptions:\n          maxLength: 20\n"),
       Prop("a", "        logicalTypeOptions:\n          maxLength: 10\n"),
       Impact::kBreaking, "constraint-tightened", Impact::kInfo,
       "constraint-loosened"},
      {"minLength tightened / loosened",
       Prop("a", "        logicalTypeOptions:\n          minLength: 1\n"),
       Prop("a", "        logicalTypeOptions:\n          minLength: 3\n"),
       Impact::kBreaking, "constraint-tightened", Impact::kInfo,
       "constraint-loosened"},
      {"minimum tightened / loosened",
       "      - name: n\n        logicalType: integer\n        logicalTypeOptions:\n"
       "          minimum: 0\n",
       "      - name: n\n        logicalType: integer\n        logicalTypeOptions:\n"
       "          minimum: 5\n",
       Impact::kBreaking, "constraint-tightened", Impact::kInfo,
       "constraint-loosened"},
      {"maximum (date) tightened / loosened",
       "      - name: d\n        logicalType: date\n        logicalTypeOptions:\n"
       "          maximum: '2030-01-01'\n",
       "      - name: d\n        logicalType: date\n        logicalTypeOptions:\n"
       "          maximum: '2029-01-01'\n",
       Impact::kBreaking, "constraint-tightened", Impact::kInfo,
       "constraint-loosened"},
      {"constraint added where none was / removed", kId,
       "      - name: id\n        logicalType: integer\n        logicalTypeOptions:\n"
       "          maximum: 10\n",
       Impact::kWarning, "constraint-added", Impact::kInfo,
       "constraint-loosened"},
      {"classification lowered / raised",
       Prop("a", "        classification: restricted\n"),
       Prop("a", "        classification: public\n"), Impact::kBreaking,
       "classification-lowered", Impact::kWarning, "classification-raised"},
      {"classification removed / added",
       Prop("a", "        classification: confidential\n"), Prop("a"),
       Impact::kBreaking, "classification-removed", Impact::kInfo,
       "classification-added"},
      {"quality rule removed / added",
       Prop("a", "        quality:\n          - metric: nullValues\n"
                 "            mustBe: 0\n"),
       Prop("a"), Impact::kWarning, "quality-removed", Impact::kWarning,
       "quality-added"},
      {"quality rule changed",
       Prop("a", "        quality:\n          - metric: nullValues\n"
                 "            mustBe: 0\n"),
       Prop("a", "        quality:\n          - metric: nullValues\n"
                 "            mustBeLessThan: 5\n"),
       Impact::kWarning, "quality-changed", Impact::kWarning,
       "quality-changed"},
      {"format changed",
       "      - name: n\n        logicalType: integer\n        logicalTypeOptions:\n"
       "          format: i32\n",
       "      - name: n\n        logicalType: integer\n        logicalTypeOptions:\n"
       "          format: i64\n",
       Impact::kWarning, "format-changed", Impact::kWarning, "format-changed"},
      {"relationship changed", Prop("a"),
       Prop("a", "        relationships:\n          - to: customers.id\n"),
       Impact::kWarning, "relationship-changed", Impact::kWarning,
       "relationship-changed"},
      {"description changed", Prop("a", "        description: one\n"),
       Prop("a", "        description: two\n"), Impact::kInfo,
       "description-changed", Impact::kInfo, "description-changed"},
      {"tags changed", Prop("a", "        tags: [x]\n"),
       Prop("a", "        tags: [y]\n"), Impact::kInfo, "tags-changed",
       Impact::kInfo, "tags-changed"},
      {"examples changed", Prop("a", "        examples: [x]\n"),
       Prop("a", "        examples: [y]\n"), Impact::kInfo, "examples-changed",
       Impact::kInfo, "examples-changed"},
      {"object removed / added", ContractText("1.0.0", kId) + "  - name: extra\n",
       ContractText("2.0.0", kId), Impact::kBreaking, "object-removed",
       Impact::kInfo, "object-added", true},
      {"team changed",
       ContractText("1.0.0", kId, "", "team:\n  name: a\n"),
       ContractText("1.0.1", kId, "", "team:\n  name: b\n"), Impact::kInfo,
       "team-changed", Impact::kInfo, "team-changed", true},
      {"support changed",
       ContractText("1.0.0", kId, "", "support:\n  - channel: '#a'\n"),
       ContractText("1.0.1", kId, "", "support:\n  - channel: '#b'\n"),
       Impact::kInfo, "support-changed", Impact::kInfo, "support-changed", true},
      {"SLA changed",
       ContractText("1.0.0", kId, "", "slaProperties:\n  - property: latency\n    value: 4\n"),
       ContractText("1.0.1", kId, "", "slaProperties:\n  - property: latency\n    value: 2\n"),
       Impact::kInfo, "slaProperties-changed", Impact::kInfo,
       "slaProperties-changed", true},
  };
}

TEST(ContractDiff, EveryRowOfTheTableInBothDirections) {
  for (const Row& row : Rows()) {
    std::string a = row.whole ? row.before : ContractText("1.0.0", row.before);
    std::string b = row.whole ? row.after : ContractText("1.0.0", row.after);
    DiffResult forward = DiffTexts(a, b);
    EXPECT_TRUE(Has(forward, row.forward, row.forward_rule))
        << row.name << " (forward): " << Describe(forward);
    DiffResult backward = DiffTexts(b, a);
    EXPECT_TRUE(Has(backward, row.backward, row.backward_rule))
        << row.name << " (backward): " << Describe(backward);
    EXPECT_EQ(forward.Breaking(), row.forward == Impact::kBreaking) << row.name;
  }
}

TEST(ContractDiff, SameContractHasNoChanges) {
  std::string c = ContractText("1.0.0", kId + Prop("a", "        required: true\n"));
  DiffResult r = DiffTexts(c, c);
  EXPECT_TRUE(r.changes.empty()) << Describe(r);
  EXPECT_EQ(r.needed, Bump::kNone);
  EXPECT_TRUE(r.version_ok);
}

TEST(ContractDiff, VersionBumpMustFitTheChanges) {
  std::string v1 = ContractText("1.2.0", kId + Prop("a"));
  // Breaking (property removed): needs major.
  DiffResult r = DiffTexts(v1, ContractText("1.3.0", kId));
  EXPECT_EQ(r.needed, Bump::kMajor);
  EXPECT_EQ(r.actual, Bump::kMinor);
  EXPECT_FALSE(r.version_ok);
  EXPECT_TRUE(Has(r, Impact::kWarning, "version-bump")) << Describe(r);
  r = DiffTexts(v1, ContractText("2.0.0", kId));
  EXPECT_TRUE(r.version_ok);
  // An optional property added: minor.
  r = DiffTexts(v1, ContractText("1.2.1", kId + Prop("a") + Prop("b")));
  EXPECT_EQ(r.needed, Bump::kMinor);
  EXPECT_FALSE(r.version_ok);
  r = DiffTexts(v1, ContractText("1.3.0", kId + Prop("a") + Prop("b")));
  EXPECT_TRUE(r.version_ok);
  // A description: patch. A downgrade is never right.
  r = DiffTexts(v1, ContractText("1.2.1", kId + Prop("a", "        description: d\n")));
  EXPECT_EQ(r.needed, Bump::kPatch);
  EXPECT_TRUE(r.version_ok);
  r = DiffTexts(v1, ContractText("1.1.0", kId + Prop("a")));
  EXPECT_FALSE(r.version_ok);
}

TEST(ContractDiff, NestedPropertiesMatchByPath) {
  std::string nested =
      "      - name: customer\n        logicalType: object\n"
      "        properties:\n          - name: city\n"
      "            logicalType: string\n";
  std::string moved =
      "      - name: customer\n        logicalType: object\n"
      "        properties:\n          - name: town\n"
      "            logicalType: string\n";
  DiffResult r = DiffTexts(ContractText("1.0.0", nested), ContractText("1.0.0", moved));
  bool found = false;
  for (const Change& c : r.changes) {
    if (c.rule == "property-removed") {
      EXPECT_EQ(c.path, "orders.customer.city");
      EXPECT_TRUE(c.in_old);
      EXPECT_EQ(c.pos.line, 12);  // "- name: city" in the old text
      found = true;
    }
  }
  EXPECT_TRUE(found) << Describe(r);
}

}  // namespace
}  // namespace catalog::contract
