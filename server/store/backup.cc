#include "server/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/store/migrations.h"
#include "server/store/schema_check.h"
#include "server/store/sqlite.h"

namespace catalog::store {
namespace {

namespace fs = std::filesystem;

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close(db); }
};

absl::Status OpenRaw(const std::string& path, int flags, Db& out) {
  int rc = sqlite3_open_v2(path.c_str(), &out.db, flags, nullptr);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(StrCat("cannot open ", path, ": ",
                                         out.db ? sqlite3_errmsg(out.db)
                                                : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(out.db, 5000);
  return absl::OkStatus();
}

// Copies every page of `from` into `to` in one step (one read transaction
// on the source: a consistent snapshot).
absl::Status Copy(sqlite3* from, sqlite3* to, std::string_view what) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (b == nullptr) {
    return absl::UnavailableError(StrCat(what, ": ", sqlite3_errmsg(to)));
  }
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    return absl::UnavailableError(StrCat(what, ": ", sqlite3_errstr(rc)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Text(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    return absl::DataLossError(StrCat(sql, ": ", sqlite3_errmsg(db)));
  }
  std::string out;
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  return out;
}

// What a database file holds, after checking it is whole and ours.
absl::StatusOr<BackupInfo> Inspect(const std::string& path) {
  Db db;
  RETURN_IF_ERROR(OpenRaw(path, SQLITE_OPEN_READONLY, db));
  ASSIGN_OR_RETURN(std::string check, Text(db.db, "PRAGMA integrity_check"));
  if (check != "ok") {
    return absl::DataLossError(StrCat(path, ": integrity_check: ", check));
  }
  if (absl::Status schema = VerifySchema(db.db); !schema.ok()) {
    return absl::Status(schema.code(), StrCat(path, ": ", MessageOf(schema)));
  }
  ASSIGN_OR_RETURN(std::string version,
                   Text(db.db, "SELECT max(version) FROM schema_migrations"));
  BackupInfo info;
  info.schema_version = version.empty() ? 0 : std::stoi(version);
  int known = EmbeddedMigrations().empty() ? 0 : EmbeddedMigrations().back().version;
  if (info.schema_version == 0) {
    return absl::InvalidArgumentError(StrCat(path, " is not a catalogd database"));
  }
  if (info.schema_version > known) {
    return absl::FailedPreconditionError(
        StrCat(path, " has schema version ", info.schema_version,
               "; this catalogd knows up to ", known));
  }
  ASSIGN_OR_RETURN(std::string revision,
                   Text(db.db, "SELECT value FROM meta WHERE key = 'catalog_revision'"));
  ASSIGN_OR_RETURN(std::string audit, Text(db.db, "SELECT count(*) FROM audit_events"));
  info.catalog_revision = revision.empty() ? 0 : std::stoll(revision);
  info.audit_events = audit.empty() ? 0 : std::stoll(audit);
  std::error_code ec;
  info.bytes = static_cast<int64_t>(fs::file_size(path, ec));
  return info;
}

// Removes a partial copy and the journal files SQLite kept beside it.
void RemovePartial(const std::string& partial) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    fs::remove(partial + suffix, ec);
  }
}

absl::Status CopyInto(const std::string& db_path, const std::string& partial,
                      const std::string& to) {
  // The copy holds every secret hash and audit event: owner-only from the
  // first byte, whatever the umask.
  int fd = open(partial.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(StrCat("cannot create ", partial));
  fchmod(fd, 0600);
  close(fd);
  Db source, dest;
  RETURN_IF_ERROR(OpenRaw(db_path, SQLITE_OPEN_READONLY, source));
  RETURN_IF_ERROR(OpenRaw(partial, SQLITE_OPEN_READWRITE, dest));
  RETURN_IF_ERROR(Copy(source.db, dest.db, StrCat("backup to ", to)));
  // The copy says WAL like its source; one file needs no write-ahead log
  // (catalogd turns WAL on again when it opens a restored database).
  if (sqlite3_exec(dest.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    return absl::UnavailableError(StrCat("backup to ", to, ": ", sqlite3_errmsg(dest.db)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BackupInfo> BackupDatabase(const std::string& db_path,
                                          const std::string& to, bool overwrite) {
  if (!fs::exists(db_path)) {
    return absl::NotFoundError(StrCat("no database at ", db_path));
  }
  std::error_code ec;
  if (!overwrite && fs::exists(fs::symlink_status(to, ec))) {
    return absl::AlreadyExistsError(
        StrCat(to, " exists; give --force to replace it"));
  }
  std::string partial = to + ".partial";
  RemovePartial(partial);
  if (absl::Status copied = CopyInto(db_path, partial, to); !copied.ok()) {
    RemovePartial(partial);
    return copied;
  }
  absl::StatusOr<BackupInfo> info = Inspect(partial);
  if (!info.ok()) {
    RemovePartial(partial);
    return info.status();
  }
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(partial + suffix, ec);
  fs::rename(partial, to, ec);
  if (ec) return absl::UnavailableError(StrCat("cannot write ", to, ": ", ec.message()));
  return info;
}

absl::StatusOr<BackupInfo> RestoreDatabase(const std::string& from,
                                           const std::string& db_path) {
  ASSIGN_OR_RETURN(BackupInfo info, Inspect(from));
  fs::create_directories(fs::path(db_path).parent_path());
  {
    Db source, dest;
    RETURN_IF_ERROR(OpenRaw(from, SQLITE_OPEN_READONLY, source));
    RETURN_IF_ERROR(OpenRaw(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, dest));
    RETURN_IF_ERROR(Copy(source.db, dest.db, StrCat("restore of ", db_path)));
    // A new epoch: consistency tokens handed out since the backup was taken
    // speak of a history this database no longer has.
    int rc = sqlite3_exec(dest.db, "UPDATE meta SET value = value + 1 WHERE key = 'epoch'",
                          nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(rc, dest.db, StrCat("restore of ", db_path));
  }
  return Inspect(db_path);
}

absl::StatusOr<DataDirLock> DataDirLock::Acquire(const std::string& data_dir) {
  fs::create_directories(data_dir);
  std::string path = (fs::path(data_dir) / "catalog.lock").string();
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(StrCat("cannot open ", path));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return absl::FailedPreconditionError(
        StrCat("data-dir: another catalogd (or a restore) is using ", data_dir,
               " (", path, " is locked)"));
  }
  return DataDirLock(fd);
}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);  // closing releases the flock
}

}  // namespace catalog::store
