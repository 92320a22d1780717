#include "server/authz/snapshot.h"

#include "server/authz/column_table.h"
#include "server/authz/interner.h"

#include <algorithm>

#include "lib/policy/parser.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::authz {

absl::StatusOr<std::vector<policy::Policy>> CompilePolicies(
    const std::vector<store::PolicyFile>& files) {
  std::vector<policy::PolicySource> sources;
  for (const store::PolicyFile& f : files) sources.push_back({f.name, f.text});
  return policy::ParsePolicyFiles(sources);
}

absl::StatusOr<std::shared_ptr<const Snapshot::PolicySet>> Snapshot::Compile(
    const store::PolicyVersion& version) {
  auto set = std::make_shared<PolicySet>();
  ASSIGN_OR_RETURN(set->policies, CompilePolicies(version.files));
  set->index = policy::ScopeIndex(set->policies);
  return std::shared_ptr<const PolicySet>(std::move(set));
}

namespace {

void AddDataset(policy::Entities& entities, ColumnsByDataset& columns,
                const Dataset& d, ValueInterner& interner) {
  entities.Add(DatasetEntity(d, &interner));
  std::vector<ColumnInfo> flat = FlattenColumns(d.spec.fields);
  if (flat.empty()) {
    columns.erase(DatasetUid(d.key).id);
  } else {
    columns.insert_or_assign(DatasetUid(d.key).id, std::make_shared<const ColumnTable>(flat));
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::Load(
    store::Store& store, const store::PolicyVersion& policy_version) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->policy_version_ = policy_version.version;
  ASSIGN_OR_RETURN(s->set_, Compile(policy_version));
  s->interner_ = std::make_shared<ValueInterner>();
  ValueInterner& in = *s->interner_;
  auto entities = std::make_shared<policy::Entities>();
  auto columns = std::make_shared<ColumnMap>();
  ASSIGN_OR_RETURN(
      s->revision_,
      store.ScanContents({
          .principal = [&](Principal p) { entities->Add(PrincipalEntity(p, &in)); },
          .domain = [&](Domain d) { entities->Add(DomainEntity(d, &in)); },
          .dataset = [&](Dataset d) { AddDataset(*entities, *columns, d, in); },
          .job = [&](Job j) { entities->Add(JobEntity(j, &in)); },
      }));
  for (policy::Entity& a : ActionEntities()) entities->Add(std::move(a));
  entities->Finalize();
  s->entities_ = std::move(entities);
  s->columns_ = std::move(columns);
  return std::shared_ptr<const Snapshot>(std::move(s));
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::WithChanges(
    const store::Change& changes, int64_t revision,
    const store::PolicyVersion* policies) const {
  std::shared_ptr<Snapshot> s(new Snapshot(*this));
  s->revision_ = revision;
  if (changes.policies_changed && policies != nullptr) {
    ASSIGN_OR_RETURN(s->set_, Compile(*policies));
    s->policy_version_ = policies->version;
  }
  bool entities_changed = !changes.upserted.empty() ||
                          !changes.deleted_datasets.empty() ||
                          !changes.deleted_domains.empty() ||
                          !changes.deleted_principals.empty() ||
                          !changes.deleted_jobs.empty();
  if (entities_changed) {
    auto entities = std::make_shared<policy::Entities>(*entities_);
    std::shared_ptr<ColumnMap> columns;
    auto mutable_columns = [&]() -> ColumnMap& {
      if (!columns) columns = std::make_shared<ColumnMap>(*columns_);
      return *columns;
    };
    // Groups and domains are parents of others; a change to one can move
    // many entities' ancestors. Anything else moves only its own.
    bool parents_changed = !changes.deleted_domains.empty();
    std::vector<policy::EntityUid> touched;
    for (const PrincipalRef& p : changes.deleted_principals) {
      parents_changed = parents_changed || p.kind == PrincipalKind::kGroup;
    }
    for (const Resource& r : changes.upserted) {
      parents_changed = parents_changed || r.kind == Resource::Kind::kDomain ||
                        (r.kind == Resource::Kind::kPrincipal &&
                         r.principal.kind == PrincipalKind::kGroup);
      switch (r.kind) {
        case Resource::Kind::kDataset:
          AddDataset(*entities, mutable_columns(), r.dataset, *s->interner_);
          touched.push_back(DatasetUid(r.dataset.key));
          break;
        case Resource::Kind::kDomain:
          entities->Add(DomainEntity(r.domain, s->interner_.get()));
          break;
        case Resource::Kind::kPrincipal:
          entities->Add(PrincipalEntity(r.principal, s->interner_.get()));
          touched.push_back(PrincipalUid(r.principal.ref()));
          break;
        case Resource::Kind::kJob:
          entities->Add(JobEntity(r.job, s->interner_.get()));
          touched.push_back(JobUid(r.job.key));
          break;
      }
    }
    for (const DatasetKey& k : changes.deleted_datasets) {
      entities->Remove(DatasetUid(k));
      mutable_columns().erase(DatasetUid(k).id);
    }
    for (const std::string& d : changes.deleted_domains) entities->Remove(DomainUid(d));
    for (const JobKey& j : changes.deleted_jobs) entities->Remove(JobUid(j));
    for (const PrincipalRef& p : changes.deleted_principals) {
      entities->Remove(PrincipalUid(p));
    }
    if (parents_changed) {
      entities->Finalize();
    } else {
      entities->FinalizeSome(touched);
    }
    s->entities_ = std::move(entities);
    if (columns) s->columns_ = std::move(columns);
  }
  return std::shared_ptr<const Snapshot>(std::move(s));
}

std::shared_ptr<const Snapshot> Snapshot::Empty() {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->revision_ = -1;
  s->set_ = std::make_shared<PolicySet>();
  s->interner_ = std::make_shared<ValueInterner>();
  s->entities_ = std::make_shared<policy::Entities>();
  s->columns_ = std::make_shared<ColumnMap>();
  return s;
}

std::shared_ptr<const Snapshot> Snapshot::ForBenchmark(
    std::vector<policy::Policy> policies, policy::Entities entities) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  auto set = std::make_shared<PolicySet>();
  set->policies = std::move(policies);
  set->index = policy::ScopeIndex(set->policies);
  s->set_ = std::move(set);
  s->interner_ = std::make_shared<ValueInterner>();
  s->entities_ = std::make_shared<policy::Entities>(std::move(entities));
  s->columns_ = std::make_shared<ColumnMap>();
  return s;
}

const ColumnTable* Snapshot::Columns(
    const std::string& dataset_key) const {
  const auto* columns = columns_->find(dataset_key);
  return columns == nullptr ? nullptr : columns->get();
}

bool Snapshot::AllowsEveryResource(const policy::EntityUid& principal,
                                   const policy::EntityUid& action) const {
  bool permitted = false;
  for (const policy::Policy& p : set_->policies) {
    if (p.is_template ||
        !policy::ScopeHolds(p.principal, principal, *entities_) ||
        !policy::ScopeHolds(p.action, action, *entities_)) {
      continue;
    }
    if (p.effect == policy::Effect::kForbid) return false;
    if (p.resource.op == policy::Scope::Op::kAny && p.conditions.empty()) {
      permitted = true;
    }
  }
  return permitted;
}

policy::Response Snapshot::Authorize(const policy::Request& request,
                                     const policy::EntityView& entities) const {
  return policy::Authorize(set_->policies, request, entities, set_->index);
}

}  // namespace catalog::authz
