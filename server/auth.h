// Bearer-token authentication.
//
// A token reads "<id>.<secret>". The store keeps the id, the principal and
// SHA-256(secret); the secret itself is never stored or logged. Lookups go
// by id and the hash comparison is constant-time. Tokens are cached in
// memory and the cache is updated by Issue and Revoke, so a revocation takes
// effect on the very next call. Thread-safe.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace catalog::server {

// The principal every fresh catalog trusts with everything.
inline constexpr char kAdminPrincipal[] = "user:admin";

struct IssuedToken {
  store::TokenRecord record;
  std::string bearer;  // "<id>.<secret>", shown once
};

class Authenticator {
 public:
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(
      store::Store* store);

  // Resolves the value of the `authorization` metadata ("Bearer <token>")
  // to a principal such as "user:alice". UNAUTHENTICATED when missing,
  // malformed, unknown or revoked.
  absl::StatusOr<std::string> Authenticate(std::string_view header) const;

  // Creates a token for `principal` (validated as a principal reference).
  absl::StatusOr<IssuedToken> Issue(std::string_view principal,
                                    std::string_view description,
                                    std::string_view actor);
  absl::Status Revoke(std::string_view id, std::string_view actor);

  // Number of live (unrevoked) tokens.
  size_t LiveTokens() const;

 private:
  struct Entry {
    std::string secret_hash;
    std::string principal;
    bool revoked = false;
  };
  explicit Authenticator(store::Store* store) : store_(store) {}

  store::Store* store_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> tokens_;  // by id; guarded by mu_
};

// SHA-256 of `data`, raw 32 bytes.
std::string Sha256(std::string_view data);

}  // namespace catalog::server
