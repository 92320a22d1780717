// Backups of the catalog database, and the lock that keeps one catalogd
// (or one restore) per data directory.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace catalog::store {

struct BackupInfo {
  int64_t bytes = 0;
  int schema_version = 0;
  int64_t catalog_revision = 0;
  int64_t audit_events = 0;
};

// Copies the database at `db_path` to `to` with SQLite's online backup API:
// one consistent snapshot, while catalogd keeps serving. The copy is
// written beside `to` (mode 0600, one file: no -wal or -shm is left) and
// renamed into place only once `PRAGMA integrity_check` says ok.
// ALREADY_EXISTS when `to` exists, unless `overwrite`.
absl::StatusOr<BackupInfo> BackupDatabase(const std::string& db_path,
                                          const std::string& to, bool overwrite = false);

// Replaces the database at `db_path` with the backup `from`, after checking
// the backup (integrity_check, a schema this binary knows). The data
// directory must be locked by the caller (catalogd must not be running).
absl::StatusOr<BackupInfo> RestoreDatabase(const std::string& from,
                                           const std::string& db_path);

// An exclusive lock on a data directory (`catalog.lock`, flock), held for
// the object's life. FAILED_PRECONDITION when another process holds it.
class DataDirLock {
 public:
  static absl::StatusOr<DataDirLock> Acquire(const std::string& data_dir);
  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace catalog::store
