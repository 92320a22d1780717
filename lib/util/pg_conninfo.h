// PostgreSQL connection strings (URLs or key=value), read with libpq's own
// parser: whether one holds a password, and what can be shown of one. For
// the store's URL (server/store/postgres.h) and catalogctl's importer.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog {

// Whether `conninfo` names a password; INVALID_ARGUMENT with libpq's
// reason when it does not parse.
absl::StatusOr<bool> ConninfoHasPassword(std::string_view conninfo);

// `conninfo` as a URL with nothing secret in it: user, host, port,
// database and sslmode.
std::string RedactedConninfo(std::string_view conninfo);

}  // namespace catalog
