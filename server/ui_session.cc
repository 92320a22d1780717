#include "server/ui_session.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/auth.h"
#include "server/call.h"
#include "server/connect_error.h"
#include "server/http_body.h"
#include "server/http_peer.h"
#include "server/store/store.h"
#include "server/http_encoding.h"

namespace catalog::server {
namespace {

using SystemClock = std::chrono::system_clock;

// How often a replica records that it served a session: once a minute, or
// four times per idle timeout when that is shorter, so another replica
// never takes a session in use for an idle one.
std::chrono::seconds TouchEvery(std::chrono::seconds idle) {
  return std::min<std::chrono::seconds>(std::chrono::minutes(1), idle / 4);
}
constexpr size_t kMaxSignInBody = 4096;

void Answer(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  SetBody(nullptr, res, body.dump(), "application/json");
}

bool CookieSafe(std::string_view value) {
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return !value.empty();
}

// The value of cookie `name` in `req`'s Cookie header, "" when absent.
std::string CookieOf(const httplib::Request& req, const std::string& name) {
  std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view pair(header.data() + pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    pos = end + 1;
  }
  return "";
}

// Whether `req` comes from a page of this site (Sec-Fetch-Site, else
// Origin against Host).
bool SameOrigin(const httplib::Request& req, bool tls) {
  std::string site = req.get_header_value("Sec-Fetch-Site");
  if (!site.empty()) return site == "same-origin";
  std::string origin = req.get_header_value("Origin");
  std::string host = req.get_header_value("Host");
  return !origin.empty() && !host.empty() &&
         origin == StrCat(tls ? "https://" : "http://", host);
}

}  // namespace

class UiSessions::Impl {
 public:
  Impl(Authenticator& auth, store::Store& store, Options options)
      : auth_(auth), store_(store), options_(options) {}

  // The session a request's cookie holds, checked and its use recorded:
  // `header` is "" when there is no cookie.
  struct Session {
    std::string header;  // "Bearer …"
    Identity who;
  };
  absl::StatusOr<Session> SessionOf(const httplib::Request& req, bool changes) {
    std::string cookie = CookieOf(req, kSessionCookie);
    if (cookie.empty()) return Session{};
    if (changes && !SameOrigin(req, options_.tls)) {
      return absl::PermissionDeniedError(
          "a request with the session cookie that changes something must come from this "
          "site's pages (Sec-Fetch-Site or Origin)");
    }
    if (!CookieSafe(cookie)) return absl::UnauthenticatedError("malformed session cookie");
    Session s{.header = "Bearer " + cookie};
    absl::StatusOr<Identity> who = auth_.Authenticate(s.header);
    if (!who.ok()) return absl::UnauthenticatedError("not signed in: the session has ended");
    if (who->session.empty()) {
      return absl::UnauthenticatedError("the session cookie does not hold a session");
    }
    RETURN_IF_ERROR(Use(*who));
    s.who = *std::move(who);
    return s;
  }

  void Register(httplib::Server& http) {
    http.Post("/ui/session", [this](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) {
      SignIn(req, res, reader);
    });
    http.Get("/ui/session", [this](const httplib::Request& req, httplib::Response& res) {
      WhoAmI(req, res);
    });
    http.Delete("/ui/session", [this](const httplib::Request& req, httplib::Response& res) {
      SignOut(req, res);
    });
  }

 private:
  // A use of session `who`: refused when it has been idle too long on every
  // replica; recorded (in the store once a minute).
  absl::Status Use(const Identity& who) {
    const auto now = SystemClock::now();
    bool known = false, idle = true;
    bool persist = false;
    {
      std::lock_guard lock(mu_);
      auto it = seen_.find(who.session);
      if (it != seen_.end()) {
        known = true;
        idle = now - it->second.used > options_.idle;
      }
    }
    if (!known || idle) {
      // Another replica may have served it meanwhile: the store knows.
      absl::StatusOr<std::string> last = store_.SessionLastSeen(who.session);
      if (!last.ok()) return last.status();
      idle = last->empty() || *last < FormatRfc3339(now - options_.idle);
      if (idle) {
        absl::Status revoked = auth_.Revoke(who.session, who.principal);
        if (!revoked.ok() && revoked.code() != absl::StatusCode::kNotFound) {
          spdlog::warn("ending idle session {}: {}", who.session, MessageOf(revoked));
        }
        Forget(who.session);
        return absl::UnauthenticatedError(
            StrCat("not signed in: the session ended after ", options_.idle.count(),
                   " s idle"));
      }
    }
    {
      std::lock_guard lock(mu_);
      Activity& a = seen_[who.session];
      a.used = now;
      if (now - a.recorded >= TouchEvery(options_.idle)) {
        a.recorded = now;
        persist = true;
      }
      if (seen_.size() > 100'000) Sweep(now);
    }
    if (persist) {
      absl::Status touched = store_.TouchSession(who.session, FormatRfc3339(now));
      if (!touched.ok()) spdlog::warn("recording session use: {}", MessageOf(touched));
    }
    return absl::OkStatus();
  }

  void Forget(const std::string& session) {
    std::lock_guard lock(mu_);
    seen_.erase(session);
  }

  // Drops sessions idle longer than the timeout (mu_ held).
  void Sweep(SystemClock::time_point now) {
    for (auto it = seen_.begin(); it != seen_.end();) {
      it = now - it->second.used > options_.idle ? seen_.erase(it) : std::next(it);
    }
  }

  absl::Status Admit(const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    if (attempts_.size() > 10'000) {
      for (auto it = attempts_.begin(); it != attempts_.end();) {
        it = now - it->second.since > std::chrono::minutes(1) ? attempts_.erase(it)
                                                                : std::next(it);
      }
    }
    Attempts& a = attempts_[address];
    if (now - a.since > std::chrono::minutes(1)) a = {.since = now, .count = 0};
    if (a.count >= options_.sign_ins_per_minute) {
      return absl::ResourceExhaustedError(
          StrCat("too many sign-in attempts from ", address, ": at most ",
                 options_.sign_ins_per_minute, " a minute"));
    }
    ++a.count;
    return absl::OkStatus();
  }

  void SignIn(const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader& reader) {
    // Before the body is read: the connection closes with the answer.
    auto refuse = [&](const absl::Status& s, int http_status = 0) {
      ReplyError(res, s, http_status, /*close=*/true);
    };
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      return refuse(absl::InvalidArgumentError("Content-Type: must be application/json"), 415);
    }
    if (!SameOrigin(req, options_.tls)) {
      return refuse(absl::PermissionDeniedError(
          "sign in from this site's pages (Sec-Fetch-Site or Origin)"));
    }
    if (absl::Status admitted = Admit(req.remote_addr); !admitted.ok()) {
      res.set_header("Retry-After", "60");
      return refuse(admitted);
    }
    absl::StatusOr<std::string> body = ReadBody(req, reader, kMaxSignInBody);
    if (!body.ok()) return refuse(body.status());
    nlohmann::json request = nlohmann::json::parse(*body, nullptr, false);
    if (!request.is_object() || !request.contains("token") || !request["token"].is_string()) {
      return ReplyError(res, absl::InvalidArgumentError("body: must be {\"token\": \"…\"}"));
    }
    const std::string peer = StrCat(req.remote_addr, ":", req.remote_port);
    const std::string token = request["token"].get<std::string>();
    absl::StatusOr<Identity> caller = IdentityOf(
        auth_, "Bearer " + token,
        ClientCertificatesRequired() ? ClientCertificatePem(req) : std::string());
    if (!caller.ok()) {
      RecordAuthFailure("http", peer, caller.status());
      return ReplyError(res, caller.status());
    }
    // Known, so "<id>.<secret>": the session remembers the id, its parent.
    absl::StatusOr<IssuedToken> session = auth_.IssueSession(
        *caller, StrCat(options_.lifetime.count(), "s"), token.substr(0, token.find('.')));
    if (!session.ok()) return ReplyError(res, session.status());
    const auto now = SystemClock::now();
    if (absl::Status touched = store_.TouchSession(session->record.id, FormatRfc3339(now));
        !touched.ok()) {
      return ReplyError(res, touched);
    }
    {
      std::lock_guard lock(mu_);
      seen_[session->record.id] = {.used = now, .recorded = now};
    }
    res.set_header("Set-Cookie", StrCat(kSessionCookie, "=", session->bearer,
                                        "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                                        options_.lifetime.count(),
                                        options_.tls ? "; Secure" : ""));
    Answer(res, 200,
           {{"principal", caller->principal},
            {"method", "session"},
            {"expiresAt", session->record.expires_at}});
  }

  void WhoAmI(const httplib::Request& req, httplib::Response& res) {
    if (ClientCertificatesRequired()) {
      absl::StatusOr<Identity> who = IdentityOf(auth_, "", ClientCertificatePem(req));
      if (!who.ok()) return ReplyError(res, who.status());
      return Answer(res, 200,
                    {{"signedIn", true}, {"principal", who->principal}, {"method", "certificate"}});
    }
    // Not being signed in is an answer here, not an error: the page asks
    // this first, on every load.
    absl::StatusOr<Session> session = SessionOf(req, /*changes=*/false);
    if (!session.ok() || session->header.empty()) {
      return Answer(res, 200,
                    {{"signedIn", false},
                     {"reason", session.ok() ? "no session" : std::string(MessageOf(session.status()))}});
    }
    Answer(res, 200,
           {{"signedIn", true},
            {"principal", session->who.principal},
            {"method", "session"},
            {"expiresAt", session->who.expires_at}});
  }

  void SignOut(const httplib::Request& req, httplib::Response& res) {
    if (!SameOrigin(req, options_.tls)) {
      return ReplyError(res, absl::PermissionDeniedError(
                            "sign out from this site's pages (Sec-Fetch-Site or Origin)"));
    }
    res.set_header("Set-Cookie", StrCat(kSessionCookie, "=; Path=/; HttpOnly; SameSite=Strict; "
                                                        "Max-Age=0",
                                        options_.tls ? "; Secure" : ""));
    std::string cookie = CookieOf(req, kSessionCookie);
    absl::StatusOr<Identity> who =
        CookieSafe(cookie) ? auth_.Authenticate("Bearer " + cookie)
                           : absl::StatusOr<Identity>(absl::UnauthenticatedError(""));
    if (who.ok() && !who->session.empty()) {
      absl::Status revoked = auth_.Revoke(who->session, who->principal);
      if (!revoked.ok()) return ReplyError(res, revoked);
      Forget(who->session);
    }
    Answer(res, 200, nlohmann::json::object());
  }

  struct Activity {
    SystemClock::time_point used;      // last served here
    SystemClock::time_point recorded;  // last written to the store from here
  };
  struct Attempts {
    std::chrono::steady_clock::time_point since;
    int count = 0;
  };

  Authenticator& auth_;
  store::Store& store_;
  Options options_;
  std::mutex mu_;
  std::unordered_map<std::string, Activity> seen_;     // by session token id
  std::unordered_map<std::string, Attempts> attempts_; // by client address
};

UiSessions::UiSessions(Authenticator& auth, store::Store& store, Options options)
    : impl_(std::make_unique<Impl>(auth, store, options)) {}
UiSessions::~UiSessions() = default;

void UiSessions::Register(httplib::Server& http) { impl_->Register(http); }

absl::StatusOr<std::string> UiSessions::AuthorizationOf(const httplib::Request& req,
                                                        bool changes) {
  ASSIGN_OR_RETURN(Impl::Session session, impl_->SessionOf(req, changes));
  return session.header;
}

}  // namespace catalog::server
