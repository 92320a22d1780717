#include "server/authz/snapshot.h"

#include <algorithm>

#include "lib/policy/parser.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::authz {

absl::StatusOr<std::vector<policy::Policy>> CompilePolicies(
    const std::vector<store::PolicyFile>& files,
    std::vector<PolicyInfo>* infos) {
  std::vector<policy::PolicySource> sources;
  for (const store::PolicyFile& f : files) sources.push_back({f.name, f.text});
  ASSIGN_OR_RETURN(std::vector<policy::Policy> all,
                   policy::ParsePolicyFiles(sources));
  if (infos != nullptr) {
    for (const policy::Policy& p : all) {
      auto mask = p.annotations.find("mask");
      infos->push_back({p.file, p.loc.line,
                        mask == p.annotations.end() ? "" : mask->second});
    }
  }
  return all;
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::Build(
    const store::CatalogContents& contents,
    const store::PolicyVersion& policy_version) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->revision_ = contents.catalog_revision;
  s->policy_version_ = policy_version.version;
  ASSIGN_OR_RETURN(s->policies_,
                   CompilePolicies(policy_version.files, &s->infos_));
  auto entities = std::make_shared<policy::Entities>();
  for (const Principal& p : contents.principals) entities->Add(PrincipalEntity(p));
  for (const Domain& d : contents.domains) entities->Add(DomainEntity(d));
  for (const Dataset& d : contents.datasets) {
    entities->Add(DatasetEntity(d));
    std::vector<ColumnInfo> columns = FlattenColumns(d.spec.fields);
    if (!columns.empty()) s->columns_[d.key.ToString()] = std::move(columns);
  }
  for (policy::Entity& a : ActionEntities()) entities->Add(std::move(a));
  entities->Finalize();
  s->entities_ = std::move(entities);
  s->Index();
  return std::shared_ptr<const Snapshot>(std::move(s));
}

std::shared_ptr<const Snapshot> Snapshot::ForBenchmark(
    std::vector<policy::Policy> policies, policy::Entities entities) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  for (const policy::Policy& p : policies) {
    s->infos_.push_back({p.file, p.loc.line, ""});
  }
  s->policies_ = std::move(policies);
  s->entities_ = std::make_shared<policy::Entities>(std::move(entities));
  s->Index();
  return s;
}

namespace {
bool NamesEntity(const policy::Scope& scope) {
  return !scope.slot && (scope.op == policy::Scope::Op::kEq ||
                         scope.op == policy::Scope::Op::kIn ||
                         scope.op == policy::Scope::Op::kIsIn);
}
}  // namespace

void Snapshot::Index() {
  for (uint32_t i = 0; i < policies_.size(); ++i) {
    const policy::Policy& p = policies_[i];
    if (NamesEntity(p.principal)) {
      by_principal_[p.principal.entity].push_back(i);
    } else if (NamesEntity(p.resource)) {
      by_resource_[p.resource.entity].push_back(i);
    } else {
      open_.push_back(i);
    }
  }
}

const std::vector<ColumnInfo>* Snapshot::Columns(
    const std::string& dataset_key) const {
  auto it = columns_.find(dataset_key);
  return it == columns_.end() ? nullptr : &it->second;
}

std::vector<uint32_t> Snapshot::Candidates(
    const policy::EntityUid& principal, const policy::EntityUid& resource,
    const policy::EntityView& entities) const {
  std::vector<uint32_t> out = open_;
  // A scope `== E` or `in E` can only hold for E itself or a descendant of E.
  auto gather = [&](const ScopeIndex& index, const policy::EntityUid& uid) {
    if (index.empty()) return;
    auto add = [&](const policy::EntityUid& key) {
      auto it = index.find(key);
      if (it != index.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    };
    add(uid);
    if (const policy::Entity* e = entities.Find(uid)) {
      for (const policy::EntityUid& a : e->ancestors) add(a);
    }
  };
  gather(by_principal_, principal);
  gather(by_resource_, resource);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

policy::Response Snapshot::Authorize(const policy::Request& request,
                                     const policy::EntityView& entities) const {
  std::vector<uint32_t> candidates =
      Candidates(request.principal, request.resource, entities);
  return policy::Authorize(policies_, request, entities, &candidates);
}

}  // namespace catalog::authz
