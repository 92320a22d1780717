#include "server/authz/decision_log.h"

#include <spdlog/spdlog.h>

#include <random>

#include "lib/catalog/model.h"
#include "lib/util/metrics.h"
#include "lib/util/strings.h"

namespace catalog::authz {
namespace {

Counter& EventsWritten() {
  static Counter& c = Metrics::Get().GetCounter(
      "catalogd_audit_decision_events_total",
      "Authorization decisions written to the audit log", {{"result", "written"}});
  return c;
}

Counter& EventsRefused() {
  static Counter& c = Metrics::Get().GetCounter(
      "catalogd_audit_decision_events_total",
      "Authorization decisions written to the audit log", {{"result", "refused"}});
  return c;
}

}  // namespace

absl::StatusOr<DecisionAudit> ParseDecisionAudit(std::string_view text) {
  if (text == "off") return DecisionAudit::kOff;
  if (text == "denies") return DecisionAudit::kDenies;
  if (text == "all") return DecisionAudit::kAll;
  return absl::InvalidArgumentError(
      StrCat("audit-decisions: \"", text, "\" must be off, denies or all"));
}

std::string PrincipalName(const policy::EntityUid& uid) {
  for (PrincipalKind k : {PrincipalKind::kUser, PrincipalKind::kServiceAccount,
                          PrincipalKind::kGroup}) {
    if (uid.type == PrincipalKindName(k)) return PrincipalKindPrefix(k) + ":" + uid.id;
  }
  return uid.ToString();
}

DecisionLog::DecisionLog(store::Store* store, DecisionLogOptions options)
    : store_(store), options_(options) {
  writer_ = std::thread([this] { WriteLoop(); });
}

DecisionLog::~DecisionLog() {
  Flush(std::chrono::steady_clock::now() + options_.wait);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  writer_.join();
}

bool DecisionLog::Wants(bool allow) const {
  switch (options_.mode) {
    case DecisionAudit::kOff:
      return false;
    case DecisionAudit::kAll:
      return true;
    case DecisionAudit::kDenies:
      break;
  }
  if (!allow) return true;
  if (options_.allow_sample <= 0) return false;
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(rng) < options_.allow_sample;
}

absl::Status DecisionLog::Record(std::string principal, std::string_view action,
                                 const policy::EntityUid& resource, bool allow,
                                 int64_t revision) {
  store::AuditEvent e{.time = store::NowRfc3339(),
                      .actor = std::move(principal),
                      .action = std::string(action),
                      .target_kind = resource.type,
                      .target = resource.id,
                      .catalog_revision = revision,
                      .decision = allow ? "allow" : "deny"};
  std::unique_lock lock(mu_);
  if (!room_.wait_for(lock, options_.wait, [&] {
        return pending_.size() + in_batch_ < options_.max_pending || stopping_;
      }) ||
      stopping_) {
    EventsRefused().Add();
    return absl::UnavailableError(
        "the audit log cannot keep up with authorization decisions (their events "
        "cannot be written); the decision is withheld");
  }
  pending_.push_back(std::move(e));
  ++queued_;
  lock.unlock();
  work_.notify_one();
  return absl::OkStatus();
}

bool DecisionLog::Flush(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  uint64_t target = queued_;
  return written_.wait_until(lock, deadline, [&] { return stored_ >= target; });
}

void DecisionLog::WriteLoop() {
  std::vector<store::AuditEvent> batch;
  auto backoff = std::chrono::milliseconds(50);
  while (true) {
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return stopping_ || !pending_.empty() || !batch.empty(); });
      if (stopping_ && pending_.empty() && batch.empty()) return;
      // A batch that failed is retried with whatever queued since.
      for (store::AuditEvent& e : pending_) batch.push_back(std::move(e));
      pending_.clear();
      in_batch_ = batch.size();
    }
    size_t n = batch.size();
    absl::StatusOr<int64_t> written = store_->AppendAuditEvents(batch);
    if (written.ok()) {
      batch.clear();
      backoff = std::chrono::milliseconds(50);
      EventsWritten().Add(static_cast<double>(n));
    } else {
      spdlog::error("audit: {} decision events not written yet ({}); retrying", n,
                    MessageOf(written.status()));
    }
    {
      std::lock_guard lock(mu_);
      if (written.ok()) {
        in_batch_ = 0;
        stored_ += n;
      } else if (stopping_) {
        // Shutting down and the store still refuses: give up, loudly.
        spdlog::error("audit: {} decision events lost at shutdown", n);
        batch.clear();
        in_batch_ = 0;
        stored_ += n;
      }
    }
    room_.notify_all();
    written_.notify_all();
    if (!written.ok()) {
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
  }
}

}  // namespace catalog::authz
