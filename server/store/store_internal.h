// Internals shared by the store's source files; not part of its interface.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "lib/util/metrics.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/db.h"
#include "server/store/dialect.h"
#include "server/store/store.h"
#include "server/store/wal_checkpointer.h"

namespace catalog::lineage {
struct QualityResult;
struct Event;
}
namespace catalog::v1 {
class QualityResultList;
}

namespace catalog::store {

class ChangeFollower;
class LeaderLock;

// One write transaction in progress.
struct WriteContext {
  Connection& db;
  std::string actor;
  std::string now;
  std::string peer;  // the actor's certificate identity (AuditPeer)
  int64_t now_ms = 0;  // the store's clock (Options::clock_ms) at the start
  int64_t catalog_revision = 0;  // set by BumpCatalogRevision
  Change change;                 // what this transaction changed
  bool search_pending = false;   // search rows queued (FlushSearchRows)
  int64_t max_pending_deliveries = 0;  // Options::max_pending_deliveries
  // Store::Apply's check of certification changes; none: allowed.
  const Store::CertifyCheck* may_certify = nullptr;
  const Store::RuleCheck* judge_rules = nullptr;

  // Bumps the catalog-wide revision once per transaction; returns it.
  absl::StatusOr<int64_t> BumpCatalogRevision();
  absl::Status Audit(std::string_view action, std::string_view target_kind,
                     std::string_view target, int64_t before, int64_t after);
};

// Writes the search rows this transaction queued (the engine's index,
// dialect.h) before it commits.
absl::Status FlushSearchRows(WriteContext& ctx);
// What the search index holds of dataset `d`.
SearchRow SearchRowOf(const Dataset& d);

class Store::Impl {
 public:
  std::unique_ptr<Connection> writer;
  std::mutex writer_mu;  // guards writer
  Store::Options options;  // as opened
  // Whether other processes write the database (PostgreSQL).
  bool shared() const { return !options.postgres.empty(); }
  // Milliseconds since the epoch by options.clock_ms, else the system clock.
  int64_t NowMs() const {
    if (options.clock_ms) return options.clock_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // SQLite: checkpoints the writer's WAL off the write path; declared after
  // the writer so that it stops first. None on PostgreSQL.
  std::unique_ptr<WalCheckpointer> checkpointer;

  // The change feed (change_feed.cc): every committed change reaches the
  // commit hooks once, in revision order, whichever replica wrote it. A
  // writer applies its own change after its commit (and after any change
  // of another replica's before it, read from the change table); a
  // PostgreSQL replica's follower applies the others' as they commit.
  // feed_mu: one reader of the feed at a time (held across its reads of
  // the store, which a partition can make slow); apply_mu: held only while
  // hooks run, so waiting for a revision never waits on the store.
  std::mutex feed_mu;
  std::mutex apply_mu;  // guards the hooks
  std::condition_variable applied_cv;
  std::vector<std::pair<int, std::function<void(const Change&)>>> commit_hooks;
  int next_hook = 1;
  // Written with feed_mu held (and apply_mu, with the hooks); read without
  // a lock, by every answer's consistency token.
  std::atomic<int64_t> applied_revision{0};
  // The store's identity as this replica loaded it (meta store_id and
  // epoch); another one behind the same URL makes it reload.
  std::atomic<int64_t> store_id{0};
  std::atomic<int64_t> epoch{0};
  bool bump_epoch = false;  // the database went back in time; feed_mu
  std::unique_ptr<LeaderLock> leader;  // PostgreSQL only (SQLite: always leads)
  std::unique_ptr<ChangeFollower> follower;  // PostgreSQL only; declared
                                             // late so it stops first

  // Applies `change`, just committed by this replica's writer, after the
  // changes before it.
  void ApplyCommitted(const Change& change);
  // Applies every change committed since the last applied (all of them
  // when `upto` is 0, else up to `upto`), or reloads when the feed cannot
  // be followed. Takes feed_mu (the ...Locked ones want it held).
  absl::Status CatchUp(int64_t upto = 0);
  absl::Status CatchUpLocked(int64_t upto);
  // Reads the store's identity and head: where the feed starts.
  absl::Status LoadIdentity();
  // Tells the hooks to read everything again, at the current head.
  absl::Status ReloadLocked(std::string_view why);
  // The store's head and identity, as the feed reads them.
  struct FeedPosition {
    int64_t head = 0;
    int64_t store_id = 0;
    int64_t epoch = 0;
  };
  // Runs the hooks for `change` under apply_mu (taking `identity` as the
  // store's, for a reload).
  void RunHooks(const Change& change, const FeedPosition* identity = nullptr);

  // Group commit of lineage ingests (store_lineage.cc): callers queue
  // their events; one of them at a time writes every queued request in one
  // transaction, each under its own savepoint.
  struct IngestTicket;
  std::mutex ingest_mu;
  std::condition_variable ingest_cv;
  std::vector<IngestTicket*> ingest_queue;  // guarded by ingest_mu
  bool ingest_leader = false;               // guarded by ingest_mu

  std::vector<std::unique_ptr<Connection>> readers;  // guarded by readers_mu
  std::mutex readers_mu;
  std::condition_variable readers_cv;

  // Time spent in transactions, for /metrics: catalogd_sqlite_… or
  // catalogd_postgres_transaction_seconds (set by Open).
  Histogram* read_seconds = nullptr;
  Histogram* write_seconds = nullptr;
  void SetEngineMetrics(std::string_view engine) {
    const std::string name = StrCat("catalogd_", engine, "_transaction_seconds");
    const std::string help = "Time in store transactions (writes include waiting for the writer)";
    read_seconds = &Metrics::Get().GetHistogram(name, help, {{"kind", "read"}});
    write_seconds = &Metrics::Get().GetHistogram(name, help, {{"kind", "write"}});
  }
  // Observes the time from construction to destruction.
  struct Timed {
    Histogram& h;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    ~Timed() {
      h.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                    .count());
    }
  };

  // Runs `fn(Connection&)` in a read transaction on a pooled connection.
  template <typename Fn>
  auto Read(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    Timed timed{*read_seconds};
    std::unique_ptr<Connection> conn;
    {
      std::unique_lock lock(readers_mu);
      readers_cv.wait(lock, [&] { return !readers.empty(); });
      conn = std::move(readers.back());
      readers.pop_back();
    }
    auto result = [&]() -> decltype(fn(*conn)) {
      ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*conn, TxnMode::kRead));
      auto value = fn(*conn);
      if (!value.ok()) return value;
      RETURN_IF_ERROR(txn.Commit());
      return value;
    }();
    {
      std::lock_guard lock(readers_mu);
      readers.push_back(std::move(conn));
    }
    readers_cv.notify_one();
    return result;
  }

  // Runs `fn(WriteContext&)` in a write transaction; commits when it
  // succeeds and `commit` is true, rolls back otherwise.
  template <typename Fn>
  auto Write(std::string_view actor, Fn fn, bool commit = true)
      -> decltype(fn(std::declval<WriteContext&>())) {
    Timed timed{*write_seconds};
    std::lock_guard lock(writer_mu);
    ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*writer, TxnMode::kWrite));
    WriteContext ctx{*writer, std::string(actor), NowRfc3339(),
                     std::string(AuditPeer::Current()), NowMs()};
    ctx.max_pending_deliveries = options.max_pending_deliveries;
    auto value = fn(ctx);
    if (!value.ok() || !commit) return value;
    RETURN_IF_ERROR(FlushSearchRows(ctx));
    if (ctx.catalog_revision != 0) {
      ctx.change.catalog_revision = ctx.catalog_revision;
      RETURN_IF_ERROR(writer->dialect().RecordChange(*writer, ctx.change));
    }
    RETURN_IF_ERROR(txn.Commit());
    if (ctx.catalog_revision != 0) ApplyCommitted(ctx.change);
    return value;
  }
};

// Page sizes: 0 means the default; larger than the cap is capped.
int EffectivePageSize(const PageRequest& page);
// Opaque page tokens: base64url of a JSON value.
std::string EncodePageToken(const nlohmann::json& position);
absl::StatusOr<nlohmann::json> DecodePageToken(std::string_view token);
// Keyset pagination: the page starts after the row whose sort key (`parts`
// strings) the token holds; no token means from the start ("" for each).
std::string EncodeKeyToken(const std::vector<std::string>& key);
absl::StatusOr<std::vector<std::string>> DecodeKeyToken(const PageRequest& page,
                                                        size_t parts);
// Newest-first pages by id (incidents, webhook deliveries): the id a page
// starts below (INT64_MAX without a token), and the page `s` answers — it
// asks for one row more than `limit` — each row read by `read`, the token
// naming the last one's id when there are more.
absl::StatusOr<int64_t> PageBelowId(const PageRequest& page);
template <typename T, typename Read>
absl::StatusOr<Page<T>> ReadIdPage(Statement& s, int limit, Read read) {
  Page<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    if (static_cast<int>(out.items.size()) == limit) {
      out.next_page_token = EncodeKeyToken({std::to_string(out.items.back().id)});
      s.Reset();
      break;
    }
    out.items.push_back(read(s));
  }
  return out;
}

// ABORTED unless `expected` is 0 or the stored object (which `exists`) is
// at that revision.
absl::Status CheckExpected(int64_t expected, int64_t stored, bool exists);

// An object kept whole as one row of `table`: its key in `key_column`,
// then domain, spec, revision, created_at, updated_at, updated_by (data
// products, glossary terms, models). Checks `expected_revision` against
// `old` (its stored status; nullptr: new), then, unless `unchanged`, writes
// the row with its audit event ("<audit>.create" or "<audit>.update" of
// `kind`) and its revision in object_history, and sets `*now` to the status
// it has from then on. A new object carries on after the revisions an
// earlier one of its name had.
struct SpecRow {
  const char* table;
  const char* key_column;
  const char* kind;   // "Model"
  const char* audit;  // "model"
  std::string_view key;
  std::string_view domain;
  std::string spec;
};
absl::StatusOr<ApplyResult> WriteSpecRow(WriteContext& ctx, const SpecRow& row,
                                         const ObjectStatus* old, bool unchanged,
                                         int64_t expected_revision, ObjectStatus* now);

// object_history (store_history.cc): revision `revision` of object `name`
// of `kind` — `spec`, kept as `spec_text` (its dump); `old_spec` the one it
// replaces (nullptr: a creation), whose top-level fields that differ are
// the revision's changes.
absl::Status WriteObjectHistory(WriteContext& ctx, std::string_view kind, std::string_view name,
                                int64_t revision, const nlohmann::json* old_spec,
                                const nlohmann::json& spec, const std::string& spec_text);
// The "delete" revision of `name` of `kind`, with the spec its row in
// `table` (keyed by `key_column`) holds; before the row is deleted.
absl::Status WriteDeletionHistory(WriteContext& ctx, const char* table, const char* key_column,
                                  std::string_view kind, std::string_view name, int64_t revision);
// The last revision `name` of `kind` had (0: none): one created again
// carries on after it.
absl::StatusOr<int64_t> LastHistoryRevision(Connection& db, std::string_view kind,
                                            std::string_view name);

// "resources[i] (Kind name): " prefix for errors about one apply item.
absl::Status AtResource(size_t index, const Resource& r,
                        const absl::Status& error);

// Status fields shared by every stored object's row.
ObjectStatus ReadObjectStatus(const Statement& s, int first_column);

// The open observations of `dataset`, stored as row `id`
// (store_observations.cc).
absl::StatusOr<std::vector<Observation>> ReadObservations(Connection& db, int64_t id,
                                                          const Dataset& dataset);

// Writers for each kind, used by Store::Apply; defined beside their reads.
absl::StatusOr<ApplyResult> ApplyDataset(WriteContext& ctx, const Dataset& d,
                                         int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyDomain(WriteContext& ctx, const Domain& d,
                                        int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyPrincipal(WriteContext& ctx,
                                           const Principal& p,
                                           int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyJob(WriteContext& ctx, const Job& job,
                                     int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyDataProduct(WriteContext& ctx, const DataProduct& p,
                                             int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyGlossaryTerm(WriteContext& ctx, const GlossaryTerm& t,
                                              int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyModel(WriteContext& ctx, const Model& m,
                                       int64_t expected_revision);
absl::StatusOr<ApplyResult> ApplyModelVersion(WriteContext& ctx, const ModelVersion& v,
                                              int64_t expected_revision);
// Keeps dataset `dataset_id`'s rows of dataset_terms as `after` links
// terms (`before`: as stored until now; nullptr for a new dataset).
absl::Status WriteTermLinks(Connection& db, int64_t dataset_id, const DatasetSpec* before,
                            const DatasetSpec& after);

// A contract's bindings, by schema object then dataset (store_contracts.cc).
absl::StatusOr<std::vector<ContractBinding>> ReadBindings(Connection& db, std::string_view id);

// A stored job's row id and owners; nullopt when there is none.
struct JobOwners {
  int64_t id = 0;
  std::vector<Owner> owners;
  int64_t revision = 0;
};
absl::StatusOr<std::optional<JobOwners>> FindJobOwners(Connection& db, const JobKey& key);
// The owners column of `jobs` (a JSON array), decoded (empty when
// unreadable) and encoded.
std::vector<Owner> OwnersFromColumn(const std::string& text);
std::string OwnersColumn(const std::vector<Owner>& owners);
// Records that `job` now has `owners`: its audit event and the change.
absl::Status RecordJobOwners(WriteContext& ctx, const JobKey& job,
                             const std::vector<Owner>& owners, bool created,
                             int64_t before, int64_t after);
// Chains the audit events written before the log was a hash chain
// (migration 0005); run when the store opens. Events are chained as they
// are written from then on.
absl::Status ChainAudit(Connection& db);

// The catalog-wide revision as stored.
absl::StatusOr<int64_t> ReadCatalogRevision(Connection& db);

// The dataset `key` is an alias of (an OpenLineage symlink), if it is one.
absl::StatusOr<std::optional<DatasetKey>> AliasTarget(Connection& db,
                                                      const DatasetKey& key);

// The stored dataset and its row id, if there is one.
absl::StatusOr<std::optional<std::pair<int64_t, Dataset>>> FindDataset(
    Connection& db, const DatasetKey& key);

// A column selected with a row of `datasets` (the dialect's
// contract_column): the bound contract's latest version.
std::optional<ContractRef> ReadContractColumn(const Statement& s, int column);

// The contract bound to `key` now (its latest version), if any.
absl::StatusOr<std::optional<ContractRef>> BoundContract(Connection& db, const DatasetKey& key);

// A dataset's health as selected with a row of `datasets`: kHealthColumns
// after the dataset's, from kHealthJoin (store_health.cc).
inline constexpr std::string_view kHealthColumns =
    "dataset_health.health, dataset_health.health_since_ms, dataset_health.freshness, "
    "dataset_health.freshness_since_ms";
inline constexpr std::string_view kHealthJoin =
    "LEFT JOIN dataset_health ON dataset_health.dataset_id = datasets.id";
DatasetHealth ReadHealthColumns(const Statement& s, int first);

// The freshness agreement (contract::EncodeSla) of the contract bound to
// `key`, when it is active; "" otherwise.
absl::StatusOr<std::string> ActiveContractSla(Connection& db, const DatasetKey& key);

// What a transaction learned of a dataset's health (store_health.cc).
struct HealthInput {
  // One event's results (the checks among them count) at `event_ms`.
  std::vector<const lineage::QualityResult*> results;
  int64_t event_ms = 0;
  JobKey job;  // the reporting job; empty for a DatasetEvent
  std::string run_id;
  std::optional<int64_t> written_ms;  // a successful run wrote it then
  // Its written schema checked against its active contract: "" kept it,
  // else the violations (a JSON array).
  std::optional<std::string> schema_violations;
  std::optional<std::string> sla;  // its contract's agreement is now this
  // The caller knows the dataset was never judged and has no active
  // contract: nothing is kept unless a check failed.
  bool unjudged_without_contract = false;
};
// A cause of an incident a dataset's health has now (store_incidents.cc).
struct IncidentCause {
  std::string cause;  // "freshness", "contract", "check <facet> <column> <name>"
  std::string kind;
  std::string summary;
  std::string severity;
  int64_t since_ms = 0;
};
// Opens an incident for each cause in `active` without an open one, and
// resolves the open ones whose cause is no longer active (dataset
// `dataset_id`, named `dataset`), each with its audit event. Health's
// causes and governance rules' ("rule <name>", with `rules`) are kept
// apart: each caller resolves only its own.
inline constexpr std::string_view kRuleCausePrefix = "rule ";
absl::Status SyncIncidents(WriteContext& ctx, int64_t dataset_id, const DatasetKey& dataset,
                           const std::vector<IncidentCause>& active, bool rules = false);

// Queues `event` (incident.opened, incident.resolved, contract.violated)
// of dataset `dataset` for every webhook that subscribed to it there or on
// its domain, in the event's transaction; `detail` is a JSON object.
absl::Status QueueWebhookEvent(WriteContext& ctx, std::string_view event,
                               const DatasetKey& dataset, const nlohmann::json& detail);

// Keeps what event `e` says run `e.run_id` of job `job_id` cost (its
// `cost`, store_costs.cc), replacing an earlier report.
absl::Status RecordRunCost(WriteContext& ctx, int64_t job_id, const lineage::Event& e);

// When a job last completed a run that wrote dataset `id` (its lineage's
// output edges); 0 never.
absl::StatusOr<int64_t> LastWrite(Connection& db, int64_t id);
// Records `in` in the health of dataset `key` (row `id`) and judges it
// again at ctx.now_ms; a new health or freshness goes into the
// transaction's change.
absl::Status UpdateHealth(WriteContext& ctx, int64_t id, const DatasetKey& key,
                          const HealthInput& in);

// Checks the schema a lineage run wrote to `dataset` against the dataset's
// contract, when it is active; records a violation (and its audit event)
// when the schema breaks it. The violations as a JSON array ("" none);
// nothing when no active contract is bound.
absl::StatusOr<std::optional<std::string>> CheckWrittenSchema(WriteContext& ctx, const DatasetKey& dataset,
                                const std::vector<Field>& fields,
                                std::string_view source);

// One event's quality results for one dataset as a quality_results row
// keeps them (store_quality.cc): encoded, with how many are checks and
// how many of those failed.
struct EncodedQuality {
  std::string bytes;  // catalog.v1.QualityResultList, facets not repeated
  int64_t checks = 0;
  int64_t failed = 0;
};
EncodedQuality EncodeQualityResults(const std::vector<const lineage::QualityResult*>& results);
// A row's results as they were reported: each result's facet back where
// the row left it out (the previous result's). DATA_LOSS when the bytes
// are not a QualityResultList.
absl::Status DecodeQualityResults(std::string_view bytes, v1::QualityResultList& out);

// The dataset's active contract's library quality rules (ODCS) judged
// against the dataQualityMetrics among `results`, as results of facet
// "contract" (status pass, fail or not_measured); none when the results
// measured nothing or no active contract is bound. Judging writes nothing:
// what broke the contract (a failed rule not marked warning or info) is
// recorded by RecordContractBreak once the caller keeps the results.
struct ContractQualityJudgement {
  std::vector<lineage::QualityResult> results;
  std::string contract_id, version;
  nlohmann::json broken = nlohmann::json::array();  // violations, as recorded
};
absl::StatusOr<ContractQualityJudgement> JudgeContractQuality(
    Connection& db, const DatasetKey& dataset,
    const std::vector<const lineage::QualityResult*>& results);

// Records a judgement's broken rules as a contract violation from
// `source` (its audit event and webhooks); nothing when none broke.
absl::Status RecordContractBreak(WriteContext& ctx, const DatasetKey& dataset,
                                 const ContractQualityJudgement& judged, std::string_view source);

// A dataset's governance attributes as its write leaves them
// (store_governance.cc): a certification whose state or expiry changed is
// put to ctx.may_certify (when either side is verified) and stamped with
// the writer and now, an unchanged one keeps its stamp; a changed layer
// must be one of the catalog's layers (INVALID_ARGUMENT naming them).
absl::Status SettleGovernance(WriteContext& ctx, const DatasetSpec* before, Dataset& d);
// When `spec`'s certification expires (ms; 0: not verified or never).
int64_t CertifiedUntilMs(const DatasetSpec& spec);

// Reference checks run after every item of an apply is written, so items may
// refer to each other in any order.
// FAILED_PRECONDITION "`field`: `what` "`key`" does not exist; apply it
// first or in the same file" unless `sql` (one `?`, bound to `key`) finds
// a row (store_directory.cc). An empty domain path is no reference.
absl::Status CheckExists(Connection& db, const char* sql, std::string_view key,
                         std::string_view field, std::string_view what);
absl::Status CheckDomainExists(Connection& db, std::string_view field, std::string_view path);
absl::Status CheckDatasetReferences(Connection& db, const Dataset& d);
absl::Status CheckDomainReferences(Connection& db, const Domain& d);
absl::Status CheckPrincipalReferences(Connection& db, const Principal& p);
absl::Status CheckProductReferences(Connection& db, const DataProduct& p);
absl::Status CheckTermReferences(Connection& db, const GlossaryTerm& t);
// Records that run `run` (its job and id) made version `v` of a model
// from `inputs` (store_models.cc): the model made when new (owned by the
// reporter), the version registered (ready), its training inputs written.
// `may` decides first. FAILED_PRECONDITION when the version exists and
// another run made it: a version's training data does not change.
absl::Status RecordTraining(WriteContext& ctx, ModelVersion v,
                            const std::vector<TrainingInput>& inputs,
                            const IngestGate& gate);
// A model's domain and evaluation datasets exist; a version's model does.
absl::Status CheckModelReferences(Connection& db, const Model& m);
absl::Status CheckModelVersionReferences(Connection& db, const ModelVersion& v);
// Records monitoring points of version `version` (store_models.cc) by
// `reporter`: NOT_FOUND for a version not registered; the same metric at
// the same time replaces its point. Validated by the caller.
absl::Status WriteModelMetrics(WriteContext& ctx, std::string_view model, std::string_view version,
                               const std::vector<ModelMetricPoint>& points,
                               std::string_view reporter);
// Feature views (store_feature_views.cc): written by Apply; their domain
// and source dataset exist, and their entity and feature columns are the
// source's.
absl::StatusOr<ApplyResult> ApplyFeatureView(WriteContext& ctx, const FeatureView& v,
                                             int64_t expected_revision);
absl::Status CheckFeatureViewReferences(Connection& db, const FeatureView& v);
// As stored (columns name, spec, then the object status).
absl::StatusOr<FeatureView> ReadFeatureView(const Statement& s);
// A view's spec as stored; DATA_LOSS when it no longer reads.
absl::StatusOr<FeatureView> StoredFeatureView(const std::string& name, const std::string& spec);
inline constexpr char kSelectFeatureView[] =
    "SELECT name, spec, revision, created_at, updated_at, updated_by FROM feature_views ";

// AI applications (store_applications.cc): written by Apply; a changed
// spec sets the review back to unreviewed. Its domain, datasets and models
// exist.
absl::StatusOr<ApplyResult> ApplyAIApplication(WriteContext& ctx, const AIApplication& a,
                                               int64_t expected_revision);
absl::Status CheckAIApplicationReferences(Connection& db, const AIApplication& a);
// As stored (columns name, spec, review_state, reviewed_by, reviewed_at,
// review_note, reviewed_revision, then the object status); DATA_LOSS when
// the spec no longer reads.
absl::StatusOr<AIApplication> ReadAIApplication(const Statement& s);
// An application's spec as stored; DATA_LOSS when it no longer reads.
absl::StatusOr<AIApplication> StoredAIApplication(const std::string& name,
                                                  const std::string& spec);
inline constexpr char kSelectAIApplication[] =
    "SELECT name, spec, review_state, reviewed_by, reviewed_at, review_note, reviewed_revision, "
    "revision, created_at, updated_at, updated_by FROM ai_applications ";
// The applications that name model `model`, by name (FAILED_PRECONDITION
// wording for a model deleted while in use).
absl::StatusOr<std::vector<std::string>> ApplicationsOfModel(Connection& db,
                                                             std::string_view model);
// A model or version as stored; DATA_LOSS when the spec no longer reads
// (store_models.cc).
absl::StatusOr<Model> StoredModel(const std::string& name, const std::string& spec);
absl::StatusOr<ModelVersion> StoredModelVersion(const std::string& model,
                                                const std::string& version,
                                                const std::string& spec);
// Every term `spec` (or one of its columns) links exists.
absl::Status CheckDatasetTermLinks(Connection& db, const DatasetSpec& spec);
// A glossary term as stored (its id and spec columns); DATA_LOSS when the
// spec no longer reads (store_glossary.cc).
absl::StatusOr<GlossaryTerm> StoredTerm(const std::string& id, const std::string& spec);
// A data product as stored (its id and document columns); DATA_LOSS when
// the document no longer reads (store_products.cc).
absl::StatusOr<DataProduct> StoredProduct(const std::string& id, const std::string& document);

}  // namespace catalog::store
