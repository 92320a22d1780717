// The schema a catalog database must have. A database file can be written
// by anyone who holds it (a backup, a planted file): a trigger or view added
// to it would run inside catalogd's own transactions (deleting audit
// events, clearing a token's revocation) while integrity_check says ok. So
// the schema is compared, object by object and SQL text by SQL text, with
// what this binary's migrations create.
#pragma once

#include <sqlite3.h>

#include "absl/status/status.h"

namespace catalog::store {

// OK when the tables, indexes, triggers and views of `db` (its
// sqlite_master, SQLite's own objects aside) are exactly those the embedded
// migrations create up to the version `db` records; FAILED_PRECONDITION
// naming the first object that is extra, missing or different otherwise.
absl::Status VerifySchema(sqlite3* db);

}  // namespace catalog::store
