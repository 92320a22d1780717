#include "server/authz/snapshot.h"

#include "server/authz/column_table.h"
#include "server/authz/interner.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

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

// `entities` with one of them seen otherwise (same uid, same ancestors).
class ReplacedEntity final : public policy::EntityView {
 public:
  ReplacedEntity(const policy::EntityView& base, const policy::Entity& replaced)
      : base_(base), replaced_(replaced) {}
  const policy::Entity* Find(const policy::EntityUid& uid) const override {
    return uid == replaced_.uid ? &replaced_ : base_.Find(uid);
  }
  bool InOrEqual(const policy::EntityUid& a, const policy::EntityUid& b) const override {
    return base_.InOrEqual(a, b);
  }

 private:
  const policy::EntityView& base_;
  const policy::Entity& replaced_;
};

// Keeps `d` among the unhealthy datasets when its own health is failing
// or stale; true when that changed them.
bool NoteHealth(UnhealthyDatasets& unhealthy, const Dataset& d) {
  const std::string id = DatasetUid(d.key).id;
  std::optional<health::Health> h = health::ParseHealth(d.health.state);
  if (h == health::Health::kFailing || h == health::Health::kStale) {
    const auto* was = unhealthy.find(id);
    if (was != nullptr && was->second == *h) return false;
    unhealthy.insert_or_assign(id, {d.key, *h});
    return true;
  }
  return unhealthy.erase(id);
}

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

std::shared_ptr<const RuleBook> CompileRules(const std::vector<store::StoredRule>& stored) {
  auto book = std::make_shared<RuleBook>();
  for (const store::StoredRule& r : stored) {
    nlohmann::json spec = nlohmann::json::parse(r.spec, nullptr, false);
    absl::StatusOr<governance::Rule> rule = governance::ParseRule(r.name, spec);
    if (!rule.ok()) {
      spdlog::error("governance rule {} version {} is left out: {}", r.name, r.version,
                    std::string(rule.status().message()));
      continue;
    }
    rule->version = r.version;
    book->push_back(*std::move(rule));
  }
  return book;
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::Load(
    store::Store& store, const store::PolicyVersion& policy_version) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->policy_version_ = policy_version.version;
  ASSIGN_OR_RETURN(s->set_, Compile(policy_version));
  ASSIGN_OR_RETURN(std::vector<store::StoredRule> rules, store.ListGovernanceRules());
  s->rules_ = CompileRules(rules);
  s->interner_ = std::make_shared<ValueInterner>();
  ValueInterner& in = *s->interner_;
  auto entities = std::make_shared<policy::Entities>();
  auto columns = std::make_shared<ColumnMap>();
  auto unhealthy = std::make_shared<UnhealthyDatasets>();
  ASSIGN_OR_RETURN(
      s->revision_,
      store.ScanContents({
          .principal = [&](Principal p) { entities->Add(PrincipalEntity(p, &in)); },
          .domain = [&](Domain d) { entities->Add(DomainEntity(d, &in)); },
          .dataset =
              [&](Dataset d) {
                AddDataset(*entities, *columns, d, in);
                NoteHealth(*unhealthy, d);
              },
          .job = [&](Job j) { entities->Add(JobEntity(j, &in)); },
          .product = [&](DataProduct p) { entities->Add(ProductEntity(p, &in)); },
          .term = [&](GlossaryTerm t) { entities->Add(TermEntity(t, &in)); },
          .model = [&](Model m) { entities->Add(ModelEntity(m, &in)); },
          .model_version = [&](ModelVersion v) { entities->Add(ModelVersionEntity(v, &in)); },
          .application = [&](AIApplication a) { entities->Add(ApplicationEntity(a, &in)); },
          .feature_view = [&](FeatureView v) { entities->Add(FeatureViewEntity(v, &in)); },
      }));
  for (policy::Entity& a : ActionEntities()) entities->Add(std::move(a));
  entities->Finalize();
  s->entities_ = std::move(entities);
  s->columns_ = std::move(columns);
  s->unhealthy_ = std::move(unhealthy);
  s->upstream_ = std::make_shared<health::UpstreamHealth>();
  s->unhealthy_changed_ = true;
  return std::shared_ptr<const Snapshot>(std::move(s));
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::WithChanges(
    const store::Change& changes, int64_t revision, const store::PolicyVersion* policies,
    const std::vector<store::StoredRule>* rules) const {
  std::shared_ptr<Snapshot> s(new Snapshot(*this));
  s->revision_ = revision;
  s->unhealthy_changed_ = false;
  std::shared_ptr<UnhealthyDatasets> unhealthy;
  auto mutable_unhealthy = [&]() -> UnhealthyDatasets& {
    if (!unhealthy) unhealthy = std::make_shared<UnhealthyDatasets>(*unhealthy_);
    return *unhealthy;
  };
  if (changes.policies_changed && policies != nullptr) {
    ASSIGN_OR_RETURN(s->set_, Compile(*policies));
    s->policy_version_ = policies->version;
  }
  if (changes.rules_changed && rules != nullptr) s->rules_ = CompileRules(*rules);
  bool entities_changed = !changes.upserted.empty() ||
                          !changes.deleted_datasets.empty() ||
                          !changes.deleted_domains.empty() ||
                          !changes.deleted_products.empty() ||
                          !changes.deleted_terms.empty() ||
                          !changes.deleted_models.empty() ||
                          !changes.deleted_model_versions.empty() ||
                          !changes.deleted_applications.empty() ||
                          !changes.deleted_feature_views.empty() ||
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
          // (The set as this change left it so far: an earlier entry of
          // this change may have put the dataset in.)
          if (r.dataset.health.state != "ok" || (unhealthy ? unhealthy : unhealthy_)->size() > 0) {
            s->unhealthy_changed_ |= NoteHealth(mutable_unhealthy(), r.dataset);
          }
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
        case Resource::Kind::kDataProduct:
          entities->Add(ProductEntity(r.product, s->interner_.get()));
          touched.push_back(ProductUid(r.product.id));
          break;
        case Resource::Kind::kGlossaryTerm:
          entities->Add(TermEntity(r.term, s->interner_.get()));
          touched.push_back(TermUid(r.term.id));
          break;
        case Resource::Kind::kModel: {
          // A model is its versions' parent: one that moved domains moves
          // their ancestors too.
          policy::Entity e = ModelEntity(r.model, s->interner_.get());
          const policy::Entity* before = entities->Find(e.uid);
          parents_changed = parents_changed || (before != nullptr && before->parents != e.parents);
          touched.push_back(e.uid);
          entities->Add(std::move(e));
          break;
        }
        case Resource::Kind::kModelVersion:
          entities->Add(ModelVersionEntity(r.model_version, s->interner_.get()));
          touched.push_back(ModelVersionUid(r.model_version.model, r.model_version.version));
          break;
        case Resource::Kind::kAIApplication:
          entities->Add(ApplicationEntity(r.application, s->interner_.get()));
          touched.push_back(ApplicationUid(r.application.name));
          break;
        case Resource::Kind::kFeatureView:
          entities->Add(FeatureViewEntity(r.feature_view, s->interner_.get()));
          touched.push_back(FeatureViewUid(r.feature_view.name));
          break;
      }
    }
    for (const DatasetKey& k : changes.deleted_datasets) {
      entities->Remove(DatasetUid(k));
      mutable_columns().erase(DatasetUid(k).id);
      if (unhealthy_->find(DatasetUid(k).id) != nullptr) {
        s->unhealthy_changed_ |= mutable_unhealthy().erase(DatasetUid(k).id);
      }
    }
    for (const std::string& d : changes.deleted_domains) entities->Remove(DomainUid(d));
    for (const std::string& p : changes.deleted_products) entities->Remove(ProductUid(p));
    for (const std::string& t : changes.deleted_terms) entities->Remove(TermUid(t));
    for (const std::string& v : changes.deleted_model_versions) {
      entities->Remove({"ModelVersion", v});
    }
    for (const std::string& m : changes.deleted_models) entities->Remove(ModelUid(m));
    for (const std::string& a : changes.deleted_applications) entities->Remove(ApplicationUid(a));
    for (const std::string& v : changes.deleted_feature_views) entities->Remove(FeatureViewUid(v));
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
  if (unhealthy) s->unhealthy_ = std::move(unhealthy);
  return std::shared_ptr<const Snapshot>(std::move(s));
}

std::vector<std::pair<DatasetKey, health::Health>> Snapshot::UnhealthySources() const {
  std::vector<std::pair<DatasetKey, health::Health>> out;
  out.reserve(unhealthy_->size());
  unhealthy_->for_each([&](const std::string&, const std::pair<DatasetKey, health::Health>& v) {
    out.push_back(v);
  });
  // One order for every replica: the walk's first cause wins.
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const Snapshot> Snapshot::WithUpstream(
    std::shared_ptr<const health::UpstreamHealth> upstream) const {
  std::shared_ptr<Snapshot> s(new Snapshot(*this));
  s->upstream_ = std::move(upstream);
  return s;
}

bool Snapshot::UpstreamMayMove(const store::Change& changes) const {
  if (unhealthy_changed_) return true;
  if (unhealthy_->size() == 0 && upstream_->size() == 0) return false;
  if (!changes.deleted_datasets.empty() || !changes.deleted_jobs.empty()) return true;
  // An edge from or to a dataset that is a cause or degraded: a dataset
  // newly read or written next to one, or an edge gone inactive.
  for (const store::LineageEdge& e : changes.lineage_edges) {
    const std::string id = DatasetUid(e.dataset).id;
    if (unhealthy_->find(id) != nullptr || upstream_->FindId(id) != nullptr) return true;
  }
  return false;
}

Snapshot::HealthCounts Snapshot::CountHealth() const {
  HealthCounts out{.upstream_degraded = upstream_->size()};
  unhealthy_->for_each([&](const std::string& id, const std::pair<DatasetKey, health::Health>& v) {
    (v.second == health::Health::kFailing ? out.failing : out.stale) += 1;
    // Reached from another cause, it stays what it is by itself.
    if (upstream_->FindId(id) != nullptr) --out.upstream_degraded;
  });
  return out;
}

health::Health Snapshot::HealthOf(const DatasetKey& key, health::Health own) const {
  return health::EffectiveHealth(own, upstream_->Find(key));
}

std::shared_ptr<const Snapshot> Snapshot::Empty() {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->revision_ = -1;
  s->set_ = std::make_shared<PolicySet>();
  s->interner_ = std::make_shared<ValueInterner>();
  s->entities_ = std::make_shared<policy::Entities>();
  s->columns_ = std::make_shared<ColumnMap>();
  s->unhealthy_ = std::make_shared<UnhealthyDatasets>();
  s->upstream_ = std::make_shared<health::UpstreamHealth>();
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
  s->unhealthy_ = std::make_shared<UnhealthyDatasets>();
  s->upstream_ = std::make_shared<health::UpstreamHealth>();
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
  if (upstream_->size() > 0 && request.resource.type == "Dataset") {
    const health::UpstreamCause* cause = upstream_->FindId(request.resource.id);
    const policy::Entity* e = cause != nullptr ? entities.Find(request.resource) : nullptr;
    auto own = e != nullptr ? e->attrs.find("health") : policy::ValueRecord::const_iterator();
    if (e != nullptr && own != e->attrs.end() && own->second.is(policy::Value::Kind::kString)) {
      std::optional<health::Health> h = health::ParseHealth(own->second.as_string());
      if (h && health::EffectiveHealth(*h, cause) != *h) {
        // The resource as policies see it: upstream-degraded.
        policy::Entity degraded = *e;
        degraded.attrs["health"] = policy::Value::String("upstream-degraded");
        ReplacedEntity view(entities, degraded);
        return policy::Authorize(set_->policies, request, view, set_->index);
      }
    }
  }
  return policy::Authorize(set_->policies, request, entities, set_->index);
}

}  // namespace catalog::authz
