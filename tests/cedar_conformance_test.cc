// Conformance: Cedar's own integration tests (the hand-written ones and the
// generated corpus, from ../shared/conformance/cedar), run through
// lib/policy and compared as Cedar's harness compares them: the decision,
// and the sets of determining and erroring policy ids.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "lib/policy/evaluator.h"
#include "lib/policy/scope_index.h"
#include "lib/policy/json_format.h"
#include "lib/policy/parser.h"
#include "lib/policy/schema.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The numbers this implementation reached when last recorded; the test
// fails if a change makes fewer requests pass.
constexpr int kHandWrittenPassing = 74;
constexpr int kCorpusPassing = 62472;

fs::path CedarDir() {
  return testing::SourceDir().parent_path() / "shared" / "conformance" / "cedar";
}

struct Tally {
  int passed = 0;
  int total = 0;
  std::vector<std::string> failures;  // first few, for the log

  void Fail(std::string what) {
    if (failures.size() < 25) failures.push_back(std::move(what));
  }
};

std::set<std::string> Ids(const json& list) {
  std::set<std::string> out;
  for (const json& id : list) out.insert(id.get<std::string>());
  return out;
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ",") + x;
  return "[" + out + "]";
}

// Runs one test file; paths inside it are relative to `base`.
void RunTestFile(const fs::path& file, const fs::path& base, Tally& tally) {
  json test = json::parse(testing::ReadFile(file), nullptr, false);
  if (!test.is_object() || !test.contains("requests")) return;
  int requests = static_cast<int>(test["requests"].size());
  tally.total += requests;
  auto fail_all = [&](const std::string& why) {
    tally.Fail(file.filename().string() + ": " + why);
  };
  std::optional<policy::Schema> schema;
  if (test.contains("schema") && test["schema"].is_string()) {
    fs::path schema_file = base / test["schema"].get<std::string>();
    if (fs::exists(schema_file)) {
      auto parsed = policy::Schema::Parse(testing::ReadFile(schema_file),
                                          schema_file.string());
      if (!parsed.ok()) return fail_all(std::string(parsed.status().message()));
      schema = *std::move(parsed);
    }
  }
  const policy::Schema* schema_ptr = schema ? &*schema : nullptr;
  fs::path policy_file = base / test["policies"].get<std::string>();
  auto policies = policy::ParsePolicies(testing::ReadFile(policy_file),
                                        policy_file.filename().string());
  if (!policies.ok()) return fail_all(std::string(policies.status().message()));
  json entities_json =
      json::parse(testing::ReadFile(base / test["entities"].get<std::string>()),
                  nullptr, false);
  auto entities = policy::EntitiesFromJson(entities_json, schema_ptr);
  if (!entities.ok()) return fail_all(std::string(entities.status().message()));

  for (const json& r : test["requests"]) {
    std::string name = file.filename().string() + " " +
                       r.value("description", std::string("request"));
    auto request = policy::RequestFromJson(r, schema_ptr);
    if (!request.ok()) {
      tally.Fail(name + ": " + std::string(request.status().message()));
      continue;
    }
    policy::Response got = policy::Authorize(*policies, *request, *entities);
    // The scope index (the server's and `policy eval`'s path) must not
    // change a thing.
    policy::Response indexed =
        policy::Authorize(*policies, *request, *entities, policy::ScopeIndex(*policies));
    if (indexed.allow != got.allow || indexed.reasons != got.reasons ||
        indexed.errors.size() != got.errors.size()) {
      tally.Fail(name + ": evaluating only the scope index's candidates decides otherwise");
      continue;
    }
    std::set<std::string> reasons(got.reasons.begin(), got.reasons.end());
    std::set<std::string> errors;
    for (const auto& e : got.errors) errors.insert(e.policy_id);
    bool want_allow = r["decision"] == "allow";
    std::set<std::string> want_reasons = Ids(r["reason"]);
    std::set<std::string> want_errors = Ids(r["errors"]);
    if (got.allow == want_allow && reasons == want_reasons &&
        errors == want_errors) {
      ++tally.passed;
    } else {
      std::string detail = name + ": got " + (got.allow ? "allow" : "deny") +
                           " " + Join(reasons) + " errors " + Join(errors) +
                           ", want " + (want_allow ? "allow" : "deny") + " " +
                           Join(want_reasons) + " errors " + Join(want_errors);
      for (const auto& e : got.errors) detail += " | " + e.policy_id + ": " + e.message;
      tally.Fail(detail);
    }
  }
}

void Report(const char* suite, const Tally& t) {
  std::cout << "cedar conformance (" << suite << "): " << t.passed << " of "
            << t.total << " requests passed\n";
  for (const auto& f : t.failures) std::cout << "  FAILED " << f << "\n";
}

TEST(CedarConformance, HandWrittenTests) {
  fs::path dir = CedarDir();
  ASSERT_TRUE(fs::exists(dir)) << dir;
  Tally tally;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "tests")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) RunTestFile(f, dir, tally);
  Report("hand-written", tally);
  EXPECT_EQ(tally.total, 74);
  EXPECT_GE(tally.passed, kHandWrittenPassing);
}

TEST(CedarConformance, GeneratedCorpus) {
  fs::path dir = CedarDir();
  testing::TempDir unpacked;
  std::string cmd = "tar xzf '" + (dir / "corpus-tests.tar.gz").string() +
                    "' -C '" + unpacked.path().string() + "'";
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
  Tally tally;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(unpacked.path() / "corpus-tests")) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" &&
        name.find(".entities.json") == std::string::npos) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) RunTestFile(f, unpacked.path(), tally);
  Report("generated corpus", tally);
  EXPECT_EQ(tally.total, 62472);
  EXPECT_GE(tally.passed, kCorpusPassing);
}

}  // namespace
}  // namespace catalog
