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

void Snapshot::Index() {
  for (uint32_t i = 0; i < policies_.size(); ++i) {
    const policy::Scope& scope = policies_[i].principal;
    switch (scope.op) {
      case policy::Scope::Op::kEq:
      case policy::Scope::Op::kIn:
      case policy::Scope::Op::kIsIn:
        by_principal_entity_[scope.entity].push_back(i);
        break;
      default:
        principal_open_.push_back(i);
    }
  }
}

const std::vector<ColumnInfo>* Snapshot::Columns(
    const std::string& dataset_key) const {
  auto it = columns_.find(dataset_key);
  return it == columns_.end() ? nullptr : &it->second;
}

std::vector<uint32_t> Snapshot::Candidates(
    const policy::EntityUid& principal,
    const policy::EntityView& entities) const {
  std::vector<uint32_t> out = principal_open_;
  auto add = [&](const policy::EntityUid& uid) {
    auto it = by_principal_entity_.find(uid);
    if (it != by_principal_entity_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
    }
  };
  add(principal);
  if (const policy::Entity* e = entities.Find(principal)) {
    for (const policy::EntityUid& a : e->ancestors) add(a);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

policy::Response Snapshot::Authorize(const policy::Request& request,
                                     const policy::EntityView& entities) const {
  policy::Response response;
  std::vector<std::string> permits, forbids;
  for (uint32_t i : Candidates(request.principal, entities)) {
    const policy::Policy& p = policies_[i];
    if (p.is_template) continue;
    std::string error;
    std::optional<bool> holds = policy::Satisfied(p, request, entities, &error);
    if (!holds) {
      response.errors.push_back({p.id, std::move(error)});
    } else if (*holds) {
      (p.effect == policy::Effect::kForbid ? forbids : permits).push_back(p.id);
    }
  }
  if (forbids.empty() && !permits.empty()) {
    response.allow = true;
    response.reasons = std::move(permits);
  } else {
    response.reasons = std::move(forbids);
  }
  return response;
}

}  // namespace catalog::authz
