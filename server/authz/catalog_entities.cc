#include "server/authz/catalog_entities.h"

#include "lib/catalog/key_id.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"

namespace catalog::authz {
namespace {

using policy::Entity;
using policy::EntityUid;
using policy::Value;

Value StringSet(const std::vector<std::string>& items) {
  std::vector<Value> values;
  for (const std::string& s : items) values.push_back(Value::String(s));
  return Value::Set(std::move(values));
}

Value Owners(const std::vector<Owner>& owners) {
  std::vector<Value> values;
  for (const Owner& o : owners) {
    absl::StatusOr<EntityUid> uid = PrincipalUid(o.principal);
    if (uid.ok()) values.push_back(Value::Entity(*std::move(uid)));
  }
  return Value::Set(std::move(values));
}

void AddClassification(policy::ValueRecord& attrs, Classification c) {
  if (c == Classification::kUnspecified) return;
  attrs["classification"] = Value::String(ClassificationName(c));
  attrs["classificationLevel"] = Value::Long(static_cast<int>(c));
}

void Flatten(const std::vector<Field>& fields, const std::string& prefix,
             std::vector<ColumnInfo>& out) {
  for (const Field& f : fields) {
    std::string path = prefix.empty() ? f.name : prefix + "." + f.name;
    out.push_back({path, f.type, f.tags, f.classification});
    Flatten(f.fields, path, out);
  }
}

}  // namespace

absl::StatusOr<EntityUid> PrincipalUid(std::string_view principal) {
  ASSIGN_OR_RETURN(PrincipalRef ref, ParsePrincipalRef("principal", principal));
  return PrincipalUid(ref);
}

EntityUid PrincipalUid(const PrincipalRef& ref) {
  return {PrincipalKindName(ref.kind), ref.name};
}

EntityUid DatasetUid(const DatasetKey& key) { return {"Dataset", KeyId(key.ns, key.name)}; }
EntityUid JobUid(const JobKey& key) { return {"Job", KeyId(key.ns, key.name)}; }
EntityUid DomainUid(std::string_view path) { return {"Domain", std::string(path)}; }
EntityUid ColumnUid(const DatasetKey& key, std::string_view field_path) {
  return {"Column", KeyId(key.ns, key.name) + "#" + std::string(field_path)};
}
EntityUid ActionUid(std::string_view name) { return {"Action", std::string(name)}; }

Entity PrincipalEntity(const Principal& p) {
  Entity e{.uid = PrincipalUid(p.ref())};
  for (const auto& [k, v] : p.spec.attributes) e.attrs[k] = Value::String(v);
  for (const std::string& g : p.spec.groups) e.parents.push_back({"Group", g});
  return e;
}

Entity DomainEntity(const Domain& d) {
  Entity e{.uid = DomainUid(d.path)};
  e.attrs["owners"] = Owners(d.spec.owners);
  e.attrs["path"] = Value::String(d.path);
  std::string parent = DomainParent(d.path);
  if (!parent.empty()) e.parents.push_back(DomainUid(parent));
  return e;
}

Entity DatasetEntity(const Dataset& d) {
  Entity e{.uid = DatasetUid(d.key)};
  e.attrs["owners"] = Owners(d.spec.owners);
  e.attrs["tags"] = StringSet(d.spec.tags);
  AddClassification(e.attrs, d.spec.classification);
  e.attrs["lifecycle"] = Value::String(LifecycleName(d.spec.lifecycle));
  policy::ValueRecord properties;
  for (const auto& [k, v] : d.spec.properties) properties[k] = Value::String(v);
  e.attrs["properties"] = Value::Record(std::move(properties));
  e.attrs["namespace"] = Value::String(d.key.ns);
  e.attrs["name"] = Value::String(d.key.name);
  if (d.contract) {
    e.attrs["contract"] = Value::Record({
        {"id", Value::String(d.contract->id)},
        {"version", Value::String(d.contract->version)},
        {"status", Value::String(d.contract->status)},
    });
  }
  if (!d.spec.domain.empty()) e.parents.push_back(DomainUid(d.spec.domain));
  return e;
}

Entity JobEntity(const Job& j) {
  Entity e{.uid = JobUid(j.key)};
  e.attrs["owners"] = Owners(j.spec.owners);
  e.attrs["namespace"] = Value::String(j.key.ns);
  e.attrs["name"] = Value::String(j.key.name);
  return e;
}

std::vector<ColumnInfo> FlattenColumns(const std::vector<Field>& fields) {
  std::vector<ColumnInfo> out;
  Flatten(fields, "", out);
  return out;
}

Entity ColumnEntity(const DatasetKey& key, const ColumnInfo& column,
                    const Entity* dataset) {
  Entity e{.uid = ColumnUid(key, column.path)};
  e.attrs["name"] = Value::String(column.path);
  e.attrs["type"] = Value::String(column.type);
  e.attrs["tags"] = StringSet(column.tags);
  AddClassification(e.attrs, column.classification);
  e.parents.push_back(DatasetUid(key));
  e.ancestors.insert(DatasetUid(key));
  if (dataset != nullptr) {
    e.ancestors.insert(dataset->ancestors.begin(), dataset->ancestors.end());
  }
  return e;
}

std::vector<Entity> ActionEntities() {
  std::vector<Entity> out;
  auto group = [&](const char* name, std::initializer_list<const char*> members) {
    out.push_back({.uid = ActionUid(name)});
    for (const char* m : members) {
      out.push_back({.uid = ActionUid(m), .parents = {ActionUid(name)}});
    }
  };
  group("data", {"read", "write"});
  group("catalog", {"catalog:read", "catalog:write"});
  group("governance",
        {"policy:write", "contract:write", "lineage:write", "audit:read",
         "authorize:others"});
  return out;
}

}  // namespace catalog::authz
