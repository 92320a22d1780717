// An immutable picture of everything an authorization decision reads:
// the compiled policies, indexed by scope, and the catalog's entities, at
// one catalog revision. Built whole from the store at start, then derived
// from the previous snapshot and each committed change; shared by
// std::shared_ptr<const Snapshot>, so readers never wait for an update.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/governance/rule.h"
#include "lib/health/upstream.h"
#include "lib/policy/evaluator.h"
#include "lib/policy/scope_index.h"
#include "lib/util/sharded_map.h"
#include "server/authz/catalog_entities.h"
#include "server/store/store.h"

namespace catalog::authz {

class ColumnTable;
class ValueInterner;

absl::StatusOr<std::vector<policy::Policy>> CompilePolicies(
    const std::vector<store::PolicyFile>& files);

// The governance rules in force, compiled. A stored rule that no longer
// parses (written by a newer catalogd) is left out, logged.
using RuleBook = std::vector<governance::Rule>;
std::shared_ptr<const RuleBook> CompileRules(const std::vector<store::StoredRule>& stored);

// Each dataset's flattened columns, by "namespace/name".
using ColumnsByDataset = ShardedMap<std::string, std::shared_ptr<const ColumnTable>,
                                    std::hash<std::string>, 4096>;
// The datasets whose own health is failing or stale, by policy identity:
// the causes upstream degradation spreads from.
using UnhealthyDatasets = ShardedMap<std::string, std::pair<DatasetKey, health::Health>,
                                     std::hash<std::string>, 256>;

class Snapshot {
 public:
  // Builds from the store and a policy set, each object made an entity as
  // it is read, so the decoded catalog is never held whole (the allocator
  // would keep that memory).
  static absl::StatusOr<std::shared_ptr<const Snapshot>> Load(
      store::Store& store, const store::PolicyVersion& policies);

  // This snapshot with `changes` applied, at `revision`; shares everything
  // the change leaves alone. With policies_changed, `policies` replaces the
  // policy set; with rules_changed, `rules` the governance rules.
  absl::StatusOr<std::shared_ptr<const Snapshot>> WithChanges(
      const store::Change& changes, int64_t revision, const store::PolicyVersion* policies,
      const std::vector<store::StoredRule>* rules = nullptr) const;

  // No policies, no entities, revision -1: decides nothing (denies all).
  static std::shared_ptr<const Snapshot> Empty();

  // A snapshot of given policies and entities, for benchmarks and tests.
  static std::shared_ptr<const Snapshot> ForBenchmark(
      std::vector<policy::Policy> policies, policy::Entities entities);

  int64_t revision() const { return revision_; }
  int64_t policy_version() const { return policy_version_; }
  const std::vector<policy::Policy>& policies() const { return set_->policies; }
  const policy::Entities& entities() const { return *entities_; }
  // The governance rules in force (docs/governance.md#rules), by name.
  const RuleBook& rules() const { return *rules_; }

  // The flattened columns of the dataset whose entity id (DatasetUid) is
  // `dataset_id`; nullptr if the dataset is unknown.
  const ColumnTable* Columns(const std::string& dataset_id) const;

  // True when `principal` may do `action` on every resource: a permit
  // holds for them with no resource scope and no condition, and no forbid
  // could apply to them and the action. Conservative: false says only
  // that each resource must be decided.
  bool AllowsEveryResource(const policy::EntityUid& principal,
                           const policy::EntityUid& action) const;

  // The failing and stale datasets (their own health).
  std::vector<std::pair<DatasetKey, health::Health>> UnhealthySources() const;
  // Which datasets are upstream-degraded, as of this snapshot.
  const health::UpstreamHealth& upstream() const { return *upstream_; }
  // This snapshot, at its revision, with `upstream` as its upstream
  // degradation.
  std::shared_ptr<const Snapshot> WithUpstream(
      std::shared_ptr<const health::UpstreamHealth> upstream) const;
  // Whether `changes`, which made this snapshot, may have moved upstream
  // degradation: the failing or stale datasets changed, or lineage or
  // deletions touched them or what they degrade.
  bool UpstreamMayMove(const store::Change& changes) const;
  // How many datasets have each health (/metrics): failing and stale by
  // themselves, and upstream-degraded.
  struct HealthCounts {
    size_t failing = 0, stale = 0, upstream_degraded = 0;
  };
  HealthCounts CountHealth() const;
  // A dataset's health as policies see it: its own, or upstream-degraded.
  health::Health HealthOf(const DatasetKey& key, health::Health own) const;

  // Authorizes against this snapshot (with `entities`, which may overlay
  // request-scoped entities on entities()): only the policies the scope
  // index names as candidates are evaluated. A Dataset resource that is
  // upstream-degraded is seen with resource.health "upstream-degraded".
  policy::Response Authorize(const policy::Request& request,
                             const policy::EntityView& entities) const;

 private:
  // The compiled policies and their scope index, shared between snapshots
  // until the policies change.
  struct PolicySet {
    std::vector<policy::Policy> policies;
    policy::ScopeIndex index;
  };
  using ColumnMap = ColumnsByDataset;

  Snapshot() = default;
  static absl::StatusOr<std::shared_ptr<const PolicySet>> Compile(
      const store::PolicyVersion& version);

  int64_t revision_ = 0;
  int64_t policy_version_ = 0;
  std::shared_ptr<const PolicySet> set_;
  std::shared_ptr<const RuleBook> rules_ = std::make_shared<const RuleBook>();
  // Shared by the snapshots derived from one build.
  std::shared_ptr<ValueInterner> interner_;
  std::shared_ptr<const policy::Entities> entities_;
  std::shared_ptr<const ColumnMap> columns_;
  std::shared_ptr<const UnhealthyDatasets> unhealthy_;
  std::shared_ptr<const health::UpstreamHealth> upstream_;
  bool unhealthy_changed_ = false;  // by the change that made this snapshot
};

}  // namespace catalog::authz
