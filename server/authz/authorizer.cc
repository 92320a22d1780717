#include "server/authz/authorizer.h"

#include <utility>

#include "server/authz/column_access.h"

#include "lib/util/metrics.h"

#include <spdlog/spdlog.h>

#include "lib/policy/parser.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::authz {
namespace {


// Decisions answered to askers (Authorize, AuthorizeRead, BatchAuthorize),
// by outcome, for /metrics.
void CountAsked(bool allow) {
  static Counter& allows = Metrics::Get().GetCounter(
      "catalogd_authz_decisions_total", "Authorization decisions by outcome",
      {{"source", "asked"}, {"decision", "allow"}});
  static Counter& denies = Metrics::Get().GetCounter(
      "catalogd_authz_decisions_total", "Authorization decisions by outcome",
      {{"source", "asked"}, {"decision", "deny"}});
  (allow ? allows : denies).Add();
}

}  // namespace

Decision Denied(std::string why, int64_t revision) {
  CountAsked(false);
  return {.allow = false, .revision = revision, .denial = std::move(why)};
}

const policy::Policy* Decision::FindPolicy(const std::string& id) const {
  std::optional<size_t> index = policy::PolicyIndex(id);
  if (snapshot == nullptr || !index || *index >= snapshot->policies().size()) {
    return nullptr;
  }
  return &snapshot->policies()[*index];
}

Decision DecisionOf(policy::Response r, std::shared_ptr<const Snapshot> snapshot) {
  CountAsked(r.allow);
  int64_t revision = snapshot->revision();
  return {.allow = r.allow,
          .reasons = std::move(r.reasons),
          .errors = std::move(r.errors),
          .revision = revision,
          .snapshot = std::move(snapshot)};
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::Create(
    store::Store* store, const std::vector<store::PolicyFile>& seed, bool* seeded) {
  if (seeded != nullptr) *seeded = false;
  absl::StatusOr<store::PolicyVersion> existing = store->GetPolicyVersion(0);
  if (existing.status().code() == absl::StatusCode::kNotFound) {
    // Refuse a seed that does not parse, before storing it.
    RETURN_IF_ERROR(CompilePolicies(seed).status());
    // Only if there is still none: replicas starting together on an empty
    // database seed once.
    absl::Status put = store
                           ->PutPolicyVersion(seed, "loaded from the policies "
                                                    "directory at first start",
                                              store::kNoPolicyVersion, "user:admin")
                           .status();
    if (put.ok() && seeded != nullptr) *seeded = true;
    if (!put.ok() && put.code() != absl::StatusCode::kAlreadyExists) return put;
  } else if (!existing.ok()) {
    return existing.status();
  }
  std::unique_ptr<Authorizer> a(new Authorizer(store));
  // A placeholder at revision -1 that decides nothing; the rebuild loop
  // replaces it with the first real snapshot.
  a->Install(Snapshot::Empty());
  a->rebuilder_ = std::thread([raw = a.get()] { raw->RebuildLoop(); });
  a->commit_hook_ = store->AddCommitHook(
      [raw = a.get()](const store::Change& c) { raw->OnCommit(c); });
  return a;
}

void Authorizer::Install(std::shared_ptr<const Snapshot> next) {
  snapshot_.store(std::move(next), std::memory_order_release);
  installed_ms_.store(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count(),
                      std::memory_order_release);
}

double Authorizer::SnapshotAgeSeconds() const {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  return (now - installed_ms_.load(std::memory_order_acquire)) / 1000.0;
}

Authorizer::~Authorizer() {
  store_->RemoveCommitHook(commit_hook_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (rebuilder_.joinable()) rebuilder_.join();
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Authorizer::Load() {
  ASSIGN_OR_RETURN(store::PolicyVersion policies, store_->GetPolicyVersion(0));
  return Snapshot::Load(*store_, policies);
}

bool Authorizer::WaitReady(std::chrono::system_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return changed_.wait_until(lock, deadline, [&] { return ready(); });
}

void Authorizer::OnCommit(const store::Change& change) {
  if (change.reload) {
    // The store could not be followed change by change: build from it
    // again and take that snapshot whatever its revision (the database
    // may have gone back in time).
    {
      std::lock_guard lock(mu_);
      reload_ = true;
      requested_ = std::max(requested_, change.catalog_revision);
    }
    changed_.notify_all();
    return;
  }
  std::shared_ptr<const Snapshot> previous = current();
  if (previous->revision() < 0) {
    // Still loading; the loader will read this change, or load again.
    Refresh(change.catalog_revision);
    return;
  }
  std::optional<store::PolicyVersion> policies;
  if (change.policies_changed) {
    absl::StatusOr<store::PolicyVersion> v = store_->GetPolicyVersion(0);
    if (!v.ok()) {
      Refresh(change.catalog_revision);
      return;
    }
    policies = *std::move(v);
  }
  std::optional<std::vector<store::StoredRule>> rules;
  if (change.rules_changed) {
    absl::StatusOr<std::vector<store::StoredRule>> r = store_->ListGovernanceRules();
    if (!r.ok()) {
      Refresh(change.catalog_revision);
      return;
    }
    rules = *std::move(r);
  }
  auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::shared_ptr<const Snapshot>> next =
      previous->WithChanges(change, change.catalog_revision, policies ? &*policies : nullptr,
                            rules ? &*rules : nullptr);
  if (!next.ok()) {
    spdlog::error("authorization snapshot update failed ({}); rebuilding",
                  std::string(next.status().message()));
    Refresh(change.catalog_revision);
    return;
  }
  if ((*next)->UpstreamMayMove(change)) next = Spread(*std::move(next));
  spdlog::debug("authorization snapshot at revision {} updated in {} us",
                change.catalog_revision,
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  {
    std::lock_guard lock(mu_);
    if ((*next)->revision() >= current()->revision()) Install(*std::move(next));
  }
  changed_.notify_all();
}

void Authorizer::SetHealthSpread(HealthSpread spread) {
  std::lock_guard lock(mu_);
  spread_ = spread ? std::make_shared<const HealthSpread>(std::move(spread)) : nullptr;
}

std::shared_ptr<const Snapshot> Authorizer::Spread(std::shared_ptr<const Snapshot> s) {
  std::shared_ptr<const HealthSpread> spread;
  {
    std::lock_guard lock(mu_);
    spread = spread_;
  }
  if (spread == nullptr) return s;
  auto started = std::chrono::steady_clock::now();
  auto upstream = (*spread)(s->UnhealthySources());
  // The walk cannot run yet (the lineage graph still loads): RespreadHealth
  // follows when it can.
  if (!upstream.ok()) return s;
  spdlog::debug("upstream degradation at revision {}: {} datasets, derived in {} us",
                s->revision(), (*upstream)->size(),
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  return s->WithUpstream(*std::move(upstream));
}

void Authorizer::RespreadHealth() {
  // A snapshot derived meanwhile may have been derived without the spread
  // (it could not run yet): spread again from it, until none is.
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::shared_ptr<const Snapshot> s = current();
    if (s->revision() < 0) return;
    std::shared_ptr<const Snapshot> next = Spread(s);
    {
      std::lock_guard lock(mu_);
      if (current() != s) continue;
      Install(std::move(next));
    }
    changed_.notify_all();
    return;
  }
}

void Authorizer::Refresh(int64_t revision) {
  {
    std::lock_guard lock(mu_);
    requested_ = std::max(requested_, revision);
  }
  changed_.notify_all();
}

void Authorizer::RebuildLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] {
      return stopping_ || reload_ || requested_ > current()->revision();
    });
    if (stopping_) return;
    const bool reload = reload_;
    reload_ = false;
    lock.unlock();
    auto started = std::chrono::steady_clock::now();
    absl::StatusOr<std::shared_ptr<const Snapshot>> next = Load();
    if (next.ok()) next = Spread(*std::move(next));
    lock.lock();
    if (!next.ok()) {
      // Keep serving the old snapshot; writers waiting on a revision time out
      // and get UNAVAILABLE rather than a decision from stale data.
      spdlog::error("authorization snapshot rebuild failed: {}",
                    std::string(next.status().message()));
      if (reload) reload_ = true;  // try again
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(1));
      continue;
    }
    spdlog::log(current()->revision() < 0 ? spdlog::level::info : spdlog::level::debug,
                "authorization snapshot at revision {} ({} policies) built in {} ms",
                  (*next)->revision(), (*next)->policies().size(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count());
    // A change committed while this rebuild read may already be in.
    if (reload || (*next)->revision() > current()->revision()) Install(*std::move(next));
    changed_.notify_all();
  }
}

bool Authorizer::WaitFor(int64_t revision,
                         std::chrono::system_clock::time_point deadline) {
  if (current()->revision() >= revision) return true;
  // Commits update the snapshot before they return, so a revision not yet
  // reached is one not yet committed: wait for it.
  std::unique_lock lock(mu_);
  return changed_.wait_until(lock, deadline, [&] {
    return current()->revision() >= revision;
  });
}

Authorizer::WaitTicket::WaitTicket(WaitTicket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), waiter_(std::move(other.waiter_)) {}

Authorizer::WaitTicket::~WaitTicket() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->waits_mu_);
  auto it = owner_->waits_.find(waiter_);
  if (it != owner_->waits_.end() && --it->second <= 0) owner_->waits_.erase(it);
}

absl::StatusOr<Authorizer::WaitTicket> Authorizer::AdmitWait(int64_t revision,
                                                             const std::string& waiter) {
  WaitTicket ticket;
  if (revision <= 0 || current()->revision() >= revision) return ticket;
  // Commits reach the store before the snapshot: a revision beyond the
  // store's head has not been committed, and a caller cannot know it. Asked
  // of this process's own SQLite only: a shared store may be out of reach
  // (a partition), and the question would wait on it; there a revision no
  // commit reaches is waited for as any other, for the consistency wait.
  if (!store_->shared()) {
    ASSIGN_OR_RETURN(int64_t head, store_->CatalogRevision());
    if (revision > head) {
      return absl::OutOfRangeError(StrCat("min_revision: ", revision,
                                          " is beyond the catalog's head revision ", head));
    }
  }
  std::lock_guard lock(waits_mu_);
  int& n = waits_[waiter];
  if (n >= kMaxWaitsPerCaller) {
    return absl::ResourceExhaustedError(
        StrCat("min_revision: ", waiter, " already has ", kMaxWaitsPerCaller,
               " calls waiting for a revision"));
  }
  ++n;
  ticket.owner_ = this;
  ticket.waiter_ = waiter;
  return ticket;
}

absl::Status Authorizer::AwaitRevision(int64_t revision, const std::string& waiter,
                                       std::chrono::system_clock::time_point deadline) {
  if (revision <= 0) return absl::OkStatus();
  if (current()->revision() >= revision && store_->AppliedRevision() >= revision) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(WaitTicket ticket, AdmitWait(revision, waiter));
  deadline = std::min(deadline, std::chrono::system_clock::now() + consistency_wait_);
  const auto steady = std::chrono::steady_clock::now() +
                      (deadline - std::chrono::system_clock::now());
  if (store_->WaitApplied(revision, steady) && WaitFor(revision, deadline)) {
    return absl::OkStatus();
  }
  const int64_t applied = std::min(store_->AppliedRevision(), current()->revision());
  return absl::UnavailableError(
      StrCat("this catalogd has applied catalog revision ", applied, ", not yet ", revision,
             ": retry, here or on another replica"));
}

Decision Authorizer::Authorize(const policy::Request& request, std::string_view asker) {
  if (!ready()) {
    return Recorded(Denied(kStillLoading, -1), request, asker);
  }
  std::shared_ptr<const Snapshot> s = current();
  return Recorded(DecideRequest(s, request), request, asker);
}

absl::Status Authorizer::RecordDecision(const std::string& principal,
                                        std::string_view action,
                                        const policy::EntityUid& resource, bool allow,
                                        int64_t revision) const {
  if (log_ == nullptr || !log_->Wants(allow)) return absl::OkStatus();
  return log_->Record(principal, principal, action, resource, allow, revision);
}

bool Authorizer::FlushDecisions(std::chrono::system_clock::time_point deadline) const {
  if (log_ == nullptr) return true;
  return log_->Flush(std::chrono::steady_clock::now() +
                     (deadline - std::chrono::system_clock::now()));
}

Decision Authorizer::Recorded(Decision d, const policy::Request& request,
                              std::string_view asker) const {
  // Most decisions are not recorded: decide that before building the event.
  if (log_ == nullptr || !log_->Wants(d.allow)) return d;
  std::string subject = PrincipalName(request.principal);
  std::string actor = asker.empty() ? subject : std::string(asker);
  absl::Status recorded = log_->Record(std::move(actor), std::move(subject),
                                       request.action.id, request.resource, d.allow,
                                       d.revision);
  if (recorded.ok()) return d;
  return {.allow = false, .revision = d.revision,
          .denial = std::string(MessageOf(recorded))};
}

Decision Authorizer::AuthorizeRead(
    const policy::EntityUid& principal, const DatasetKey& dataset,
    const std::vector<std::string>& columns, const policy::Value& context,
    std::vector<ColumnDecision>* column_decisions, std::string_view asker) {
  if (!ready()) {
    for (const std::string& c : columns) {
      column_decisions->push_back({.column = c});
    }
    return Recorded(Denied(kStillLoading, current()->revision()),
                    {.principal = principal,
                     .action = ActionUid("read"),
                     .resource = DatasetUid(dataset)},
                    asker);
  }
  std::shared_ptr<const Snapshot> s = current();
  policy::Request request{.principal = principal,
                          .action = ActionUid("read"),
                          .resource = DatasetUid(dataset),
                          .context = context};
  Decision overall = DecisionOf(s->Authorize(request, s->entities()), s);
  if (s->entities().Find(request.resource) == nullptr) {
    overall = Denied(StrCat("dataset \"", dataset.ToString(), "\" is not in the catalog"),
                     s->revision());
  }
  *column_decisions = DecideColumns(s, request, overall, dataset, columns);
  bool allowed = overall.allow;
  Decision recorded = Recorded(std::move(overall), request, asker);
  if (allowed && !recorded.allow) {  // not recorded: no column is given either
    for (ColumnDecision& cd : *column_decisions) {
      cd.access = ColumnAccess::kDeny;
      cd.mask.clear();
      cd.decision = recorded;
    }
  }
  return recorded;
}

Decision Authorizer::Explain(const policy::Request& request,
                             std::vector<PolicyTrace>* trace) {
  if (!ready()) {
    return Denied(kStillLoading, -1);
  }
  std::shared_ptr<const Snapshot> s = current();
  for (const policy::Policy& p : s->policies()) {
    PolicyTrace t{.id = p.id, .forbid = p.effect == policy::Effect::kForbid};
    policy::Policy scope_only = p;
    scope_only.conditions.clear();
    std::string error;
    std::optional<bool> scope =
        policy::Satisfied(scope_only, request, s->entities(), &error);
    t.scope_matched = scope.value_or(false);
    if (t.scope_matched) {
      std::optional<bool> holds =
          policy::Satisfied(p, request, s->entities(), &error);
      t.outcome = !holds  ? PolicyTrace::Outcome::kError
                  : *holds ? PolicyTrace::Outcome::kSatisfied
                           : PolicyTrace::Outcome::kNotSatisfied;
      if (!holds) t.error = error;
    }
    trace->push_back(std::move(t));
  }
  return DecisionOf(s->Authorize(request, s->entities()), s);
}

}  // namespace catalog::authz
