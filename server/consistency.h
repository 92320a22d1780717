// Consistency tokens: read-your-writes across catalogd replicas.
//
// Every answer carries, in the `x-catalog-consistency-token` trailing
// metadata, an opaque token naming the store (its id and epoch) and the
// catalog revision the answering catalogd had applied. A call that sends
// one back (as request metadata, on any replica) is answered only once that
// replica has applied the revision: it waits at most the consistency wait
// (2 s by default), else UNAVAILABLE names the revision it has, so the
// caller can retry there or elsewhere. A token from another store, or from
// before a restore or a failover that lost revisions (another epoch), is
// refused with FAILED_PRECONDITION: the history it speaks of is not this
// one. Not to be confused with bearer tokens: it grants nothing.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace catalog::authz {
class Authorizer;
}

namespace catalog::server {

inline constexpr char kConsistencyTokenHeader[] = "x-catalog-consistency-token";

struct ConsistencyToken {
  store::StoreIdentity store;
  int64_t revision = 0;
  bool operator==(const ConsistencyToken&) const = default;
};

std::string EncodeConsistencyToken(const ConsistencyToken& token);
// INVALID_ARGUMENT (naming the header) when `text` is not a token.
absl::StatusOr<ConsistencyToken> DecodeConsistencyToken(std::string_view text);

class Consistency {
 public:
  Consistency(store::Store* store, authz::Authorizer* authorizer)
      : store_(store), authorizer_(authorizer) {}

  // The token for what this catalogd has applied now.
  std::string Current() const;
  // Waits, for `waiter` ("user:alice"), until this catalogd has applied
  // the revision `token` names (see the file comment for the answers).
  absl::Status Await(std::string_view token, const std::string& waiter,
                     std::chrono::system_clock::time_point deadline) const;
  // The same for a call whose bearer token this catalogd does not know:
  // it may have been made on another replica, and this one may not have
  // applied its creation yet. Only on a shared store (a single catalogd
  // has applied all it made), for at most kUnknownWaiters such calls at a
  // time (kMaxWaitsPerCaller from one address): a caller nobody knows may
  // hold a few threads, never all. OK once applied (authenticate again);
  // UNAVAILABLE, naming no revision, when not by the consistency wait;
  // any other error: nothing to wait for, the call stays unauthenticated.
  absl::Status AwaitForUnknown(std::string_view token, std::string_view peer,
                               std::chrono::system_clock::time_point deadline) const;
  static constexpr int kUnknownWaiters = 32;

 private:
  store::Store* store_;
  authz::Authorizer* authorizer_;
};

}  // namespace catalog::server
