// What every RPC handler does: authenticate the caller, ask the policy
// engine whether it may act on what the call touches, run the handler body,
// and convert its status at the edge.
#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/grpc_status.h"
#include "server/peer_identity.h"
#include "server/store/store.h"

namespace catalog::server {

// PERMISSION_DENIED, naming the determining policies, unless the policies
// let `caller` ("user:alice") do `action` on `resource` — and the call's
// token is not limited to other actions — decided on the
// current authorization snapshot (plus `extra` entities, e.g. an object a
// write proposes to create).
absl::Status Require(const authz::Authorizer& authorizer,
                     const std::string& caller, std::string_view action,
                     const policy::EntityUid& resource,
                     const policy::Entities* extra = nullptr);

// PERMISSION_DENIED when the token of this call is limited to actions other
// than `action`. Costs nothing: handlers call it before expensive work
// (parsing a document) whose resource is not known yet; Require still
// decides once the resource is.
absl::Status RequireTokenAllows(const std::string& caller, std::string_view action);

// UNAVAILABLE until the first authorization snapshot is loaded. Calls that
// filter by a decision (MayRead, Permits, a lineage Redactor) or look
// entities up in the snapshot ask first: before it, a list would be empty,
// a dataset absent, a lineage graph all placeholders and an ingest refused
// (or its facts taken for observations), where the answer is "retry".
absl::Status DecisionsReady(const authz::Authorizer& authorizer);

// Whether the policies let `caller` do `action` on `resource` on the
// current snapshot, recording nothing and ignoring the call's token (for
// checks made on another thread, such as the lineage writer's: the caller
// checks its token first). False when unsure.
// `extra` entities overlay the snapshot's, as in Require.
bool Permits(const authz::Authorizer& authorizer, const std::string& caller,
             std::string_view action, const policy::EntityUid& resource,
             const policy::Entities* extra = nullptr);

// Whether the policies let `caller` do `action` on every resource (see
// Snapshot::AllowsEveryResource), so a list need not be decided item by
// item. False when unsure.
bool AllowedOnEverything(const authz::Authorizer& authorizer,
                         const std::string& caller, std::string_view action);

// What a caller is told of a dataset that does not exist, or that it may
// not read: the same words.
absl::Status DatasetNotFound(const DatasetKey& key);

// A refused read of `key`, answered as an absent dataset; except when no
// decision can be made yet (the first snapshot is loading): that is
// UNAVAILABLE, for absent datasets alike, so it tells nothing either.
absl::Status HiddenAsNotFound(const absl::Status& decided, const DatasetKey& key);

// A page of a List call; INVALID_ARGUMENT for a negative page_size.
absl::StatusOr<store::PageRequest> PageOf(int32_t page_size,
                                          const std::string& page_token);

// The catalog-wide resource for operations on no single object (policies,
// the audit log).
policy::EntityUid CatalogRoot();

// The call's deadline, capped at 30 s from now: how long a handler may wait
// (for a catalog revision, say) on the caller's behalf.
std::chrono::system_clock::time_point DeadlineOf(const grpc::ServerContext& context);

// The `authorization` metadata of a call, or "" when absent.
std::string AuthorizationHeader(const grpc::ServerContext& context);

// Handler calls running right now, process-wide (for graceful shutdown).
int CallsInFlight();

namespace internal {
// Who the call this thread is serving is from (its token's action limits
// and expiry, see Identity), for as long as it lives; Require refuses
// actions the token is not limited to, and the audit events the call writes
// name its certificate identity.
class TokenLimit {
 public:
  explicit TokenLimit(const Identity& caller);
  ~TokenLimit();

 private:
  const Identity* previous_;
  store::AuditPeer peer_;
};

// Counts a handler call for as long as it lives.
class InFlight {
 public:
  InFlight();
  ~InFlight();
};
}  // namespace internal

// Who the call is from: its client certificate's principal under mutual
// TLS (a bearer token sent too must be that principal's, and its action
// limits apply), else its bearer token's.
absl::StatusOr<Identity> AuthenticateCall(const Authenticator& auth,
                                          const grpc::ServerContext& context);
// Whether clients present certificates (mutual TLS); set once at start, so
// calls on a server without it skip the certificate lookup.
// `rules` say which certificate names which principal (peer_identity.h).
void SetClientCertificates(bool required, CertificateRules rules = {});
bool ClientCertificatesRequired();
// Who a caller is from its `authorization` header and its client
// certificate (PEM; empty without one): the certificate's principal, whose
// token, if one is sent too, must be that principal's; else the token's.
// Serves both ports.
absl::StatusOr<Identity> IdentityOf(const Authenticator& auth, const std::string& header,
                                    std::string_view certificate_pem);

// A caller refused as unauthenticated (`failed`) whose bearer token this
// catalogd has never seen, sent with a consistency token: the token may
// have been made on another replica whose revision this one has not
// applied. Waits for it (Consistency::AwaitForUnknown: a shared store
// only, a few such callers at a time) and returns authenticate() again;
// UNAVAILABLE when the wait ran out. Anything else returns `failed`.
// Serves both ports, before a byte of a request's body is read.
absl::StatusOr<Identity> AuthenticateWhenKnown(
    const Authenticator& auth, absl::StatusOr<Identity> failed, std::string_view authorization,
    std::string_view consistency_token, std::string_view peer,
    std::chrono::system_clock::time_point deadline,
    const std::function<absl::StatusOr<Identity>()>& authenticate);

// The identity of the call this thread is serving (nullptr outside one).
const Identity* CallIdentity();

// Counts a failed authentication on `door` ("grpc" or "http") in
// catalogd_auth_failures_total{door}, and logs it (from `peer`, with the
// reason), at most once a second per door with a count of those not logged.
void RecordAuthFailure(std::string_view door, std::string_view peer,
                       const absl::Status& status);

// Authenticates the call, runs `body(caller)` and converts its status.
// Authorization is the body's: it knows which resources the call touches
// (Require also holds it to what the caller's token is limited to).
namespace internal {
// Authenticates the call; with a consistency token (consistency.h), waits
// for its revision and authenticates again, so a token revoked at or
// before that revision is refused.
absl::StatusOr<Identity> AdmitCall(const Authenticator& auth, grpc::ServerContext& context);
// Adds the consistency token of what this catalogd has applied to the
// answer.
void AddConsistencyToken(const Authenticator& auth, grpc::ServerContext& context);
}  // namespace internal

template <typename Fn>
grpc::Status Serve(const Authenticator& auth, grpc::ServerContext* context,
                   Fn&& body) {
  internal::InFlight counted;
  absl::StatusOr<Identity> caller = internal::AdmitCall(auth, *context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  internal::TokenLimit limit(*caller);
  absl::Status done = body(caller->principal);
  internal::AddConsistencyToken(auth, *context);
  return ToGrpcStatus(done);
}

}  // namespace catalog::server
