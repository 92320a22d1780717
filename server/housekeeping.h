// The work only one replica does, on the leader (Store::leader(); every
// catalogd on SQLite): a thread that, every `interval` while this catalogd
// leads, judges again the freshness of datasets whose contract's
// agreement fell due (a pipeline that stopped makes its dataset stale),
// forgets change-feed entries far behind the head, quality results and
// finished webhook deliveries past their retention, lapses verified
// certifications past their expiry, asks the governance sweep whether it
// is due, and once encodes
// dataset specs stored before they were kept in binary (migration 0011).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "server/store/store.h"

namespace catalog::server {

class Housekeeping {
 public:
  struct Options {
    std::chrono::milliseconds interval{5000};
    // Change-feed entries kept behind the applied revision: a replica
    // further behind than this reloads instead of following.
    int64_t keep_changes = 100000;
    // Quality results of events older than this are forgotten.
    std::chrono::seconds quality_retention{std::chrono::hours(24 * 90)};
    // Webhook deliveries made or skipped are forgotten this long after
    // their event (pending ones are kept).
    std::chrono::seconds delivery_retention{std::chrono::hours(24 * 30)};
    // The governance sweep (server/governance/sweep.h), asked every
    // interval; it runs when due.
    std::function<void()> governance;
  };
  Housekeeping(store::Store* store, Options options);
  ~Housekeeping();
  Housekeeping(const Housekeeping&) = delete;
  Housekeeping& operator=(const Housekeeping&) = delete;

 private:
  void Run();
  // One step of encoding old specs; false when there is nothing left.
  bool EncodeSpecs();
  // Forgets quality results past their retention, an hour of them per
  // transaction, until none is left or a stop is asked for.
  void PruneQuality();
  // Forgets finished webhook deliveries past their retention.
  void PruneDeliveries();
  // Lapses every verified certification past its expiry, a batch per
  // transaction.
  void LapseCertifications();
  // Judges again every dataset whose freshness fell due, a batch per
  // transaction.
  void JudgeHealth();

  store::Store* store_;
  const Options options_;
  int64_t encoded_after_ = 0, encoded_ = 0;
  bool specs_done_ = false;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace catalog::server
