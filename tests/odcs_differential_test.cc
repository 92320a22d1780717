// Differential: the official ODCS examples, mutated at random (fields
// dropped, wrong types, wrong enum values, unknown keys, extra comparisons,
// logical-type options), judged by our lint's schema rules and by the
// official JSON schema through ajv (npm, run by tests/odcs_diff/validate.mjs;
// scripts/setup installs it). Both must reject exactly the same documents.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "lib/contract/lint.h"
#include "tests/test_env.h"

namespace catalog::contract {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path Odcs() {
  return testing::SourceDir().parent_path() / "shared" / "conformance" / "odcs";
}

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  json Mutate(json doc) {
    int n = 1 + Pick(2);
    for (int i = 0; i < n; ++i) MutateOnce(doc);
    return doc;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % n); }

  void Collect(json& j, std::vector<json*>& all, std::vector<json*>& maps) {
    all.push_back(&j);
    if (j.is_object()) {
      maps.push_back(&j);
      for (auto& [k, v] : j.items()) Collect(v, all, maps);
    } else if (j.is_array()) {
      for (auto& v : j) Collect(v, all, maps);
    }
  }

  json Value() {
    static const json pool = json::parse(R"([
      "x", "", 5, -1, 0, 1.5, true, false, null, [], {}, ["a"], [1, 2],
      [3, 1], {"a": 1}, "https://example.com/x", "2024-01-02",
      "2024-02-30", "2024-01-02T03:04:05Z", "2024-01-02 03:04", "not a uri",
      "sftp://host/x", "orders.id", "a/b", "bad id!"])");
    return pool[Pick(static_cast<int>(pool.size()))];
  }

  json EnumValue(const std::string& key) {
    static const std::map<std::string, std::vector<std::string>> values = {
        {"logicalType", {"string", "date", "time", "timestamp", "integer",
                         "number", "object", "array", "boolean", "strng"}},
        {"type", {"library", "sql", "custom", "text", "postgres", "s3",
                  "sftp", "kafka", "foreignKey", "bogus"}},
        {"dimension", {"accuracy", "freshness"}},
        {"metric", {"rowCount", "nullValues", "bogus"}},
        {"kind", {"DataContract", "Contract"}},
        {"apiVersion", {"v3.1.0", "v3.0.0", "v4.0.0"}},
        {"format", {"i32", "f64", "csv", "u8"}}};
    auto it = values.find(key);
    if (it == values.end()) return Value();
    return it->second[Pick(static_cast<int>(it->second.size()))];
  }

  void MutateOnce(json& doc) {
    std::vector<json*> all, maps;
    Collect(doc, all, maps);
    json& map = *maps[Pick(static_cast<int>(maps.size()))];
    std::vector<std::string> keys;
    for (auto& [k, v] : map.items()) keys.push_back(k);
    switch (Pick(7)) {
      case 0:  // drop a field
        if (!keys.empty()) map.erase(keys[Pick(static_cast<int>(keys.size()))]);
        break;
      case 1:  // an unknown key
        map[Pick(2) ? "colour" : "x-note"] = Value();
        break;
      case 2: {  // any node gets a value of another kind
        json* node = all[1 + Pick(static_cast<int>(all.size()) - 1)];
        *node = Value();
        break;
      }
      case 3:  // an enum-like field gets another value
        for (const std::string& k : keys) {
          if (k == "logicalType" || k == "type" || k == "dimension" ||
              k == "metric" || k == "kind" || k == "apiVersion" ||
              k == "format") {
            map[k] = EnumValue(k);
            break;
          }
        }
        break;
      case 4: {  // another comparison on a quality rule, or a first one
        static const char* ops[] = {"mustBe", "mustNotBe", "mustBeGreaterThan",
                                    "mustBeLessOrEqualTo", "mustBeBetween",
                                    "mustNotBeBetween"};
        std::string op = ops[Pick(6)];
        map[op] = op.find("Between") != std::string::npos
                      ? (Pick(3) ? json::array({1, 5}) : Value())
                      : (Pick(2) ? json(3) : Value());
        break;
      }
      case 5: {  // options or children a logical type may or may not allow
        static const char* options = R"([
          {"minLength": 1}, {"maxLength": -1}, {"pattern": "^a"},
          {"format": "i32"}, {"format": "f32"}, {"minimum": 1},
          {"minimum": "2020-01-01"}, {"required": ["a"]}, {"required": []},
          {"maxItems": 2}, {"uniqueItems": true}, {"timezone": true},
          {"multipleOf": 0}, {}])";
        static const json pool = json::parse(options);
        switch (Pick(3)) {
          case 0: map["logicalTypeOptions"] = pool[Pick(static_cast<int>(pool.size()))]; break;
          case 1: map["items"] = json{{"logicalType", "string"}}; break;
          default: map["properties"] = json::array({json{{"name", "p"}}});
        }
        break;
      }
      default: {  // a required top-level field goes
        static const char* required[] = {"version", "apiVersion", "kind", "id",
                                         "status"};
        doc.erase(required[Pick(5)]);
      }
    }
  }

  std::mt19937 rng_;
};

TEST(OdcsDifferential, LintRejectsExactlyWhatTheOfficialSchemaRejects) {
  fs::path tool = testing::SourceDir() / "tests" / "odcs_diff";
  if (!fs::exists(tool / "node_modules" / "ajv" / "dist" / "2019.js") ||
      std::system("node --version > /dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr) {
      FAIL() << "node or ajv is missing; scripts/setup installs them";
    }
    GTEST_SKIP() << "node or ajv is missing; run scripts/setup";
  }
  std::vector<json> originals;
  for (const auto& entry :
       fs::recursive_directory_iterator(Odcs() / "examples")) {
    if (entry.path().extension() != ".yaml") continue;
    absl::StatusOr<Document> doc =
        ParseYaml(testing::ReadFile(entry.path()), entry.path().string());
    ASSERT_TRUE(doc.ok()) << doc.status();
    originals.push_back(json::parse(doc->root.ToJson()));
  }
  ASSERT_EQ(originals.size(), 18u);

  Mutator mutator(20261125);
  std::vector<std::string> docs;
  for (const json& o : originals) docs.push_back(o.dump());
  for (int round = 0; round < 70; ++round) {
    for (const json& o : originals) docs.push_back(mutator.Mutate(o).dump());
  }

  testing::TempDir dir;
  fs::path in = dir.path() / "docs.jsonl", out = dir.path() / "verdicts.jsonl";
  std::string lines;
  for (const std::string& d : docs) lines += d + "\n";
  testing::WriteFile(in, lines);
  std::string cmd = "node '" + (tool / "validate.mjs").string() + "' '" +
                    (Odcs() / "schema" / "odcs-json-schema-v3.1.0.json").string() +
                    "' < '" + in.string() + "' > '" + out.string() + "'";
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0) << cmd;
  std::istringstream verdicts(testing::ReadFile(out));

  int rejected = 0, disagreements = 0;
  std::string line;
  for (size_t i = 0; i < docs.size(); ++i) {
    ASSERT_TRUE(std::getline(verdicts, line)) << "ajv answered " << i;
    json verdict = json::parse(line);
    absl::StatusOr<Document> doc = ParseYaml(docs[i], "mutant.json");
    ASSERT_TRUE(doc.ok()) << doc.status();
    std::vector<Finding> findings = CheckSchema(doc->root);
    bool ours = findings.empty();
    bool theirs = verdict["valid"].get<bool>();
    if (!theirs) ++rejected;
    if (ours != theirs && ++disagreements <= 8) {
      std::string why;
      for (const Finding& f : findings) why += "\n    " + f.path + ": " + f.message;
      ADD_FAILURE() << "document " << i << ": ajv says "
                    << (theirs ? "valid" : "invalid") << " "
                    << verdict["errors"].dump() << ", lint says "
                    << (ours ? "valid" : "invalid") << why << "\n  "
                    << docs[i].substr(0, 600);
    }
  }
  EXPECT_EQ(disagreements, 0);
  // The mutations must mostly produce invalid documents, and not all.
  EXPECT_GT(rejected, static_cast<int>(docs.size()) / 2);
  EXPECT_LT(rejected, static_cast<int>(docs.size()));
  std::cout << docs.size() << " documents, " << rejected
            << " rejected by both\n";
}

}  // namespace
}  // namespace catalog::contract
