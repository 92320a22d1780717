// The catalog's storage: every read and write of catalog state goes through
// this class, backed by SQLite (WAL, synchronous=FULL, foreign keys).
//
//   ASSIGN_OR_RETURN(auto store, Store::Open({.path = "data/catalog.db"}));
//   ASSIGN_OR_RETURN(ApplyResponse r, store->Apply(resources, "user:admin"));
//
// Each call is one transaction: on any error it rolls back and nothing
// changes. Every change appends an audit event in the same transaction.
// Writes are serialized on one writer connection; reads run in parallel on a
// pool of reader connections. All methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/health/health.h"

namespace catalog::lineage {
struct Event;
}

namespace catalog::store {

struct PageRequest {
  int page_size = 0;       // 0 = 100; capped at 1000
  std::string page_token;  // opaque, from a previous page
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // empty on the last page
};

enum class ApplyOutcome { kCreated, kChanged, kUnchanged };

struct ApplyResult {
  std::string kind;
  std::string name;
  ApplyOutcome outcome = ApplyOutcome::kUnchanged;
  int64_t revision = 0;
  std::vector<std::string> warnings;  // from the rule check (datasets)
};

struct ApplyResponse {
  std::vector<ApplyResult> results;  // in request order
  int64_t catalog_revision = 0;
};

struct HistoryEntry {
  int64_t revision = 0;
  std::string actor;
  std::string time;
  std::string action;                // create, update, delete
  std::vector<std::string> changes;  // "spec.description", "spec.schema", ...
  Dataset dataset;                   // as it was at this revision
};

// One revision of an object kept whole as a spec (object_history: models,
// model versions, feature views, AI applications): who wrote it, when,
// which top-level spec fields changed, and the object as it was then (a
// "delete" revision: as it last was). An application's review is not part
// of its revisions (the audit log holds each review).
template <typename T>
struct Revision {
  int64_t revision = 0;
  std::string actor;
  std::string time;
  std::string action;                // create, update, delete
  std::vector<std::string> changes;  // "spec.description", ...
  T object;
};

struct SearchHit {
  DatasetKey key;
  std::string description;
  std::string domain;
  double score = 0;  // the match tier: 0 name, 1 description or tags, 2 fields
};

struct TokenRecord {
  std::string id;
  std::string secret_hash;  // SHA-256 of the secret, raw bytes
  std::string principal;
  std::string description;
  std::string created_at;
  std::string created_by;
  bool revoked = false;
  std::string expires_at;            // RFC 3339 UTC; "" = never
  std::vector<std::string> actions;  // the only actions it may be used for
  std::string kind = "api";          // "api", or "session": a web UI sign-in
  // A session's: the token it was signed in with ("" for none, or a client
  // certificate). Revoking that token revokes the session.
  std::string parent;
};

struct AuditEvent {
  int64_t seq = 0;
  std::string time;
  std::string actor;
  std::string action;  // "dataset.create", "token.revoke", ...
  std::string target_kind;
  std::string target;
  int64_t before_revision = 0;
  int64_t after_revision = 0;
  int64_t catalog_revision = 0;
  std::string decision;   // "allow"/"deny" for decisions, "" for mutations
  std::string prev_hash;  // hex SHA-256 of the event before (64 zeros first)
  std::string hash;       // hex SHA-256 of prev_hash and this event's content
  // Whom a decision was about when not the actor (Authorize asked by a
  // gateway on a user's behalf); "" otherwise.
  std::string subject;
  // The actor's client certificate identity (SPIFFE ID, or "dns:NAME")
  // when it called with one; "" otherwise.
  std::string peer;
};

// The certificate identity of the caller this thread serves, for as long as
// it lives: every audit event the thread writes (or queues) records it
// (AuditEvent::peer). Set by the call layer; `peer` must outlive it (it is
// not copied: this runs on every call).
class AuditPeer {
 public:
  explicit AuditPeer(const std::string& peer);
  ~AuditPeer();
  AuditPeer(const AuditPeer&) = delete;
  AuditPeer& operator=(const AuditPeer&) = delete;
  static std::string_view Current();

 private:
  const std::string* previous_;
};

// Which audit events to list; empty fields match everything.
struct AuditFilter {
  std::string actor;     // "user:alice"
  std::string action;    // exact, or a prefix ending in '.': "dataset."
  std::string since;     // RFC 3339: events at or after it
  std::string decision;  // "allow", "deny", or "" (any, mutations too)
  int64_t after_seq = 0;
  int limit = 100;
};

// What `audit verify` found: every event's hash recomputed and each link
// followed from the first event to the last.
struct AuditVerification {
  bool ok = true;
  int64_t events = 0;
  int64_t first_bad_seq = 0;  // the first event that does not hold
  std::string problem;        // what is wrong there
  int64_t head_seq = 0;       // the last event, to anchor elsewhere
  std::string head_hash;
};

struct PolicyFile {
  std::string name;  // e.g. "default.cedar"
  std::string text;
  bool operator==(const PolicyFile&) const = default;
};

inline constexpr int64_t kNoPolicyVersion = -1;
// The most governance rules a catalog holds in force.
inline constexpr size_t kMaxGovernanceRules = 500;

struct PolicyVersion {
  int64_t version = 0;
  std::vector<PolicyFile> files;  // empty in listings
  std::string description;
  std::string created_at;
  std::string created_by;
};

// Everything the authorization snapshot is built from, one object at a
// time (ScanContents): principals, then domains, datasets and jobs.
struct ContentsVisitor {
  std::function<void(Principal)> principal;
  std::function<void(Domain)> domain;
  std::function<void(Dataset)> dataset;
  std::function<void(Job)> job;
  std::function<void(DataProduct)> product;  // may be unset
  std::function<void(GlossaryTerm)> term;    // may be unset
  std::function<void(Model)> model;          // may be unset
  std::function<void(ModelVersion)> model_version;  // may be unset
  std::function<void(AIApplication)> application;   // may be unset
  std::function<void(FeatureView)> feature_view;    // may be unset
};

// Everything the authorization snapshot is built from, read in one
// transaction.
struct CatalogContents {
  int64_t catalog_revision = 0;
  std::vector<Principal> principals;  // users, service accounts and groups
  std::vector<Domain> domains;
  std::vector<Dataset> datasets;
  std::vector<Job> jobs;  // lineage jobs and their owners
  std::vector<DataProduct> products;
  std::vector<GlossaryTerm> terms;
};

// A job -> dataset (output) or dataset -> job (input) edge as it now is.
struct LineageEdge {
  JobKey job;
  DatasetKey dataset;
  bool output = false;
  bool active = true;
  std::string run_id;  // the run that last reported it
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
};

// What a lineage reporter may do, asked on the writer thread as each event
// is written (the caller decides for its principal; see
// LineageServiceImpl::IngestEvents). An unset check allows.
struct IngestGate {
  // OK, or PERMISSION_DENIED saying why, for reporting a run of `job` as
  // stored (a job not stored yet, or with no owners, is given the reporter
  // as owner before it is asked about).
  std::function<absl::Status(const Job& job)> may_report;
  // Whether the reporter may change the curated metadata (owners,
  // description, tags, classification, lifecycle, aliases, a field's tags)
  // of the existing dataset `key`; where it may not, an event's facts about
  // that dataset are observations (lib/lineage/mapping.h).
  std::function<bool(const DatasetKey& key)> may_curate;
  // OK, or PERMISSION_DENIED saying why, for registering version `v` (its
  // model as stored, or nullopt: a new model the reporter will own) from a
  // run whose output is a model (docs/models.md#training-lineage).
  std::function<absl::Status(const ModelVersion& v, const std::optional<Model>& stored)>
      may_register_model;
  // OK, or PERMISSION_DENIED saying why, for recording monitoring metrics
  // of a registered version from a run's modelMetrics facet.
  std::function<absl::Status(const std::string& model, const std::string& version)>
      may_record_model_metrics;
};

// One dataset a model version was trained on, as it was when the run
// completed; `columns` is the run's column lineage for the model from this
// dataset (JSON: [{"field", "input", "transformations": [{type, subtype,
// masking}]}]).
struct TrainingInput {
  DatasetKey dataset;
  int64_t revision = 0;
  int64_t schema_version = 0;
  std::string columns = "[]";
};

// One measurement of a model version (docs/models.md#monitoring).
struct ModelMetricPoint {
  std::string version;  // filled by reads
  std::string name;     // "auc", "latency_p99_ms", "gen_ai.usage.input_tokens"
  double value = 0;
  int64_t at_ms = 0;    // when it was measured
  std::string reporter;  // filled by reads
};

// An output field that depends on an input field ("" output field: the
// whole output depends on it), through a job.
struct ColumnEdge {
  DatasetKey out_dataset;
  std::string out_field;
  DatasetKey in_dataset;
  std::string in_field;
  JobKey job;
  std::string transformations;  // JSON array of {type, subtype, description, masking}
  std::string run_id;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  bool active = true;
};

struct JobRecord {
  JobKey key;
  std::vector<Owner> owners;  // who may report its runs
  int64_t revision = 0;       // counts changes of owners
  std::string job_type;  // "BATCH/SPARK/SQL_JOB"
  std::string description;
  std::string sql;
  std::string facets;  // JSON object: the latest of each facet
  std::string latest_run_id;
  std::string latest_state;
  std::string created_at;
  std::string updated_at;
};

struct RunRecord {
  std::string run_id;
  JobKey job;
  std::string state;  // START, RUNNING, COMPLETE, FAIL, ABORT, OTHER
  int64_t started_ms = 0;  // 0 when no START was seen
  int64_t ended_ms = 0;    // 0 while running
  int64_t last_event_ms = 0;
  std::string parent_run_id;
  std::string parent_job;
  std::string error_message;
  std::string facets;  // JSON object
  std::vector<std::pair<std::string, int64_t>> transitions;  // oldest first
};

// One check or measurement an event reported for a dataset
// (lib/lineage/quality.h), as kept.
struct QualityRecord {
  int64_t event_ms = 0;
  JobKey job;  // empty for a DatasetEvent
  std::string run_id;
  std::string facet;
  std::string column;  // "" for the whole dataset
  std::string name;
  std::string check_type;
  std::string status;  // pass, fail, skip; "" for a measurement
  std::string severity;
  std::string expected;
  std::string actual;
  std::optional<double> value;  // a measurement's
  std::string description;
  std::string reporter;
};

// Which quality results to list; empty parts do not filter.
struct QualityFilter {
  int64_t since_ms = 0;
  std::optional<std::string> column;  // "" the whole dataset's
  std::string name;
  enum class Kind { kAll, kChecks, kMeasurements } kind = Kind::kAll;
  std::string status;
};

// One version of a data contract as registered.
// A dataset's own health in detail (GetDatasetHealth); times are
// milliseconds since the epoch, 0 for none.
struct HealthDetail {
  DatasetKey key;
  DatasetHealth health;  // "ok", since 0: never judged
  std::string reason;
  std::string freshness_reason;
  int64_t last_write_ms = 0;
  int64_t next_check_ms = 0;
  contract::Sla sla;
  std::vector<health::FailingCheck> failing;
  int64_t contract_broken_ms = 0;
  std::string contract_violations;  // JSON array; "" none
};

// An incident (docs/quality.md#incidents); times are milliseconds since
// the epoch, 0 for not yet.
struct IncidentRecord {
  int64_t id = 0;
  DatasetKey dataset;
  std::string cause;     // "freshness", "contract", "check <facet> <column> <name>"
  std::string kind;      // freshness, contract, check
  std::string summary;   // what broke
  std::string severity;
  std::string state;     // open, acknowledged, resolved
  int64_t cause_ms = 0;  // when the cause began
  int64_t opened_ms = 0;
  int64_t acknowledged_ms = 0;
  int64_t resolved_ms = 0;
  std::string assignee;
  std::string resolved_by;  // "catalogd" when the cause recovered
  std::string resolution;
  std::string notes;  // JSON array of {at, by, text}
};

struct IncidentFilter {
  std::optional<DatasetKey> dataset;
  std::string state;  // "" all; "open" (open or acknowledged), "acknowledged", "resolved"
};

enum class IncidentAction { kAcknowledge, kResolve, kNote };

// A webhook (docs/quality.md#webhooks): who hears of which events of a
// dataset or a domain, and where.
struct WebhookRecord {
  int64_t id = 0;
  std::string name;
  std::string url;
  std::string scope_kind;  // dataset, domain
  DatasetKey dataset;      // scope_kind dataset
  std::string domain;      // scope_kind domain: its path
  std::vector<std::string> events;  // incident.opened, incident.resolved, contract.violated
  std::string subscriber;  // "user:alice": payloads name only what they may read
  std::string secret;      // sealed
  std::string key_id;      // of the key that sealed it
  std::string state = "active";  // active, paused
  std::string state_reason;
  int64_t created_ms = 0;
  // Read, not written: its deliveries waiting, and the last attempt's error.
  int64_t pending = 0;
  std::string last_error;
};

// A delivery owed to a webhook, and how it went; the webhook's address,
// subscriber and sealed secret come along for delivering it.
struct WebhookDelivery {
  int64_t id = 0;
  int64_t webhook_id = 0;
  std::string webhook;  // its name
  std::string event;
  DatasetKey dataset;
  std::string detail;  // JSON object: the event's facts
  int64_t created_ms = 0;
  std::string state;   // pending, delivered, skipped
  int attempts = 0;
  int64_t next_ms = 0;
  int64_t last_ms = 0;
  int last_status = 0;
  std::string last_error;
  std::string body;  // "" until the first attempt
  std::string url, subscriber, secret, key_id;
};

// What one delivery attempt came to.
struct DeliveryAttempt {
  enum class Outcome { kDelivered, kFailed, kSkipped } outcome = Outcome::kFailed;
  int status = 0;      // HTTP
  std::string error;   // failed: why; skipped: why not sent
  std::string body;    // what was (or would have been) POSTed
};

// Retries of failed deliveries: `first_ms` after the first failure,
// doubling up to `max_ms`; after `max_attempts` the webhook is paused.
struct WebhookRetry {
  int max_attempts = 10;
  int64_t first_ms = 1000;
  int64_t max_ms = 10 * 60 * 1000;
};

// The catalog's ordered list of layers (docs/governance.md#layers).
struct LayerSettings {
  std::vector<std::string> layers;  // lowest first
  int64_t revision = 0;             // 0: never set (the default list)
  std::string updated_at, updated_by;
};

// A rule's evaluation over one domain's datasets on a day (the report's
// trend).
struct GovernanceEvaluation {
  std::string day;  // YYYY-MM-DD, UTC
  std::string rule;
  std::string domain;  // "" for datasets of no domain
  int64_t checks = 0;
  int64_t passed = 0;
};

// One version of a governance rule (docs/governance.md#rules): its spec as
// JSON text, '' for the version that deleted it.
struct StoredRule {
  std::string name;
  int64_t version = 0;
  std::string spec;
  std::string created_at, created_by;
};

struct StoredContract {
  std::string id;
  std::string version;
  std::string status;
  std::string document;  // the YAML as submitted
  std::string file;      // the name it was submitted under
  int64_t seq = 0;       // 1, 2, ... in order of registration
  std::string created_at;
  std::string created_by;
};

// A contract's schema object describing a catalog dataset.
struct ContractBinding {
  std::string object;
  DatasetKey dataset;
  bool operator==(const ContractBinding&) const = default;
};

// A write seen in lineage whose schema broke the dataset's active contract.
struct ContractViolationRecord {
  DatasetKey dataset;
  std::string contract_id;
  std::string version;
  std::string source;      // "lineage run JOB RUN_ID"
  std::string violations;  // JSON array of {property, rule, message}
  std::string at;
};

struct PutContractResult {
  StoredContract contract;
  std::vector<ContractBinding> bindings;  // as they now are
  bool created = false;  // false: this exact version was already there
  int64_t catalog_revision = 0;
};

// What a lineage event said of a dataset field that its reporter may not
// change, kept for the dataset's curators (the latest per field and
// reporter).
struct Observation {
  std::string field;     // one of kObservedFields
  std::string value;     // JSON: the field as the event would have made it
  std::string reporter;  // "serviceaccount:etl"
  JobKey job;           // the reporting job; empty from a DatasetEvent
  std::string observed_at;
};

// The dataset fields events are observed on: "description", "owners",
// "tags", "lifecycle", "properties" (the schema is always taken).
inline constexpr const char* kObservedFields[] = {"description", "owners", "tags",
                                                  "lifecycle", "properties"};
inline bool IsObservedField(std::string_view field) {
  for (const char* f : kObservedFields) {
    if (field == f) return true;
  }
  return false;
}

struct IngestResult {
  int64_t catalog_revision = 0;
  int datasets_changed = 0;  // created or updated entries
};

// What one committed write changed, for those who keep a derived view of
// the catalog (the authorization snapshot, the lineage graph) up to date
// without re-reading it.
struct Change {
  int64_t catalog_revision = 0;
  std::vector<Resource> upserted;  // as they now are
  std::vector<DatasetKey> deleted_datasets;
  std::vector<std::string> deleted_domains;
  std::vector<std::string> deleted_products;  // data products' ids
  std::vector<std::string> deleted_terms;     // glossary terms' ids
  std::vector<std::string> deleted_models;    // models' names
  std::vector<std::string> deleted_model_versions;  // "model@version"
  std::vector<std::string> deleted_applications;    // AI applications' names
  std::vector<std::string> deleted_feature_views;   // feature views' names
  std::vector<PrincipalRef> deleted_principals;
  bool policies_changed = false;
  bool rules_changed = false;  // governance rules put or deleted
  std::vector<LineageEdge> lineage_edges;  // added or changed
  std::vector<JobKey> deleted_jobs;
  std::vector<std::string> tokens;  // ids of tokens created or revoked
  // Set by a replica that could not follow the change feed (a gap in it,
  // another store behind the same URL, a database gone back in time):
  // anything may have changed; whoever keeps a view reads it again, and
  // the rest of this Change is empty.
  bool reload = false;
};

struct StoreIdentity {
  int64_t store_id = 0;
  int64_t epoch = 0;
  bool operator==(const StoreIdentity&) const = default;
};

class Store {
 public:
  struct Options {
    std::string path;          // the SQLite file; created when missing
    // The clock health and freshness are judged by (milliseconds since the
    // epoch); the system clock when unset. Tests set it.
    std::function<int64_t()> clock_ms;
    // A webhook owed this many deliveries is queued no more until it
    // drains (store_webhooks.cc).
    int64_t max_pending_deliveries = 10000;
    // A PostgreSQL URL ("postgres://user@host:5432/db?sslmode=verify-full",
    // no password: PGPASSWORD, ~/.pgpass or passfile=): the store is there
    // instead of in `path`, shared with other replicas.
    std::string postgres;
    // PostgreSQL sessions: a stuck statement, lock wait or idle
    // transaction is ended after these (postgres.h, PgSettings).
    int statement_timeout_ms = 30000;
    int lock_timeout_ms = 10000;
    int idle_in_transaction_timeout_ms = 60000;
    // PostgreSQL: how often the change feed is polled when no notification
    // arrives (change_follower.h).
    int feed_poll_ms = 1000;
    // PostgreSQL: follow other replicas' writes from the start. A caller
    // that first loads views and adds their commit hooks says false and
    // calls StartFollowing once they are in place, so no change is applied
    // before a hook is there to see it.
    bool follow = true;
    // PostgreSQL: how often a replica tries to become the leader, and the
    // leader checks it still is.
    int leader_poll_ms = 1000;
    int readers = 4;           // reader connections
    int busy_timeout_ms = 5000;
    // A cap on the database size in bytes (0: none); writes that would grow
    // it further fail with RESOURCE_EXHAUSTED and change nothing.
    int64_t max_bytes = 0;
  };

  // Opens the database and applies pending migrations. Fails with
  // FAILED_PRECONDITION when the database is newer than this binary.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const Options& options);
  ~Store();

  // Creates or updates `resources` as one transaction, as `actor`. Fails
  // with INVALID_ARGUMENT (bad or duplicated resource), ABORTED (an expected
  // revision is stale) or FAILED_PRECONDITION (a reference to a domain or
  // group that does not exist, a group cycle); the message starts with
  // "resources[i] (Kind name)". An object whose spec is unchanged keeps its
  // revision. With `dry_run`, reports and rolls back.
  //
  // A change of a dataset's certification to or from verified (or of a
  // verified one's expiry) is first put to `may_certify`, which refuses it
  // with its status (the catalog:certify permission); without one, it is
  // allowed. Who certified and when are stamped here.
  using CertifyCheck = std::function<absl::Status(const Dataset&)>;
  // Each dataset the apply changes or creates is put to `judge_rules`, as
  // it was (nullptr: new) and as it will be, in the write's transaction;
  // an error refuses the apply, `warnings` go to the dataset's result
  // (the governance rules, server/governance/apply_gate.h).
  using RuleCheck = std::function<absl::Status(const Dataset* before, const Dataset& after,
                                               std::vector<std::string>& warnings)>;
  absl::StatusOr<ApplyResponse> Apply(const std::vector<Resource>& resources,
                                      std::string_view actor, bool dry_run,
                                      const CertifyCheck& may_certify = nullptr,
                                      const RuleCheck& judge_rules = nullptr);

  // The catalog's ordered list of layers (docs/governance.md#layers),
  // lowest first; bronze, silver, gold until set.
  absl::StatusOr<LayerSettings> GetLayers();
  // Sets it as `actor` (audited). INVALID_ARGUMENT for a bad or repeated
  // name or a list of 0 or more than 20; FAILED_PRECONDITION when a layer
  // left out is still some dataset's; ABORTED when `expected_revision` is
  // not 0 and not the stored one.
  absl::StatusOr<LayerSettings> SetLayers(const std::vector<std::string>& layers,
                                          std::string_view actor, int64_t expected_revision);
  // Governance rules (docs/governance.md#rules). Puts `spec` (JSON text,
  // validated by the caller) as the rule's next version, audited
  // (governance.rule.put); returns the version. ABORTED when
  // `expected_version` is not 0 and not the rule's current version (-1:
  // the rule must not exist); unchanged specs write nothing and return
  // the current version; RESOURCE_EXHAUSTED past kMaxGovernanceRules.
  absl::StatusOr<int64_t> PutGovernanceRule(std::string_view name, std::string_view spec,
                                            int64_t expected_version, std::string_view actor);
  // NOT_FOUND when no such rule is in force; ABORTED as above.
  absl::StatusOr<int64_t> DeleteGovernanceRule(std::string_view name, int64_t expected_version,
                                               std::string_view actor);
  // The rules in force (each name's latest version, unless deleted), by name.
  absl::StatusOr<std::vector<StoredRule>> ListGovernanceRules();
  // Every version of rule `name`, newest first (NOT_FOUND when none).
  absl::StatusOr<std::vector<StoredRule>> GovernanceRuleHistory(std::string_view name);
  // What a lineage write broke (docs/governance.md#rules): for each
  // dataset written, the blocking rules the write broke. Each opens an
  // incident (cause "rule <name>", kind governance) unless one is open;
  // the dataset's open rule incidents not named are resolved (the write
  // kept them); with `may_lapse` (the reporter may write the dataset's
  // metadata), a verified certification of a dataset that broke one
  // lapses. Datasets not stored are skipped.
  struct RuleBreach {
    std::string rule, message, severity;
  };
  struct RuleWrite {
    DatasetKey dataset;
    std::vector<RuleBreach> breaches;
    bool may_lapse = false;
  };
  absl::Status SyncRuleIncidents(const std::vector<RuleWrite>& written);
  // Keeps `rows` as their day's evaluations (a later one of the same day,
  // rule and domain replaces it).
  absl::Status RecordGovernanceEvaluations(const std::vector<GovernanceEvaluation>& rows);
  // The evaluations of `since_day` (YYYY-MM-DD) and after, by day, rule,
  // domain.
  absl::StatusOr<std::vector<GovernanceEvaluation>> ListGovernanceEvaluations(
      std::string_view since_day);
  // Lapses the verified certification of each dataset of `breaking` (its
  // key and a blocking rule it breaks), audited as
  // governance.certification.lapse by catalogd; how many lapsed.
  absl::StatusOr<int> LapseBrokenCertifications(
      const std::vector<std::pair<DatasetKey, std::string>>& breaking);

  // Lapses up to `limit` verified certifications whose expiry the store's
  // clock passed, in one transaction (the leader's sweep): each a new
  // revision of its dataset, certification none, by "catalogd", audited
  // as dataset.certification.lapse. How many.
  absl::StatusOr<int> LapseCertifications(int limit);

  // With `observations`, also the dataset's open observations
  // (store_observations.cc: those whose value differs from the field's, by
  // field and reporter), read in the same transaction.
  absl::StatusOr<Dataset> GetDataset(const DatasetKey& key,
                                     std::vector<Observation>* observations = nullptr);
  // Datasets ordered by (namespace, name); with `domain`, only those in that
  // domain or below it; with `ns`, only those in that namespace.
  absl::StatusOr<Page<Dataset>> ListDatasets(std::string_view domain,
                                             const PageRequest& page,
                                             std::string_view ns = {});
  // Returns the new catalog revision. NOT_FOUND, or ABORTED when
  // `expected_revision` is non-zero and stale.
  absl::StatusOr<int64_t> DeleteDataset(const DatasetKey& key,
                                        int64_t expected_revision,
                                        std::string_view actor);
  // Full-text search; every word must match, the last as a prefix. Datasets
  // whose name matches come first, then those matching in name, description
  // and tags together, then those matching only through field names; each
  // group in catalog order.
  absl::StatusOr<Page<SearchHit>> Search(std::string_view query,
                                         const PageRequest& page);
  // The same matches, `offset` on, at most `limit`, without reading their
  // specs: keys and tiers (score), for callers that filter them first.
  absl::StatusOr<std::vector<SearchHit>> SearchMatches(std::string_view query, int64_t offset,
                                                       int limit);
  // Description and domain of each of `hits` (from its spec), in place;
  // hits of datasets deleted meanwhile are dropped.
  absl::Status DescribeHits(std::vector<SearchHit>& hits);
  // Keys of the datasets after `after` in (namespace, name) order, at most
  // `limit`; `domain` and `ns` narrow as ListDatasets's do.
  absl::StatusOr<std::vector<DatasetKey>> ListDatasetKeys(std::string_view domain,
                                                          std::string_view ns,
                                                          const DatasetKey& after, int limit);
  // Every revision, oldest first, including after deletion.
  absl::StatusOr<std::vector<HistoryEntry>> DatasetHistory(
      const DatasetKey& key);

  // Data products (store_products.cc; docs/governance.md#data-products),
  // written by Apply. NOT_FOUND when there is none.
  absl::StatusOr<DataProduct> GetDataProduct(std::string_view id);
  // Every product, by id (a catalog holds products by the hundred, not
  // the million: they are read whole).
  absl::StatusOr<std::vector<DataProduct>> ListDataProducts();
  absl::StatusOr<int64_t> DeleteDataProduct(std::string_view id, int64_t expected_revision,
                                            std::string_view actor);
  // The datasets each contract of `ids` is bound to (none for a contract
  // not registered).
  absl::StatusOr<std::map<std::string, std::vector<DatasetKey>>> DatasetsOfContracts(
      const std::set<std::string>& ids);

  // The business glossary (store_glossary.cc; docs/governance.md#glossary),
  // written by Apply. NOT_FOUND when there is none.
  absl::StatusOr<GlossaryTerm> GetGlossaryTerm(std::string_view id);
  // Every term, by id (a glossary holds terms by the thousand at most).
  absl::StatusOr<std::vector<GlossaryTerm>> ListGlossaryTerms();
  // FAILED_PRECONDITION while datasets, columns or other terms link it
  // (counted, not named: the caller may not read them all).
  absl::StatusOr<int64_t> DeleteGlossaryTerm(std::string_view id, int64_t expected_revision,
                                             std::string_view actor);
  // The datasets and columns that link term `id` ("" column: the dataset
  // as a whole), by dataset key, at most `limit` of them.
  struct TermLink {
    DatasetKey dataset;
    std::string column;
  };
  absl::StatusOr<std::vector<TermLink>> LinksOfTerm(std::string_view id, int limit);

  // Models and their versions (store_models.cc; docs/models.md), written
  // by Apply. NOT_FOUND when there is none.
  struct ModelAliasRow {
    std::string alias;
    std::string version;
    std::string updated_at;
    std::string updated_by;
  };
  struct ModelEntry {
    Model model;
    int64_t versions = 0;
    std::vector<ModelAliasRow> aliases;  // by alias
  };
  absl::StatusOr<ModelEntry> GetModel(std::string_view name);
  // Every model, by name (three statements, however many there are).
  absl::StatusOr<std::vector<ModelEntry>> ListModels();
  // Deletes the model and its versions; FAILED_PRECONDITION while an alias
  // is set (a model in use is not deleted by accident).
  absl::StatusOr<int64_t> DeleteModel(std::string_view name, int64_t expected_revision,
                                      std::string_view actor);
  absl::StatusOr<ModelVersion> GetModelVersion(std::string_view model, std::string_view version);
  // A model's versions as they were registered; NOT_FOUND without the model.
  absl::StatusOr<std::vector<ModelVersion>> ListModelVersions(std::string_view model);
  // FAILED_PRECONDITION while an alias points at it.
  absl::StatusOr<int64_t> DeleteModelVersion(std::string_view model, std::string_view version,
                                             int64_t expected_revision, std::string_view actor);
  // Points `alias` at `version` (which must exist), audited as
  // model.promote. With `expected`, ABORTED unless the alias points there
  // now ("" = unset). Returns where it pointed before ("" = unset).
  struct Promotion {
    std::string previous;
    int64_t catalog_revision = 0;
  };
  absl::StatusOr<Promotion> SetModelAlias(std::string_view model, std::string_view alias,
                                          std::string_view version,
                                          const std::optional<std::string>& expected,
                                          std::string_view actor);
  // NOT_FOUND when the alias is not set.
  absl::StatusOr<Promotion> UnsetModelAlias(std::string_view model, std::string_view alias,
                                            std::string_view actor);

  // What trained a version: its run's inputs (store_models.cc), by dataset.
  absl::StatusOr<std::vector<TrainingInput>> TrainingInputs(std::string_view model,
                                                            std::string_view version);
  // Monitoring facts about a version (docs/models.md#monitoring): each
  // point replaces one of the same metric at the same time. NOT_FOUND for
  // a version not registered. No revision and no audit event: like quality
  // results, they are observations, kept for quality-retention.
  absl::Status RecordModelMetrics(std::string_view model, std::string_view version,
                                  const std::vector<ModelMetricPoint>& points,
                                  std::string_view reporter);
  // The points of version `version` ("": every version of the model) at or
  // after `since_ms`, of the metrics `names` (none: all), by version, name
  // and time; at most `limit`.
  absl::StatusOr<std::vector<ModelMetricPoint>> ModelMetrics(std::string_view model,
                                                             std::string_view version,
                                                             int64_t since_ms,
                                                             const std::vector<std::string>& names,
                                                             int limit);
  // The model versions trained on any of `datasets`: (dataset, "model@version").
  absl::StatusOr<std::vector<std::pair<DatasetKey, std::string>>> ModelsTrainedOn(
      const std::vector<DatasetKey>& datasets);

  // Feature views (store_feature_views.cc; docs/models.md#feature-views),
  // written by Apply. NOT_FOUND when there is none.
  absl::StatusOr<FeatureView> GetFeatureView(std::string_view name);
  absl::StatusOr<std::vector<FeatureView>> ListFeatureViews();  // by name
  absl::StatusOr<int64_t> DeleteFeatureView(std::string_view name, int64_t expected_revision,
                                            std::string_view actor);
  // The feature views whose source is one of `datasets`, by name.
  absl::StatusOr<std::vector<FeatureView>> FeatureViewsOn(const std::vector<DatasetKey>& datasets);

  // Every revision of a model, a model version, a feature view or an AI
  // application, oldest first, deleted ones' too (store_history.cc); empty
  // when the name never existed.
  absl::StatusOr<std::vector<Revision<Model>>> ModelHistory(std::string_view name);
  absl::StatusOr<std::vector<Revision<ModelVersion>>> ModelVersionHistory(
      std::string_view model, std::string_view version);
  absl::StatusOr<std::vector<Revision<FeatureView>>> FeatureViewHistory(std::string_view name);
  absl::StatusOr<std::vector<Revision<AIApplication>>> AIApplicationHistory(
      std::string_view name);

  // AI applications (store_applications.cc; docs/models.md#ai-applications),
  // written by Apply. NOT_FOUND when there is none.
  absl::StatusOr<AIApplication> GetAIApplication(std::string_view name);
  // Every application, by name.
  absl::StatusOr<std::vector<AIApplication>> ListAIApplications();
  absl::StatusOr<int64_t> DeleteAIApplication(std::string_view name, int64_t expected_revision,
                                              std::string_view actor);
  // Records `state` (approved or rejected) for the application's current
  // revision, audited as application.review; ABORTED unless it is at
  // `expected_revision` (when not 0).
  absl::StatusOr<AIApplication> ReviewAIApplication(std::string_view name, std::string_view state,
                                                    std::string_view note,
                                                    int64_t expected_revision,
                                                    std::string_view actor);
  // The applications that use any of `datasets` (as a data source, a
  // vector index or a tool's) or any of the model `versions`
  // ("model@version": a reference to the model, that version, or an alias
  // pointing at it now), by application.
  struct ApplicationUse {
    std::string application;
    DatasetKey dataset;    // the dataset it uses, or
    std::string version;   // the model version ("model@version")
    std::string used_as;   // dataSource, vectorIndex, tool:NAME:reads|writes; the reference
    std::string review;    // the application's review state
  };
  absl::StatusOr<std::vector<ApplicationUse>> ApplicationsUsing(
      const std::vector<DatasetKey>& datasets, const std::vector<std::string>& versions);

  absl::StatusOr<Domain> GetDomain(std::string_view path);
  absl::StatusOr<Page<Domain>> ListDomains(const PageRequest& page);
  // FAILED_PRECONDITION while datasets or child domains refer to it.
  absl::StatusOr<int64_t> DeleteDomain(std::string_view path,
                                       int64_t expected_revision,
                                       std::string_view actor);

  absl::StatusOr<Principal> GetPrincipal(PrincipalKind kind,
                                         std::string_view name);
  // With no kind: users and service accounts.
  absl::StatusOr<Page<Principal>> ListPrincipals(
      std::optional<PrincipalKind> kind, const PageRequest& page);
  // FAILED_PRECONDITION for a group that still has members.
  absl::StatusOr<int64_t> DeletePrincipal(PrincipalKind kind,
                                          std::string_view name,
                                          int64_t expected_revision,
                                          std::string_view actor);

  // Tokens are stored by id with the hash of their secret only.
  absl::Status CreateToken(const TokenRecord& token, std::string_view actor);
  // NOT_FOUND when there is no such token.
  absl::StatusOr<TokenRecord> GetToken(std::string_view id);
  absl::StatusOr<std::vector<TokenRecord>> ListTokens();
  // Also revokes the sessions the token opened (their parent), in the
  // same transaction, each with its own audit event.
  absl::Status RevokeToken(std::string_view id, std::string_view actor);
  // When session `token_id` was last used, as replicas recorded it: at
  // least `time` (RFC 3339 UTC) after this. Not catalog state: no revision,
  // no audit event.
  absl::Status TouchSession(std::string_view token_id, std::string_view time);
  // The latest recorded use of session `token_id`; "" when none is.
  absl::StatusOr<std::string> SessionLastSeen(std::string_view token_id);

  // Audit events matching `filter`, oldest first.
  absl::StatusOr<std::vector<AuditEvent>> ListAudit(const AuditFilter& filter);
  // Recomputes the chain; finds any altered, deleted or inserted event.
  absl::StatusOr<AuditVerification> VerifyAudit();
  // Appends `events` (authorization decisions: no catalog change) to the
  // chain in one transaction, in order; their seq, prev_hash and hash are
  // assigned here. Returns the seq of the last.
  absl::StatusOr<int64_t> AppendAuditEvents(std::vector<AuditEvent> events);
  // Audit events with seq > `after_seq`, oldest first.
  absl::StatusOr<std::vector<AuditEvent>> ListAudit(int64_t after_seq,
                                                    int limit);
  absl::StatusOr<int64_t> CatalogRevision();

  // Stores `files` as the next policy version, unless `expected_version` is
  // non-zero and not the current one (ABORTED); kNoPolicyVersion: only when
  // there is none yet (ALREADY_EXISTS otherwise: a seed another replica
  // stored first). The caller validates the
  // policies first. Returns the new version and the catalog revision.
  absl::StatusOr<std::pair<int64_t, int64_t>> PutPolicyVersion(
      const std::vector<PolicyFile>& files, std::string_view description,
      int64_t expected_version, std::string_view actor);
  // `version` 0 means the newest; NOT_FOUND when there is none.
  absl::StatusOr<PolicyVersion> GetPolicyVersion(int64_t version);
  // Newest first, without files.
  absl::StatusOr<std::vector<PolicyVersion>> ListPolicyVersions();

  // Lineage (store_lineage.cc). Records `events` as one transaction, each
  // its audit event: datasets created or updated from their facets, jobs,
  // runs and their transitions, dataset and column edges. Event i's
  // errors start "events[i]: ". The same events again change nothing.
  // A job's first reporter (`actor`) becomes its owner; `gate` is asked
  // about each job and each existing dataset an event touches.
  absl::StatusOr<IngestResult> IngestEvents(const std::vector<lineage::Event>& events,
                                            std::string_view actor,
                                            IngestGate gate = {});
  // Accepts (writes the observed value into the dataset, as a manifest
  // setting that field would) or dismisses the observation of `field` of
  // `key` by `reporter`, and forgets it; NOT_FOUND when there is none.
  absl::StatusOr<ApplyResponse> ReviewObservation(const DatasetKey& key, std::string_view field,
                                                std::string_view reporter, bool accept,
                                                std::string_view actor);
  // The dataset `key` names: itself, or the dataset it is an alias of.
  absl::StatusOr<DatasetKey> ResolveDataset(const DatasetKey& key);
  // Other names of a dataset, "namespace/name".
  absl::StatusOr<std::vector<std::string>> DatasetAliases(const DatasetKey& key);
  absl::StatusOr<JobRecord> GetJob(const JobKey& key);
  // Jobs by (namespace, name); with `ns`, only that namespace's.
  absl::StatusOr<Page<JobRecord>> ListJobs(std::string_view ns,
                                           const PageRequest& page);
  // The job's runs, the latest event first.
  absl::StatusOr<Page<RunRecord>> ListRuns(const JobKey& job,
                                           const PageRequest& page);
  // The quality results events reported for `dataset` (its key, not an
  // alias), the newest first; NOT_FOUND when there is no such dataset.
  absl::StatusOr<Page<QualityRecord>> ListQualityResults(const DatasetKey& dataset,
                                                         const QualityFilter& filter,
                                                         const PageRequest& page);
  // Forgets quality results, and model versions' metrics, retained from
  // before `before_ms` (the later of their event's time and their arrival):
  // the oldest hour of them at most, in one transaction. How many rows it
  // forgot.
  absl::StatusOr<int64_t> PruneQualityResults(int64_t before_ms);

  // A dataset's own health (its key, not an alias); NOT_FOUND when there
  // is no such dataset.
  absl::StatusOr<HealthDetail> GetDatasetHealth(const DatasetKey& key);
  // Judges again up to `limit` datasets whose freshness fell due by the
  // store's clock (the leader's sweep), in one transaction; how many.
  absl::StatusOr<int> JudgeDueHealth(int limit);

  // Incidents, newest first.
  absl::StatusOr<Page<IncidentRecord>> ListIncidents(const IncidentFilter& filter,
                                                     const PageRequest& page);
  absl::StatusOr<IncidentRecord> GetIncident(int64_t id);
  // Acknowledges (taking `assignee` when given), resolves or notes an
  // incident, adding `note` to its notes (as the resolution when resolving);
  // its audit event in the same transaction. NOT_FOUND, or
  // FAILED_PRECONDITION for a resolved one.
  absl::StatusOr<IncidentRecord> ChangeIncident(int64_t id, IncidentAction action,
                                                const std::string& assignee,
                                                const std::string& note, std::string_view actor);
  absl::StatusOr<int64_t> CountOpenIncidents();

  // What runs cost since `since_ms` (store_costs.cc), summed per job and
  // currency; with `produced`, per job, dataset it writes (active output
  // edges) and currency instead. Amounts in millionths.
  struct CostRow {
    JobKey job;
    DatasetKey dataset;  // produced only
    std::string domain;  // the dataset's; produced only
    std::string currency;  // "" for runs that reported bytes only
    int64_t amount_micros = 0;
    int64_t runs = 0;
    int64_t billed_bytes = 0;
  };
  absl::StatusOr<std::vector<CostRow>> Costs(int64_t since_ms, bool produced);

  // Webhooks (store_webhooks.cc). Creating and deleting one are audited
  // writes; ALREADY_EXISTS for a name taken, RESOURCE_EXHAUSTED past
  // kMaxWebhooksPerSubscriber of one subscriber's.
  static constexpr int kMaxWebhooksPerSubscriber = 100;

  absl::StatusOr<WebhookRecord> CreateWebhook(const WebhookRecord& w, std::string_view actor);
  // Every webhook, by name (they are few).
  absl::StatusOr<std::vector<WebhookRecord>> ListWebhooks();
  absl::StatusOr<WebhookRecord> GetWebhook(std::string_view name);
  absl::Status DeleteWebhook(std::string_view name, std::string_view actor);
  // A paused webhook active again: its oldest delivery is tried at once.
  absl::StatusOr<WebhookRecord> ResumeWebhook(std::string_view name, std::string_view actor);
  // A webhook's deliveries, newest first.
  absl::StatusOr<Page<WebhookDelivery>> ListWebhookDeliveries(int64_t webhook_id,
                                                              const PageRequest& page);
  // The deliveries to try now by the store's clock: of each active
  // webhook, its oldest pending one, when it is due (order within a
  // webhook is the events'); at most `limit`.
  absl::StatusOr<std::vector<WebhookDelivery>> DueWebhookDeliveries(int limit);
  // Records an attempt at delivery `id`: delivered or skipped end it; a
  // failure schedules the next try, or pauses the webhook after the last.
  absl::Status RecordWebhookAttempt(int64_t id, const DeliveryAttempt& attempt,
                                    const WebhookRetry& retry);
  struct WebhookCounts {
    int64_t pending = 0;
    int64_t paused_webhooks = 0;
  };
  absl::StatusOr<WebhookCounts> CountWebhookDeliveries();
  // Forgets delivered and skipped deliveries made before `before_ms`.
  absl::StatusOr<int64_t> PruneWebhookDeliveries(int64_t before_ms);
  // Removes the job, its runs and every edge through it.
  absl::StatusOr<int64_t> DeleteJob(const JobKey& key, std::string_view actor);
  // Column edges whose output (`upstream`) or input is `dataset`'s `field`;
  // every field of the dataset when `field` is empty. Upstream, a field's
  // edges include the whole output's dependencies (out_field "").
  absl::StatusOr<std::vector<ColumnEdge>> ColumnEdges(
      const DatasetKey& dataset, std::string_view field, bool upstream,
      bool include_inactive);
  // For each of `keys`, its owners and classification, or nothing when
  // the dataset does not exist; one read transaction.
  struct DatasetSummary {
    std::vector<Owner> owners;
    Classification classification = Classification::kUnspecified;
    std::optional<ContractRef> contract;
    DatasetHealth health;  // its own
  };
  absl::StatusOr<std::vector<std::optional<DatasetSummary>>> DatasetSummaries(
      const std::vector<DatasetKey>& keys);
  // Every lineage edge, in one read transaction; returns its revision.
  absl::StatusOr<int64_t> LoadLineage(
      const std::function<void(const LineageEdge&)>& each);

  // Data contracts (store_contracts.cc). Registers a version of contract
  // `c.id` in one transaction with its audit event. `guard` runs inside the
  // transaction with the latest registered version (nullptr when none) and
  // may refuse (its status is returned). The same id and version again is
  // a no-op when the document is identical, ALREADY_EXISTS otherwise.
  // `bindings` replace the contract's bindings (empty: keep them); a
  // dataset bound to another contract is FAILED_PRECONDITION. With
  // `dry_run`, checks everything and rolls back.
  absl::StatusOr<PutContractResult> PutContract(
      const StoredContract& c, const std::vector<ContractBinding>& bindings,
      const std::function<absl::Status(const StoredContract* latest)>& guard,
      std::string_view actor, bool dry_run = false);
  // `version` "" means the latest; NOT_FOUND when there is none.
  absl::StatusOr<StoredContract> GetContract(std::string_view id,
                                             std::string_view version);
  // Oldest first.
  absl::StatusOr<std::vector<StoredContract>> ListContractVersions(
      std::string_view id);
  // The latest version of every contract, by id.
  absl::StatusOr<std::vector<StoredContract>> ListContracts();
  absl::StatusOr<std::vector<ContractBinding>> ContractBindings(
      std::string_view id);
  // The contract bound to `dataset` (its latest version) and the binding.
  absl::StatusOr<std::optional<std::pair<StoredContract, ContractBinding>>>
  ContractOfDataset(const DatasetKey& dataset);
  // Violations recorded for `dataset`, newest first, at most `limit`.
  absl::StatusOr<std::vector<ContractViolationRecord>> ContractViolations(
      const DatasetKey& dataset, int limit);

  // Every principal, domain, dataset and job, at one catalog revision
  // (returned), handed to `visit` as each is read: a caller building
  // something smaller than the decoded objects never holds them all.
  absl::StatusOr<int64_t> ScanContents(const ContentsVisitor& visit);
  // The same, collected.
  absl::StatusOr<CatalogContents> LoadContents();

  // Writes the binary form of up to `limit` dataset specs stored before it
  // existed (migration 0011), the rows after `after_id` in id order. Not a
  // change of the catalog (what reads return is the same): no revision,
  // history or audit event.
  struct SpecEncoding {
    int encoded = 0;
    int64_t last_id = 0;  // where the next call continues
    bool done = false;    // no row without a binary spec is left after it
  };
  absl::StatusOr<SpecEncoding> EncodeMissingSpecs(int64_t after_id, int limit);

  // Called after every committed change, in revision order, once each,
  // whichever replica wrote it: a write of this catalogd's runs the hooks
  // before it returns, while its further writes wait; on PostgreSQL, other
  // replicas' changes arrive from the change feed (change_follower.h). A
  // Change with `reload` says the feed could not be followed: read again.
  // Hooks run in the order they were added, one change at a time; a hook
  // may read the store but not call the methods below. Returns a handle
  // for RemoveCommitHook.
  int AddCommitHook(std::function<void(const Change&)> hook);
  void RemoveCommitHook(int handle);

  // Starts following other replicas' writes (PostgreSQL; see
  // Options::follow). Changes committed since Open reach the hooks first.
  absl::Status StartFollowing();

  // The last revision the hooks have seen.
  int64_t AppliedRevision() const;
  // Waits until the hooks have seen `revision`; false at the deadline.
  bool WaitApplied(int64_t revision, std::chrono::steady_clock::time_point deadline);
  // Which store this is (meta store_id and epoch), as this catalogd
  // follows it: consistency tokens carry it.
  StoreIdentity Identity() const;
  // Whether other processes may write this store (PostgreSQL) or it is
  // this process's own (SQLite).
  bool shared() const;
  // Whether this catalogd does the work only one replica may do
  // (leader_lock.h); always on SQLite.
  bool leader() const;
  // Leader's work: forgets the change feed's entries more than `keep`
  // revisions behind what this replica applied (a replica further behind
  // reloads). Returns how many. Nothing on SQLite.
  absl::StatusOr<int64_t> PruneChanges(int64_t keep);

  class Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The current time as RFC 3339 UTC with milliseconds.
std::string NowRfc3339();

}  // namespace catalog::store
