#include "server/housekeeping.h"

#include <spdlog/spdlog.h>

#include "lib/util/strings.h"

namespace catalog::server {

Housekeeping::Housekeeping(store::Store* store, Options options)
    : store_(store), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

Housekeeping::~Housekeeping() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

bool Housekeeping::EncodeSpecs() {
  absl::StatusOr<store::Store::SpecEncoding> step = store_->EncodeMissingSpecs(encoded_after_, 500);
  if (!step.ok()) {
    spdlog::warn("encoding stored dataset specs stopped: {}", MessageOf(step.status()));
    return false;
  }
  encoded_ += step->encoded;
  encoded_after_ = step->last_id;
  if (!step->done) return true;
  if (encoded_ > 0) spdlog::info("encoded {} stored dataset specs in binary", encoded_);
  return false;
}

void Housekeeping::PruneQuality() {
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                (std::chrono::system_clock::now() - options_.quality_retention)
                                    .time_since_epoch())
                                .count();
  int64_t forgotten = 0;
  while (true) {
    absl::StatusOr<int64_t> pruned = store_->PruneQualityResults(before_ms);
    if (!pruned.ok()) {
      spdlog::warn("forgetting old quality results failed: {}", MessageOf(pruned.status()));
      break;
    }
    if (*pruned == 0) break;
    forgotten += *pruned;
    std::lock_guard stop(mu_);
    if (stopping_) break;
  }
  if (forgotten > 0) spdlog::info("forgot {} events' quality results past their retention", forgotten);
}

void Housekeeping::PruneDeliveries() {
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                (std::chrono::system_clock::now() - options_.delivery_retention)
                                    .time_since_epoch())
                                .count();
  absl::StatusOr<int64_t> pruned = store_->PruneWebhookDeliveries(before_ms);
  if (!pruned.ok()) {
    spdlog::warn("forgetting old webhook deliveries failed: {}", MessageOf(pruned.status()));
  } else if (*pruned > 0) {
    spdlog::info("forgot {} webhook deliveries past their retention", *pruned);
  }
}

void Housekeeping::JudgeHealth() {
  // A thousand datasets per transaction, so ingest waits on none for long.
  constexpr int kBatch = 1000;
  int judged = 0;
  while (true) {
    absl::StatusOr<int> n = store_->JudgeDueHealth(kBatch);
    if (!n.ok()) {
      spdlog::warn("judging datasets' freshness failed: {}", MessageOf(n.status()));
      break;
    }
    judged += *n;
    if (*n < kBatch) break;
    std::lock_guard stop(mu_);
    if (stopping_) break;
  }
  if (judged > 0) spdlog::debug("judged the freshness of {} datasets again", judged);
}

void Housekeeping::LapseCertifications() {
  constexpr int kBatch = 500;
  while (true) {
    absl::StatusOr<int> n = store_->LapseCertifications(kBatch);
    if (!n.ok()) {
      spdlog::warn("lapsing expired certifications failed: {}", MessageOf(n.status()));
      return;
    }
    if (*n > 0) spdlog::info("{} certifications expired and lapsed", *n);
    if (*n < kBatch) return;
    std::lock_guard stop(mu_);
    if (stopping_) return;
  }
}

void Housekeeping::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (store_->leader()) {
      lock.unlock();
      // Old specs first, in steps, between checks for a stop.
      while (!specs_done_) {
        specs_done_ = !EncodeSpecs();
        std::lock_guard stop(mu_);
        if (stopping_) return;
      }
      absl::StatusOr<int64_t> pruned = store_->PruneChanges(options_.keep_changes);
      if (!pruned.ok()) {
        spdlog::warn("pruning the change feed failed: {}", MessageOf(pruned.status()));
      } else if (*pruned > 0) {
        spdlog::debug("pruned {} change-feed entries", *pruned);
      }
      JudgeHealth();
      LapseCertifications();
      if (options_.governance) options_.governance();
      PruneQuality();
      PruneDeliveries();
      lock.lock();
    }
    stop_cv_.wait_for(lock, options_.interval, [&] { return stopping_; });
  }
}

}  // namespace catalog::server
