#include "server/store/wal_checkpointer.h"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include "lib/util/metrics.h"
#include "lib/util/status_macros.h"
#include "server/store/sqlite.h"

namespace catalog::store {

absl::StatusOr<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(
    const std::string& path, sqlite3* writer, Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> conn, SqliteConnection::Open(path, false, 1000));
  return std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(std::move(conn), writer, options));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteConnection> conn, sqlite3* writer,
                                 Options options)
    : conn_(std::move(conn)), writer_(writer), options_(options) {
  // This connection only checkpoints: were it to commit, it would
  // checkpoint in its own commits again.
  sqlite3_wal_autocheckpoint(conn_->raw(), 0);
  thread_ = std::thread([this] { Run(); });
  sqlite3_wal_hook(writer_, &WalCheckpointer::OnCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_, 1000);  // also removes this hook
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

int64_t WalCheckpointer::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

// Called by SQLite in the writer's thread after each commit, with the
// number of pages now in the log.
int WalCheckpointer::OnCommit(void* self_ptr, sqlite3* db, const char* schema, int pages) {
  auto* self = static_cast<WalCheckpointer*>(self_ptr);
  if (pages >= self->options_.writer_pages) {
    static Counter& fallbacks = Metrics::Get().GetCounter(
        "catalogd_sqlite_writer_checkpoints_total",
        "WAL checkpoints the writer ran itself because the checkpoint thread fell behind");
    fallbacks.Add();
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= self->options_.thread_pages) {
    {
      std::lock_guard lock(self->mu_);
      self->wanted_ = true;
    }
    self->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  static Counter& runs = Metrics::Get().GetCounter(
      "catalogd_sqlite_checkpoints_total", "WAL checkpoints run by the checkpoint thread");
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn_->raw(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                       &log, &copied);
    runs.Add();
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("WAL checkpoint: {}", sqlite3_errmsg(conn_->raw()));
    }
    lock.lock();
    if (rc == SQLITE_OK && log >= 0 && copied == log) ++completed_;
  }
}

}  // namespace catalog::store
