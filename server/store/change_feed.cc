// The change feed: commit hooks see every committed change once, in
// revision order, on every replica (store_internal.h, Store::Impl).
#include <spdlog/spdlog.h>

#include "server/store/change_codec.h"
#include "server/store/change_follower.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

Counter& ReloadsCounter() {
  static Counter& c = Metrics::Get().GetCounter(
      "catalogd_replica_reloads_total",
      "Times this replica read the whole catalog again instead of following the change feed");
  return c;
}

using FeedPosition = Store::Impl::FeedPosition;

absl::StatusOr<FeedPosition> ReadIdentity(Connection& db) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT key, value FROM meta WHERE key IN "
                              "('catalog_revision', 'store_id', 'epoch')"));
  FeedPosition id;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    std::string key = s->Text(0);
    if (key == "catalog_revision") id.head = s->Int(1);
    if (key == "store_id") id.store_id = s->Int(1);
    if (key == "epoch") id.epoch = s->Int(1);
  }
  return id;
}

}  // namespace

void Store::Impl::RunHooks(const Change& change, const FeedPosition* identity) {
  std::lock_guard lock(apply_mu);
  if (identity != nullptr) {
    store_id = identity->store_id;
    epoch = identity->epoch;
  }
  for (const auto& [handle, hook] : commit_hooks) hook(change);
  applied_revision.store(change.catalog_revision, std::memory_order_release);
  applied_cv.notify_all();
}

void Store::Impl::ApplyCommitted(const Change& change) {
  std::lock_guard lock(feed_mu);
  if (change.catalog_revision <= applied_revision.load()) return;  // the follower was first
  if (change.catalog_revision > applied_revision.load() + 1) {
    // Another replica's writes came first: apply them before this one.
    absl::Status caught_up = CatchUpLocked(change.catalog_revision - 1);
    if (caught_up.ok() && change.catalog_revision <= applied_revision.load()) return;
    if (!caught_up.ok() || change.catalog_revision != applied_revision.load() + 1) {
      spdlog::error("could not read the changes before revision {} ({}); reloading",
                    change.catalog_revision, MessageOf(caught_up));
      // Applying this change out of order would hide the others: read
      // everything again instead (at a head at or past it), or leave it
      // to the follower's next poll when even that fails.
      ReloadLocked("the change feed could not be read").IgnoreError();
      return;
    }
  }
  RunHooks(change);
}

absl::Status Store::Impl::CatchUp(int64_t upto) {
  {
    std::lock_guard lock(feed_mu);
    RETURN_IF_ERROR(CatchUpLocked(upto));
    if (!bump_epoch) return absl::OkStatus();
    bump_epoch = false;
  }
  // Not a change of the catalog: no revision, no hooks. Every replica then
  // finds a new epoch, and reloads (as this one will at its next catch-up).
  return Write("", [](WriteContext& ctx) -> absl::StatusOr<bool> {
           ASSIGN_OR_RETURN(Statement * s,
                            ctx.db.Prepare("UPDATE meta SET value = value + 1 WHERE key = 'epoch'"));
           RETURN_IF_ERROR(s->Run());
           return true;
         })
      .status();
}

absl::Status Store::Impl::CatchUpLocked(int64_t upto) {
  const Dialect& dialect = writer->dialect();
  while (upto == 0 || applied_revision.load() < upto) {
    const int64_t after = applied_revision.load();
    std::vector<std::pair<int64_t, std::string>> batch;
    ASSIGN_OR_RETURN(FeedPosition id, Read([&](Connection& db) -> absl::StatusOr<FeedPosition> {
                       ASSIGN_OR_RETURN(FeedPosition found, ReadIdentity(db));
                       RETURN_IF_ERROR(dialect.ReadChanges(db, after, 256, &batch));
                       return found;
                     }));
    if (id.store_id != store_id) {
      return ReloadLocked("the database behind the store URL is another one");
    }
    if (id.epoch != epoch) {
      return ReloadLocked("a new epoch: the database was restored or went back in time");
    }
    if (id.head < after) {
      // Tokens of this epoch may name revisions the database lost: a new
      // epoch refuses them (CatchUp writes it, outside feed_mu).
      bump_epoch = true;
      return ReloadLocked("the database went back in time (a failover or a restore)");
    }
    if (batch.empty()) {
      if (id.head > after) return ReloadLocked("the changes this replica needs were pruned");
      return absl::OkStatus();
    }
    for (auto& [revision, bytes] : batch) {
      if (upto != 0 && revision > upto) return absl::OkStatus();
      if (revision != applied_revision.load() + 1) {
        return ReloadLocked("a gap in the change feed");
      }
      absl::StatusOr<Change> change = DecodeChange(bytes);
      if (!change.ok()) return ReloadLocked(MessageOf(change.status()));
      RunHooks(*change);
    }
  }
  return absl::OkStatus();
}

absl::Status Store::Impl::ReloadLocked(std::string_view why) {
  ASSIGN_OR_RETURN(FeedPosition id, Read([](Connection& db) { return ReadIdentity(db); }));
  spdlog::warn("reloading the catalog at revision {} (was at {}): {}", id.head,
               applied_revision.load(), why);
  ReloadsCounter().Add();
  Change reload{.catalog_revision = id.head, .reload = true};
  RunHooks(reload, &id);
  return absl::OkStatus();
}

absl::Status Store::Impl::LoadIdentity() {
  ASSIGN_OR_RETURN(FeedPosition id, Read([](Connection& db) { return ReadIdentity(db); }));
  store_id = id.store_id;
  epoch = id.epoch;
  applied_revision = id.head;
  return absl::OkStatus();
}

int Store::AddCommitHook(std::function<void(const Change&)> hook) {
  std::lock_guard lock(impl_->apply_mu);
  int handle = impl_->next_hook++;
  impl_->commit_hooks.emplace_back(handle, std::move(hook));
  return handle;
}

void Store::RemoveCommitHook(int handle) {
  std::lock_guard lock(impl_->apply_mu);
  std::erase_if(impl_->commit_hooks, [handle](const auto& h) { return h.first == handle; });
}

int64_t Store::AppliedRevision() const { return impl_->applied_revision.load(); }

bool Store::WaitApplied(int64_t revision, std::chrono::steady_clock::time_point deadline) {
  if (impl_->applied_revision.load() >= revision) return true;
  std::unique_lock lock(impl_->apply_mu);
  return impl_->applied_cv.wait_until(
      lock, deadline, [&] { return impl_->applied_revision.load() >= revision; });
}

// Lock-free: every answer asks (its consistency token), and hooks hold
// apply_mu for as long as they take.
StoreIdentity Store::Identity() const {
  return {.store_id = impl_->store_id.load(), .epoch = impl_->epoch.load()};
}

}  // namespace catalog::store
