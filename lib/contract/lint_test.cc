#include "lib/contract/lint.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "lib/util/strings.h"
#include "tests/test_env.h"

namespace catalog::contract {
namespace {

namespace fs = std::filesystem;

fs::path Examples() {
  return testing::SourceDir().parent_path() / "shared" / "conformance" /
         "odcs" / "examples";
}

std::vector<Finding> LintText(const std::string& text) {
  absl::StatusOr<Document> doc = ParseYaml(text, "c.yaml");
  EXPECT_TRUE(doc.ok()) << doc.status();
  if (!doc.ok()) return {};
  return Lint(*doc);
}

std::string Rules(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += f.rule + "@" + std::to_string(f.pos.line) + ":" + f.path + " ";
  }
  return out;
}

bool HasRule(const std::vector<Finding>& findings, std::string_view rule,
             std::string_view path = "") {
  for (const Finding& f : findings) {
    if (f.rule == rule && (path.empty() || f.path == path)) return true;
  }
  return false;
}

constexpr char kHeader[] =
    "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
    "status: active\n";

TEST(ContractLint, EveryOfficialExampleButOneLintsClean) {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(Examples())) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    std::string text = testing::ReadFile(entry.path());
    absl::StatusOr<Document> doc = ParseYaml(text, entry.path().string());
    ASSERT_TRUE(doc.ok()) << doc.status();
    std::vector<Finding> findings = Lint(*doc);
    if (entry.path().filename() == "table-column-description.odcs.yaml") {
      // Its unquoted dates under examples are the only findings, the first
      // on the line of 2022-10-03.
      size_t at = text.find("- 2022-10-03");
      ASSERT_NE(at, std::string::npos);
      int line = 1 + static_cast<int>(std::count(text.begin(),
                                                 text.begin() + at, '\n'));
      ASSERT_FALSE(findings.empty());
      for (const Finding& f : findings) {
        EXPECT_EQ(f.rule, "yaml-timestamp") << Rules(findings);
        EXPECT_EQ(f.severity, Severity::kError);
      }
      EXPECT_EQ(findings[0].pos.line, line);
      EXPECT_EQ(findings[0].path, "schema[0].properties[0].examples[0]");
      EXPECT_NE(findings[0].message.find("\"2022-10-03\""), std::string::npos);
      continue;
    }
    EXPECT_FALSE(HasErrors(findings))
        << entry.path() << ": " << Rules(findings);
  }
  EXPECT_EQ(files, 18);
}

TEST(ContractLint, SchemaRulesNameFieldAndLine) {
  std::vector<Finding> f = LintText(
      "apiVersion: v9\nkind: DataContract\nid: x\nversion: 1.0.0\n"
      "colour: blue\nschema:\n  - name: t\n    properties:\n"
      "      - name: a\n        logicalType: strng\n"
      "      - logicalType: string\n"
      "        required: yes\n");
  EXPECT_TRUE(HasRule(f, "schema/enum", "apiVersion")) << Rules(f);
  EXPECT_TRUE(HasRule(f, "schema/required", "")) << Rules(f);  // status
  EXPECT_TRUE(HasRule(f, "schema/unknown-key", "colour")) << Rules(f);
  EXPECT_TRUE(HasRule(f, "schema/enum", "schema[0].properties[0].logicalType"));
  EXPECT_TRUE(HasRule(f, "schema/required", "schema[0].properties[1]"));
  // "yes" is a string in YAML 1.2, not a boolean.
  EXPECT_TRUE(HasRule(f, "schema/type", "schema[0].properties[1].required"));
  for (const Finding& x : f) {
    if (x.path == "colour") {
      EXPECT_EQ(x.pos.line, 5);
    }
  }
}

TEST(ContractLint, QualityRuleTakesExactlyOneComparison) {
  auto rule = [](const std::string& body) {
    return LintText(std::string(kHeader) +
                    "schema:\n  - name: t\n    quality:\n      - " + body);
  };
  EXPECT_FALSE(HasErrors(rule("metric: rowCount\n        mustBeGreaterThan: 0\n")));
  EXPECT_TRUE(HasRule(rule("metric: rowCount\n        mustBe: 1\n        mustNotBe: 2\n"),
                      "schema/one-operator"));
  EXPECT_TRUE(HasRule(rule("type: sql\n        query: select 1\n"),
                      "schema/one-operator"));
  EXPECT_TRUE(HasErrors(rule("metric: rowCount\n        mustBeBetween: [1, 1]\n")));
  EXPECT_TRUE(HasRule(rule("type: custom\n        engine: soda\n"),
                      "schema/required"));
  EXPECT_TRUE(HasRule(rule("metric: nullValues\n        mustBeBetween: [5, 1]\n"),
                      "min-max"));
}

TEST(ContractLint, AnSlaCatalogdCannotJudgeIsAWarning) {
  auto sla = [](const std::string& body) {
    return LintText(std::string(kHeader) + "schema:\n  - name: t\nslaProperties:\n" + body);
  };
  EXPECT_FALSE(HasRule(sla("  - property: latency\n    value: 4\n    unit: d\n"),
                       "sla-freshness"));
  std::vector<Finding> f = sla("  - property: latency\n    value: 4\n    unit: fortnight\n");
  ASSERT_TRUE(HasRule(f, "sla-freshness"));
  EXPECT_FALSE(HasErrors(f));  // valid ODCS: a warning
  for (const Finding& x : f) {
    if (x.rule != "sla-freshness") continue;
    EXPECT_EQ(x.severity, Severity::kWarning);
    EXPECT_NE(x.message.find("slaProperties[0].unit: \"fortnight\" is not a unit"),
              std::string::npos)
        << x.message;
  }
}

TEST(ContractLint, SemanticRules) {
  std::string base = std::string(kHeader) + "schema:\n";
  // Duplicate objects and properties.
  std::vector<Finding> f = LintText(
      base + "  - name: t\n    properties:\n      - name: a\n      - name: a\n"
             "  - name: t\n");
  EXPECT_TRUE(HasRule(f, "duplicate-property", "schema[0].properties[1]")) << Rules(f);
  EXPECT_TRUE(HasRule(f, "duplicate-object", "schema[1]"));
  // A primary key that says it is not required.
  f = LintText(base + "  - name: t\n    properties:\n      - name: id\n"
                      "        primaryKey: true\n        required: false\n");
  EXPECT_TRUE(HasRule(f, "primary-key", "schema[0].properties[0].required"));
  EXPECT_FALSE(HasErrors(f));  // a warning: official examples do this
  // Patterns compile; bounds are in order.
  f = LintText(base + "  - name: t\n    properties:\n      - name: a\n"
                      "        logicalType: string\n        logicalTypeOptions:\n"
                      "          pattern: '[a-'\n          minLength: 5\n"
                      "          maxLength: 2\n");
  EXPECT_TRUE(HasRule(f, "pattern")) << Rules(f);
  EXPECT_TRUE(HasRule(f, "min-max"));
  // Options that do not fit the logical type.
  f = LintText(base + "  - name: t\n    properties:\n      - name: a\n"
                      "        logicalType: integer\n        logicalTypeOptions:\n"
                      "          maxLength: 3\n      - name: d\n"
                      "        logicalType: date\n        logicalTypeOptions:\n"
                      "          minimum: yesterday\n");
  EXPECT_TRUE(HasRule(f, "schema/unknown-key",
                      "schema[0].properties[0].logicalTypeOptions.maxLength"))
      << Rules(f);
  EXPECT_TRUE(HasRule(f, "type-options"));
  // References to properties that do not exist.
  f = LintText(base + "  - name: t\n    properties:\n      - name: a\n"
                      "    relationships:\n      - type: foreignKey\n"
                      "        from: t.b\n        to: other.id\n"
                      "    quality:\n      - metric: duplicateValues\n"
                      "        mustBe: 0\n        arguments:\n"
                      "          properties: [a, c]\n");
  EXPECT_TRUE(HasRule(f, "reference", "schema[0].relationships[0].from"))
      << Rules(f);
  EXPECT_TRUE(HasRule(f, "reference", "schema[0].quality[0].arguments"));
  EXPECT_EQ(std::count_if(f.begin(), f.end(),
                          [](const Finding& x) { return x.rule == "reference"; }),
            2);  // other.id is another contract's: not checked
  // Version is semver.
  f = LintText("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: v1\n"
               "status: active\n");
  EXPECT_TRUE(HasRule(f, "semver", "version"));
}

TEST(ContractLint, HostileYamlIsAClearError) {
  // Billion laughs: aliases expand without bound.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) laughs += std::string(i ? ", *" : "*") + prev;
    laughs += "]\n";
    prev = c;
  }
  absl::StatusOr<Document> doc = ParseYaml(laughs, "laughs.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("alias expansion"),
            std::string::npos) << doc.status();
  std::string deep(200, '[');
  doc = ParseYaml(deep + std::string(200, ']'), "deep.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("deep.yaml:1:"), std::string::npos)
      << doc.status();
  doc = ParseYaml("a: 1\n---\nb: 2\n", "two.yaml");
  EXPECT_FALSE(doc.ok());
  doc = ParseYaml("a: [1, 2\n", "broken.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("broken.yaml:"), std::string::npos);
  doc = ParseYaml(std::string(kMaxContractBytes + 1, ' '), "big.yaml");
  EXPECT_FALSE(doc.ok());
  // Bytes that are not UTF-8 (found by fuzz_odcs: they made JSON output
  // throw) are refused where they are.
  doc = ParseYaml("id: ok\nname: caf\xe9\n", "latin1.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("latin1.yaml:2:10: not valid UTF-8"),
            std::string::npos) << doc.status();
  EXPECT_FALSE(ParseYaml("a: \xed\xa0\x80\n", "surrogate.yaml").ok());
  EXPECT_TRUE(ParseYaml("name: caf\xc3\xa9 \xf0\x9f\x93\x8a\n", "utf8.yaml").ok());
}

TEST(ContractLint, ScalarsAreTypedByYaml12) {
  absl::StatusOr<Document> doc = ParseYaml(
      "a: 1\nb: 1.5\nc: yes\nd: ~\ne: '1'\nf: 2024-01-02\ng: 0x1F\nh: .inf\n",
      "s.yaml");
  ASSERT_TRUE(doc.ok());
  const Node& r = doc->root;
  EXPECT_EQ(r.Find("a")->kind, Node::Kind::kInt);
  EXPECT_EQ(r.Find("b")->kind, Node::Kind::kFloat);
  EXPECT_EQ(r.Find("c")->kind, Node::Kind::kString);
  EXPECT_EQ(r.Find("d")->kind, Node::Kind::kNull);
  EXPECT_EQ(r.Find("e")->kind, Node::Kind::kString);
  EXPECT_EQ(r.Find("f")->kind, Node::Kind::kTimestamp);
  EXPECT_EQ(r.Find("g")->integer, 31);
  EXPECT_EQ(r.Find("h")->kind, Node::Kind::kFloat);
}

TEST(ContractLint, ScalarFormsAreTypedByHand) {
  struct Want {
    const char* text;
    Node::Kind kind;
  };
  const Want wants[] = {
      {"-12", Node::Kind::kInt},       {"+7", Node::Kind::kInt},
      {"0o17", Node::Kind::kInt},      {"0o18", Node::Kind::kString},
      {"0xfF", Node::Kind::kInt},      {"0x", Node::Kind::kString},
      {".5", Node::Kind::kFloat},      {"5.", Node::Kind::kFloat},
      {"1e5", Node::Kind::kFloat},     {"-1.5E-3", Node::Kind::kFloat},
      {"1e", Node::Kind::kString},     {"1.2.3", Node::Kind::kString},
      {".", Node::Kind::kString},      {"-.inf", Node::Kind::kFloat},
      {".NaN", Node::Kind::kFloat},    {"+.nan", Node::Kind::kString},
      {"2024-01-02", Node::Kind::kTimestamp},
      {"2024-1-2T3:04:05", Node::Kind::kTimestamp},
      {"2024-01-02 10:00:00.25 +01:00", Node::Kind::kTimestamp},
      {"2024-01-02t10:00:00Z", Node::Kind::kTimestamp},
      {"2024-01-02T10:00:00 Z", Node::Kind::kTimestamp},
      {"2024-01-2", Node::Kind::kString},
      {"2024-01-02T10:00", Node::Kind::kString},
      {"2024-01-02T10:00:00+1:5", Node::Kind::kString},
      {"2024-01-02x", Node::Kind::kString},
  };
  for (const Want& w : wants) {
    SCOPED_TRACE(w.text);
    absl::StatusOr<Document> doc = ParseYaml(StrCat("a: ", w.text, "\n"), "s.yaml");
    ASSERT_TRUE(doc.ok()) << doc.status();
    EXPECT_EQ(doc->root.Find("a")->kind, w.kind);
  }
}

// A 30,000-digit scalar crashed catalogd: scalars were typed with
// std::regex, which recurses once per character. Long scalars are typed,
// and checked by lint, without recursion; scalars have a bound.
TEST(ContractLint, LongScalarsDoNotOverflowTheStack) {
  const std::string digits(30000, '1');
  absl::StatusOr<Document> doc = ParseYaml("foo: " + digits + "\n", "long.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->root.Find("foo")->kind, Node::Kind::kFloat);
  doc = ParseYaml("foo: 2024-01-01T00:00:00." + digits + "\n", "long.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->root.Find("foo")->kind, Node::Kind::kTimestamp);

  const std::string big(200000, 'a');
  std::vector<Finding> f = LintText(
      "apiVersion: v3.1.0\nkind: DataContract\nid: " + big + "\nversion: " + digits +
      ".0.0\nstatus: active\ncontractCreatedTs: 2024-01-01T00:00:00." + digits +
      "Z\nservers:\n  - server: s\n    type: custom\n    location: s3:" + big + "\n");
  EXPECT_TRUE(HasRule(f, "semver", "version")) << Rules(f);

  doc = ParseYaml("foo: " + std::string(kMaxContractScalarBytes + 1, 'x') + "\n",
                  "huge.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("huge.yaml:1:6: scalar longer than"),
            std::string::npos) << doc.status();
  // An explicit key ("? KEY"): YAML caps implicit keys at 1024 characters.
  doc = ParseYaml("? " + std::string(kMaxContractScalarBytes + 1, 'k') + "\n: 1\n", "key.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("key longer than"), std::string::npos);
}

}  // namespace
}  // namespace catalog::contract
