// Which replica does the work only one may do (pruning the change feed,
// and later clocks, retention and anything that sends or opens something):
// the holder of a PostgreSQL session-level advisory lock. A thread with
// its own session tries for the lock every `interval`, and, holding it,
// checks its session is alive at the same pace; when the holder dies (or
// its session does), PostgreSQL releases the lock and another replica takes
// it at its next try.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <string>
#include <thread>

#include "server/store/postgres.h"

namespace catalog::store {

class LeaderLock {
 public:
  LeaderLock(std::string url, PgSettings settings, std::chrono::milliseconds interval);
  ~LeaderLock();
  LeaderLock(const LeaderLock&) = delete;
  LeaderLock& operator=(const LeaderLock&) = delete;

  bool held() const { return held_.load(); }

 private:
  void Run();
  // One round: connect if needed, try for the lock or check it is still
  // held; what this replica is afterwards.
  bool Round();

  const std::string url_;
  const PgSettings settings_;
  const std::chrono::milliseconds interval_;
  std::unique_ptr<PgConnection> conn_;
  std::atomic<bool> held_{false};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace catalog::store
