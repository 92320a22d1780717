#include "server/store/leader_lock.h"

#include <spdlog/spdlog.h>

#include "lib/util/status_macros.h"

namespace catalog::store {
namespace {

// Any number every catalogd agrees on; not the migrations' key.
constexpr char kTryLock[] = "SELECT pg_try_advisory_lock(7809653372420453477)";

}  // namespace

LeaderLock::LeaderLock(std::string url, PgSettings settings, std::chrono::milliseconds interval)
    : url_(std::move(url)), settings_(settings), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

LeaderLock::~LeaderLock() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
  // Closing the session releases the lock at once, for the next replica.
  conn_.reset();
}

bool LeaderLock::Round() {
  if (conn_ == nullptr) {
    absl::StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Open(url_, settings_);
    if (!conn.ok()) return false;
    conn_ = *std::move(conn);
  }
  absl::StatusOr<Statement*> s = conn_->Prepare(held_ ? "SELECT 1" : kTryLock);
  absl::StatusOr<bool> row = s.ok() ? (*s)->Step() : s.status();
  if (!row.ok() || !*row) {
    conn_.reset();  // the session is gone, and the lock with it
    return false;
  }
  bool held = held_ || (*s)->Int(0) == 1;
  (*s)->Reset();
  return held;
}

void LeaderLock::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    bool held = Round();
    if (held != held_.exchange(held)) {
      spdlog::info(held ? "this catalogd is now the leader (it runs the work one replica does)"
                        : "this catalogd is no longer the leader");
    }
    lock.lock();
    stop_cv_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace catalog::store
