// catalogctl policy test: policy unit tests, for admins to run in CI before
// they apply a policy change.
//
//   policies: policies/            # a .cedar file or a directory, relative
//   entities: entities.json        #   to this file; Cedar's JSON entities
//   schema: schema.cedarschema     # optional
//   tests:
//     - name: analysts read finance
//       principal: User::"alice"
//       action: Action::"read"      # or just: read
//       resource: Dataset::"pg://db/finance.ledger"
//       context: {mfa: true}       # optional
//       expect: allow               # allow | deny
//       reasons: [analysts-read]    # optional: policy ids or @id values
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "client/policy_commands.h"
#include "lib/policy/evaluator.h"
#include "lib/policy/json_format.h"
#include "lib/policy/parser.h"
#include "lib/policy/policy_files.h"
#include "lib/policy/schema.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// YAML to JSON for contexts: plain true/false are booleans, integers are
// Longs, everything else a string.
json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) out[item.first.Scalar()] = ToJson(item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(ToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "?") {
        if (s == "true") return true;
        if (s == "false") return false;
        try {
          size_t used = 0;
          long long v = std::stoll(s, &used);
          if (used == s.size()) return v;
        } catch (...) {
        }
      }
      return s;
    }
    default:
      return nullptr;
  }
}

struct Suite {
  std::vector<policy::Policy> policies;
  policy::Entities entities;
  std::optional<policy::Schema> schema;
};

absl::Status Load(const fs::path& file, const YAML::Node& root, Suite& suite) {
  fs::path base = file.parent_path();
  for (const char* key : {"policies", "entities", "tests"}) {
    if (!root[key]) {
      return absl::InvalidArgumentError(StrCat(file.string(), ": needs \"", key, "\""));
    }
  }
  fs::path policies = base / root["policies"].as<std::string>();
  auto sources = policy::ReadPolicySources({policies.string()});
  if (!sources.ok()) return sources.status();
  auto parsed = policy::ParsePolicyFiles(*sources);
  if (!parsed.ok()) return parsed.status();
  suite.policies = *std::move(parsed);
  if (root["schema"]) {
    fs::path schema = base / root["schema"].as<std::string>();
    auto s = policy::Schema::Parse(Slurp(schema), schema.string());
    if (!s.ok()) return s.status();
    suite.schema = *std::move(s);
  }
  fs::path entities = base / root["entities"].as<std::string>();
  json ej = json::parse(Slurp(entities), nullptr, false);
  if (ej.is_discarded()) {
    return absl::InvalidArgumentError(StrCat(entities.string(), ": not valid JSON"));
  }
  auto e = policy::EntitiesFromJson(ej, suite.schema ? &*suite.schema : nullptr);
  if (!e.ok()) {
    return absl::InvalidArgumentError(StrCat(entities.string(), ": ", MessageOf(e.status())));
  }
  suite.entities = *std::move(e);
  return absl::OkStatus();
}

}  // namespace

int RunPolicyTest(std::ostream& out, std::ostream& err,
                  const std::vector<std::string>& files) {
  int passed = 0, failed = 0;
  for (const std::string& name : files) {
    fs::path file(name);
    YAML::Node root;
    try {
      root = YAML::LoadFile(name);
    } catch (const YAML::Exception& e) {
      err << "error: " << name << ":" << e.mark.line + 1 << ": " << e.msg << "\n";
      return 2;
    }
    Suite suite;
    if (absl::Status s = Load(file, root, suite); !s.ok()) return ReportError(err, s), 2;
    const policy::Schema* schema = suite.schema ? &*suite.schema : nullptr;
    int index = 0;
    for (const YAML::Node& t : root["tests"]) {
      ++index;
      std::string label = StrCat(name, ":", t.Mark().line + 1, " ",
                                 t["name"] ? t["name"].as<std::string>()
                                           : StrCat("test ", index));
      auto fail = [&](const std::string& why) {
        ++failed;
        out << "FAIL " << label << "\n     " << why << "\n";
      };
      json request;
      bool bad = false;
      for (const char* key : {"principal", "action", "resource"}) {
        std::string text = t[key] ? t[key].as<std::string>() : "";
        if (std::string(key) == "action" && !text.empty() &&
            text.find("::") == std::string::npos) {
          text = "Action::\"" + text + "\"";
        }
        auto uid = policy::ParseEntityUid(text);
        if (!uid.ok()) {
          fail(StrCat(key, ": \"", text, "\" is not an entity (", MessageOf(uid.status()), ")"));
          bad = true;
          break;
        }
        request[key] = {{"type", uid->type}, {"id", uid->id}};
      }
      if (bad) continue;
      if (t["context"]) request["context"] = ToJson(t["context"]);
      std::string expect = t["expect"] ? t["expect"].as<std::string>() : "";
      if (expect != "allow" && expect != "deny") {
        fail("expect: must be allow or deny");
        continue;
      }
      auto r = policy::RequestFromJson(request, schema);
      if (!r.ok()) {
        fail(std::string(MessageOf(r.status())));
        continue;
      }
      policy::Response got = policy::Authorize(suite.policies, *r, suite.entities);
      // Name determining policies both ways: "policy3" and its @id.
      std::set<std::string> reasons;
      std::string detail = StrCat("got ", got.allow ? "allow" : "deny", " because of [");
      for (size_t k = 0; k < got.reasons.size(); ++k) {
        const std::string& id = got.reasons[k];
        std::string annotated =
            suite.policies[policy::PolicyIndex(id).value_or(0)].AnnotatedId();
        reasons.insert(id);
        if (!annotated.empty()) reasons.insert(annotated);
        detail += StrCat(k ? ", " : "", id, annotated.empty() ? "" : " (" + annotated + ")");
      }
      detail += "]";
      for (const auto& e : got.errors) detail += StrCat("; ", e.policy_id, " erred: ", e.message);
      if ((expect == "allow") != got.allow) {
        fail(StrCat("expected ", expect, ", ", detail));
        continue;
      }
      bool reasons_ok = true;
      std::string missing;
      if (t["reasons"]) {
        for (const YAML::Node& want : t["reasons"]) {
          if (!reasons.count(want.as<std::string>())) {
            reasons_ok = false;
            missing += (missing.empty() ? "" : ", ") + want.as<std::string>();
          }
        }
      }
      if (!reasons_ok) {
        fail(StrCat("expected reasons to include ", missing, "; ", detail));
        continue;
      }
      ++passed;
      out << "ok   " << label << "\n";
    }
  }
  out << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace catalog::client
