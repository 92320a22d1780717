// The server's policy decision point. Holds the current Snapshot and keeps
// it in step with the catalog: the store tells it each committed change, in
// commit order, and it derives the next snapshot from the last (a full
// rebuild, on a background thread, only when that fails); decisions
// are served from whichever snapshot is current (one atomic load), never
// from SQLite, and never wait for a rebuild unless the caller asks for a
// minimum revision.
//
// Fail closed: a request that cannot be decided (unknown syntax, no
// snapshot, a deadline passed while waiting) is a deny with a reason.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "server/authz/decision.h"
#include "server/authz/decision_log.h"
#include "server/authz/snapshot.h"
#include "server/store/store.h"

namespace catalog::authz {

// The denial while the first snapshot loads.
inline constexpr char kStillLoading[] =
    "authorization data is still loading; retry shortly";

// One policy's part in a decision, for Explain.
struct PolicyTrace {
  std::string id;
  bool forbid = false;
  bool scope_matched = false;
  enum class Outcome { kNotApplicable, kSatisfied, kNotSatisfied, kError };
  Outcome outcome = Outcome::kNotApplicable;
  std::string error;
};

class Authorizer {
 public:
  // Stores `seed` as policy version 1 when the store has none, and starts
  // loading the first snapshot in the background (a large catalog takes
  // seconds). Until it is loaded, ready() is false and every decision is a
  // deny saying so.
  // `seeded`, when given, says whether this call stored the seed (the
  // catalog was new).
  static absl::StatusOr<std::unique_ptr<Authorizer>> Create(
      store::Store* store, const std::vector<store::PolicyFile>& seed,
      bool* seeded = nullptr);

  // True once the first snapshot is loaded.
  bool ready() const { return current()->revision() >= 0; }
  // Waits for ready() until `deadline`.
  bool WaitReady(std::chrono::system_clock::time_point deadline);
  ~Authorizer();

  std::shared_ptr<const Snapshot> current() const {
    return snapshot_.load(std::memory_order_acquire);
  }
  // Seconds since the current snapshot was put in place (a quiet catalog
  // keeps one snapshot for long: age is not staleness; see WaitFor).
  double SnapshotAgeSeconds() const;

  // Asks for a full rebuild from the store that reflects at least
  // `revision`. Returns at once. (Commits keep the snapshot current; this is
  // the fallback when deriving the next snapshot failed.)
  void Refresh(int64_t revision);
  // Waits until the snapshot reflects `revision`; false at the deadline.
  bool WaitFor(int64_t revision, std::chrono::system_clock::time_point deadline);

  // A caller's place among those waiting for a revision; released when it
  // is destroyed.
  class WaitTicket {
   public:
    WaitTicket() = default;
    WaitTicket(WaitTicket&& other) noexcept;
    WaitTicket& operator=(WaitTicket&&) = delete;
    ~WaitTicket();

   private:
    friend class Authorizer;
    Authorizer* owner_ = nullptr;
    std::string waiter_;
  };
  // Lets `waiter` ("user:alice") wait for `revision` (a caller's
  // min_revision) before a decision: OK with nothing to hold when the
  // snapshot has it; OUT_OF_RANGE, naming the head, when it is beyond the
  // head revision of this process's own SQLite store (it may never come,
  // and the wait would hold a thread); RESOURCE_EXHAUSTED when `waiter`
  // already has
  // kMaxWaitsPerCaller calls waiting. Thread-safe.
  absl::StatusOr<WaitTicket> AdmitWait(int64_t revision, const std::string& waiter);
  static constexpr int kMaxWaitsPerCaller = 8;

  // Waits until this catalogd has applied `revision` (a caller's
  // min_revision or consistency token): its snapshot, and every other view
  // the store's commit hooks keep (tokens, the lineage graph). OK then;
  // what AdmitWait refuses; else UNAVAILABLE, naming the revision applied,
  // when it has not within the consistency wait (or by `deadline`): the
  // caller retries, here or on another replica.
  absl::Status AwaitRevision(int64_t revision, const std::string& waiter,
                             std::chrono::system_clock::time_point deadline);
  // The longest AwaitRevision waits (default 2 s). Set before serving.
  void SetConsistencyWait(std::chrono::milliseconds wait) { consistency_wait_ = wait; }

  // Decides on the current snapshot; a caller that names a revision waits
  // for it first (AwaitRevision). `asker` ("user:gateway") is who asked,
  // when not the request's principal; decision events name both.
  Decision Authorize(const policy::Request& request, std::string_view asker = "");

  // A read of `columns` of a dataset: the dataset-level decision for
  // Action::"read", and per column allow, deny, or mask (a satisfied permit
  // annotated @mask("method") allows the column masked).
  Decision AuthorizeRead(const policy::EntityUid& principal,
                         const DatasetKey& dataset,
                         const std::vector<std::string>& columns,
                         const policy::Value& context,
                         std::vector<ColumnDecision>* column_decisions,
                         std::string_view asker = "");

  // Every policy's part in the decision.
  Decision Explain(const policy::Request& request,
                   std::vector<PolicyTrace>* trace);

  // How upstream degradation is derived from the failing and stale
  // datasets (the lineage graph's walk, server/lineage/health_spread.h);
  // none until set. Called on each change that may move it, and at
  // RespreadHealth. Set once, before serving.
  using HealthSpread = std::function<absl::StatusOr<std::shared_ptr<const health::UpstreamHealth>>(
      const std::vector<std::pair<DatasetKey, health::Health>>& sources)>;
  void SetHealthSpread(HealthSpread spread);
  // Derives upstream degradation again for the current snapshot (when what
  // the spread reads became ready: the lineage graph loaded).
  void RespreadHealth();

  // Where decisions are recorded as audit events (none until set; set once,
  // before serving). Authorize and AuthorizeRead record their own.
  void SetDecisionLog(DecisionLog* log) { log_ = log; }
  // Records a decision made outside Authorize (a batch item, a handler's
  // own check) if the log wants it; UNAVAILABLE when it could not be
  // recorded, and then the decision must not be given.
  absl::Status RecordDecision(const std::string& principal, std::string_view action,
                              const policy::EntityUid& resource, bool allow,
                              int64_t revision) const;
  // `d` for `request` (asked by `asker`, "" for its principal), recorded; a
  // deny saying why if it could not be.
  Decision Recorded(Decision d, const policy::Request& request,
                    std::string_view asker = "") const;
  // Waits until the decisions recorded so far are in the audit log; false
  // at the deadline.
  bool FlushDecisions(std::chrono::system_clock::time_point deadline) const;

 private:
  explicit Authorizer(store::Store* store) : store_(store) {}
  absl::StatusOr<std::shared_ptr<const Snapshot>> Load();
  // The store's commit hook: applies one committed change.
  void OnCommit(const store::Change& change);
  void RebuildLoop();
  void Install(std::shared_ptr<const Snapshot> next);
  // `s` with its upstream degradation derived by the spread, when set and
  // able; else `s`. Not with mu_ held.
  std::shared_ptr<const Snapshot> Spread(std::shared_ptr<const Snapshot> s);

  store::Store* store_;
  DecisionLog* log_ = nullptr;
  std::shared_ptr<const HealthSpread> spread_;  // guarded by mu_
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::atomic<int64_t> installed_ms_{0};  // steady clock, when snapshot_ was set

  std::mutex mu_;
  std::condition_variable changed_;  // a rebuild was requested or finished
  int64_t requested_ = 0;            // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  bool reload_ = false;  // install the next build whatever its revision; guarded by mu_
  std::thread rebuilder_;
  int commit_hook_ = 0;  // the store hook handle

  std::chrono::milliseconds consistency_wait_{2000};
  std::mutex waits_mu_;
  std::map<std::string, int, std::less<>> waits_;  // guarded by waits_mu_
};

}  // namespace catalog::authz
