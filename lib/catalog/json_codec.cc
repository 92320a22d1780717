#include "lib/catalog/json_codec.h"

#include <initializer_list>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "lib/catalog/data_product.h"
#include "lib/util/strings.h"
#include "lib/util/status_macros.h"

namespace catalog {
namespace {

using nlohmann::json;

absl::Status Invalid(std::string_view path, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(path, ": ", rule));
}

// Checks that `value` is an object (or null, meaning empty) whose keys are
// all in `allowed`.
absl::Status CheckObject(const json& value, std::string_view path,
                         std::initializer_list<std::string_view> allowed) {
  if (value.is_null()) return absl::OkStatus();
  if (!value.is_object()) return Invalid(path, "must be a mapping");
  for (const auto& item : value.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || item.key() == a;
    if (!known) {
      return Invalid(StrCat(path, ".", item.key()), "unknown field");
    }
  }
  return absl::OkStatus();
}

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::Status GetString(const json& object, const char* key,
                       std::string_view path, std::string& out) {
  const json* v = Member(object, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) {
    return Invalid(StrCat(path, ".", key), "must be a string");
  }
  out = v->get<std::string>();
  return absl::OkStatus();
}

absl::Status GetBool(const json& object, const char* key,
                     std::string_view path, bool& out) {
  const json* v = Member(object, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_boolean()) {
    return Invalid(StrCat(path, ".", key), "must be true or false");
  }
  out = v->get<bool>();
  return absl::OkStatus();
}

absl::Status GetTier(const json& object, std::string_view path, int& out) {
  const json* v = Member(object, "tier");
  if (v == nullptr) return absl::OkStatus();
  // YAML's scalars come as text: "1" is as good as 1.
  int64_t n = 0;
  if (v->is_number_integer()) {
    n = v->get<int64_t>();
  } else if (!v->is_string() || !absl::SimpleAtoi(v->get<std::string>(), &n)) {
    return Invalid(StrCat(path, ".tier"), "must be an integer: 1 (most critical) to 5, or 0");
  }
  if (n < 0 || n > 5) {
    return Invalid(StrCat(path, ".tier"), StrCat(n, " is not a tier: 1 (most critical) to 5, or 0 "
                                                    "for none"));
  }
  out = static_cast<int>(n);
  return absl::OkStatus();
}

absl::Status GetCertification(const json& object, std::string_view path, Certification& out) {
  const json* v = Member(object, "certification");
  if (v == nullptr) return absl::OkStatus();
  const std::string at = StrCat(path, ".certification");
  RETURN_IF_ERROR(CheckObject(*v, at, {"state", "expires", "by", "at"}));
  RETURN_IF_ERROR(GetString(*v, "state", at, out.state));
  if (out.state == "none") out.state.clear();
  RETURN_IF_ERROR(GetString(*v, "expires", at, out.expires));
  RETURN_IF_ERROR(GetString(*v, "by", at, out.by));
  return GetString(*v, "at", at, out.at);
}

absl::Status GetStringList(const json& object, const char* key,
                           std::string_view path,
                           std::vector<std::string>& out) {
  const json* v = Member(object, key);
  if (v == nullptr) return absl::OkStatus();
  std::string list_path = StrCat(path, ".", key);
  if (!v->is_array()) return Invalid(list_path, "must be a list");
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return Invalid(StrCat(list_path, "[", i, "]"), "must be a string");
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return absl::OkStatus();
}

// Values of properties and attributes are strings; plain true/false are
// taken as their text so `pii: true` means what it says.
absl::Status GetStringMap(const json& object, const char* key,
                          std::string_view path,
                          std::map<std::string, std::string>& out) {
  const json* v = Member(object, key);
  if (v == nullptr) return absl::OkStatus();
  std::string map_path = StrCat(path, ".", key);
  if (!v->is_object()) return Invalid(map_path, "must be a mapping");
  for (const auto& item : v->items()) {
    const json& value = item.value();
    if (value.is_string()) {
      out[item.key()] = value.get<std::string>();
    } else if (value.is_boolean()) {
      out[item.key()] = value.get<bool>() ? "true" : "false";
    } else {
      return Invalid(StrCat(map_path, ".", item.key()),
                     "must be a string");
    }
  }
  return absl::OkStatus();
}

template <typename Enum>
absl::Status GetEnum(const json& object, const char* key,
                     std::string_view path,
                     std::optional<Enum> (*parse)(std::string_view),
                     std::string_view allowed, Enum& out) {
  std::string text;
  RETURN_IF_ERROR(GetString(object, key, path, text));
  if (text.empty()) return absl::OkStatus();
  std::optional<Enum> parsed = parse(text);
  if (!parsed) {
    return Invalid(StrCat(path, ".", key),
                   StrCat("unknown value \"", text, "\" (want one of ",
                                allowed, ")"));
  }
  out = *parsed;
  return absl::OkStatus();
}

constexpr std::string_view kClassifications =
    "public, internal, confidential, restricted";

json OwnersToJson(const std::vector<Owner>& owners) {
  json out = json::array();
  for (const Owner& o : owners) {
    out.push_back(
        {{"principal", o.principal}, {"type", OwnershipTypeName(o.type)}});
  }
  return out;
}

absl::Status GetOwners(const json& object, std::string_view path,
                       std::vector<Owner>& out) {
  const json* v = Member(object, "owners");
  if (v == nullptr) return absl::OkStatus();
  std::string list_path = StrCat(path, ".owners");
  if (!v->is_array()) return Invalid(list_path, "must be a list");
  for (size_t i = 0; i < v->size(); ++i) {
    std::string item = StrCat(list_path, "[", i, "]");
    const json& o = (*v)[i];
    RETURN_IF_ERROR(CheckObject(o, item, {"principal", "type"}));
    Owner owner;
    RETURN_IF_ERROR(GetString(o, "principal", item, owner.principal));
    if (owner.principal.empty()) {
      return Invalid(StrCat(item, ".principal"), "is required");
    }
    RETURN_IF_ERROR(GetEnum<OwnershipType>(o, "type", item, ParseOwnershipType,
                                           "technical, business, steward",
                                           owner.type));
    out.push_back(std::move(owner));
  }
  return absl::OkStatus();
}

json FieldToJson(const Field& f) {
  json out = {{"name", f.name}, {"type", f.type}, {"nullable", f.nullable}};
  if (!f.description.empty()) out["description"] = f.description;
  if (!f.tags.empty()) out["tags"] = f.tags;
  if (f.classification != Classification::kUnspecified) {
    out["classification"] = ClassificationName(f.classification);
  }
  if (!f.terms.empty()) out["terms"] = f.terms;
  if (!f.fields.empty()) {
    json& nested = out["fields"] = json::array();
    for (const Field& child : f.fields) nested.push_back(FieldToJson(child));
  }
  return out;
}

absl::Status GetFields(const json& object, std::string_view path, int depth,
                       std::vector<Field>& out) {
  const json* v = Member(object, "fields");
  if (v == nullptr) return absl::OkStatus();
  std::string list_path = StrCat(path, ".fields");
  // Decoding recurses; bound it here so hostile input cannot exhaust the
  // stack before validation gets to count levels.
  if (depth > 64) return Invalid(list_path, "fields nest too deeply");
  if (!v->is_array()) return Invalid(list_path, "must be a list");
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    std::string item = StrCat(list_path, "[", i, "]");
    const json& f = (*v)[i];
    if (!f.is_object()) return Invalid(item, "must be a mapping");
    RETURN_IF_ERROR(CheckObject(f, item,
                                {"name", "type", "nullable", "description",
                                 "tags", "classification", "fields", "terms"}));
    Field field;
    RETURN_IF_ERROR(GetString(f, "name", item, field.name));
    RETURN_IF_ERROR(GetString(f, "type", item, field.type));
    RETURN_IF_ERROR(GetBool(f, "nullable", item, field.nullable));
    RETURN_IF_ERROR(GetString(f, "description", item, field.description));
    RETURN_IF_ERROR(GetStringList(f, "tags", item, field.tags));
    RETURN_IF_ERROR(GetEnum<Classification>(f, "classification", item,
                                            ParseClassification,
                                            kClassifications,
                                            field.classification));
    RETURN_IF_ERROR(GetStringList(f, "terms", item, field.terms));
    RETURN_IF_ERROR(GetFields(f, item, depth + 1, field.fields));
    out.push_back(std::move(field));
  }
  return absl::OkStatus();
}

json StatusToJson(const ObjectStatus& s, bool dataset) {
  json out = {{"revision", s.revision},
              {"createdAt", s.created_at},
              {"updatedAt", s.updated_at},
              {"updatedBy", s.updated_by}};
  if (dataset) out["schemaVersion"] = s.schema_version;
  return out;
}

}  // namespace

json DatasetSpecToJson(const DatasetSpec& spec) {
  json out = json::object();
  if (!spec.description.empty()) out["description"] = spec.description;
  if (!spec.domain.empty()) out["domain"] = spec.domain;
  if (spec.classification != Classification::kUnspecified) {
    out["classification"] = ClassificationName(spec.classification);
  }
  if (!spec.tags.empty()) out["tags"] = spec.tags;
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  if (!spec.properties.empty()) out["properties"] = spec.properties;
  out["lifecycle"] = LifecycleName(spec.lifecycle);
  if (!spec.layer.empty()) out["layer"] = spec.layer;
  if (spec.tier != 0) out["tier"] = spec.tier;
  if (!spec.certification.state.empty()) {
    json c = {{"state", spec.certification.state}};
    if (!spec.certification.expires.empty()) c["expires"] = spec.certification.expires;
    if (!spec.certification.by.empty()) c["by"] = spec.certification.by;
    if (!spec.certification.at.empty()) c["at"] = spec.certification.at;
    out["certification"] = std::move(c);
  }
  if (!spec.terms.empty()) out["terms"] = spec.terms;
  json fields = json::array();
  for (const Field& f : spec.fields) fields.push_back(FieldToJson(f));
  out["schema"] = {{"fields", std::move(fields)}};
  return out;
}

json DatasetSpecFieldToJson(const DatasetSpec& spec, std::string_view field) {
  json all = DatasetSpecToJson(spec);
  auto it = all.find(std::string(field));
  if (it != all.end()) return *it;
  if (field == "tags" || field == "owners" || field == "terms") return json::array();
  if (field == "properties") return json::object();
  if (field == "tier") return 0;
  if (field == "certification") return {{"state", "none"}};
  return "";
}

absl::StatusOr<DatasetSpec> DatasetSpecFromJson(const json& spec) {
  constexpr std::string_view kPath = "spec";
  RETURN_IF_ERROR(CheckObject(spec, kPath,
                              {"description", "domain", "classification",
                               "tags", "owners", "properties", "lifecycle",
                               "schema", "layer", "tier", "certification", "terms"}));
  DatasetSpec out;
  RETURN_IF_ERROR(GetString(spec, "description", kPath, out.description));
  RETURN_IF_ERROR(GetString(spec, "domain", kPath, out.domain));
  RETURN_IF_ERROR(GetEnum<Classification>(spec, "classification", kPath,
                                          ParseClassification,
                                          kClassifications,
                                          out.classification));
  RETURN_IF_ERROR(GetStringList(spec, "tags", kPath, out.tags));
  RETURN_IF_ERROR(GetOwners(spec, kPath, out.owners));
  RETURN_IF_ERROR(GetStringMap(spec, "properties", kPath, out.properties));
  RETURN_IF_ERROR(GetEnum<Lifecycle>(spec, "lifecycle", kPath, ParseLifecycle,
                                     "active, deprecated, dropped", out.lifecycle));
  if (const json* schema = Member(spec, "schema")) {
    RETURN_IF_ERROR(CheckObject(*schema, "spec.schema", {"fields"}));
    RETURN_IF_ERROR(GetFields(*schema, "spec.schema", 1, out.fields));
  }
  RETURN_IF_ERROR(GetString(spec, "layer", kPath, out.layer));
  RETURN_IF_ERROR(GetTier(spec, kPath, out.tier));
  RETURN_IF_ERROR(GetCertification(spec, kPath, out.certification));
  RETURN_IF_ERROR(GetStringList(spec, "terms", kPath, out.terms));
  return out;
}

json DomainSpecToJson(const DomainSpec& spec) {
  json out = json::object();
  if (!spec.description.empty()) out["description"] = spec.description;
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  return out;
}

absl::StatusOr<DomainSpec> DomainSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec", {"description", "owners"}));
  DomainSpec out;
  RETURN_IF_ERROR(GetString(spec, "description", "spec", out.description));
  RETURN_IF_ERROR(GetOwners(spec, "spec", out.owners));
  return out;
}

json GlossaryTermSpecToJson(const GlossaryTermSpec& spec) {
  json out = {{"name", spec.name}, {"definition", spec.definition}, {"status", spec.status}};
  if (!spec.synonyms.empty()) out["synonyms"] = spec.synonyms;
  if (!spec.related.empty()) out["related"] = spec.related;
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  if (!spec.domain.empty()) out["domain"] = spec.domain;
  return out;
}

absl::StatusOr<GlossaryTermSpec> GlossaryTermSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(
      spec, "spec", {"name", "definition", "synonyms", "related", "owners", "domain", "status"}));
  GlossaryTermSpec out;
  RETURN_IF_ERROR(GetString(spec, "name", "spec", out.name));
  RETURN_IF_ERROR(GetString(spec, "definition", "spec", out.definition));
  RETURN_IF_ERROR(GetStringList(spec, "synonyms", "spec", out.synonyms));
  RETURN_IF_ERROR(GetStringList(spec, "related", "spec", out.related));
  RETURN_IF_ERROR(GetOwners(spec, "spec", out.owners));
  RETURN_IF_ERROR(GetString(spec, "domain", "spec", out.domain));
  if (Member(spec, "status") != nullptr) {
    RETURN_IF_ERROR(GetString(spec, "status", "spec", out.status));
  }
  return out;
}

json ModelSpecToJson(const ModelSpec& spec) {
  json out = json::object();
  if (!spec.description.empty()) out["description"] = spec.description;
  if (!spec.domain.empty()) out["domain"] = spec.domain;
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  if (!spec.tags.empty()) out["tags"] = spec.tags;
  json card = json::object();
  if (!spec.card.intended_use.empty()) card["intendedUse"] = spec.card.intended_use;
  if (!spec.card.limitations.empty()) card["limitations"] = spec.card.limitations;
  if (!spec.card.ethical_considerations.empty()) {
    card["ethicalConsiderations"] = spec.card.ethical_considerations;
  }
  if (!spec.card.evaluation_data.empty()) {
    json& data = card["evaluationData"] = json::array();
    for (const DatasetKey& k : spec.card.evaluation_data) {
      data.push_back({{"namespace", k.ns}, {"name", k.name}});
    }
  }
  if (!card.empty()) out["card"] = std::move(card);
  return out;
}

absl::StatusOr<ModelSpec> ModelSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec", {"description", "domain", "owners", "tags", "card"}));
  ModelSpec out;
  RETURN_IF_ERROR(GetString(spec, "description", "spec", out.description));
  RETURN_IF_ERROR(GetString(spec, "domain", "spec", out.domain));
  RETURN_IF_ERROR(GetOwners(spec, "spec", out.owners));
  RETURN_IF_ERROR(GetStringList(spec, "tags", "spec", out.tags));
  if (const json* card = Member(spec, "card")) {
    RETURN_IF_ERROR(CheckObject(
        *card, "spec.card",
        {"intendedUse", "limitations", "ethicalConsiderations", "evaluationData"}));
    RETURN_IF_ERROR(GetString(*card, "intendedUse", "spec.card", out.card.intended_use));
    RETURN_IF_ERROR(GetString(*card, "limitations", "spec.card", out.card.limitations));
    RETURN_IF_ERROR(GetString(*card, "ethicalConsiderations", "spec.card",
                              out.card.ethical_considerations));
    if (const json* data = Member(*card, "evaluationData")) {
      if (!data->is_array()) return Invalid("spec.card.evaluationData", "must be a list");
      for (size_t i = 0; i < data->size(); ++i) {
        const std::string item = StrCat("spec.card.evaluationData[", i, "]");
        RETURN_IF_ERROR(CheckObject((*data)[i], item, {"namespace", "name"}));
        DatasetKey k;
        RETURN_IF_ERROR(GetString((*data)[i], "namespace", item, k.ns));
        RETURN_IF_ERROR(GetString((*data)[i], "name", item, k.name));
        out.card.evaluation_data.push_back(std::move(k));
      }
    }
  }
  return out;
}

namespace {

json KeysToJson(const std::vector<DatasetKey>& keys) {
  json out = json::array();
  for (const DatasetKey& k : keys) out.push_back({{"namespace", k.ns}, {"name", k.name}});
  return out;
}

// A list of {namespace, name} at `path`.`key`, when present.
absl::Status GetKeys(const json& object, const char* key, std::string_view path,
                     std::vector<DatasetKey>& out) {
  const json* list = Member(object, key);
  if (list == nullptr) return absl::OkStatus();
  const std::string at = StrCat(path, ".", key);
  if (!list->is_array()) return Invalid(at, "must be a list");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string item = StrCat(at, "[", i, "]");
    RETURN_IF_ERROR(CheckObject((*list)[i], item, {"namespace", "name"}));
    DatasetKey k;
    RETURN_IF_ERROR(GetString((*list)[i], "namespace", item, k.ns));
    RETURN_IF_ERROR(GetString((*list)[i], "name", item, k.name));
    out.push_back(std::move(k));
  }
  return absl::OkStatus();
}

}  // namespace

json FeatureViewSpecToJson(const FeatureViewSpec& spec) {
  json out = {{"source", {{"namespace", spec.source.ns}, {"name", spec.source.name}}}};
  if (!spec.description.empty()) out["description"] = spec.description;
  if (!spec.domain.empty()) out["domain"] = spec.domain;
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  if (!spec.tags.empty()) out["tags"] = spec.tags;
  if (!spec.entities.empty()) out["entities"] = spec.entities;
  json& features = out["features"] = json::array();
  for (const Feature& f : spec.features) {
    json feature = {{"name", f.name}, {"column", f.column}};
    if (!f.type.empty()) feature["type"] = f.type;
    if (!f.description.empty()) feature["description"] = f.description;
    features.push_back(std::move(feature));
  }
  return out;
}

absl::StatusOr<FeatureViewSpec> FeatureViewSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec",
                              {"description", "domain", "owners", "tags", "source", "entities",
                               "features"}));
  FeatureViewSpec out;
  RETURN_IF_ERROR(GetString(spec, "description", "spec", out.description));
  RETURN_IF_ERROR(GetString(spec, "domain", "spec", out.domain));
  RETURN_IF_ERROR(GetOwners(spec, "spec", out.owners));
  RETURN_IF_ERROR(GetStringList(spec, "tags", "spec", out.tags));
  const json* source = Member(spec, "source");
  if (source == nullptr) return Invalid("spec.source", "is required");
  RETURN_IF_ERROR(CheckObject(*source, "spec.source", {"namespace", "name"}));
  RETURN_IF_ERROR(GetString(*source, "namespace", "spec.source", out.source.ns));
  RETURN_IF_ERROR(GetString(*source, "name", "spec.source", out.source.name));
  RETURN_IF_ERROR(GetStringList(spec, "entities", "spec", out.entities));
  if (const json* features = Member(spec, "features")) {
    if (!features->is_array()) return Invalid("spec.features", "must be a list");
    for (size_t i = 0; i < features->size(); ++i) {
      const std::string item = StrCat("spec.features[", i, "]");
      const json& f = (*features)[i];
      RETURN_IF_ERROR(CheckObject(f, item, {"name", "type", "column", "description"}));
      Feature feature;
      RETURN_IF_ERROR(GetString(f, "name", item, feature.name));
      RETURN_IF_ERROR(GetString(f, "type", item, feature.type));
      RETURN_IF_ERROR(GetString(f, "column", item, feature.column));
      RETURN_IF_ERROR(GetString(f, "description", item, feature.description));
      out.features.push_back(std::move(feature));
    }
  }
  return out;
}

json AIApplicationSpecToJson(const AIApplicationSpec& spec) {
  json out = {{"type", spec.type}};
  if (!spec.description.empty()) out["description"] = spec.description;
  if (!spec.domain.empty()) out["domain"] = spec.domain;
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  if (!spec.tags.empty()) out["tags"] = spec.tags;
  if (!spec.service_account.empty()) out["serviceAccount"] = spec.service_account;
  if (!spec.models.empty()) out["models"] = spec.models;
  if (!spec.data_sources.empty()) out["dataSources"] = KeysToJson(spec.data_sources);
  if (!spec.vector_indexes.empty()) out["vectorIndexes"] = KeysToJson(spec.vector_indexes);
  if (!spec.tools.empty()) {
    json& tools = out["tools"] = json::array();
    for (const AIApplicationTool& t : spec.tools) {
      json tool = {{"name", t.name}};
      if (!t.description.empty()) tool["description"] = t.description;
      if (!t.reads.empty()) tool["reads"] = KeysToJson(t.reads);
      if (!t.writes.empty()) tool["writes"] = KeysToJson(t.writes);
      tools.push_back(std::move(tool));
    }
  }
  return out;
}

absl::StatusOr<AIApplicationSpec> AIApplicationSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec",
                              {"type", "description", "domain", "owners", "tags",
                               "serviceAccount", "models", "dataSources", "vectorIndexes",
                               "tools"}));
  AIApplicationSpec out;
  if (Member(spec, "type") != nullptr) RETURN_IF_ERROR(GetString(spec, "type", "spec", out.type));
  RETURN_IF_ERROR(GetString(spec, "description", "spec", out.description));
  RETURN_IF_ERROR(GetString(spec, "domain", "spec", out.domain));
  RETURN_IF_ERROR(GetOwners(spec, "spec", out.owners));
  RETURN_IF_ERROR(GetStringList(spec, "tags", "spec", out.tags));
  RETURN_IF_ERROR(GetString(spec, "serviceAccount", "spec", out.service_account));
  RETURN_IF_ERROR(GetStringList(spec, "models", "spec", out.models));
  RETURN_IF_ERROR(GetKeys(spec, "dataSources", "spec", out.data_sources));
  RETURN_IF_ERROR(GetKeys(spec, "vectorIndexes", "spec", out.vector_indexes));
  if (const json* tools = Member(spec, "tools")) {
    if (!tools->is_array()) return Invalid("spec.tools", "must be a list");
    for (size_t i = 0; i < tools->size(); ++i) {
      const std::string item = StrCat("spec.tools[", i, "]");
      const json& t = (*tools)[i];
      RETURN_IF_ERROR(CheckObject(t, item, {"name", "description", "reads", "writes"}));
      AIApplicationTool tool;
      RETURN_IF_ERROR(GetString(t, "name", item, tool.name));
      RETURN_IF_ERROR(GetString(t, "description", item, tool.description));
      RETURN_IF_ERROR(GetKeys(t, "reads", item, tool.reads));
      RETURN_IF_ERROR(GetKeys(t, "writes", item, tool.writes));
      out.tools.push_back(std::move(tool));
    }
  }
  return out;
}

json ModelVersionSpecToJson(const ModelVersionSpec& spec) {
  json out = {{"status", spec.status}};
  if (!spec.description.empty()) out["description"] = spec.description;
  if (!spec.source.empty()) out["source"] = spec.source;
  if (!spec.framework.empty()) out["framework"] = spec.framework;
  if (!spec.run.job.empty()) {
    out["run"] = {{"namespace", spec.run.ns}, {"job", spec.run.job}};
    if (!spec.run.run_id.empty()) out["run"]["runId"] = spec.run.run_id;
  }
  if (!spec.metrics.empty()) out["metrics"] = spec.metrics;
  if (!spec.inputs.empty() || !spec.outputs.empty()) {
    json signature = json::object();
    auto schema = [](const std::vector<Field>& fields) {
      json list = json::array();
      for (const Field& f : fields) list.push_back(FieldToJson(f));
      return json{{"fields", std::move(list)}};
    };
    if (!spec.inputs.empty()) signature["inputs"] = schema(spec.inputs);
    if (!spec.outputs.empty()) signature["outputs"] = schema(spec.outputs);
    out["signature"] = std::move(signature);
  }
  return out;
}

absl::StatusOr<ModelVersionSpec> ModelVersionSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec",
                              {"description", "source", "framework", "run", "metrics", "status",
                               "signature"}));
  ModelVersionSpec out;
  RETURN_IF_ERROR(GetString(spec, "description", "spec", out.description));
  RETURN_IF_ERROR(GetString(spec, "source", "spec", out.source));
  RETURN_IF_ERROR(GetString(spec, "framework", "spec", out.framework));
  if (Member(spec, "status") != nullptr) {
    RETURN_IF_ERROR(GetString(spec, "status", "spec", out.status));
  }
  if (const json* run = Member(spec, "run")) {
    RETURN_IF_ERROR(CheckObject(*run, "spec.run", {"namespace", "job", "runId"}));
    RETURN_IF_ERROR(GetString(*run, "namespace", "spec.run", out.run.ns));
    RETURN_IF_ERROR(GetString(*run, "job", "spec.run", out.run.job));
    RETURN_IF_ERROR(GetString(*run, "runId", "spec.run", out.run.run_id));
  }
  if (const json* metrics = Member(spec, "metrics")) {
    if (!metrics->is_object()) return Invalid("spec.metrics", "must be a mapping");
    for (const auto& item : metrics->items()) {
      // YAML's scalars come as text: "0.91" is as good as 0.91.
      double value = 0;
      if (item.value().is_number()) {
        value = item.value().get<double>();
      } else if (!item.value().is_string() ||
                 !absl::SimpleAtod(item.value().get<std::string>(), &value)) {
        return Invalid(StrCat("spec.metrics.", item.key()), "must be a number");
      }
      out.metrics[item.key()] = value;
    }
  }
  if (const json* signature = Member(spec, "signature")) {
    RETURN_IF_ERROR(CheckObject(*signature, "spec.signature", {"inputs", "outputs"}));
    if (const json* in = Member(*signature, "inputs")) {
      RETURN_IF_ERROR(CheckObject(*in, "spec.signature.inputs", {"fields"}));
      RETURN_IF_ERROR(GetFields(*in, "spec.signature.inputs", 1, out.inputs));
    }
    if (const json* o = Member(*signature, "outputs")) {
      RETURN_IF_ERROR(CheckObject(*o, "spec.signature.outputs", {"fields"}));
      RETURN_IF_ERROR(GetFields(*o, "spec.signature.outputs", 1, out.outputs));
    }
  }
  return out;
}

json PrincipalSpecToJson(const PrincipalSpec& spec) {
  json out = json::object();
  if (!spec.attributes.empty()) out["attributes"] = spec.attributes;
  if (!spec.groups.empty()) out["groups"] = spec.groups;
  return out;
}

absl::StatusOr<PrincipalSpec> PrincipalSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec", {"attributes", "groups"}));
  PrincipalSpec out;
  RETURN_IF_ERROR(GetStringMap(spec, "attributes", "spec", out.attributes));
  RETURN_IF_ERROR(GetStringList(spec, "groups", "spec", out.groups));
  return out;
}

json JobSpecToJson(const JobSpec& spec) {
  json out = json::object();
  if (!spec.owners.empty()) out["owners"] = OwnersToJson(spec.owners);
  return out;
}

absl::StatusOr<JobSpec> JobSpecFromJson(const json& spec) {
  RETURN_IF_ERROR(CheckObject(spec, "spec", {"owners"}));
  JobSpec out;
  RETURN_IF_ERROR(GetOwners(spec, "spec", out.owners));
  return out;
}

json ResourceToJson(const Resource& r, bool with_status) {
  json doc = {{"apiVersion", kApiVersion}, {"kind", r.KindName()}};
  const ObjectStatus* status = nullptr;
  switch (r.kind) {
    case Resource::Kind::kDataset:
      doc["metadata"] = {{"namespace", r.dataset.key.ns},
                         {"name", r.dataset.key.name}};
      doc["spec"] = DatasetSpecToJson(r.dataset.spec);
      status = &r.dataset.status;
      break;
    case Resource::Kind::kDomain:
      doc["metadata"] = {{"name", r.domain.path}};
      doc["spec"] = DomainSpecToJson(r.domain.spec);
      status = &r.domain.status;
      break;
    case Resource::Kind::kPrincipal:
      doc["metadata"] = {{"name", r.principal.name}};
      doc["spec"] = PrincipalSpecToJson(r.principal.spec);
      status = &r.principal.status;
      break;
    case Resource::Kind::kJob:
      doc["metadata"] = {{"namespace", r.job.key.ns}, {"name", r.job.key.name}};
      doc["spec"] = JobSpecToJson(r.job.spec);
      status = &r.job.status;
      break;
    case Resource::Kind::kDataProduct:
      // Its ODPS document, as written (ODPS has no status block).
      return DataProductToOdps(r.product);
    case Resource::Kind::kGlossaryTerm:
      doc["metadata"] = {{"name", r.term.id}};
      doc["spec"] = GlossaryTermSpecToJson(r.term.spec);
      status = &r.term.status;
      break;
    case Resource::Kind::kModel:
      doc["metadata"] = {{"name", r.model.name}};
      doc["spec"] = ModelSpecToJson(r.model.spec);
      status = &r.model.status;
      break;
    case Resource::Kind::kModelVersion:
      doc["metadata"] = {{"name", r.model_version.model}, {"version", r.model_version.version}};
      doc["spec"] = ModelVersionSpecToJson(r.model_version.spec);
      status = &r.model_version.status;
      break;
    case Resource::Kind::kAIApplication:
      doc["metadata"] = {{"name", r.application.name}};
      doc["spec"] = AIApplicationSpecToJson(r.application.spec);
      status = &r.application.status;
      break;
    case Resource::Kind::kFeatureView:
      doc["metadata"] = {{"name", r.feature_view.name}};
      doc["spec"] = FeatureViewSpecToJson(r.feature_view.spec);
      status = &r.feature_view.status;
      break;
  }
  if (with_status) {
    doc["status"] = StatusToJson(*status, r.kind == Resource::Kind::kDataset);
    if (r.kind == Resource::Kind::kAIApplication) {
      const ApplicationReview& review = r.application.review;
      json& out = doc["status"]["review"] = {{"state", review.state}};
      if (!review.by.empty()) {
        out["by"] = review.by;
        out["at"] = review.at;
        out["revision"] = review.revision;
      }
      if (!review.note.empty()) out["note"] = review.note;
    }
  }
  return doc;
}

absl::StatusOr<Resource> ResourceFromJson(const json& doc) {
  if (!doc.is_object()) return Invalid("document", "must be a mapping");
  if (doc.value("kind", json()) == "DataProduct") {
    Resource r{.kind = Resource::Kind::kDataProduct};
    ASSIGN_OR_RETURN(r.product, DataProductFromOdps(doc));
    return r;
  }
  RETURN_IF_ERROR(CheckObject(doc, "document",
                              {"apiVersion", "kind", "metadata", "spec",
                               "status"}));
  std::string api_version, kind;
  RETURN_IF_ERROR(GetString(doc, "apiVersion", "", api_version));
  if (api_version != kApiVersion) {
    return Invalid("apiVersion",
                   api_version.empty()
                       ? StrCat("is required (", kApiVersion, ")")
                       : StrCat("unsupported \"", api_version,
                                      "\" (want ", kApiVersion, ")"));
  }
  RETURN_IF_ERROR(GetString(doc, "kind", "", kind));
  const json empty = json::object();
  const json* metadata = Member(doc, "metadata");
  if (metadata == nullptr) return Invalid("metadata", "is required");
  RETURN_IF_ERROR(
      CheckObject(*metadata, "metadata", {"namespace", "name", "revision", "version"}));
  const json* spec = Member(doc, "spec");
  if (spec == nullptr) spec = &empty;

  Resource r;
  if (const json* revision = Member(*metadata, "revision")) {
    if (revision->is_number_integer()) {
      r.expected_revision = revision->get<int64_t>();
    } else if (revision->is_string() &&
               absl::SimpleAtoi(revision->get<std::string>(),
                                &r.expected_revision)) {
    } else {
      return Invalid("metadata.revision", "must be an integer");
    }
  }
  std::string name, ns;
  RETURN_IF_ERROR(GetString(*metadata, "name", "metadata", name));
  RETURN_IF_ERROR(GetString(*metadata, "namespace", "metadata", ns));
  // A model version's: YAML reads `version: 3` as a number.
  std::string version;
  if (const json* v = Member(*metadata, "version")) {
    if (kind != "ModelVersion") {
      return Invalid("metadata.version", "only model versions have a version");
    }
    if (v->is_number_integer()) {
      version = std::to_string(v->get<int64_t>());
    } else {
      RETURN_IF_ERROR(GetString(*metadata, "version", "metadata", version));
    }
  }
  if (kind == "Dataset") {
    r.kind = Resource::Kind::kDataset;
    r.dataset.key = {ns, name};
    ASSIGN_OR_RETURN(r.dataset.spec, DatasetSpecFromJson(*spec));
  } else if (kind == "Domain") {
    r.kind = Resource::Kind::kDomain;
    r.domain.path = name;
    if (!ns.empty()) {
      return Invalid("metadata.namespace", "only datasets and jobs have a namespace");
    }
    ASSIGN_OR_RETURN(r.domain.spec, DomainSpecFromJson(*spec));
  } else if (kind == "User" || kind == "ServiceAccount" || kind == "Group") {
    r.kind = Resource::Kind::kPrincipal;
    r.principal.kind = kind == "User"             ? PrincipalKind::kUser
                       : kind == "ServiceAccount" ? PrincipalKind::kServiceAccount
                                                  : PrincipalKind::kGroup;
    r.principal.name = name;
    if (!ns.empty()) {
      return Invalid("metadata.namespace", "only datasets and jobs have a namespace");
    }
    ASSIGN_OR_RETURN(r.principal.spec, PrincipalSpecFromJson(*spec));
  } else if (kind == "Job") {
    r.kind = Resource::Kind::kJob;
    r.job.key = {ns, name};
    ASSIGN_OR_RETURN(r.job.spec, JobSpecFromJson(*spec));
  } else if (kind == "GlossaryTerm") {
    r.kind = Resource::Kind::kGlossaryTerm;
    r.term.id = name;
    if (!ns.empty()) {
      return Invalid("metadata.namespace", "only datasets and jobs have a namespace");
    }
    ASSIGN_OR_RETURN(r.term.spec, GlossaryTermSpecFromJson(*spec));
  } else if (kind == "Model" || kind == "ModelVersion") {
    if (!ns.empty()) {
      return Invalid("metadata.namespace", "only datasets and jobs have a namespace");
    }
    if (kind == "Model") {
      r.kind = Resource::Kind::kModel;
      r.model.name = name;
      ASSIGN_OR_RETURN(r.model.spec, ModelSpecFromJson(*spec));
    } else {
      r.kind = Resource::Kind::kModelVersion;
      r.model_version.model = name;
      r.model_version.version = version;
      ASSIGN_OR_RETURN(r.model_version.spec, ModelVersionSpecFromJson(*spec));
    }
  } else if (kind == "FeatureView") {
    if (!ns.empty()) {
      return Invalid("metadata.namespace", "only datasets and jobs have a namespace");
    }
    r.kind = Resource::Kind::kFeatureView;
    r.feature_view.name = name;
    ASSIGN_OR_RETURN(r.feature_view.spec, FeatureViewSpecFromJson(*spec));
  } else if (kind == "AIApplication") {
    if (!ns.empty()) {
      return Invalid("metadata.namespace", "only datasets and jobs have a namespace");
    }
    r.kind = Resource::Kind::kAIApplication;
    r.application.name = name;
    ASSIGN_OR_RETURN(r.application.spec, AIApplicationSpecFromJson(*spec));
  } else {
    return Invalid("kind",
                   kind.empty()
                       ? "is required"
                       : StrCat("unknown kind \"", kind,
                                      "\" (want Dataset, Domain, User, "
                                      "ServiceAccount, Group, Job, GlossaryTerm, "
                                      "Model, ModelVersion, FeatureView, AIApplication, "
                                      "GovernanceRule or "
                                      "DataProduct)"));
  }
  return r;
}

}  // namespace catalog
