#include "lib/policy/json_format.h"

#include <nlohmann/json.hpp>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::policy {
namespace {

using nlohmann::json;

absl::Status Bad(std::string_view path, std::string_view message) {
  return absl::InvalidArgumentError(StrCat(path, ": ", message));
}

absl::StatusOr<EntityUid> UidAt(const json& j, const std::string& path) {
  const json* body = &j;
  if (j.is_object() && j.contains("__entity")) body = &j["__entity"];
  if (!body->is_object() || !body->contains("type") || !body->contains("id") ||
      !(*body)["type"].is_string() || !(*body)["id"].is_string()) {
    return Bad(path, "expected an entity {\"type\": ..., \"id\": ...}");
  }
  return EntityUid{(*body)["type"].get<std::string>(),
                   (*body)["id"].get<std::string>()};
}

absl::StatusOr<Value> Extension(const json& extn, const std::string& path,
                                int depth);

absl::StatusOr<Value> Convert(const json& j, const SchemaType* type,
                              const std::string& path, int depth) {
  if (depth > kMaxJsonDepth) {
    return Bad(path, StrCat("nests deeper than ", kMaxJsonDepth, " levels"));
  }
  using K = SchemaType::Kind;
  switch (j.type()) {
    case json::value_t::boolean:
      return Value::Bool(j.get<bool>());
    case json::value_t::number_integer:
      return Value::Long(j.get<int64_t>());
    case json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) {
        return Bad(path, "integer out of range for a 64-bit Long");
      }
      return Value::Long(static_cast<int64_t>(u));
    }
    case json::value_t::number_float:
      return Bad(path, "Cedar has no floating-point numbers");
    case json::value_t::string: {
      std::string s = j.get<std::string>();
      if (type != nullptr && type->kind == K::kExtension) {
        json call = {{"fn", type->name == "ipaddr" ? "ip" : type->name},
                     {"arg", s}};
        return Extension(call, path, depth);
      }
      return Value::String(std::move(s));
    }
    case json::value_t::array: {
      const SchemaType* element =
          type != nullptr && type->kind == K::kSet && !type->element.empty()
              ? &type->element[0]
              : nullptr;
      std::vector<Value> items;
      items.reserve(j.size());
      for (size_t i = 0; i < j.size(); ++i) {
        ASSIGN_OR_RETURN(Value v,
                         Convert(j[i], element, StrCat(path, "[", i, "]"), depth + 1));
        items.push_back(std::move(v));
      }
      return Value::Set(std::move(items));
    }
    case json::value_t::object: {
      if (j.size() == 1 && j.contains("__entity")) {
        ASSIGN_OR_RETURN(EntityUid uid, UidAt(j, path));
        return Value::Entity(std::move(uid));
      }
      if (j.size() == 1 && j.contains("__extn")) {
        return Extension(j["__extn"], path, depth);
      }
      if (type != nullptr && type->kind == K::kEntity) {
        ASSIGN_OR_RETURN(EntityUid uid, UidAt(j, path));
        return Value::Entity(std::move(uid));
      }
      ValueRecord fields;
      for (const auto& item : j.items()) {
        const SchemaType* attr = nullptr;
        if (type != nullptr && type->kind == K::kRecord) {
          auto it = type->attributes.find(item.key());
          if (it != type->attributes.end()) attr = &it->second;
        }
        ASSIGN_OR_RETURN(Value v, Convert(item.value(), attr,
                                          StrCat(path, ".", item.key()), depth + 1));
        fields.emplace(item.key(), std::move(v));
      }
      return Value::Record(std::move(fields));
    }
    default:
      return Bad(path, "null is not a Cedar value");
  }
}

absl::StatusOr<Value> Extension(const json& extn, const std::string& path,
                                int depth) {
  if (!extn.is_object() || !extn.contains("fn") || !extn["fn"].is_string()) {
    return Bad(path, "__extn needs \"fn\"");
  }
  std::string fn = extn["fn"].get<std::string>();
  std::vector<Value> args;
  if (extn.contains("arg")) {
    ASSIGN_OR_RETURN(Value a, Convert(extn["arg"], nullptr, path + ".arg", depth + 1));
    args.push_back(std::move(a));
  } else if (extn.contains("args") && extn["args"].is_array()) {
    for (size_t i = 0; i < extn["args"].size(); ++i) {
      ASSIGN_OR_RETURN(Value a, Convert(extn["args"][i], nullptr,
                                        StrCat(path, ".args[", i, "]"), depth + 1));
      args.push_back(std::move(a));
    }
  } else {
    return Bad(path, "__extn needs \"arg\" or \"args\"");
  }
  auto string_arg = [&]() -> const std::string* {
    return args.size() == 1 && args[0].is(Value::Kind::kString) ? &args[0].as_string()
                                                                : nullptr;
  };
  if (fn == "ip" || fn == "ipaddr") {
    if (const std::string* s = string_arg()) {
      if (auto ip = ParseIp(*s)) return Value::Ip(*ip);
    }
  } else if (fn == "decimal") {
    if (const std::string* s = string_arg()) {
      if (auto d = ParseDecimal(*s)) return Value::Dec(*d);
    }
  } else if (fn == "datetime") {
    if (const std::string* s = string_arg()) {
      if (auto d = ParseDatetime(*s)) return Value::Time(*d);
    }
  } else if (fn == "duration") {
    if (const std::string* s = string_arg()) {
      if (auto d = ParseDuration(*s)) return Value::Span(*d);
    }
  } else if (fn == "offset") {
    if (args.size() == 2 && args[0].is(Value::Kind::kDatetime) &&
        args[1].is(Value::Kind::kDuration)) {
      __int128 v = static_cast<__int128>(args[0].as_datetime().ms) +
                   args[1].as_duration().ms;
      if (v >= INT64_MIN && v <= INT64_MAX) {
        return Value::Time({static_cast<int64_t>(v)});
      }
    }
  } else {
    return Bad(path, StrCat("unknown extension function \"", fn, "\""));
  }
  return Bad(path, StrCat("invalid arguments to extension function \"", fn, "\""));
}

}  // namespace

absl::StatusOr<EntityUid> EntityUidFromJson(const json& j) {
  return UidAt(j, "entity");
}

absl::StatusOr<Value> ValueFromJson(const json& j, const SchemaType* type) {
  return Convert(j, type, "value", 0);
}

absl::StatusOr<Entities> EntitiesFromJson(const json& j, const Schema* schema) {
  if (!j.is_array()) return Bad("entities", "must be a JSON array");
  Entities out;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    std::string path = StrCat("entities[", i, "]");
    if (!e.is_object() || !e.contains("uid")) return Bad(path, "needs \"uid\"");
    Entity entity;
    ASSIGN_OR_RETURN(entity.uid, UidAt(e["uid"], path + ".uid"));
    const SchemaEntityType* type =
        schema != nullptr ? schema->FindEntityType(entity.uid.type) : nullptr;
    if (e.contains("attrs") && !e["attrs"].is_null()) {
      ASSIGN_OR_RETURN(Value attrs, Convert(e["attrs"], type ? &type->attributes : nullptr,
                                            path + ".attrs", 0));
      if (!attrs.is(Value::Kind::kRecord)) return Bad(path + ".attrs", "must be an object");
      entity.attrs = attrs.as_record();
    }
    if (e.contains("tags") && !e["tags"].is_null()) {
      if (!e["tags"].is_object()) return Bad(path + ".tags", "must be an object");
      for (const auto& item : e["tags"].items()) {
        ASSIGN_OR_RETURN(Value v, Convert(item.value(),
                                          type && type->has_tags ? &type->tags : nullptr,
                                          StrCat(path, ".tags.", item.key()), 0));
        entity.tags.emplace(item.key(), std::move(v));
      }
    }
    if (e.contains("parents") && !e["parents"].is_null()) {
      if (!e["parents"].is_array()) return Bad(path + ".parents", "must be an array");
      for (size_t k = 0; k < e["parents"].size(); ++k) {
        ASSIGN_OR_RETURN(EntityUid parent,
                         UidAt(e["parents"][k], StrCat(path, ".parents[", k, "]")));
        entity.parents.push_back(std::move(parent));
      }
    }
    out.Add(std::move(entity));
  }
  if (schema != nullptr) {
    for (const SchemaAction& a : schema->actions()) {
      if (out.Find(a.uid) != nullptr) continue;
      out.Add(Entity{.uid = a.uid, .parents = a.parents});
    }
  }
  out.Finalize();
  return out;
}

absl::StatusOr<Request> RequestFromJson(const json& j, const Schema* schema) {
  if (!j.is_object()) return Bad("request", "must be a JSON object");
  Request r;
  for (const char* key : {"principal", "action", "resource"}) {
    if (!j.contains(key)) return Bad("request", StrCat("needs \"", key, "\""));
  }
  ASSIGN_OR_RETURN(r.principal, UidAt(j["principal"], "principal"));
  ASSIGN_OR_RETURN(r.action, UidAt(j["action"], "action"));
  ASSIGN_OR_RETURN(r.resource, UidAt(j["resource"], "resource"));
  if (j.contains("context") && !j["context"].is_null()) {
    const SchemaAction* action = schema != nullptr ? schema->FindAction(r.action) : nullptr;
    ASSIGN_OR_RETURN(r.context,
                     Convert(j["context"],
                             action && action->has_context ? &action->context : nullptr,
                             "context", 0));
    if (!r.context.is(Value::Kind::kRecord)) {
      return Bad("context", "must be a JSON object");
    }
  }
  return r;
}

json ValueToJson(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return v.as_bool();
    case Value::Kind::kLong:
      return v.as_long();
    case Value::Kind::kString:
      return v.as_string();
    case Value::Kind::kEntity:
      return {{"__entity", {{"type", v.as_entity().type}, {"id", v.as_entity().id}}}};
    case Value::Kind::kSet: {
      json out = json::array();
      for (const Value& item : v.as_set()) out.push_back(ValueToJson(item));
      return out;
    }
    case Value::Kind::kRecord: {
      json out = json::object();
      for (const auto& [k, item] : v.as_record()) out[k] = ValueToJson(item);
      return out;
    }
    default:
      return {{"__extn", {{"fn", std::string(KindName(v.kind()))},
                          {"arg", v.ToString()}}}};
  }
}

}  // namespace catalog::policy
