#include "server/authz/catalog_entities.h"

#include <algorithm>

#include "lib/catalog/key_id.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/authz/interner.h"

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

// Each value through the interner when there is one.
Value Str(ValueInterner* in, std::string_view s) {
  return in != nullptr ? in->String(s) : Value::String(std::string(s));
}
Value Tags(ValueInterner* in, const std::vector<std::string>& tags) {
  return in != nullptr ? in->StringSet(tags) : StringSet(tags);
}
Value OwnersOf(ValueInterner* in, const std::vector<Owner>& owners) {
  return in != nullptr ? in->Owners(owners) : Owners(owners);
}

void AddClassification(policy::ValueRecord& attrs, Classification c, ValueInterner* in) {
  if (c == Classification::kUnspecified) return;
  attrs["classification"] = Str(in, ClassificationName(c));
  attrs["classificationLevel"] = Value::Long(static_cast<int>(c));
}

void Flatten(const std::vector<Field>& fields, const std::string& prefix,
             std::vector<ColumnInfo>& out) {
  for (const Field& f : fields) {
    std::string path = prefix.empty() ? f.name : prefix + "." + f.name;
    out.push_back({path, f.type, f.tags, f.classification, f.terms});
    Flatten(f.fields, path, out);
  }
}

void CollectTerms(const std::vector<Field>& fields, std::vector<std::string>& out) {
  for (const Field& f : fields) {
    out.insert(out.end(), f.terms.begin(), f.terms.end());
    CollectTerms(f.fields, out);
  }
}

// The terms a dataset links, its own and its columns', sorted, once each.
std::vector<std::string> TermsOf(const DatasetSpec& spec) {
  std::vector<std::string> out = spec.terms;
  CollectTerms(spec.fields, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
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
EntityUid ProductUid(std::string_view id) { return {"DataProduct", std::string(id)}; }
EntityUid TermUid(std::string_view id) { return {"GlossaryTerm", std::string(id)}; }
EntityUid ModelUid(std::string_view name) { return {"Model", std::string(name)}; }
EntityUid ApplicationUid(std::string_view name) { return {"AIApplication", std::string(name)}; }
EntityUid FeatureViewUid(std::string_view name) { return {"FeatureView", std::string(name)}; }
EntityUid ModelVersionUid(std::string_view model, std::string_view version) {
  return {"ModelVersion", StrCat(model, "@", version)};
}
EntityUid ColumnUid(const DatasetKey& key, std::string_view field_path) {
  return {"Column", KeyId(key.ns, key.name) + "#" + std::string(field_path)};
}
EntityUid ActionUid(std::string_view name) { return {"Action", std::string(name)}; }

Entity PrincipalEntity(const Principal& p, ValueInterner* in) {
  Entity e{.uid = PrincipalUid(p.ref())};
  for (const auto& [k, v] : p.spec.attributes) e.attrs[k] = Str(in, v);
  for (const std::string& g : p.spec.groups) e.parents.push_back({"Group", g});
  e.attrs.shrink_to_fit();
  return e;
}

Entity DomainEntity(const Domain& d, ValueInterner* in) {
  Entity e{.uid = DomainUid(d.path)};
  e.attrs["owners"] = OwnersOf(in, d.spec.owners);
  e.attrs["path"] = Value::String(d.path);
  std::string parent = DomainParent(d.path);
  if (!parent.empty()) e.parents.push_back(DomainUid(parent));
  return e;
}

Entity DatasetEntity(const Dataset& d, ValueInterner* in) {
  Entity e{.uid = DatasetUid(d.key)};
  e.attrs["owners"] = OwnersOf(in, d.spec.owners);
  e.attrs["tags"] = Tags(in, d.spec.tags);
  AddClassification(e.attrs, d.spec.classification, in);
  e.attrs["lifecycle"] = Str(in, LifecycleName(d.spec.lifecycle));
  if (in != nullptr) {
    e.attrs["properties"] = in->StringRecord(d.spec.properties);
  } else {
    policy::ValueRecord properties;
    for (const auto& [k, v] : d.spec.properties) properties[k] = Value::String(v);
    e.attrs["properties"] = Value::Record(std::move(properties));
  }
  e.attrs["namespace"] = Str(in, d.key.ns);
  e.attrs["name"] = Value::String(d.key.name);
  if (d.contract) {
    e.attrs["contract"] = Value::Record({
        {"id", Value::String(d.contract->id)},
        {"version", Str(in, d.contract->version)},
        {"status", Str(in, d.contract->status)},
    });
  }
  // Governance (docs/governance.md): a layer and a tier when set, as the
  // classification (an attribute costs every dataset of the snapshot); the
  // certification always, so a policy that forbids unless a dataset is
  // verified never meets a missing attribute.
  if (!d.spec.layer.empty()) e.attrs["layer"] = Str(in, d.spec.layer);
  if (d.spec.tier != 0) e.attrs["tier"] = Value::Long(d.spec.tier);
  e.attrs["certification"] =
      Str(in, d.spec.certification.state.empty() ? "none" : d.spec.certification.state);
  // What catalogd judges of its data (docs/quality.md#health).
  // Glossary terms always (a policy that forbids on a term must not meet a
  // missing attribute); the empty set is shared.
  e.attrs["terms"] = Tags(in, TermsOf(d.spec));
  e.attrs["health"] = Str(in, d.health.state);
  e.attrs["freshness"] = Str(in, d.health.freshness);
  if (!d.spec.domain.empty()) e.parents.push_back(DomainUid(d.spec.domain));
  e.attrs.shrink_to_fit();
  return e;
}

Entity JobEntity(const Job& j, ValueInterner* in) {
  Entity e{.uid = JobUid(j.key)};
  e.attrs["owners"] = OwnersOf(in, j.spec.owners);
  e.attrs["namespace"] = Str(in, j.key.ns);
  e.attrs["name"] = Value::String(j.key.name);
  return e;
}

Entity ProductEntity(const DataProduct& p, ValueInterner* in) {
  Entity e{.uid = ProductUid(p.id)};
  e.attrs["owners"] = OwnersOf(in, p.spec.owners);
  e.attrs["tags"] = Tags(in, p.spec.tags);
  e.attrs["status"] = Str(in, p.spec.status);
  e.attrs["name"] = Value::String(p.spec.name);
  e.attrs["domain"] = Str(in, p.spec.domain);
  if (!p.spec.domain.empty()) e.parents.push_back(DomainUid(p.spec.domain));
  e.attrs.shrink_to_fit();
  return e;
}

Entity TermEntity(const GlossaryTerm& t, ValueInterner* in) {
  Entity e{.uid = TermUid(t.id)};
  e.attrs["owners"] = OwnersOf(in, t.spec.owners);
  e.attrs["name"] = Value::String(t.spec.name);
  e.attrs["status"] = Str(in, t.spec.status);
  e.attrs["domain"] = Str(in, t.spec.domain);
  if (!t.spec.domain.empty()) e.parents.push_back(DomainUid(t.spec.domain));
  e.attrs.shrink_to_fit();
  return e;
}

Entity ModelEntity(const Model& m, ValueInterner* in) {
  Entity e{.uid = ModelUid(m.name)};
  e.attrs["owners"] = OwnersOf(in, m.spec.owners);
  e.attrs["tags"] = Tags(in, m.spec.tags);
  e.attrs["name"] = Value::String(m.name);
  e.attrs["domain"] = Str(in, m.spec.domain);
  e.attrs["description"] = Value::String(m.spec.description);
  if (!m.spec.domain.empty()) e.parents.push_back(DomainUid(m.spec.domain));
  e.attrs.shrink_to_fit();
  return e;
}

Entity FeatureViewEntity(const FeatureView& v, ValueInterner* in) {
  Entity e{.uid = FeatureViewUid(v.name)};
  e.attrs["owners"] = OwnersOf(in, v.spec.owners);
  e.attrs["tags"] = Tags(in, v.spec.tags);
  e.attrs["name"] = Value::String(v.name);
  e.attrs["domain"] = Str(in, v.spec.domain);
  e.attrs["source"] = Value::Entity(DatasetUid(v.spec.source));
  std::vector<std::string> features;
  for (const Feature& f : v.spec.features) features.push_back(f.name);
  e.attrs["features"] = StringSet(features);
  if (!v.spec.domain.empty()) e.parents.push_back(DomainUid(v.spec.domain));
  e.attrs.shrink_to_fit();
  return e;
}

Entity ApplicationEntity(const AIApplication& a, ValueInterner* in) {
  Entity e{.uid = ApplicationUid(a.name)};
  e.attrs["owners"] = OwnersOf(in, a.spec.owners);
  e.attrs["tags"] = Tags(in, a.spec.tags);
  e.attrs["name"] = Value::String(a.name);
  e.attrs["domain"] = Str(in, a.spec.domain);
  e.attrs["type"] = Str(in, a.spec.type);
  e.attrs["review"] = Str(in, a.review.state);
  if (!a.spec.service_account.empty()) {
    e.attrs["service_account"] =
        Value::Entity(PrincipalUid({PrincipalKind::kServiceAccount, a.spec.service_account}));
  }
  if (!a.spec.domain.empty()) e.parents.push_back(DomainUid(a.spec.domain));
  e.attrs.shrink_to_fit();
  return e;
}

Entity ModelVersionEntity(const ModelVersion& v, ValueInterner* in) {
  Entity e{.uid = ModelVersionUid(v.model, v.version)};
  e.attrs["model"] = Value::Entity(ModelUid(v.model));
  e.attrs["version"] = Value::String(v.version);
  e.attrs["status"] = Str(in, v.spec.status);
  e.attrs["framework"] = Str(in, v.spec.framework);
  e.parents.push_back(ModelUid(v.model));
  e.attrs.shrink_to_fit();
  return e;
}

policy::Entity Placed(policy::Entity e, const policy::EntityView& entities) {
  for (const policy::EntityUid& p : e.parents) {
    e.ancestors.insert(p);
    if (const policy::Entity* parent = entities.Find(p)) {
      e.ancestors.insert(parent->ancestors.begin(), parent->ancestors.end());
    }
  }
  return e;
}

policy::Entities ProposedVersion(const ModelVersion& v, const Model* model,
                                 const policy::EntityView& entities) {
  policy::Entities out;
  Entity version = ModelVersionEntity(v);
  if (model == nullptr) {
    out.Add(Placed(std::move(version), entities));
    return out;
  }
  Entity placed = Placed(ModelEntity(*model), entities);
  version.ancestors = placed.ancestors;
  version.ancestors.insert(placed.uid);
  out.Add(std::move(placed));
  out.Add(std::move(version));
  return out;
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
  e.attrs["terms"] = StringSet(column.terms);
  AddClassification(e.attrs, column.classification, nullptr);
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
  group("catalog", {"catalog:read", "catalog:write", "catalog:certify", "incident:write",
                    "webhook:subscribe", "model:promote", "application:review"});
  group("governance",
        {"policy:write", "contract:write", "lineage:write", "audit:read",
         "authorize:others", "governance:write"});
  return out;
}

}  // namespace catalog::authz
