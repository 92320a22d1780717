#include "server/mcp/tools.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_join.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"

namespace catalog::server::mcp {
namespace {

using nlohmann::json;

constexpr size_t kMaxTextBytes = 4096;
constexpr size_t kMaxListItems = 200;

absl::Status Bad(std::string_view key, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat("arguments.", key, ": ", rule));
}

// An argument read from the call's arguments, each checked as the schema
// ToolList gives says.
class Args {
 public:
  explicit Args(const json& args, std::string prefix = "")
      : args_(args), prefix_(std::move(prefix)) {}

  absl::StatusOr<std::string> Text(const char* key, bool required) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) {
      if (required) return Bad(Path(key), "is required");
      return std::string();
    }
    if (!it->is_string()) return Bad(Path(key), "must be a string");
    const std::string& s = it->get_ref<const std::string&>();
    if (required && s.empty()) return Bad(Path(key), "is required");
    if (s.size() > kMaxTextBytes)
      return Bad(Path(key), StrCat("must be at most ", kMaxTextBytes, " bytes"));
    return s;
  }

  absl::StatusOr<std::vector<std::string>> Texts(const char* key) const {
    std::vector<std::string> out;
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return out;
    if (!it->is_array()) return Bad(Path(key), "must be a list of strings");
    if (it->size() > kMaxListItems)
      return Bad(Path(key), StrCat("has more than ", kMaxListItems, " items"));
    for (size_t i = 0; i < it->size(); ++i) {
      const json& item = (*it)[i];
      if (!item.is_string() || item.get_ref<const std::string&>().size() > kMaxTextBytes) {
        return Bad(Path(StrCat(key, "[", i, "]")), "must be a string of at most 4096 bytes");
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  absl::StatusOr<int> Int(const char* key, int lo, int hi, int fallback) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return fallback;
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      return Bad(Path(key), StrCat("must be an integer from ", lo, " to ", hi));
    }
    return static_cast<int>(it->get<int64_t>());
  }

  absl::StatusOr<bool> Bool(const char* key) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return false;
    if (!it->is_boolean()) return Bad(Path(key), "must be true or false");
    return it->get<bool>();
  }

  // A schema: a list of {name, type, nullable}, as the API's Fields.
  absl::StatusOr<json> Fields(const char* key) const {
    auto it = args_.find(key);
    if (it == args_.end() || !it->is_array() || it->empty()) {
      return Bad(Path(key), "must be a list of {name, type, nullable} (at least one)");
    }
    if (it->size() > kMaxListItems)
      return Bad(Path(key), StrCat("has more than ", kMaxListItems, " items"));
    json out = json::array();
    for (size_t i = 0; i < it->size(); ++i) {
      const json& f = (*it)[i];
      const std::string at = Path(StrCat(key, "[", i, "]"));
      if (!f.is_object()) return Bad(at, "must be an object {name, type, nullable}");
      for (const auto& [k, v] : f.items()) {
        if (k != "name" && k != "type" && k != "nullable") {
          return Bad(StrCat(at, ".", k), "is not a field's (name, type, nullable)");
        }
      }
      Args field(f, StrCat(at, "."));
      json one = json::object();
      ASSIGN_OR_RETURN(one["name"], field.Text("name", true));
      ASSIGN_OR_RETURN(one["type"], field.Text("type", true));
      auto nullable = f.find("nullable");
      if (nullable != f.end() && !nullable->is_boolean()) {
        return Bad(StrCat(at, ".nullable"), "must be true or false");
      }
      one["nullable"] = nullable == f.end() || nullable->get<bool>();
      out.push_back(std::move(one));
    }
    return out;
  }

  // A dataset named "namespace/name", as the API's DatasetKey.
  absl::StatusOr<json> Dataset(const char* key) const {
    ASSIGN_OR_RETURN(std::string text, Text(key, true));
    return KeyOf(key, text);
  }

  static absl::StatusOr<json> KeyOf(std::string_view key, const std::string& text) {
    absl::StatusOr<DatasetKey> k = ParseDatasetKey(text);
    if (!k.ok()) return Bad(key, "must name a dataset as NAMESPACE/NAME");
    return json{{"namespace", k->ns}, {"name", k->name}};
  }

 private:
  std::string Path(std::string_view key) const { return StrCat(prefix_, key); }

  const json& args_;
  std::string prefix_;  // "fields[0]." for a field's own arguments
};

struct Tool {
  const char* name;
  const char* title;
  const char* description;
  json input_schema;
  std::function<absl::StatusOr<json>(const Args&, const ToolCaller&)> run;
};

json Schema(json properties, std::vector<std::string> required = {}) {
  json s = {
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = std::move(required);
  return s;
}

const json kDatasetArg = {
    {"type", "string"},
    {"description", "The dataset as NAMESPACE/NAME, e.g. postgres://db:5432/shop.public.orders"}};

// Every column of a dataset as the API returns it, nested ones "a.b".
void Columns(const json& fields, const std::string& prefix, std::vector<std::string>& out) {
  if (!fields.is_array()) return;
  for (const json& f : fields) {
    const std::string name = prefix + f.value("name", std::string());
    out.push_back(name);
    if (f.contains("fields")) Columns(f["fields"], name + ".", out);
  }
}

const std::vector<Tool>& Tools() {
  static const std::vector<Tool> tools = {
      {"search_datasets", "Search datasets",
       "Finds the datasets the caller may read whose name, description, tags or columns match "
       "every word of `query` (the last as a prefix), narrowed by domain, tag, layer, "
       "classification or health. Answers each hit's key, description, domain, owners, tags, "
       "classification and health.",
       Schema(
           {{"query", {{"type", "string"}, {"description", "Words to match; may be empty"}}},
            {"domain", {{"type", "string"}, {"description", "A domain path, e.g. sales"}}},
            {"tag", {{"type", "string"}}},
            {"layer", {{"type", "string"}, {"description", "e.g. bronze, silver, gold"}}},
            {"classification",
             {{"type", "string"}, {"enum", {"public", "internal", "confidential", "restricted"}}}},
            {"health",
             {{"type", "string"},
              {"enum", {"ok", "warning", "upstream-degraded", "stale", "failing"}}}},
            {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}}}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["query"], a.Text("query", false));
         ASSIGN_OR_RETURN(int limit, a.Int("limit", 1, 100, 20));
         request["pageSize"] = limit;
         json filter = json::object();
         for (const auto& [arg, field] : std::vector<std::pair<const char*, const char*>>{
                  {"domain", "domains"},
                  {"tag", "tags"},
                  {"layer", "layers"},
                  {"classification", "classifications"},
                  {"health", "healths"}}) {
           ASSIGN_OR_RETURN(std::string v, a.Text(arg, false));
           if (!v.empty()) filter[field] = json::array({v});
         }
         if (!filter.empty()) request["filter"] = filter;
         return c.call("/catalog.v1.CatalogService/SearchDatasets", request);
       }},
      {"get_dataset", "A dataset's details",
       "A dataset the caller may read: description, domain, owners, tags, classification, "
       "layer, tier, certification, schema (columns with their types, tags and "
       "classifications), its data contract, contract violations and health.",
       Schema({{"dataset", kDatasetArg}}, {"dataset"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         ASSIGN_OR_RETURN(json key, a.Dataset("dataset"));
         return c.call("/catalog.v1.CatalogService/GetDataset", {{"key", key}});
       }},
      {"get_lineage", "Lineage",
       "The lineage graph around a dataset or job (NAMESPACE/NAME): the datasets and jobs "
       "within `depth` jobs upstream, downstream or both. Nodes the caller may not read are "
       "placeholders without names.",
       Schema({{"node", {{"type", "string"}, {"description", "A dataset or job: NAMESPACE/NAME"}}},
               {"direction", {{"type", "string"}, {"enum", {"upstream", "downstream", "both"}}}},
               {"depth", {{"type", "integer"}, {"minimum", 1}, {"maximum", 20}}},
               {"columns",
                {{"type", "boolean"}, {"description", "Also the column edges between datasets"}}}},
              {"node"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["node"], a.Text("node", true));
         ASSIGN_OR_RETURN(std::string direction, a.Text("direction", false));
         if (direction == "upstream") {
           request["direction"] = "LINEAGE_DIRECTION_UPSTREAM";
         } else if (direction == "downstream") {
           request["direction"] = "LINEAGE_DIRECTION_DOWNSTREAM";
         } else if (direction.empty() || direction == "both") {
           request["direction"] = "LINEAGE_DIRECTION_BOTH";
         } else {
           return Bad("direction", "must be upstream, downstream or both");
         }
         ASSIGN_OR_RETURN(request["depth"], a.Int("depth", 1, 20, 1));
         ASSIGN_OR_RETURN(request["columns"], a.Bool("columns"));
         return c.call("/catalog.v1.LineageService/GetLineage", request);
       }},
      {"impact", "Impact of a change",
       "What a change to a dataset or a column (NAMESPACE/NAME or NAMESPACE/NAME#COLUMN) "
       "reaches downstream: datasets with their owners, data products, and the model versions "
       "trained on them. What the caller may not read is counted, not named.",
       Schema({{"node", {{"type", "string"}, {"description", "A dataset or a column"}}},
               {"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
               {"depth", {{"type", "integer"}, {"minimum", 1}, {"maximum", 20}}}},
              {"node"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["node"], a.Text("node", true));
         ASSIGN_OR_RETURN(std::vector<std::string> columns, a.Texts("columns"));
         if (!columns.empty()) request["columns"] = columns;
         ASSIGN_OR_RETURN(request["depth"], a.Int("depth", 1, 20, 10));
         return c.call("/catalog.v1.LineageService/Impact", request);
       }},
      {"check_access", "May I read this?",
       "Whether the caller may read a dataset, and for each column (all of them when none are "
       "named) whether it is allowed, denied, or allowed masked — with the mask and the "
       "policies that decided. Recorded as a decision in the audit log.",
       Schema({{"dataset", kDatasetArg},
               {"columns",
                {{"type", "array"},
                 {"items", {{"type", "string"}}},
                 {"description", "Nested columns as parent.child; none: every column"}}}},
              {"dataset"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         ASSIGN_OR_RETURN(json key, a.Dataset("dataset"));
         ASSIGN_OR_RETURN(std::vector<std::string> columns, a.Texts("columns"));
         if (columns.empty()) {
           // Every column: of a dataset the caller may read (NOT_FOUND
           // otherwise, as GetDataset answers).
           ASSIGN_OR_RETURN(json dataset,
                            c.call("/catalog.v1.CatalogService/GetDataset", {{"key", key}}));
           Columns(dataset["spec"]["schema"].value("fields", json::array()), "", columns);
         }
         // Asked of the agent itself, as its Cedar entity.
         ASSIGN_OR_RETURN(policy::EntityUid self, authz::PrincipalUid(c.principal));
         return c.call("/catalog.v1.PolicyService/AuthorizeRead",
                       {{"principal", self.ToString()}, {"dataset", key}, {"columns", columns}});
       }},
      {"check_write", "Check a write against the contract",
       "Whether writing a dataset with this schema keeps its data contract and the governance "
       "rules (reading `inputs`): allowed, the contract, and each violation or broken rule.",
       Schema({{"dataset", kDatasetArg},
               {"fields",
                {{"type", "array"},
                 {"items", Schema({{"name", {{"type", "string"}}},
                                   {"type", {{"type", "string"}}},
                                   {"nullable", {{"type", "boolean"}}}},
                                  {"name", "type"})}}},
               {"inputs",
                {{"type", "array"},
                 {"items", {{"type", "string"}}},
                 {"description", "The datasets the write reads, as NAMESPACE/NAME"}}}},
              {"dataset", "fields"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["dataset"], a.Dataset("dataset"));
         ASSIGN_OR_RETURN(std::vector<std::string> inputs, a.Texts("inputs"));
         request["inputs"] = json::array();
         for (size_t i = 0; i < inputs.size(); ++i) {
           ASSIGN_OR_RETURN(json k, Args::KeyOf(StrCat("inputs[", i, "]"), inputs[i]));
           request["inputs"].push_back(std::move(k));
         }
         ASSIGN_OR_RETURN(request["fields"], a.Fields("fields"));
         return c.call("/catalog.v1.ContractService/CheckWrite", request);
       }},
      {"model_lineage", "A model version's training data",
       "Which datasets, at which revisions and schema versions, trained a model version "
       "(named by version or alias), with the column lineage training reported (masking "
       "included). Inputs the caller may not read are counted, not named.",
       Schema(
           {{"model", {{"type", "string"}}},
            {"version", {{"type", "string"}}},
            {"alias", {{"type", "string"}, {"description", "e.g. champion; instead of version"}}}},
           {"model"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["model"], a.Text("model", true));
         ASSIGN_OR_RETURN(request["version"], a.Text("version", false));
         ASSIGN_OR_RETURN(request["alias"], a.Text("alias", false));
         return c.call("/catalog.v1.ModelService/GetModelLineage", request);
       }},
      {"get_application", "An AI application and what it uses",
       "An AI application (a RAG pipeline, an agent, a chatbot, a copilot): its type, review "
       "state, service account, the models it calls, the datasets it retrieves from, its "
       "vector indexes and its tools with the datasets each reads and writes. Datasets the "
       "caller may not read are counted, not named.",
       Schema({{"name", {{"type", "string"}}}}, {"name"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["name"], a.Text("name", true));
         return c.call("/catalog.v1.AIApplicationService/GetAIApplication", request);
       }},
      {"application_access", "What an AI application may read and write",
       "Each dataset an AI application names, decided now for the service account it runs "
       "as: the read with its masked and denied columns, a tool's write. For the service "
       "account itself (an agent asking what it may do) or the application's reviewers.",
       Schema({{"name", {{"type", "string"}}}}, {"name"}),
       [](const Args& a, const ToolCaller& c) -> absl::StatusOr<json> {
         json request = json::object();
         ASSIGN_OR_RETURN(request["name"], a.Text("name", true));
         return c.call("/catalog.v1.AIApplicationService/CheckAIApplicationAccess", request);
       }},
  };
  return tools;
}

const Tool* Find(const std::string& name) {
  for (const Tool& t : Tools()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

json ErrorResult(const absl::Status& status) {
  return {{"content",
           {{{"type", "text"},
             {"text", StrCat(absl::StatusCodeToString(status.code()), ": ",
                             std::string(status.message()))}}}},
          {"isError", true}};
}

}  // namespace

const json& ToolList() {
  static const json list = [] {
    json out = json::array();
    for (const Tool& t : Tools()) {
      out.push_back({{"name", t.name},
                     {"title", t.title},
                     {"description", t.description},
                     {"inputSchema", t.input_schema},
                     {"annotations",
                      {{"title", t.title}, {"readOnlyHint", true}, {"openWorldHint", false}}}});
    }
    return out;
  }();
  return list;
}

bool IsTool(const std::string& name) { return Find(name) != nullptr; }

json CallTool(const std::string& name, const json& arguments, const ToolCaller& caller) {
  const Tool* tool = Find(name);
  if (tool == nullptr) return ErrorResult(absl::NotFoundError(StrCat("no tool \"", name, "\"")));
  if (!arguments.is_object()) {
    return ErrorResult(absl::InvalidArgumentError("arguments: must be an object"));
  }
  // Arguments the tool does not take are refused, naming them.
  const json& properties = tool->input_schema["properties"];
  for (const auto& [key, value] : arguments.items()) {
    if (!properties.contains(key)) {
      std::vector<std::string> known;
      for (const auto& [k, v] : properties.items()) known.push_back(k);
      return ErrorResult(
          Bad(key, StrCat("is not an argument of ", name, " (", absl::StrJoin(known, ", "), ")")));
    }
  }
  absl::StatusOr<json> answer = tool->run(Args(arguments), caller);
  if (!answer.ok()) return ErrorResult(answer.status());
  return {{"content", {{{"type", "text"}, {"text", answer->dump()}}}},
          {"structuredContent", *answer},
          {"isError", false}};
}

}  // namespace catalog::server::mcp
