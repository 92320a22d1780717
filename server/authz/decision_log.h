// Authorization decisions as audit events. Which ones is configurable:
// every decision, denies only (the default), or denies plus a sampled
// fraction of allows. Decisions are answered in microseconds, so their
// events are not written in the caller's thread: they queue here and a
// writer appends them to the hash-chained audit log in batches, in the
// order they were decided, within a few milliseconds.
//
// Bounded and fail closed: at most `max_pending` events wait; when that
// many do (the store cannot keep up, or cannot write at all), Record waits
// up to `wait` for room and then refuses, and the caller must not give the
// decision. When events could not be written for `wait` (a locked or full
// database), every decision is withheld until they are. Events already
// queued are kept and retried until written; those still unwritten at
// shutdown go to a spill file and into the chain at the next start. A
// crash loses at most the batch being written (mutations, written in their
// own transaction, lose nothing).
//
// An operator may cap the events of one caller (`max_per_caller` in each
// `cap_window`): past the cap, a caller's decisions are still answered but
// not recorded one by one; one "decisions.suppressed" event per caller and
// window says how many were not, so nothing vanishes silently.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/policy/value.h"
#include "server/store/store.h"

namespace catalog::authz {

enum class DecisionAudit { kOff, kDenies, kAll };

// "off", "denies" or "all"; INVALID_ARGUMENT naming the setting otherwise.
absl::StatusOr<DecisionAudit> ParseDecisionAudit(std::string_view text);

struct DecisionLogOptions {
  DecisionAudit mode = DecisionAudit::kDenies;
  double allow_sample = 0;  // with kDenies: this fraction of allows too (0..1)
  size_t max_pending = 65536;
  std::chrono::milliseconds wait{2000};  // for room in the queue; at shutdown
  int max_per_caller = 0;                 // events per caller per window; 0: no cap
  // Where events that cannot be written by shutdown are kept (JSON lines,
  // 0600) and taken from at the next start; "" keeps none.
  std::string spill_path;
  std::chrono::milliseconds cap_window{60000};
};

class DecisionLog {
 public:
  DecisionLog(store::Store* store, DecisionLogOptions options);
  // Writes every queued event before returning (retrying for up to `wait`
  // if the store refuses).
  ~DecisionLog();

  // Whether a decision with this outcome is to be recorded (the sampling
  // roll for allows happens here): callers skip building the event if not.
  bool Wants(bool allow) const;

  // Queues the event of a decision `Wants` said to record: `subject`
  // ("user:alice") was allowed or denied `action` on `resource`, decided on
  // the snapshot of `revision`, asked by `actor` (the caller; the subject
  // too when it asked about itself). UNAVAILABLE if the queue stayed full.
  // OK without queueing when the actor is over its cap (counted instead).
  absl::Status Record(std::string actor, std::string subject, std::string_view action,
                      const policy::EntityUid& resource, bool allow, int64_t revision);

  // Waits until every event queued before the call is in the store, or the
  // deadline passes; false then. For tests, backups and shutdown.
  bool Flush(std::chrono::steady_clock::time_point deadline);

 private:
  void WriteLoop();
  // Whether `actor` may record one more event in its window; counts it, or
  // counts it suppressed. Queues the summary of a window that ended.
  bool Admit(const std::string& actor, std::chrono::steady_clock::time_point now);
  // Queues the summaries of windows that ended with suppressed events.
  void SweepWindows(std::chrono::steady_clock::time_point now);
  void QueueSummary(const std::string& actor, int64_t suppressed);
  absl::Status Spill(const std::vector<store::AuditEvent>& events);
  void Unspill();  // queues what the last shutdown spilled

  struct Window {
    std::chrono::steady_clock::time_point start;
    int recorded = 0;
    int64_t suppressed = 0;
  };

  store::Store* store_;
  const DecisionLogOptions options_;
  std::mutex mu_;
  std::condition_variable work_;   // events queued, or stopping
  std::condition_variable room_;   // the queue shrank
  std::condition_variable written_;
  std::vector<store::AuditEvent> pending_;  // guarded by mu_
  size_t in_batch_ = 0;      // guarded by mu_: events being written now
  uint64_t queued_ = 0;      // guarded by mu_: events ever queued
  uint64_t stored_ = 0;      // guarded by mu_: events ever written (or given up)
  bool stopping_ = false;    // guarded by mu_
  std::map<std::string, Window> windows_;  // guarded by mu_; by actor
  // When the oldest event not yet written was first tried (zero: none).
  std::chrono::steady_clock::time_point unwritten_since_;  // guarded by mu_
  bool spilled_ = false;  // the writer's: the spill file is queued
  std::thread writer_;
};

// A principal entity as the catalog names it: User::"alice" -> "user:alice".
std::string PrincipalName(const policy::EntityUid& uid);

}  // namespace catalog::authz
