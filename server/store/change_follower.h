// A PostgreSQL replica's ear on the change feed: a thread with its own
// session that LISTENs on `catalog_changes` (NOTIFY'd by each committing
// write, dialect_postgres.cc) and calls `wake` when one arrives, every
// `poll` when none does (a notification can be lost with its session), and
// after every reconnect. `wake` catches the replica up from the change
// table, so notifications are only a hint: the table is the truth.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/store/postgres.h"

namespace catalog::store {

class ChangeFollower {
 public:
  static absl::StatusOr<std::unique_ptr<ChangeFollower>> Start(
      const std::string& url, const PgSettings& settings, std::chrono::milliseconds poll,
      std::function<void()> wake);
  ~ChangeFollower();
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

  // Whether its session is up now (for /readyz).
  bool connected() const { return connected_.load(); }

 private:
  ChangeFollower(std::string url, PgSettings settings, std::chrono::milliseconds poll,
                 std::function<void()> wake);
  void Run();
  // Connects and LISTENs; false while the server cannot be reached.
  bool Connect();

  const std::string url_;
  const PgSettings settings_;
  const std::chrono::milliseconds poll_;
  const std::function<void()> wake_;
  std::unique_ptr<PgConnection> conn_;
  int stop_fd_ = -1;  // an eventfd the destructor writes
  std::atomic<bool> connected_{false};
  std::thread thread_;
};

}  // namespace catalog::store
