// The official ODCS v3.1.0 JSON schema, rule by rule, as code. Each function
// below is one definition of the schema ($defs/Server, $defs/SchemaProperty,
// ...); `closed` objects are those the schema marks additionalProperties or
// unevaluatedProperties false.
#include <map>
#include <regex>
#include <set>
#include <span>

#include "lib/contract/lint.h"
#include "lib/util/bounded_regex.h"
#include "lib/util/strings.h"

namespace catalog::contract {
namespace {

enum class Type { kString, kInteger, kNumber, kBoolean, kObject, kArray, kAny, kScalar };

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kString: return "a string";
    case Type::kInteger: return "an integer";
    case Type::kNumber: return "a number";
    case Type::kBoolean: return "a boolean";
    case Type::kObject: return "a mapping";
    case Type::kArray: return "a list";
    case Type::kAny: return "any value";
    case Type::kScalar: return "a string, number, boolean or null";
  }
  return "";
}

bool HasType(const Node& n, Type t) {
  switch (t) {
    case Type::kString: return n.IsString();
    case Type::kInteger: return n.IsInteger();
    case Type::kNumber: return n.IsNumber();
    case Type::kBoolean: return n.kind == Node::Kind::kBool;
    case Type::kObject: return n.IsMap();
    case Type::kArray: return n.IsSeq();
    case Type::kAny: return true;
    case Type::kScalar: return n.IsScalar();
  }
  return false;
}

class Checker;
using Check = void (Checker::*)(const Node&, const std::string&);

struct Field {
  std::string_view key;
  Type type;
  Check check = nullptr;  // the value itself, once its type is right
  Check each = nullptr;   // each item of a list
};

const std::vector<std::string_view> kApiVersions = {
    "v3.1.0", "v3.0.2", "v3.0.1", "v3.0.0", "v2.2.2", "v2.2.1", "v2.2.0"};
const std::vector<std::string_view> kLogicalTypes = {
    "string", "date",   "timestamp", "time",   "number",
    "integer", "object", "array",     "boolean"};
const std::vector<std::string_view> kServerTypes = {
    "api",      "athena",   "azure",    "bigquery", "clickhouse", "databricks",
    "denodo",   "dremio",   "duckdb",   "glue",     "cloudsql",   "db2",
    "hive",     "impala",   "informix", "kafka",    "kinesis",    "local",
    "mysql",    "oracle",   "postgresql", "postgres", "presto",   "pubsub",
    "redshift", "s3",       "sftp",     "snowflake", "sqlserver", "synapse",
    "trino",    "vertica",  "zen",      "custom"};
const std::vector<std::string_view> kDimensions = {
    "accuracy", "completeness", "conformity", "consistency",
    "coverage", "timeliness",   "uniqueness"};
const std::vector<std::string_view> kQualityTypes = {"text", "library", "sql",
                                                     "custom"};
const std::vector<std::string_view> kMetrics = {
    "nullValues", "missingValues", "invalidValues", "duplicateValues",
    "rowCount"};
const std::vector<std::string_view> kOperators = {
    "mustBe",         "mustNotBe",           "mustBeGreaterThan",
    "mustBeGreaterOrEqualTo", "mustBeLessThan", "mustBeLessOrEqualTo",
    "mustBeBetween",  "mustNotBeBetween"};

bool Contains(const std::vector<std::string_view>& values, std::string_view v) {
  for (std::string_view x : values) {
    if (x == v) return true;
  }
  return false;
}

std::string Join(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}
std::string Item(const std::string& path, size_t i) {
  return StrCat(path, "[", i, "]");
}

// A server type's own fields ($defs/ServerSource) and which are required.
struct ServerSource {
  std::vector<Field> fields;
  std::vector<std::string_view> required;
};

Field Str(std::string_view key) { return {key, Type::kString}; }
Field Int(std::string_view key) { return {key, Type::kInteger}; }

class Checker {
 public:
  std::vector<Finding> findings;

  void Error(const Node& at, const std::string& path, std::string_view rule,
             std::string message) {
    Error(at.pos, path, rule, std::move(message));
  }
  void Error(Position pos, const std::string& path, std::string_view rule,
             std::string message) {
    findings.push_back({Severity::kError, StrCat("schema/", rule), path, pos,
                        std::move(message)});
  }

  bool Expect(const Node& n, const std::string& path, Type t) {
    if (HasType(n, t)) return true;
    Error(n, path, "type", StrCat(path, " must be ", TypeName(t)));
    return false;
  }

  // Checks the fields of a mapping: their types and sub-rules, the required
  // ones, and (when closed) that no other key is there.
  void Object(const Node& n, const std::string& path,
              std::span<const Field> fields,
              std::span<const std::string_view> required, bool closed,
              std::span<const std::string_view> also_allowed = {}) {
    if (!Expect(n, path, Type::kObject)) return;
    for (std::string_view key : required) {
      if (n.Find(key) == nullptr) {
        Error(n, path, "required",
              StrCat(path.empty() ? "the contract" : path, " needs \"", key,
                     "\""));
      }
    }
    for (const Member& m : n.members) {
      std::string child = Child(path, m.key);
      const Field* field = nullptr;
      for (const Field& f : fields) {
        if (f.key == m.key) field = &f;
      }
      if (field == nullptr) {
        bool allowed = false;
        for (std::string_view k : also_allowed) allowed |= k == m.key;
        if (closed && !allowed) {
          Error(m.key_pos, child, "unknown-key",
                StrCat("unknown key \"", m.key, "\" in ",
                       path.empty() ? "the contract" : path));
        }
        continue;
      }
      Value(m.value, child, *field);
    }
  }

  void Value(const Node& v, const std::string& path, const Field& f) {
    if (!Expect(v, path, f.type)) return;
    if (f.check != nullptr) (this->*f.check)(v, path);
    if (f.each != nullptr && v.IsSeq()) {
      for (size_t i = 0; i < v.items.size(); ++i) {
        (this->*f.each)(v.items[i], Item(path, i));
      }
    }
  }

  void Enum(const Node& n, const std::string& path,
            const std::vector<std::string_view>& values) {
    if (n.IsString() && Contains(values, n.text)) return;
    Error(n, path, "enum",
          StrCat(path, " must be one of ", Join(values), ", not ",
                 n.IsScalar() ? StrCat("\"", n.text, "\"") : "a collection"));
  }

  void Pattern(const Node& n, const std::string& path, const std::regex& re,
               std::string_view what) {
    if (n.IsString() && !BoundedRegexSearch(n.text, re)) {
      Error(n, path, "pattern", StrCat(path, " must be ", what, ", not \"",
                                       n.text, "\""));
    }
  }

  // ---- leaves ------------------------------------------------------------

  void StringList(const Node& n, const std::string& path) {
    for (size_t i = 0; i < n.items.size(); ++i) {
      Expect(n.items[i], Item(path, i), Type::kString);
    }
  }
  void StableId(const Node& n, const std::string& path) {
    static const std::regex re("^[A-Za-z0-9_-]+$");
    Pattern(n, path, re, "letters, digits, '_' and '-' (a stable id)");
  }
  void KindEnum(const Node& n, const std::string& path) {
    Enum(n, path, {"DataContract"});
  }
  void ApiVersionEnum(const Node& n, const std::string& path) {
    Enum(n, path, kApiVersions);
  }
  void Uri(const Node& n, const std::string& path) {
    // RFC 3986: a scheme, then no spaces, controls or characters a URI
    // never holds.
    static const std::regex re(
        "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s\"<>\\\\^`{|}]*$");
    if (!BoundedRegexMatch(n.text, re)) {
      Error(n, path, "format",
            StrCat(path, " must be a URI with a scheme, not \"", n.text,
                   "\""));
    }
  }
  static bool ValidDate(int y, int m, int d) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  }
  bool DateText(std::string_view t) {
    static const std::regex re("^(\\d{4})-(\\d{2})-(\\d{2})$");
    std::smatch m;
    std::string s(t);
    if (!BoundedRegexMatch(s, m, re)) return false;
    return ValidDate(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
  }
  void Date(const Node& n, const std::string& path) {
    if (!DateText(n.text)) {
      Error(n, path, "format",
            StrCat(path, " must be a date (YYYY-MM-DD), not \"", n.text, "\""));
    }
  }
  void DateTime(const Node& n, const std::string& path) {
    static const std::regex re(
        "^(\\d{4}-\\d{2}-\\d{2})[Tt ]([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)"
        "(\\.\\d+)?([Zz]|[+-]([01]\\d|2[0-3]):?[0-5]\\d)$",
        std::regex::icase);
    std::smatch m;
    if (!BoundedRegexMatch(n.text, m, re) || !DateText(m[1].str())) {
      Error(n, path, "format",
            StrCat(path, " must be an RFC 3339 date-time with a time zone, "
                         "not \"", n.text, "\""));
    }
  }

  // ---- shared definitions --------------------------------------------------

  void AuthoritativeDefinition(const Node& n, const std::string& path) {
    static const Field fields[] = {{"id", Type::kString, &Checker::StableId},
                                   Str("url"), Str("type"), Str("description")};
    static const std::string_view required[] = {"url", "type"};
    Object(n, path, fields, required, true);
  }
  void CustomProperty(const Node& n, const std::string& path) {
    static const Field fields[] = {{"id", Type::kString, &Checker::StableId},
                                   Str("property"),
                                   {"value", Type::kAny},
                                   Str("description")};
    static const std::string_view required[] = {"property", "value"};
    Object(n, path, fields, required, true);
  }

  // Fields every SchemaObject and SchemaProperty has ($defs/SchemaElement).
  static void ElementFields(std::vector<Field>& out) {
    out.insert(out.end(),
               {{"id", Type::kString, &Checker::StableId},
                Str("name"),
                Str("physicalType"),
                Str("description"),
                Str("businessName"),
                {"authoritativeDefinitions", Type::kArray, nullptr,
                 &Checker::AuthoritativeDefinition},
                {"tags", Type::kArray, &Checker::StringList},
                {"customProperties", Type::kArray, nullptr,
                 &Checker::CustomProperty}});
  }

  // ---- top level -----------------------------------------------------------

  void Contract(const Node& root) {
    static const Field fields[] = {
        Str("version"),
        {"kind", Type::kString, &Checker::KindEnum},
        {"apiVersion", Type::kString, &Checker::ApiVersionEnum},
        Str("id"),
        Str("name"),
        Str("tenant"),
        {"tags", Type::kArray, &Checker::StringList},
        Str("status"),
        {"servers", Type::kArray, nullptr, &Checker::Server},
        Str("dataProduct"),
        {"description", Type::kObject, &Checker::Description},
        Str("domain"),
        {"schema", Type::kArray, nullptr, &Checker::SchemaObject},
        {"support", Type::kArray, nullptr, &Checker::SupportItem},
        {"price", Type::kObject, &Checker::Pricing},
        {"team", Type::kAny, &Checker::Team},
        {"roles", Type::kArray, nullptr, &Checker::Role},
        Str("slaDefaultElement"),
        {"slaProperties", Type::kArray, nullptr, &Checker::SlaProperty},
        {"authoritativeDefinitions", Type::kArray, nullptr,
         &Checker::AuthoritativeDefinition},
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty},
        {"contractCreatedTs", Type::kString, &Checker::DateTime}};
    static const std::string_view required[] = {"version", "apiVersion",
                                                "kind", "id", "status"};
    Object(root, "", fields, required, true);
  }

  void Description(const Node& n, const std::string& path) {
    static const Field fields[] = {
        Str("usage"), Str("purpose"), Str("limitations"),
        {"authoritativeDefinitions", Type::kArray, nullptr,
         &Checker::AuthoritativeDefinition},
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty}};
    Object(n, path, fields, {}, false);
  }

  void Role(const Node& n, const std::string& path) {
    static const Field fields[] = {
        {"id", Type::kString, &Checker::StableId},
        Str("role"), Str("description"), Str("access"),
        Str("firstLevelApprovers"), Str("secondLevelApprovers"),
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty}};
    static const std::string_view required[] = {"role"};
    Object(n, path, fields, required, true);
  }

  void SupportItem(const Node& n, const std::string& path) {
    static const Field fields[] = {
        {"id", Type::kString, &Checker::StableId},
        Str("channel"), Str("url"), Str("description"), Str("tool"),
        Str("scope"), Str("invitationUrl"),
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty}};
    static const std::string_view required[] = {"channel"};
    Object(n, path, fields, required, true);
  }

  void Pricing(const Node& n, const std::string& path) {
    static const Field fields[] = {{"id", Type::kString, &Checker::StableId},
                                   {"priceAmount", Type::kNumber},
                                   Str("priceCurrency"), Str("priceUnit")};
    Object(n, path, fields, {}, true);
  }

  void TeamMember(const Node& n, const std::string& path) {
    static const Field fields[] = {
        {"id", Type::kString, &Checker::StableId},
        Str("username"), Str("name"), Str("description"), Str("role"),
        {"dateIn", Type::kString, &Checker::Date},
        {"dateOut", Type::kString, &Checker::Date},
        Str("replacedByUsername"),
        {"tags", Type::kArray, &Checker::StringList},
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty},
        {"authoritativeDefinitions", Type::kArray, nullptr,
         &Checker::AuthoritativeDefinition}};
    static const std::string_view required[] = {"username"};
    Object(n, path, fields, required, true);
  }

  // v3.1.0's team object, or v3.0.x's list of members.
  void Team(const Node& n, const std::string& path) {
    if (n.IsSeq()) {
      for (size_t i = 0; i < n.items.size(); ++i) {
        TeamMember(n.items[i], Item(path, i));
      }
      return;
    }
    if (!n.IsMap()) {
      Error(n, path, "type",
            StrCat(path, " must be a team (a mapping) or a list of members"));
      return;
    }
    static const Field fields[] = {
        {"id", Type::kString, &Checker::StableId},
        Str("name"), Str("description"),
        {"members", Type::kArray, nullptr, &Checker::TeamMember},
        {"tags", Type::kArray, &Checker::StringList},
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty},
        {"authoritativeDefinitions", Type::kArray, nullptr,
         &Checker::AuthoritativeDefinition}};
    Object(n, path, fields, {}, true);
  }

  void SlaProperty(const Node& n, const std::string& path) {
    static const Field fields[] = {
        {"id", Type::kString, &Checker::StableId},
        Str("property"),
        {"value", Type::kScalar},
        {"valueExt", Type::kScalar},
        Str("unit"), Str("element"), Str("driver"), Str("description"),
        Str("scheduler"), Str("schedule")};
    static const std::string_view required[] = {"property", "value"};
    Object(n, path, fields, required, true);
  }

  // ---- servers -------------------------------------------------------------

  void SftpLocation(const Node& n, const std::string& path) {
    Uri(n, path);
    static const std::regex re("^sftp://.*");
    Pattern(n, path, re, "an sftp:// URI");
  }

  static const ServerSource* SourceOf(std::string_view type) {
    static const Field kUri = {"location", Type::kString, &Checker::Uri};
    static const std::map<std::string_view, ServerSource> sources = [] {
      std::map<std::string_view, ServerSource> s;
      auto host_port_db = [] {
        return std::vector<Field>{Str("host"), Int("port"), Str("database")};
      };
      auto plus = [](std::vector<Field> f, std::vector<Field> more) {
        f.insert(f.end(), more.begin(), more.end());
        return f;
      };
      s["api"] = {{kUri}, {"location"}};
      s["athena"] = {{{"stagingDir", Type::kString, &Checker::Uri},
                      Str("schema"), Str("catalog"), Str("regionName")},
                     {"stagingDir", "schema"}};
      s["azure"] = {{kUri, Str("format"), Str("delimiter")},
                    {"location", "format"}};
      s["bigquery"] = {{Str("project"), Str("dataset")}, {"project", "dataset"}};
      s["clickhouse"] = {host_port_db(), {"host", "port", "database"}};
      s["databricks"] = {{Str("host"), Str("catalog"), Str("schema")},
                         {"catalog", "schema"}};
      s["denodo"] = {host_port_db(), {"host", "port"}};
      s["dremio"] = {{Str("host"), Int("port"), Str("schema")}, {"host", "port"}};
      s["duckdb"] = {{Str("database"), Str("schema")}, {"database"}};
      s["glue"] = {{Str("account"), Str("database"), kUri, Str("format")},
                   {"account", "database"}};
      s["cloudsql"] = {plus(host_port_db(), {Str("schema")}),
                       {"host", "port", "database", "schema"}};
      s["db2"] = {plus(host_port_db(), {Str("schema")}),
                  {"host", "port", "database"}};
      s["hive"] = {host_port_db(), {"host", "database"}};
      s["impala"] = {host_port_db(), {"host", "database"}};
      s["informix"] = {host_port_db(), {"host", "database"}};
      s["zen"] = {host_port_db(), {"host", "database"}};
      s["custom"] = {{Str("account"), Str("catalog"), Str("database"),
                      Str("dataset"), Str("delimiter"),
                      {"endpointUrl", Type::kString, &Checker::Uri},
                      Str("format"), Str("host"), kUri, Str("path"),
                      Int("port"), Str("project"), Str("region"),
                      Str("regionName"), Str("schema"), Str("serviceName"),
                      Str("stagingDir"), Str("warehouse"), Str("stream")},
                     {}};
      s["kafka"] = {{Str("host"), Str("format")}, {"host"}};
      s["kinesis"] = {{Str("region"), Str("format")}, {}};
      s["local"] = {{Str("path"), Str("format")}, {"path", "format"}};
      s["mysql"] = {host_port_db(), {"host", "port", "database"}};
      s["oracle"] = {{Str("host"), Int("port"), Str("serviceName")},
                     {"host", "port", "serviceName"}};
      s["postgres"] = {plus(host_port_db(), {Str("schema")}),
                       {"host", "port", "database", "schema"}};
      s["postgresql"] = s["postgres"];
      s["presto"] = {{Str("host"), Str("catalog"), Str("schema")}, {"host"}};
      s["pubsub"] = {{Str("project")}, {"project"}};
      s["redshift"] = {{Str("host"), Str("database"), Str("schema"),
                        Str("region"), Str("account")},
                       {"database", "schema"}};
      s["s3"] = {{kUri, {"endpointUrl", Type::kString, &Checker::Uri},
                  Str("format"), Str("delimiter")},
                 {"location"}};
      s["sftp"] = {{{"location", Type::kString, &Checker::SftpLocation},
                    Str("format"), Str("delimiter")},
                   {"location"}};
      s["snowflake"] = {{Str("host"), Int("port"), Str("account"),
                         Str("database"), Str("schema"), Str("warehouse")},
                        {"account", "database", "schema"}};
      s["sqlserver"] = {plus(host_port_db(), {Str("schema")}),
                        {"host", "database", "schema"}};
      s["synapse"] = {host_port_db(), {"host", "port", "database"}};
      s["trino"] = {{Str("host"), Int("port"), Str("catalog"), Str("schema")},
                    {"host", "port", "catalog", "schema"}};
      s["vertica"] = {plus(host_port_db(), {Str("schema")}),
                      {"host", "port", "database", "schema"}};
      return s;
    }();
    auto it = sources.find(type);
    return it == sources.end() ? nullptr : &it->second;
  }

  void ServerTypeEnum(const Node& n, const std::string& path) {
    Enum(n, path, kServerTypes);
  }

  void Server(const Node& n, const std::string& path) {
    std::vector<Field> fields = {
        {"id", Type::kString, &Checker::StableId},
        Str("server"),
        {"type", Type::kString, &Checker::ServerTypeEnum},
        Str("description"),
        Str("environment"),
        {"roles", Type::kArray, nullptr, &Checker::Role},
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty}};
    std::vector<std::string_view> required = {"server", "type"};
    if (n.IsMap()) {
      const Node* type = n.Find("type");
      const ServerSource* source =
          type != nullptr && type->IsString() ? SourceOf(type->text) : nullptr;
      if (source != nullptr) {
        // The source's fields are checked by their own rules; the base
        // fields keep theirs (the schema applies both).
        for (const Field& f : source->fields) {
          bool base = false;
          for (const Field& b : fields) base |= b.key == f.key;
          if (!base) fields.push_back(f);
        }
        required.insert(required.end(), source->required.begin(),
                        source->required.end());
      }
    }
    Object(n, path, fields, required, true);
  }

  // ---- schema objects and properties ---------------------------------------

  void ObjectLogicalType(const Node& n, const std::string& path) {
    Enum(n, path, {"object"});
  }

  void SchemaObject(const Node& n, const std::string& path) {
    std::vector<Field> fields;
    ElementFields(fields);
    fields.insert(fields.end(),
                  {{"logicalType", Type::kString, &Checker::ObjectLogicalType},
                   Str("physicalName"),
                   Str("dataGranularityDescription"),
                   {"properties", Type::kArray, nullptr, &Checker::Property},
                   {"relationships", Type::kArray, nullptr,
                    &Checker::SchemaRelationship},
                   {"quality", Type::kArray, nullptr, &Checker::Quality}});
    static const std::string_view required[] = {"name"};
    Object(n, path, fields, required, true);
  }

  void Property(const Node& n, const std::string& path) {
    BaseProperty(n, path, /*item=*/false);
  }
  void ItemProperty(const Node& n, const std::string& path) {
    BaseProperty(n, path, /*item=*/true);
  }

  void LogicalTypeEnum(const Node& n, const std::string& path) {
    Enum(n, path, kLogicalTypes);
  }

  // $defs/SchemaBaseProperty. Its logicalTypeOptions and its "properties" /
  // "items" depend on logicalType through if/then rules; a missing
  // logicalType satisfies every "if", so then every "then" applies at once.
  void BaseProperty(const Node& n, const std::string& path, bool item) {
    std::vector<Field> fields;
    ElementFields(fields);
    fields.insert(
        fields.end(),
        {{"primaryKey", Type::kBoolean},
         Int("primaryKeyPosition"),
         {"logicalType", Type::kString, &Checker::LogicalTypeEnum},
         {"logicalTypeOptions", Type::kObject},
         Str("physicalName"),
         {"required", Type::kBoolean},
         {"unique", Type::kBoolean},
         {"partitioned", Type::kBoolean},
         Int("partitionKeyPosition"),
         Str("classification"),
         Str("encryptedName"),
         {"transformSourceObjects", Type::kArray, &Checker::StringList},
         Str("transformLogic"),
         Str("transformDescription"),
         {"examples", Type::kArray},
         {"criticalDataElement", Type::kBoolean},
         {"relationships", Type::kArray, nullptr,
          &Checker::PropertyRelationship},
         {"quality", Type::kArray, nullptr, &Checker::Quality}});
    if (!n.IsMap()) {
      Expect(n, path, Type::kObject);
      return;
    }
    const Node* type = n.Find("logicalType");
    std::vector<std::string> applies;  // the logical types whose "then" applies
    if (type == nullptr) {
      applies = {"string", "date", "timestamp", "integer", "number", "object",
                 "array"};
    } else if (type->IsString()) {
      applies = {type->text == "time" ? "timestamp" : type->text};
    }
    auto applies_to = [&](std::string_view t) {
      for (const std::string& a : applies) {
        if (a == t) return true;
      }
      return false;
    };
    if (item || applies_to("object")) {
      fields.push_back({"properties", Type::kArray, nullptr, &Checker::Property});
    }
    if (applies_to("array")) {
      fields.push_back({"items", Type::kObject, &Checker::ItemProperty});
    }
    std::vector<std::string_view> required;
    if (!item) required.push_back("name");
    Object(n, path, fields, required, true);
    if (const Node* options = n.Find("logicalTypeOptions");
        options != nullptr && options->IsMap()) {
      for (const std::string& t : applies) {
        TypeOptions(*options, Child(path, "logicalTypeOptions"), t);
      }
    }
  }

  void NonNegative(const Node& n, const std::string& path) {
    if (n.number < 0) {
      Error(n, path, "minimum", StrCat(path, " must be at least 0"));
    }
  }
  void Positive(const Node& n, const std::string& path) {
    if (!(n.number > 0)) {
      Error(n, path, "minimum", StrCat(path, " must be greater than 0"));
    }
  }
  void IntegerFormat(const Node& n, const std::string& path) {
    Enum(n, path, {"i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32",
                   "u64", "u128"});
  }
  void NumberFormat(const Node& n, const std::string& path) {
    Enum(n, path, {"f32", "f64"});
  }
  void RequiredList(const Node& n, const std::string& path) {
    StringList(n, path);
    if (n.items.empty()) {
      Error(n, path, "min-items", StrCat(path, " must not be empty"));
    }
    std::set<std::string> seen;
    for (const Node& item : n.items) {
      if (!seen.insert(item.ToJson()).second) {
        Error(item, path, "unique-items",
              StrCat(path, " lists \"", item.text, "\" twice"));
      }
    }
  }

  // The logicalTypeOptions a logical type allows (each set is closed).
  void TypeOptions(const Node& n, const std::string& path,
                   std::string_view type) {
    static const Field kString[] = {
        {"minLength", Type::kInteger, &Checker::NonNegative},
        {"maxLength", Type::kInteger, &Checker::NonNegative},
        Str("pattern"), Str("format")};
    static const Field kDate[] = {Str("format"), Str("exclusiveMaximum"),
                                  Str("maximum"), Str("exclusiveMinimum"),
                                  Str("minimum")};
    static const Field kTimestamp[] = {
        Str("format"), Str("exclusiveMaximum"), Str("maximum"),
        Str("exclusiveMinimum"), Str("minimum"), {"timezone", Type::kBoolean},
        Str("defaultTimezone")};
    static const Field kInteger[] = {
        {"multipleOf", Type::kNumber, &Checker::Positive},
        {"maximum", Type::kNumber}, {"exclusiveMaximum", Type::kNumber},
        {"minimum", Type::kNumber}, {"exclusiveMinimum", Type::kNumber},
        {"format", Type::kString, &Checker::IntegerFormat}};
    static const Field kNumber[] = {
        {"multipleOf", Type::kNumber, &Checker::Positive},
        {"maximum", Type::kNumber}, {"exclusiveMaximum", Type::kNumber},
        {"minimum", Type::kNumber}, {"exclusiveMinimum", Type::kNumber},
        {"format", Type::kString, &Checker::NumberFormat}};
    static const Field kObject[] = {
        {"maxProperties", Type::kInteger, &Checker::NonNegative},
        {"minProperties", Type::kInteger, &Checker::NonNegative},
        {"required", Type::kArray, &Checker::RequiredList}};
    static const Field kArray[] = {
        {"maxItems", Type::kInteger, &Checker::NonNegative},
        {"minItems", Type::kInteger, &Checker::NonNegative},
        {"uniqueItems", Type::kBoolean}};
    std::span<const Field> fields;
    if (type == "string") fields = kString;
    else if (type == "date") fields = kDate;
    else if (type == "timestamp") fields = kTimestamp;
    else if (type == "integer") fields = kInteger;
    else if (type == "number") fields = kNumber;
    else if (type == "object") fields = kObject;
    else if (type == "array") fields = kArray;
    else return;  // boolean: any options
    size_t before = findings.size();
    Object(n, path, fields, {}, true);
    for (size_t i = before; i < findings.size(); ++i) {
      findings[i].message += StrCat(" (logicalType ", type, ")");
    }
  }

  // ---- relationships ---------------------------------------------------------

  void RelationshipTypeEnum(const Node& n, const std::string& path) {
    Enum(n, path, {"foreignKey"});
  }

  bool Reference(const Node& n) {
    static const std::regex shorthand(
        "^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$");
    static const std::regex qualified(
        "^(?:(?:https?:\\/\\/)?[A-Za-z0-9._\\-\\/]+\\.yaml#)?\\/?"
        "[A-Za-z_][A-Za-z0-9_]*\\/[A-Za-z0-9_-]+"
        "(?:\\/[A-Za-z_][A-Za-z0-9_]*\\/[A-Za-z0-9_-]+)*$");
    return n.IsString() && (BoundedRegexSearch(n.text, shorthand) ||
                            BoundedRegexSearch(n.text, qualified));
  }

  // A reference or a non-empty list of references.
  void References(const Node& n, const std::string& path) {
    auto bad = [&](const Node& at, const std::string& p) {
      Error(at, p, "pattern",
            StrCat(p, " must be a reference: object.property or a path "
                      "like schema/orders/properties/id"));
    };
    if (n.IsSeq()) {
      if (n.items.empty()) {
        Error(n, path, "min-items", StrCat(path, " must not be empty"));
      }
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (!Reference(n.items[i])) bad(n.items[i], Item(path, i));
      }
    } else if (!Reference(n)) {
      bad(n, path);
    }
  }

  void Relationship(const Node& n, const std::string& path, bool schema_level) {
    static const Field fields[] = {
        {"type", Type::kString, &Checker::RelationshipTypeEnum},
        {"from", Type::kAny, &Checker::References},
        {"to", Type::kAny, &Checker::References},
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty}};
    static const std::string_view schema_required[] = {"from", "to"};
    static const std::string_view property_required[] = {"to"};
    if (schema_level) {
      Object(n, path, fields, schema_required, true);
    } else {
      Object(n, path, fields, property_required, true);
    }
    if (!n.IsMap()) return;
    const Node* from = n.Find("from");
    const Node* to = n.Find("to");
    if (!schema_level && from != nullptr) {
      Error(*from, Child(path, "from"), "not-allowed",
            StrCat(path, ": a property's relationship must not say \"from\" "
                         "(it is the property itself)"));
    }
    if (schema_level && from != nullptr && to != nullptr &&
        !((from->IsString() && to->IsString()) ||
          (from->IsSeq() && to->IsSeq() && !from->items.empty() &&
           !to->items.empty()))) {
      Error(n, path, "relationship-shape",
            StrCat(path, ": \"from\" and \"to\" must both be one reference "
                         "or both be lists"));
    }
  }
  void SchemaRelationship(const Node& n, const std::string& path) {
    Relationship(n, path, true);
  }
  void PropertyRelationship(const Node& n, const std::string& path) {
    Relationship(n, path, false);
  }

  // ---- quality rules ---------------------------------------------------------

  void DimensionEnum(const Node& n, const std::string& path) {
    Enum(n, path, kDimensions);
  }
  void QualityTypeEnum(const Node& n, const std::string& path) {
    Enum(n, path, kQualityTypes);
  }
  void MetricEnum(const Node& n, const std::string& path) {
    Enum(n, path, kMetrics);
  }

  // Whether `key: value` is a valid comparison (one branch of
  // $defs/DataQualityOperators).
  static bool OperatorHolds(std::string_view key, const Node& v) {
    if (key == "mustBe" || key == "mustNotBe") return true;
    if (key == "mustBeBetween" || key == "mustNotBeBetween") {
      return v.IsSeq() && v.items.size() == 2 && v.items[0].IsNumber() &&
             v.items[1].IsNumber() && v.items[0].number != v.items[1].number;
    }
    return v.IsNumber();
  }

  // Exactly one comparison; returns its key (or "" when not exactly one).
  std::string_view Operators(const Node& n, const std::string& path) {
    std::vector<std::string_view> present, holding;
    for (std::string_view op : kOperators) {
      const Node* v = n.Find(op);
      if (v == nullptr) continue;
      present.push_back(op);
      if (OperatorHolds(op, *v)) holding.push_back(op);
    }
    if (holding.size() == 1 && present.size() == 1) return holding[0];
    if (holding.size() == 1) {
      // The others are present but malformed: they stay unevaluated keys.
      return holding[0];
    }
    if (present.empty()) {
      Error(n, path, "one-operator",
            StrCat(path, " needs one comparison (", Join(kOperators), ")"));
    } else if (holding.empty()) {
      for (std::string_view op : present) {
        bool between = op == "mustBeBetween" || op == "mustNotBeBetween";
        Error(*n.Find(op), Child(path, op), "type",
              StrCat(Child(path, op), " must be ",
                     between ? "two different numbers" : "a number"));
      }
    } else {
      Error(n, path, "one-operator",
            StrCat(path, " has more than one comparison (", Join(holding),
                   "); a quality rule takes exactly one"));
    }
    return "";
  }

  void Implementation(const Node& n, const std::string& path) {
    if (!n.IsString() && !n.IsMap()) {
      Error(n, path, "type", StrCat(path, " must be a string or a mapping"));
    }
  }

  // $defs/DataQuality with its library / sql / custom branches.
  void Quality(const Node& n, const std::string& path) {
    std::vector<Field> fields = {
        {"id", Type::kString, &Checker::StableId},
        {"authoritativeDefinitions", Type::kArray, nullptr,
         &Checker::AuthoritativeDefinition},
        Str("businessImpact"),
        {"customProperties", Type::kArray, nullptr, &Checker::CustomProperty},
        Str("description"),
        {"dimension", Type::kString, &Checker::DimensionEnum},
        Str("method"), Str("name"), Str("schedule"), Str("scheduler"),
        Str("severity"),
        {"tags", Type::kArray, &Checker::StringList},
        {"type", Type::kString, &Checker::QualityTypeEnum},
        Str("unit")};
    if (!n.IsMap()) {
      Expect(n, path, Type::kObject);
      return;
    }
    std::string type = n.String("type");
    const Node* metric = n.Find("metric");
    bool library = type == "library" || (metric != nullptr && metric->IsString());
    bool sql = type == "sql";
    bool custom = type == "custom";
    std::vector<std::string_view> required;
    std::vector<std::string_view> allowed;
    std::string_view op;
    if (library || sql) {
      op = Operators(n, path);
      if (!op.empty()) {
        allowed.push_back(op);
      } else {  // already reported: do not call them unknown too
        for (std::string_view o : kOperators) allowed.push_back(o);
      }
    }
    if (library) {
      fields.insert(fields.end(),
                    {{"metric", Type::kString, &Checker::MetricEnum},
                     Str("rule"),
                     {"arguments", Type::kObject}});
      required.push_back("metric");
    }
    if (sql) {
      fields.push_back(Str("query"));
      required.push_back("query");
    }
    if (custom) {
      fields.insert(fields.end(), {Str("engine"),
                                   {"implementation", Type::kAny,
                                    &Checker::Implementation}});
      required.insert(required.end(), {"engine", "implementation"});
    }
    Object(n, path, fields, required, true, allowed);
  }
};

}  // namespace

std::vector<Finding> CheckSchema(const Node& root) {
  Checker checker;
  checker.Contract(root);
  return std::move(checker.findings);
}

}  // namespace catalog::contract
