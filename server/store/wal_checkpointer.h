// Moves the writer's WAL into the database file on a thread of its own.
//
// SQLite's default checkpoints run inside the commit that takes the
// write-ahead log past 1,000 pages: that writer copies every page back and
// fsyncs the database file before its call answers (8% of a bulk load's
// time, and a multi-millisecond stall for whichever write triggers it).
// Here the writer's commit only wakes this thread, which checkpoints
// PASSIVE (never waiting for readers or the writer) on its own connection.
// Should the thread fall behind (long readers, a slow disk), the writer
// checkpoints itself once the log reaches `writer_pages`, so the log stays
// bounded as it did before.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

struct sqlite3;

namespace catalog::store {

class SqliteConnection;

class WalCheckpointer {
 public:
  struct Options {
    int thread_pages = 1000;    // wake the thread at this many log pages
    int writer_pages = 16000;   // the writer checkpoints itself from here
  };
  // Installs itself as `writer`'s WAL hook (replacing SQLite's automatic
  // checkpoints) and opens its own connection to `path`. `writer` must
  // outlive this object.
  static absl::StatusOr<std::unique_ptr<WalCheckpointer>> Start(const std::string& path,
                                                                sqlite3* writer,
                                                                Options options);
  ~WalCheckpointer();  // stops the thread; restores the automatic checkpoint

  // Checkpoints the thread has completed (every page of the log copied).
  int64_t completed() const;

 private:
  WalCheckpointer(std::unique_ptr<SqliteConnection> conn, sqlite3* writer, Options options);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int pages);
  void Run();

  std::unique_ptr<SqliteConnection> conn_;
  sqlite3* writer_;
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  int64_t completed_ = 0;  // guarded by mu_
  std::thread thread_;
};

}  // namespace catalog::store
