#include "server/authz/decision_log.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
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

Counter& EventsSuppressed() {
  static Counter& c = Metrics::Get().GetCounter(
      "catalogd_audit_decision_events_total",
      "Authorization decisions written to the audit log", {{"result", "suppressed"}});
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
    : store_(store), options_(std::move(options)) {
  Unspill();
  writer_ = std::thread([this] { WriteLoop(); });
}

absl::Status DecisionLog::Spill(const std::vector<store::AuditEvent>& events) {
  if (options_.spill_path.empty()) return absl::FailedPreconditionError("no spill file");
  std::string lines;
  for (const store::AuditEvent& e : events) {
    lines += nlohmann::json{{"time", e.time},
                            {"actor", e.actor},
                            {"subject", e.subject},
                            {"peer", e.peer},
                            {"action", e.action},
                            {"targetKind", e.target_kind},
                            {"target", e.target},
                            {"catalogRevision", e.catalog_revision},
                            {"decision", e.decision}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += "\n";
  }
  int fd = ::open(options_.spill_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(StrCat("cannot open ", options_.spill_path));
  bool ok = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  return ok ? absl::OkStatus()
            : absl::UnavailableError(StrCat("cannot write ", options_.spill_path));
}

void DecisionLog::Unspill() {
  if (options_.spill_path.empty()) return;
  std::ifstream in(options_.spill_path);
  if (!in) return;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;  // a line cut by a crash mid-write
    pending_.push_back({.time = j.value("time", ""),
                        .actor = j.value("actor", ""),
                        .action = j.value("action", ""),
                        .target_kind = j.value("targetKind", ""),
                        .target = j.value("target", ""),
                        .catalog_revision = j.value("catalogRevision", int64_t{0}),
                        .decision = j.value("decision", ""),
                        .subject = j.value("subject", ""),
                        .peer = j.value("peer", "")});
    ++queued_;
    ++n;
  }
  spdlog::warn("audit: {} decision events kept from the last shutdown go into the log now", n);
  spilled_ = true;
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

bool DecisionLog::Admit(const std::string& actor, std::chrono::steady_clock::time_point now) {
  if (options_.max_per_caller <= 0) return true;
  Window& w = windows_[actor];
  if (now - w.start >= options_.cap_window) {
    if (w.suppressed > 0) QueueSummary(actor, w.suppressed);
    w = Window{.start = now};
  }
  if (w.recorded >= options_.max_per_caller) {
    ++w.suppressed;
    return false;
  }
  ++w.recorded;
  return true;
}

void DecisionLog::SweepWindows(std::chrono::steady_clock::time_point now) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.start < options_.cap_window) {
      ++it;
      continue;
    }
    if (it->second.suppressed > 0) QueueSummary(it->first, it->second.suppressed);
    it = windows_.erase(it);
  }
}

void DecisionLog::QueueSummary(const std::string& actor, int64_t suppressed) {
  EventsSuppressed().Add(static_cast<double>(suppressed));
  pending_.push_back({.time = store::NowRfc3339(),
                      .actor = actor,
                      .action = "decisions.suppressed",
                      .target_kind = "DecisionEvents",
                      .target = StrCat(suppressed, " not recorded (over ",
                                       options_.max_per_caller, " in ",
                                       options_.cap_window.count() / 1000, " s)")});
  ++queued_;
}

absl::Status DecisionLog::Record(std::string actor, std::string subject,
                                 std::string_view action, const policy::EntityUid& resource,
                                 bool allow, int64_t revision) {
  store::AuditEvent e{.time = store::NowRfc3339(),
                      .actor = std::move(actor),
                      .action = std::string(action),
                      .target_kind = resource.type,
                      .target = resource.id,
                      .catalog_revision = revision,
                      .decision = allow ? "allow" : "deny",
                      .peer = std::string(store::AuditPeer::Current())};
  if (subject != e.actor) e.subject = std::move(subject);
  std::unique_lock lock(mu_);
  auto now = std::chrono::steady_clock::now();
  // Fail closed: events that could not be written for `wait` (a locked or
  // full database) withhold every decision until they are.
  if (unwritten_since_ != std::chrono::steady_clock::time_point() &&
      now - unwritten_since_ >= options_.wait) {
    EventsRefused().Add();
    return absl::UnavailableError(
        "the audit log cannot be written (decision events are waiting); the decision is "
        "withheld");
  }
  if (!Admit(e.actor, now)) return absl::OkStatus();
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
      // Wakes at least once a second to write the summaries of capped
      // windows that have ended.
      work_.wait_for(lock, std::chrono::seconds(1),
                     [&] { return stopping_ || !pending_.empty() || !batch.empty(); });
      SweepWindows(stopping_ ? std::chrono::steady_clock::time_point::max()
                             : std::chrono::steady_clock::now());
      if (pending_.empty() && batch.empty() && !stopping_) continue;
      if (stopping_ && pending_.empty() && batch.empty()) return;
      // A batch that failed is retried with whatever queued since.
      for (store::AuditEvent& e : pending_) batch.push_back(std::move(e));
      pending_.clear();
      in_batch_ = batch.size();
    }
    size_t n = batch.size();
    {
      std::lock_guard lock(mu_);
      if (unwritten_since_ == std::chrono::steady_clock::time_point()) {
        unwritten_since_ = std::chrono::steady_clock::now();
      }
    }
    absl::StatusOr<int64_t> written = store_->AppendAuditEvents(batch);
    if (written.ok()) {
      batch.clear();
      backoff = std::chrono::milliseconds(50);
      EventsWritten().Add(static_cast<double>(n));
      if (spilled_) {  // they are in the chain now
        std::remove(options_.spill_path.c_str());
        spilled_ = false;
      }
    } else {
      spdlog::error("audit: {} decision events not written yet ({}); retrying", n,
                    MessageOf(written.status()));
    }
    {
      std::lock_guard lock(mu_);
      if (written.ok()) {
        in_batch_ = 0;
        stored_ += n;
        unwritten_since_ = {};
      } else if (stopping_) {
        // Shutting down and the store still refuses: the events go to the
        // spill file, and into the chain at the next start.
        absl::Status spilled = Spill(batch);
        if (spilled.ok()) {
          spdlog::error("audit: {} decision events could not be written; kept in {} for the "
                        "next start",
                        n, options_.spill_path);
        } else {
          spdlog::critical("audit: {} decision events lost at shutdown: {}", n,
                           MessageOf(spilled));
        }
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
