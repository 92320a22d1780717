// A file that carries a consistency token from one catalogctl run to the
// next (--consistency-file, CATALOG_CONSISTENCY_FILE), so a script's reads
// see its writes on whichever replica a load balancer picks.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace catalog::client {

// The token in `path`, white space around it trimmed; empty when the file
// does not exist yet. INVALID_ARGUMENT, naming the file, when it holds
// something no consistency token is.
absl::StatusOr<std::string> ReadConsistencyFile(const std::string& path);

// Replaces `path` with `token` (written beside it, then renamed: a reader
// sees the old token or the new one).
absl::Status WriteConsistencyFile(const std::string& path, const std::string& token);

}  // namespace catalog::client
