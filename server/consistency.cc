#include "server/consistency.h"

#include <atomic>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/authz/authorizer.h"

namespace catalog::server {
namespace {

constexpr std::string_view kPrefix = "ct1.";

absl::Status NotAToken() {
  return absl::InvalidArgumentError(
      StrCat(kConsistencyTokenHeader, ": not a consistency token (send back one an answer "
                                      "carried, unchanged)"));
}

}  // namespace

std::string EncodeConsistencyToken(const ConsistencyToken& t) {
  return StrCat(kPrefix, absl::WebSafeBase64Escape(StrCat(t.store.store_id, ".", t.store.epoch,
                                                          ".", t.revision)));
}

absl::StatusOr<ConsistencyToken> DecodeConsistencyToken(std::string_view text) {
  if (text.size() > 128 || text.substr(0, kPrefix.size()) != kPrefix) return NotAToken();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(text.substr(kPrefix.size())), &raw)) {
    return NotAToken();
  }
  std::vector<std::string> parts = absl::StrSplit(raw, '.');
  ConsistencyToken t;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &t.store.store_id) ||
      !absl::SimpleAtoi(parts[1], &t.store.epoch) || !absl::SimpleAtoi(parts[2], &t.revision) ||
      t.store.store_id <= 0 || t.store.epoch <= 0 || t.revision < 0) {
    return NotAToken();
  }
  return t;
}

std::string Consistency::Current() const {
  // Two reads without a lock: a reload between them may pair a revision
  // with the epoch after it. Such a token asks for at most a revision the
  // old history had; a replica then refuses it or waits its bound.
  const int64_t revision = store_->AppliedRevision();
  return EncodeConsistencyToken({.store = store_->Identity(), .revision = revision});
}

absl::Status Consistency::Await(std::string_view text, const std::string& waiter,
                                std::chrono::system_clock::time_point deadline) const {
  ASSIGN_OR_RETURN(ConsistencyToken token, DecodeConsistencyToken(text));
  const store::StoreIdentity here = store_->Identity();
  if (token.store.store_id != here.store_id) {
    return absl::FailedPreconditionError(
        StrCat(kConsistencyTokenHeader,
               ": the token is from another catalog store; read again without it"));
  }
  if (token.store.epoch != here.epoch) {
    return absl::FailedPreconditionError(StrCat(
        kConsistencyTokenHeader, ": the token is from epoch ", token.store.epoch,
        ", and the store is at epoch ", here.epoch,
        " (restored, or failed over and lost revisions); read again without it"));
  }
  return authorizer_->AwaitRevision(token.revision, waiter, deadline);
}

absl::Status Consistency::AwaitForUnknown(std::string_view text, std::string_view peer,
                                          std::chrono::system_clock::time_point deadline) const {
  static std::atomic<int> waiting{0};
  if (!store_->shared()) return absl::FailedPreconditionError("not a shared store");
  if (waiting.fetch_add(1) >= kUnknownWaiters) {
    waiting.fetch_sub(1);
    return absl::ResourceExhaustedError("too many unknown callers waiting");
  }
  absl::Cleanup done = [] { waiting.fetch_sub(1); };
  // One waiter per address, the port left off: gRPC's "ipv4:10.0.0.7:51234".
  std::string_view address = peer.substr(0, peer.rfind(':'));
  absl::Status reached = Await(text, StrCat("unauthenticated ", address), deadline);
  if (absl::IsUnavailable(reached)) {
    return absl::UnavailableError(
        "this catalogd has not yet applied the revision the consistency token names, and "
        "does not know the bearer token yet: retry, here or on another replica");
  }
  return reached;
}

}  // namespace catalog::server
