#include "lib/contract/contract.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lib/util/strings.h"

namespace catalog::contract {
namespace {

bool Bool(const Node& n, std::string_view key) {
  const Node* v = n.Find(key);
  return v != nullptr && v->kind == Node::Kind::kBool && v->boolean;
}

Bound BoundOf(const Node* options, std::string_view key) {
  if (options == nullptr) return {};
  const Node* v = options->Find(key);
  if (v == nullptr || !(v->IsNumber() || v->IsString())) return {};
  return {v};
}

std::vector<std::string> Relationships(const Node& n) {
  std::vector<std::string> out;
  if (const Node* rels = n.Find("relationships"); rels && rels->IsSeq()) {
    for (const Node& r : rels->items) out.push_back(r.ToJson());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<QualityRule> Quality(const Node& n,
                                 std::optional<std::vector<std::string>>*
                                     valid_values) {
  std::vector<QualityRule> out;
  const Node* rules = n.Find("quality");
  if (rules == nullptr || !rules->IsSeq()) return out;
  for (size_t i = 0; i < rules->items.size(); ++i) {
    const Node& r = rules->items[i];
    QualityRule rule;
    rule.node = &r;
    rule.key = r.String("id");
    if (rule.key.empty()) rule.key = r.String("name");
    if (rule.key.empty()) {
      std::string kind = r.String("metric");
      if (kind.empty()) kind = r.String("type");
      if (kind.empty()) kind = "rule";
      // Unnamed rules match by kind and their place among that kind.
      int nth = 0;
      for (const QualityRule& q : out) {
        if (q.key.rfind(kind + "#", 0) == 0) ++nth;
      }
      rule.key = StrCat(kind, "#", nth + 1);
    }
    nlohmann::json j = nlohmann::json::parse(r.ToJson());
    if (j.contains("arguments") && j["arguments"].is_object() &&
        j["arguments"].contains("validValues")) {
      if (valid_values != nullptr && r.String("metric") == "invalidValues") {
        std::vector<std::string> values;
        for (const auto& v : j["arguments"]["validValues"]) {
          values.push_back(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        *valid_values = std::move(values);
      }
      j["arguments"].erase("validValues");
    }
    rule.json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.push_back(std::move(rule));
  }
  return out;
}

Property PropertyOf(const Node& n, const std::string& name,
                    const std::string& path) {
  Property p;
  p.name = name;
  p.path = path;
  p.node = &n;
  p.logical_type = n.String("logicalType");
  p.physical_type = n.String("physicalType");
  p.physical_name = n.String("physicalName");
  p.classification = n.String("classification");
  p.primary_key = Bool(n, "primaryKey");
  p.required = Bool(n, "required") || p.primary_key;
  p.unique = Bool(n, "unique") || p.primary_key;
  const Node* options = n.Find("logicalTypeOptions");
  if (options != nullptr && options->IsMap()) {
    p.format = options->String("format");
    p.pattern = options->Find("pattern");
    p.min_length = BoundOf(options, "minLength");
    p.max_length = BoundOf(options, "maxLength");
    p.minimum = BoundOf(options, "minimum");
    p.maximum = BoundOf(options, "maximum");
    p.exclusive_minimum = BoundOf(options, "exclusiveMinimum");
    p.exclusive_maximum = BoundOf(options, "exclusiveMaximum");
    p.min_items = BoundOf(options, "minItems");
    p.max_items = BoundOf(options, "maxItems");
  } else {
    options = nullptr;
  }
  p.quality = Quality(n, &p.valid_values);
  p.relationships = Relationships(n);
  if (const Node* props = n.Find("properties"); props && props->IsSeq()) {
    for (const Node& child : props->items) {
      std::string child_name = child.String("name");
      if (child_name.empty() || !child.IsMap()) continue;
      p.properties.push_back(
          PropertyOf(child, child_name, StrCat(path, ".", child_name)));
    }
  }
  if (const Node* items = n.Find("items"); items && items->IsMap()) {
    p.properties.push_back(PropertyOf(*items, "[]", path + "[]"));
  }
  return p;
}

// Lower-cased, without a "(...)" size or precision.
std::string BaseType(std::string_view type) {
  std::string out;
  for (char c : type) {
    if (c == '(' || c == '<' || c == '[') break;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

int Bound::Compare(const Bound& other) const {
  if (node->IsNumber() && other.node->IsNumber()) {
    return node->number < other.node->number
               ? -1
               : (node->number > other.node->number ? 1 : 0);
  }
  return node->text.compare(other.node->text);
}

std::string Bound::Text() const { return node == nullptr ? "" : node->text; }

const Object* Contract::FindObject(std::string_view object_name) const {
  for (const Object& o : objects) {
    if (o.name == object_name) return &o;
  }
  return nullptr;
}

Contract FromDocument(const Document& doc) {
  Contract c;
  c.doc = &doc;
  const Node& root = doc.root;
  c.id = root.String("id");
  if (const Node* v = root.Find("version"); v && v->IsScalar()) c.version = v->text;
  c.status = root.String("status");
  c.name = root.String("name");
  const Node* schema = root.Find("schema");
  if (schema == nullptr || !schema->IsSeq()) return c;
  for (const Node& o : schema->items) {
    if (!o.IsMap() || o.String("name").empty()) continue;
    Object object;
    object.name = o.String("name");
    object.physical_name = o.String("physicalName");
    object.node = &o;
    object.quality = Quality(o, nullptr);
    object.relationships = Relationships(o);
    if (const Node* props = o.Find("properties"); props && props->IsSeq()) {
      for (const Node& p : props->items) {
        std::string name = p.String("name");
        if (name.empty() || !p.IsMap()) continue;
        object.properties.push_back(
            PropertyOf(p, name, StrCat(object.name, ".", name)));
      }
    }
    c.objects.push_back(std::move(object));
  }
  return c;
}

std::optional<DatasetKey> DefaultDataset(const Contract& contract,
                                         const Object& object) {
  const Node* servers = contract.doc->root.Find("servers");
  if (servers == nullptr || !servers->IsSeq() || servers->items.empty()) {
    return std::nullopt;
  }
  const Node& server = servers->items[0];
  std::string type = server.String("type");
  if (type == "postgresql") type = "postgres";
  std::string where = server.String("host");
  if (const Node* port = server.Find("port"); port && port->IsInteger()) {
    where += StrCat(":", port->integer);
  }
  for (const char* key : {"location", "path", "account", "project"}) {
    if (where.empty()) where = server.String(key);
  }
  if (type.empty()) return std::nullopt;
  DatasetKey key;
  // A location is already a URI ("s3://bucket/path").
  key.ns = where.find("://") != std::string::npos
               ? where
               : StrCat(type, "://", where);
  std::string table =
      object.physical_name.empty() ? object.name : object.physical_name;
  std::string prefix;
  for (const char* key_name : {"database", "catalog", "project"}) {
    if (std::string v = server.String(key_name); !v.empty() && v != where) {
      prefix = v + ".";
      break;
    }
  }
  for (const char* key_name : {"schema", "dataset"}) {
    if (std::string v = server.String(key_name); !v.empty()) {
      prefix += v + ".";
      break;
    }
  }
  key.name = prefix + table;
  return key;
}

std::string LogicalTypeOf(std::string_view type) {
  std::string t = BaseType(type);
  static const std::pair<const char*, const char*> kTypes[] = {
      {"string", "string"},     {"str", "string"},        {"varchar", "string"},
      {"char", "string"},       {"character varying", "string"},
      {"nvarchar", "string"},   {"nchar", "string"},      {"text", "string"},
      {"utf8", "string"},       {"uuid", "string"},       {"bpchar", "string"},
      {"integer", "integer"},   {"int", "integer"},       {"bigint", "integer"},
      {"smallint", "integer"},  {"tinyint", "integer"},   {"long", "integer"},
      {"short", "integer"},     {"int2", "integer"},      {"int4", "integer"},
      {"int8", "integer"},      {"int16", "integer"},     {"int32", "integer"},
      {"int64", "integer"},     {"serial", "integer"},    {"bigserial", "integer"},
      {"number", "number"},     {"numeric", "number"},    {"decimal", "number"},
      {"float", "number"},      {"float4", "number"},     {"float8", "number"},
      {"float32", "number"},    {"float64", "number"},    {"double", "number"},
      {"double precision", "number"}, {"real", "number"}, {"money", "number"},
      {"boolean", "boolean"},   {"bool", "boolean"},      {"bit", "boolean"},
      {"date", "date"},         {"timestamp", "timestamp"},
      {"timestamptz", "timestamp"}, {"datetime", "timestamp"},
      {"datetime2", "timestamp"}, {"timestamp_ntz", "timestamp"},
      {"timestamp_ltz", "timestamp"}, {"timestamp_tz", "timestamp"},
      {"timestamp with time zone", "timestamp"},
      {"timestamp without time zone", "timestamp"},
      {"time", "time"},         {"struct", "object"},     {"record", "object"},
      {"object", "object"},     {"map", "object"},        {"row", "object"},
      {"array", "array"},       {"list", "array"},        {"repeated", "array"}};
  for (const auto& [name, logical] : kTypes) {
    if (t == name) return logical;
  }
  return "";
}

namespace {

void CheckProperty(const Property& p, const Field* field,
                   const std::string& prefix, bool nullability_known,
                   std::vector<Violation>& out) {
  std::string name = prefix + p.name;
  if (field == nullptr) {
    if (p.required) {
      out.push_back({name, "missing",
                     StrCat("property \"", name,
                            "\" is required by the contract and missing")});
    }
    return;
  }
  if (!p.logical_type.empty()) {
    bool same_physical =
        !p.physical_type.empty() && BaseType(p.physical_type) == BaseType(field->type);
    std::string actual = LogicalTypeOf(field->type);
    bool fits = actual == p.logical_type ||
                (p.logical_type == "number" && actual == "integer");
    if (!same_physical && !actual.empty() && !fits) {
      out.push_back({name, "type",
                     StrCat("property \"", name, "\" is ", p.logical_type,
                            " in the contract but ", field->type, " (",
                            actual, ") here")});
    }
  }
  if (nullability_known && p.required && field->nullable) {
    out.push_back({name, "nullability",
                   StrCat("property \"", name,
                          "\" is required by the contract but nullable here")});
  }
  for (const Property& child : p.properties) {
    if (child.name == "[]") continue;
    const Field* sub = nullptr;
    for (const Field& f : field->fields) {
      if (f.name == child.name || f.name == child.physical_name) sub = &f;
    }
    CheckProperty(child, sub, name + ".", nullability_known, out);
  }
}

}  // namespace

std::vector<Violation> CheckFields(const Object& object,
                                   const std::vector<Field>& fields,
                                   bool nullability_known) {
  std::vector<Violation> out;
  for (const Property& p : object.properties) {
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.name == p.name ||
          (!p.physical_name.empty() && f.name == p.physical_name)) {
        field = &f;
      }
    }
    CheckProperty(p, field, "", nullability_known, out);
  }
  return out;
}

}  // namespace catalog::contract
