// The data directory: where catalog.db, its journal, the lock and the admin
// token live. Whoever can write there can plant a database or a token, so
// catalogd refuses a directory, or a file in it, that someone else could
// have written.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace catalog::server {

// Creates `dir` (mode 0700) when missing, else checks it: a directory owned
// by this process's user and not writable by group or others (its other
// group/other bits are removed), and catalog.db, its -wal/-shm, catalog.lock
// and admin.token, where present, regular files (not symlinks) owned by this
// user and writable by no one else. FAILED_PRECONDITION naming the path,
// what is wrong and how to fix it. A symlinked directory is followed and
// logged as a warning, with what it points to.
absl::Status PrepareDataDir(const std::string& dir);

// Writes `content` to `path` with mode 0600, replacing any old file only
// once the new one is complete.
absl::Status WritePrivateFile(const std::string& path, const std::string& content);

}  // namespace catalog::server
