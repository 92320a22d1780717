// Web UI sessions on the HTTP port.
//
//   POST   /ui/session {"token": "tok_….…"}   sign in: a session cookie
//   GET    /ui/session                       who is signed in ({"signedIn": …})
//   DELETE /ui/session                       sign out: the session is revoked
//
// A session is a token of kind "session" (auth.h: no wider and no longer-
// lived than the token that signed in), kept in the store, so sign-out and
// expiry hold on every replica. Its bearer lives only in an HttpOnly,
// SameSite=Strict cookie (Secure under TLS). It ends at sign-out, after its
// lifetime (12 h), or after an idle time (30 min): each replica records
// when it last served it, in the store at most once a minute (or a quarter
// of the idle time), and asks the store before calling a session idle.
//
// A request that changes anything with the cookie must come from this
// site: Sec-Fetch-Site "same-origin", or else an Origin of this host. Under
// mutual TLS the client certificate is the sign-in: no cookie is needed.
// Sign-in attempts are limited per client address.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace catalog::store {
class Store;
}  // namespace catalog::store

namespace catalog::server {

class Authenticator;

inline constexpr char kSessionCookie[] = "catalogd_session";

class UiSessions {
 public:
  struct Options {
    std::chrono::seconds lifetime = std::chrono::hours(12);
    std::chrono::seconds idle = std::chrono::minutes(30);
    int sign_ins_per_minute = 10;  // per client address
    bool tls = false;              // Secure cookies, https origins
  };
  UiSessions(Authenticator& auth, store::Store& store, Options options);
  ~UiSessions();

  // Routes /ui/session; this object must outlive `http`.
  void Register(httplib::Server& http);

  // The `authorization` value for a request that has none of its own, from
  // its session cookie; "" without a cookie. `changes`: the request may
  // change something, so it must come from this site. UNAUTHENTICATED for
  // a session that ended (idle, expired, signed out); PERMISSION_DENIED for
  // a cross-site request.
  absl::StatusOr<std::string> AuthorizationOf(const httplib::Request& req, bool changes);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::server
