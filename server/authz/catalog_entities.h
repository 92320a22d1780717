// How the catalog looks to the policy engine: the Cedar entities built from
// catalog objects. No one copies catalog data into policies; these functions
// are the whole mapping, documented in docs/policies.md.
//
//   User::"alice", ServiceAccount::"etl", Group::"analysts" (parents: their
//     groups), with their attributes as strings;
//   Domain::"finance/payments" (parent Domain::"finance"), attribute owners;
//   Dataset::"<namespace>/<name>" (parent: its domain), attributes owners
//     (set of principal entities), tags, classification,
//     classificationLevel (0-3, when classified), lifecycle, properties,
//     namespace, name, layer and tier (each absent when none),
//     certification (none, draft, verified);
//     terms (the glossary terms the dataset or any of its columns links);
//   Column::"<namespace>/<name>#<field>" (parent: its dataset; nested fields
//     as "a.b"), attributes name, type, tags, classification,
//     classificationLevel, terms;
//   GlossaryTerm::"<id>" (parent: its domain, when it has one), attributes
//     owners, name, status, domain;
//   Model::"<name>" (parent: its domain, when it has one), attributes
//     owners, tags, name, domain, description;
//   ModelVersion::"<name>@<version>" (parent: its model), attributes model
//     (the Model entity), version, status, framework;
//   FeatureView::"<name>" (parent: its domain, when it has one),
//     attributes owners, tags, name, domain, source, features;
//   AIApplication::"<name>" (parent: its domain, when it has one),
//     attributes owners, tags, name, domain, type, review,
//     service_account;
//   Job::"<namespace>/<name>" (lineage), attributes owners (set of
//     principal entities: who may report its runs), namespace, name;
//   Action::"read", "write" in Action::"data"; "catalog:read",
//     "catalog:write", "catalog:certify", "incident:write", "webhook:subscribe",
//     "model:promote", "application:review" in
//     Action::"catalog"; "policy:write",
//     "contract:write", "lineage:write", "audit:read", "authorize:others",
//     "governance:write" in Action::"governance".
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/policy/entities.h"

namespace catalog::authz {

// "user:alice" -> User::"alice"; INVALID_ARGUMENT for anything else.
absl::StatusOr<policy::EntityUid> PrincipalUid(std::string_view principal);
policy::EntityUid PrincipalUid(const PrincipalRef& ref);
policy::EntityUid DatasetUid(const DatasetKey& key);
policy::EntityUid DomainUid(std::string_view path);
policy::EntityUid ColumnUid(const DatasetKey& key, std::string_view field_path);
policy::EntityUid ActionUid(std::string_view name);
// Job::"<namespace>/<name>": lineage reads check catalog:read on it,
// reports lineage:write.
policy::EntityUid JobUid(const JobKey& key);
// DataProduct::"<id>" (docs/governance.md#data-products).
policy::EntityUid ProductUid(std::string_view id);
// GlossaryTerm::"<id>" (docs/governance.md#glossary).
policy::EntityUid TermUid(std::string_view id);
// Model::"<name>" and ModelVersion::"<name>@<version>" (docs/models.md).
policy::EntityUid ModelUid(std::string_view name);
policy::EntityUid ModelVersionUid(std::string_view model, std::string_view version);
// AIApplication::"<name>" (docs/models.md#ai-applications).
policy::EntityUid ApplicationUid(std::string_view name);
// FeatureView::"<name>" (docs/models.md#feature-views).
policy::EntityUid FeatureViewUid(std::string_view name);

class ValueInterner;

// With an interner, repeated values (namespaces, tags, owners, ...) are
// shared with every other entity built through it.
policy::Entity PrincipalEntity(const Principal& principal, ValueInterner* interner = nullptr);
policy::Entity DomainEntity(const Domain& domain, ValueInterner* interner = nullptr);
policy::Entity DatasetEntity(const Dataset& dataset, ValueInterner* interner = nullptr);
policy::Entity JobEntity(const Job& job, ValueInterner* interner = nullptr);
// In its domain; owners, status, tags, name and domain as attributes.
policy::Entity ProductEntity(const DataProduct& product, ValueInterner* interner = nullptr);
// In its domain; owners, name, status and domain as attributes.
policy::Entity TermEntity(const GlossaryTerm& term, ValueInterner* interner = nullptr);
// In its domain; owners, tags, name, domain and description as attributes.
policy::Entity ModelEntity(const Model& model, ValueInterner* interner = nullptr);
// In its domain; owners, tags, name, domain, type, review (its review
// state: unreviewed, approved, rejected), service_account (the
// ServiceAccount entity it runs as, when named).
policy::Entity ApplicationEntity(const AIApplication& app, ValueInterner* interner = nullptr);
// In its domain; owners, tags, name, domain, source (its source's Dataset
// entity), features (their names).
policy::Entity FeatureViewEntity(const FeatureView& view, ValueInterner* interner = nullptr);
// In its model; model (the Model entity: `resource.model.owners`),
// version, status and framework as attributes.
policy::Entity ModelVersionEntity(const ModelVersion& version,
                                  ValueInterner* interner = nullptr);

// The entities a decision on version `v` not yet in `entities` reads: the
// version, in `model` (as it stands or is proposed, when `entities` may not
// hold it so; nullptr: as `entities` hold it) and under the model's
// ancestors, so `resource.model.owners` and a policy on its domain judge it.
policy::Entities ProposedVersion(const ModelVersion& v, const Model* model,
                                 const policy::EntityView& entities);

// `e`, an entity not (or not so) in `entities`, with the ancestors its
// parents have there (so a policy on a domain covers it).
policy::Entity Placed(policy::Entity e, const policy::EntityView& entities);

// The dataset's columns, flattened: nested fields are "parent.child".
struct ColumnInfo {
  std::string path;
  std::string type;
  std::vector<std::string> tags;
  Classification classification = Classification::kUnspecified;
  std::vector<std::string> terms;
};
std::vector<ColumnInfo> FlattenColumns(const std::vector<Field>& fields);
// A column entity; its ancestors are the dataset and the dataset's
// ancestors, given as `dataset`.
policy::Entity ColumnEntity(const DatasetKey& key, const ColumnInfo& column,
                            const policy::Entity* dataset);

// The action entities and their groups.
std::vector<policy::Entity> ActionEntities();

}  // namespace catalog::authz
