#include "server/store/change_follower.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/util/metrics.h"
#include "lib/util/strings.h"

namespace catalog::store {
namespace {

Counter& Reconnects() {
  static Counter& c = Metrics::Get().GetCounter(
      "catalogd_replica_feed_reconnects_total",
      "Times the change feed's PostgreSQL session was established again");
  return c;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChangeFollower>> ChangeFollower::Start(
    const std::string& url, const PgSettings& settings, std::chrono::milliseconds poll,
    std::function<void()> wake) {
  std::unique_ptr<ChangeFollower> f(new ChangeFollower(url, settings, poll, std::move(wake)));
  f->stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (f->stop_fd_ < 0) return absl::InternalError("eventfd failed");
  if (!f->Connect()) {
    return absl::UnavailableError(
        StrCat("the change feed could not LISTEN on ", RedactedStoreUrl(url)));
  }
  f->thread_ = std::thread([raw = f.get()] { raw->Run(); });
  return f;
}

ChangeFollower::ChangeFollower(std::string url, PgSettings settings,
                               std::chrono::milliseconds poll, std::function<void()> wake)
    : url_(std::move(url)), settings_(settings), poll_(poll), wake_(std::move(wake)) {}

ChangeFollower::~ChangeFollower() {
  if (stop_fd_ >= 0) {
    uint64_t one = 1;
    if (write(stop_fd_, &one, sizeof(one)) < 0) spdlog::debug("eventfd write failed");
  }
  if (thread_.joinable()) thread_.join();
  if (stop_fd_ >= 0) close(stop_fd_);
}

bool ChangeFollower::Connect() {
  conn_.reset();
  connected_ = false;
  // No statement timeout: this session only waits.
  PgSettings settings = settings_;
  settings.statement_timeout_ms = 0;
  settings.idle_in_transaction_timeout_ms = 0;
  absl::StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Open(url_, settings);
  if (!conn.ok()) return false;
  if (!(*conn)->Exec("LISTEN catalog_changes").ok()) return false;
  conn_ = *std::move(conn);
  connected_ = true;
  return true;
}

void ChangeFollower::Run() {
  auto backoff = std::chrono::milliseconds(100);
  while (true) {
    if (!connected_) {
      pollfd stop{.fd = stop_fd_, .events = POLLIN};
      if (poll(&stop, 1, static_cast<int>(backoff.count())) > 0) return;
      if (!Connect()) {
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
        continue;
      }
      backoff = std::chrono::milliseconds(100);
      Reconnects().Add();
      spdlog::info("change feed: connected again to {}", RedactedStoreUrl(url_));
      wake_();  // whatever was committed while it was away
      continue;
    }
    PGconn* pg = conn_->raw();
    pollfd fds[2] = {{.fd = stop_fd_, .events = POLLIN}, {.fd = PQsocket(pg), .events = POLLIN}};
    int ready = poll(fds, 2, static_cast<int>(poll_.count()));
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) return;
    bool notified = false;
    if (ready > 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
      if (PQconsumeInput(pg) == 0 || PQstatus(pg) != CONNECTION_OK) {
        spdlog::warn("change feed: lost its PostgreSQL session: {}", PQerrorMessage(pg));
        connected_ = false;
        continue;
      }
      while (PGnotify* n = PQnotifies(pg)) {
        notified = true;
        PQfreemem(n);
      }
    }
    // Woken or not: the timed poll is the safety net.
    (void)notified;
    wake_();
  }
}

}  // namespace catalog::store
