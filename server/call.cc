#include "server/call.h"

#include "absl/strings/str_join.h"
#include <grpc/grpc_security_constants.h>

#include <spdlog/spdlog.h>

#include "lib/util/metrics.h"
#include "lib/util/printable.h"
#include "lib/util/status_macros.h"
#include "server/bridged_call.h"
#include "server/consistency.h"
#include "server/peer_identity.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"

#include <algorithm>
#include <atomic>

namespace catalog::server {
namespace {
std::atomic<int> calls_in_flight{0};
// The serving thread's caller; nullptr: none.
thread_local const Identity* call_identity = nullptr;

// Whether the current call's token may be used for `action`.
bool TokenAllows(std::string_view action) {
  if (call_identity == nullptr || call_identity->actions.empty()) return true;
  return std::find(call_identity->actions.begin(), call_identity->actions.end(), action) !=
         call_identity->actions.end();
}
}  // namespace

internal::TokenLimit::TokenLimit(const Identity& caller)
    : previous_(call_identity), peer_(caller.peer) {
  call_identity = &caller;
}
internal::TokenLimit::~TokenLimit() { call_identity = previous_; }

const Identity* CallIdentity() { return call_identity; }

int CallsInFlight() { return calls_in_flight.load(std::memory_order_acquire); }

internal::InFlight::InFlight() { calls_in_flight.fetch_add(1); }
internal::InFlight::~InFlight() { calls_in_flight.fetch_sub(1); }

absl::StatusOr<Identity> AuthenticateWhenKnown(
    const Authenticator& auth, absl::StatusOr<Identity> failed, std::string_view authorization,
    std::string_view consistency_token, std::string_view peer,
    std::chrono::system_clock::time_point deadline,
    const std::function<absl::StatusOr<Identity>()>& authenticate) {
  const Consistency* consistency = auth.consistency();
  if (failed.ok() || consistency == nullptr || consistency_token.empty() ||
      !absl::IsUnauthenticated(failed.status()) || !auth.Unknown(authorization)) {
    return failed;
  }
  absl::Status reached = consistency->AwaitForUnknown(consistency_token, peer, deadline);
  if (reached.ok()) return authenticate();
  if (absl::IsUnavailable(reached)) return reached;
  return failed;
}

absl::StatusOr<Identity> internal::AdmitCall(const Authenticator& auth,
                                             grpc::ServerContext& context) {
  absl::StatusOr<Identity> caller = AuthenticateCall(auth, context);
  const Consistency* consistency = auth.consistency();
  auto sent = context.client_metadata().find(kConsistencyTokenHeader);
  const bool has_token =
      consistency != nullptr && sent != context.client_metadata().end();
  if (!caller.ok()) {
    // A bearer token made on another replica, used here with its
    // creation's consistency token before this one applied the creation.
    if (has_token) {
      caller = AuthenticateWhenKnown(
          auth, std::move(caller), AuthorizationHeader(context),
          std::string_view(sent->second.data(), sent->second.size()), PeerOf(context),
          DeadlineOf(context), [&] { return AuthenticateCall(auth, context); });
    }
    if (!caller.ok()) RecordAuthFailure("grpc", PeerOf(context), caller.status());
    return caller;
  }
  if (!has_token) return caller;
  // Authenticated first: waiting costs a thread, which only callers the
  // catalog knows may spend (and at most a few at a time each).
  absl::Status reached =
      consistency->Await(std::string_view(sent->second.data(), sent->second.size()),
                         caller->principal, DeadlineOf(context));
  if (!reached.ok()) {
    AddConsistencyToken(auth, context);
    return reached;
  }
  // Revocations up to that revision are in the token table now.
  caller = AuthenticateCall(auth, context);
  if (!caller.ok()) RecordAuthFailure("grpc", PeerOf(context), caller.status());
  return caller;
}

void internal::AddConsistencyToken(const Authenticator& auth, grpc::ServerContext& context) {
  if (const Consistency* c = auth.consistency()) {
    context.AddTrailingMetadata(kConsistencyTokenHeader, c->Current());
  }
}

absl::Status DatasetNotFound(const DatasetKey& key) {
  return absl::NotFoundError(StrCat("dataset \"", key.ToString(), "\" not found"));
}

absl::Status HiddenAsNotFound(const absl::Status& decided, const DatasetKey& key) {
  if (decided.ok() || decided.code() == absl::StatusCode::kUnavailable) return decided;
  return DatasetNotFound(key);
}

absl::StatusOr<store::PageRequest> PageOf(int32_t page_size,
                                          const std::string& page_token) {
  if (page_size < 0) {
    return absl::InvalidArgumentError("page_size: must not be negative");
  }
  return store::PageRequest{.page_size = page_size, .page_token = page_token};
}

policy::EntityUid CatalogRoot() { return {"Catalog", "catalog"}; }

namespace {

// The policies' answer on `snapshot`, with `extra` entities (if any) over
// its own: what Require and Permits share.
policy::Response DecideOn(const authz::Snapshot& snapshot, const policy::EntityUid& principal,
                          std::string_view action, const policy::EntityUid& resource,
                          const policy::Entities* extra) {
  policy::Request request{.principal = principal,
                          .action = authz::ActionUid(action),
                          .resource = resource};
  if (extra == nullptr) return snapshot.Authorize(request, snapshot.entities());
  policy::OverlayEntities view(snapshot.entities(), *extra);
  return snapshot.Authorize(request, view);
}

}  // namespace

absl::Status Require(const authz::Authorizer& authorizer,
                     const std::string& caller, std::string_view action,
                     const policy::EntityUid& resource,
                     const policy::Entities* extra) {
  absl::StatusOr<policy::EntityUid> principal = authz::PrincipalUid(caller);
  if (!principal.ok()) {
    return absl::PermissionDeniedError(StrCat(caller, " is not a principal"));
  }
  if (!TokenAllows(action)) {
    RETURN_IF_ERROR(authorizer.RecordDecision(caller, action, resource, false,
                                              authorizer.current()->revision()));
    return absl::PermissionDeniedError(
        StrCat(caller, " may not ", action, " ", resource.ToString(),
               ": the token of this call is limited to ",
               absl::StrJoin(call_identity->actions, ", ")));
  }
  if (!authorizer.ready()) {
    return absl::UnavailableError(authz::kStillLoading);
  }
  std::shared_ptr<const authz::Snapshot> s = authorizer.current();
  policy::Response r = DecideOn(*s, *principal, action, resource, extra);
  static Counter& allows = Metrics::Get().GetCounter(
      "catalogd_authz_decisions_total", "Authorization decisions by outcome",
      {{"source", "checked"}, {"decision", "allow"}});
  static Counter& denies = Metrics::Get().GetCounter(
      "catalogd_authz_decisions_total", "Authorization decisions by outcome",
      {{"source", "checked"}, {"decision", "deny"}});
  (r.allow ? allows : denies).Add();
  RETURN_IF_ERROR(authorizer.RecordDecision(caller, action, resource, r.allow,
                                            s->revision()));
  if (r.allow) return absl::OkStatus();
  std::string why = r.reasons.empty() ? "no policy permits it"
                                      : "forbidden by " + absl::StrJoin(r.reasons, ", ");
  return absl::PermissionDeniedError(StrCat(caller, " may not ", action, " ",
                                            resource.ToString(), ": ", why));
}

absl::Status RequireTokenAllows(const std::string& caller, std::string_view action) {
  if (TokenAllows(action)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      StrCat(caller, " may not ", action, ": the token of this call is limited to ",
             absl::StrJoin(call_identity->actions, ", ")));
}

absl::Status DecisionsReady(const authz::Authorizer& authorizer) {
  if (!authorizer.ready()) return absl::UnavailableError(authz::kStillLoading);
  return absl::OkStatus();
}

bool Permits(const authz::Authorizer& authorizer, const std::string& caller,
             std::string_view action, const policy::EntityUid& resource,
             const policy::Entities* extra) {
  absl::StatusOr<policy::EntityUid> principal = authz::PrincipalUid(caller);
  if (!principal.ok() || !authorizer.ready()) return false;
  return DecideOn(*authorizer.current(), *principal, action, resource, extra).allow;
}

bool AllowedOnEverything(const authz::Authorizer& authorizer,
                         const std::string& caller, std::string_view action) {
  absl::StatusOr<policy::EntityUid> principal = authz::PrincipalUid(caller);
  if (!principal.ok() || !authorizer.ready() || !TokenAllows(action)) return false;
  return authorizer.current()->AllowsEveryResource(*principal, authz::ActionUid(action));
}

std::chrono::system_clock::time_point DeadlineOf(
    const grpc::ServerContext& context) {
  return std::min(context.deadline(),
                  std::chrono::system_clock::now() + std::chrono::seconds(30));
}

namespace {
std::atomic<bool> client_certificates{false};
}  // namespace

static CertificateRules& Rules() {
  static CertificateRules rules;
  return rules;
}

void SetClientCertificates(bool required, CertificateRules rules) {
  Rules() = std::move(rules);  // before the flag: readers check it first
  client_certificates = required;
}

bool ClientCertificatesRequired() {
  return client_certificates.load(std::memory_order_relaxed);
}

absl::StatusOr<Identity> IdentityOf(const Authenticator& auth, const std::string& header,
                                    std::string_view certificate_pem) {
  if (certificate_pem.empty()) return auth.Authenticate(header);
  ASSIGN_OR_RETURN(CertificateIdentity certificate,
                   PrincipalOfCertificate(certificate_pem, Rules()));
  if (header.empty()) return Identity{.principal = certificate.principal, .peer = certificate.id};
  ASSIGN_OR_RETURN(Identity token, auth.Authenticate(header));
  if (token.principal != certificate.principal) {
    return absl::UnauthenticatedError(
        StrCat("the bearer token is ", token.principal,
               "'s but the client certificate names ", certificate.principal));
  }
  token.peer = certificate.id;
  return token;
}

absl::StatusOr<Identity> AuthenticateCall(const Authenticator& auth,
                                          const grpc::ServerContext& context) {
  std::string header = AuthorizationHeader(context);
  if (!ClientCertificatesRequired()) return auth.Authenticate(header);
  // Through the HTTP port: the certificate its TLS handshake verified.
  if (IsBridged(context)) return IdentityOf(auth, header, BridgedCertificate(context));
  std::shared_ptr<const grpc::AuthContext> peer = context.auth_context();
  std::vector<grpc::string_ref> pem =
      peer == nullptr ? std::vector<grpc::string_ref>()
                      : peer->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  return IdentityOf(auth, header,
                    pem.empty() ? std::string_view()
                                : std::string_view(pem[0].data(), pem[0].size()));
}

void RecordAuthFailure(std::string_view door, std::string_view peer,
                       const absl::Status& status) {
  static Counter& grpc_failures = Metrics::Get().GetCounter(
      "catalogd_auth_failures_total", "Calls refused because the caller could not be authenticated",
      {{"door", "grpc"}});
  static Counter& http_failures = Metrics::Get().GetCounter(
      "catalogd_auth_failures_total", "Calls refused because the caller could not be authenticated",
      {{"door", "http"}});
  bool http = door == "http";
  (http ? http_failures : grpc_failures).Add();
  // A guessing client must not flood the log: one line a second per door.
  static std::atomic<int64_t> last_ms[2] = {0, 0};
  static std::atomic<int64_t> unlogged[2] = {0, 0};
  int i = http ? 1 : 0;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t last = last_ms[i].load(std::memory_order_relaxed);
  if (now - last < 1000 || !last_ms[i].compare_exchange_strong(last, now)) {
    unlogged[i].fetch_add(1, std::memory_order_relaxed);
    return;
  }
  int64_t more = unlogged[i].exchange(0, std::memory_order_relaxed);
  spdlog::warn("authentication failed on the {} port from {}: {}{}", door, Printable(peer),
               Printable(MessageOf(status)),
               more > 0 ? StrCat(" (and ", more, " more since the last such line)") : "");
}

std::string AuthorizationHeader(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace catalog::server
