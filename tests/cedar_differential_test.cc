// Differential: random policies, entities and requests, decided by our
// engine and by the real Cedar engine (npm @cedar-policy/cedar-wasm, run
// through node by tests/cedar_diff/evaluate.mjs; scripts/setup installs
// it). Decisions, determining policies and erroring policies must agree.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "lib/policy/evaluator.h"
#include "lib/policy/scope_index.h"
#include "lib/policy/json_format.h"
#include "lib/policy/parser.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return static_cast<int>(rng_() % n); }
  bool Coin() { return Pick(2) == 0; }

  std::string User() { return "User::\"u" + std::to_string(Pick(6)) + "\""; }
  std::string Group() { return "Group::\"g" + std::to_string(Pick(3)) + "\""; }

  std::string Expr(int depth) {
    if (depth <= 0) return Leaf();
    switch (Pick(14)) {
      case 0: return "(" + Expr(depth - 1) + " && " + Expr(depth - 1) + ")";
      case 1: return "(" + Expr(depth - 1) + " || " + Expr(depth - 1) + ")";
      case 2: return "!" + Paren(Expr(depth - 1));
      case 3: return "(" + Expr(depth - 1) + " == " + Expr(depth - 1) + ")";
      case 4: return "(" + Number(depth - 1) + " < " + Number(depth - 1) + ")";
      case 5: return "(" + Number(depth - 1) + " <= " + Number(depth - 1) + ")";
      case 6: return "(if " + Expr(depth - 1) + " then " + Expr(depth - 1) + " else " +
                     Expr(depth - 1) + ")";
      case 7: return "(principal in " + (Coin() ? Group() : User()) + ")";
      case 8: return "(resource.owner == principal)";
      case 9: return "[" + Number(0) + ", " + Number(0) + "].contains(" + Number(depth - 1) + ")";
      case 10: return "principal.tags.containsAny([\"a\", \"b\"])";
      case 11: return "(principal.name like \"" + std::string(Coin() ? "a*" : "*b") + "\")";
      case 12: return "(resource.hasTag(\"k\") && resource.getTag(\"k\") == " + Number(0) + ")";
      default: return "(" + Number(depth - 1) + " != " + Number(depth - 1) + ")";
    }
  }

 private:
  static std::string Paren(const std::string& s) { return "(" + s + ")"; }

  std::string Leaf() {
    switch (Pick(9)) {
      case 0: return Coin() ? "true" : "false";
      case 1: return "principal has level";
      case 2: return "resource has owner";
      case 3: return "(principal is User)";
      case 4: return "context.flag";
      case 5: return "ip(\"10.0.0." + std::to_string(Pick(3)) + "\").isInRange(ip(\"10.0.0.0/31\"))";
      case 6: return "decimal(\"1." + std::to_string(Pick(10)) + "\").lessThan(decimal(\"1.5\"))";
      case 7: return "(principal.level > resource.level)";
      default: return "(context.n == " + std::to_string(Pick(3)) + ")";
    }
  }

  std::string Number(int depth) {
    if (depth <= 0) {
      switch (Pick(6)) {
        case 0: return "9223372036854775807";
        case 1: return "principal.level";
        case 2: return "resource.level";
        case 3: return "context.n";
        default: return std::to_string(Pick(7) - 3);
      }
    }
    switch (Pick(4)) {
      case 0: return "(" + Number(depth - 1) + " + " + Number(depth - 1) + ")";
      case 1: return "(" + Number(depth - 1) + " * " + Number(depth - 1) + ")";
      case 2: return "(-" + Number(depth - 1) + ")";
      default: return Number(0);
    }
  }

  std::mt19937 rng_;
};

json Uid(const std::string& type, const std::string& id) {
  return {{"type", type}, {"id", id}};
}

json Scenario(Generator& g) {
  std::string policies;
  int n = 1 + g.Pick(4);
  for (int i = 0; i < n; ++i) {
    policies += g.Coin() ? "permit (" : "forbid (";
    switch (g.Pick(4)) {
      case 0: policies += "principal, "; break;
      case 1: policies += "principal == " + g.User() + ", "; break;
      case 2: policies += "principal in " + g.Group() + ", "; break;
      default: policies += "principal is User, "; break;
    }
    policies += g.Coin() ? "action, " : "action in [Action::\"a\", Action::\"b\"], ";
    policies += g.Coin() ? "resource)" : "resource is Doc)";
    for (int c = g.Pick(3); c > 0; --c) {
      policies += (g.Coin() ? " when { " : " unless { ") + g.Expr(2 + g.Pick(2)) + " }";
    }
    policies += ";\n";
  }
  json entities = json::array();
  for (int u = 0; u < 5; ++u) {  // u5 stays missing
    json attrs = {{"name", std::string(u % 2 ? "anna" : "bob")},
                  {"tags", u % 3 ? json::array({"a"}) : json::array()}};
    if (u != 2) attrs["level"] = g.Pick(5) - 1;
    entities.push_back({{"uid", Uid("User", "u" + std::to_string(u))},
                        {"attrs", attrs},
                        {"parents", json::array({Uid("Group", "g" + std::to_string(g.Pick(3)))})}});
  }
  for (int gr = 0; gr < 3; ++gr) {
    json parents = gr == 2 ? json::array({Uid("Group", "g0")}) : json::array();
    entities.push_back({{"uid", Uid("Group", "g" + std::to_string(gr))},
                        {"attrs", json::object()},
                        {"parents", parents}});
  }
  for (int d = 0; d < 3; ++d) {
    json attrs = {{"level", g.Pick(4)}};
    if (d != 1) attrs["owner"] = {{"__entity", Uid("User", "u" + std::to_string(g.Pick(6)))}};
    json doc = {{"uid", Uid("Doc", "d" + std::to_string(d))}, {"attrs", attrs},
                {"parents", json::array()}};
    if (d == 0) doc["tags"] = {{"k", g.Pick(3) - 1}};
    entities.push_back(doc);
  }
  json requests = json::array();
  for (int r = 0; r < 5; ++r) {
    json context = {{"n", g.Pick(3)}};
    if (g.Pick(4) != 0) context["flag"] = g.Coin();
    requests.push_back({{"principal", Uid("User", "u" + std::to_string(g.Pick(6)))},
                        {"action", Uid("Action", g.Coin() ? "a" : "c")},
                        {"resource", g.Coin() ? Uid("Doc", "d" + std::to_string(g.Pick(4)))
                                              : Uid("User", "u0")},
                        {"context", context}});
  }
  return {{"policies", policies}, {"entities", entities}, {"requests", requests}};
}

TEST(CedarDifferential, RandomPoliciesDecideAsCedarDoes) {
  fs::path module = testing::SourceDir() / "tests" / "cedar_diff" / "node_modules" /
                    "@cedar-policy" / "cedar-wasm" / "nodejs" / "cedar_wasm.js";
  if (!fs::exists(module) || std::system("node --version > /dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr) {
      FAIL() << "node or @cedar-policy/cedar-wasm is missing; scripts/setup installs them";
    }
    GTEST_SKIP() << "node or @cedar-policy/cedar-wasm is missing; run scripts/setup";
  }
  testing::TempDir dir;
  Generator g(20261125);
  json scenarios = json::array();
  for (int i = 0; i < 400; ++i) scenarios.push_back(Scenario(g));
  testing::WriteFile(dir.path() / "scenarios.json", scenarios.dump());
  std::string cmd = "CEDAR_WASM='" + module.string() + "' node '" +
                    (testing::SourceDir() / "tests" / "cedar_diff" / "evaluate.mjs").string() +
                    "' '" + (dir.path() / "scenarios.json").string() + "' > '" +
                    (dir.path() / "cedar.jsonl").string() + "'";
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
  std::istringstream cedar(testing::ReadFile(dir.path() / "cedar.jsonl"));

  int compared = 0, agreed = 0, refused = 0;
  for (const json& s : scenarios) {
    auto policies = policy::ParsePolicies(s["policies"].get<std::string>(), "random.cedar");
    auto entities = policy::EntitiesFromJson(s["entities"], nullptr);
    ASSERT_TRUE(entities.ok()) << entities.status();
    for (const json& r : s["requests"]) {
      std::string line;
      ASSERT_TRUE(std::getline(cedar, line));
      json want = json::parse(line);
      if (want.contains("failure")) {
        // Cedar refused the policy text; so must we.
        ++refused;
        EXPECT_FALSE(policies.ok()) << s["policies"] << "\n" << want["failure"];
        continue;
      }
      ASSERT_TRUE(policies.ok()) << policies.status() << "\n" << s["policies"];
      auto request = policy::RequestFromJson(r, nullptr);
      ASSERT_TRUE(request.ok());
      policy::Response got = policy::Authorize(*policies, *request, *entities);
      policy::Response indexed =
          policy::Authorize(*policies, *request, *entities, policy::ScopeIndex(*policies));
      EXPECT_TRUE(indexed.allow == got.allow && indexed.reasons == got.reasons &&
                  indexed.errors.size() == got.errors.size())
          << "the scope index changes the decision; policies:\n"
          << s["policies"].get<std::string>();
      std::vector<std::string> errors;
      for (const auto& e : got.errors) errors.push_back(e.policy_id);
      std::sort(got.reasons.begin(), got.reasons.end());
      std::sort(errors.begin(), errors.end());
      ++compared;
      bool same = (got.allow ? "allow" : "deny") == want["decision"] &&
                  json(got.reasons) == want["reason"] && json(errors) == want["errors"];
      agreed += same;
      EXPECT_TRUE(same) << "policies:\n" << s["policies"].get<std::string>()
                        << "request: " << r.dump() << "\ncedar: " << line
                        << "\nours: " << (got.allow ? "allow " : "deny ")
                        << json(got.reasons).dump() << " errors " << json(errors).dump();
    }
  }
  std::cout << "cedar differential: " << agreed << " of " << compared
            << " random requests agree with cedar-wasm (" << refused
            << " refused by both parsers)\n";
  EXPECT_GE(compared, 1500);
}

}  // namespace
}  // namespace catalog
