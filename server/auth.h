// Bearer-token authentication.
//
// A token reads "<id>.<secret>". The store keeps the id, the principal and
// SHA-256(secret); the secret itself is never stored or logged. Lookups go
// by id and the hash comparison is constant-time. Tokens are cached in
// memory and the cache is updated by Issue and Revoke, so a revocation takes
// effect on the very next call. Deleting a principal revokes its tokens (in
// the delete's transaction; the cache follows by a commit hook). The
// scheme "Bearer" is matched case-insensitively; a value with a control
// character is refused. Thread-safe.
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

class Consistency;

// The principal every fresh catalog trusts with everything.
inline constexpr char kAdminPrincipal[] = "user:admin";

// Who a call comes from, and what its token may be used for.
struct Identity {
  std::string principal;             // "user:alice"
  std::vector<std::string> actions;  // empty: no limit beyond the policies
  std::string expires_at;            // the token's expiry (RFC 3339), "" = never
  // The client certificate's identity (its SPIFFE ID, or "dns:NAME"), ""
  // without one; recorded with the audit events of the call.
  std::string peer;
  // The token's id when it is a web UI session (ui_session.h), else "".
  std::string session;
};

struct IssuedToken {
  store::TokenRecord record;
  std::string bearer;  // "<id>.<secret>", shown once
};

class Authenticator {
 public:
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(
      store::Store* store);

  // Resolves the value of the `authorization` metadata ("Bearer <token>")
  // to a principal such as "user:alice" and the actions its token is
  // limited to. UNAUTHENTICATED when missing, malformed, unknown, revoked
  // or expired.
  absl::StatusOr<Identity> Authenticate(std::string_view header) const;
  // Whether `header` is a well-formed bearer token whose id this catalogd
  // has never seen (neither issued nor revoked): one another replica may
  // have made and this one not applied yet.
  bool Unknown(std::string_view header) const;

  // Creates a token for `principal` (validated as a principal reference).
  // `expires` is a duration from now ("90d", "12h", "30m", "45s") or an
  // RFC 3339 UTC time, "" for never; `actions` limit what it may be used
  // for (action names, or the groups "data", "catalog", "governance").
  // A token issued by a call made with a token (`issuer`) is at most as
  // wide and as long-lived: it takes the issuer's action limits and expiry
  // when none are asked for, and PERMISSION_DENIED names what goes beyond.
  absl::StatusOr<IssuedToken> Issue(std::string_view principal,
                                    std::string_view description,
                                    std::string_view actor,
                                    std::string_view expires = "",
                                    const std::vector<std::string>& actions = {},
                                    const Identity* issuer = nullptr);
  // A web UI session for `caller` (ui_session.h): a token of kind
  // "session" for `lifetime` ("12h") or until the caller's own token
  // expires, if sooner, with its action limits. Audited as token.create.
  // `parent`: the id of the token signed in with; revoking it ends the
  // session.
  absl::StatusOr<IssuedToken> IssueSession(const Identity& caller, std::string_view lifetime,
                                           std::string_view parent);
  absl::Status Revoke(std::string_view id, std::string_view actor);

  // Number of live (unrevoked) tokens.
  size_t LiveTokens() const;

  // What answers say and calls ask of the catalog's revision (consistency
  // tokens, consistency.h); none until set, once, before serving.
  void SetConsistency(const Consistency* c) { consistency_ = c; }
  const Consistency* consistency() const { return consistency_; }
  ~Authenticator();

 private:
  struct Entry {
    std::string secret_hash;
    std::string principal;
    bool revoked = false;
    std::string expires_at;  // RFC 3339 UTC, "" = never
    std::vector<std::string> actions;
    bool session = false;
  };
  static Entry EntryOf(const store::TokenRecord& t) {
    return {t.secret_hash, t.principal, t.revoked, t.expires_at, t.actions, t.kind == "session"};
  }
  absl::StatusOr<IssuedToken> IssueKind(std::string_view principal, std::string_view description,
                                        std::string_view actor, std::string_view expires,
                                        const std::vector<std::string>& actions,
                                        const Identity* issuer, std::string_view kind,
                                        std::string_view parent = {});
  explicit Authenticator(store::Store* store) : store_(store) {}
  // Reads every token from the store into the table.
  absl::Status LoadAll();

  store::Store* store_;
  const Consistency* consistency_ = nullptr;
  int commit_hook_ = 0;  // marks the tokens of deleted principals revoked
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> tokens_;  // by id; guarded by mu_
};

}  // namespace catalog::server
