// The secrets key: what seals the secrets catalogd must keep but its
// database must not reveal (webhooks' signing secrets), kept in a file
// beside the database rather than in it (secrets-key-file; by default
// secrets.key in the data directory, made at first start). Replicas on one
// PostgreSQL must share one key file: a secret sealed by one replica's key
// cannot be opened by another's, and deliveries say so.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lib/util/sealed.h"

namespace catalog::server {

struct SecretsKey {
  SealKey key{};
  std::string id;  // the first 16 hex digits of the key's SHA-256, stored beside what it seals
};

// Reads the key at `path` (base64 of 32 bytes), making it (mode 0600) when
// `create` and it does not exist. FAILED_PRECONDITION naming
// secrets-key-file when it is malformed, or readable or writable by group
// or others.
absl::StatusOr<SecretsKey> LoadSecretsKey(const std::string& path, bool create);

}  // namespace catalog::server
