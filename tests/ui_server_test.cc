// The web UI's server side (server/ui_session.h, server/ui_http.h): signing
// in and out, what a session cookie may do and from where, idle and
// narrower sessions, sign-in limits, and the UI's files and headers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "server/http_encoding.h"
#include "tests/http_answer.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

using Answer = testing::HttpAnswer;

const httplib::Headers kSameSite = {{"Sec-Fetch-Site", "same-origin"}};

class UiServer : public ::testing::Test {
 protected:
  void Start(const std::function<void(server::ServerConfig&)>& configure = {}) {
    ASSERT_TRUE(server_.Start(configure).ok());
    auto token = server_.Issue("user:admin");
    ASSERT_TRUE(token.ok());
    admin_token_ = *token;
  }

  Answer Do(const std::string& method, const std::string& path, httplib::Headers headers,
            const std::string& body = "", const std::string& type = "application/json") {
    return testing::HttpCall(server_.server().http_port(), method, path, headers, body, type);
  }

  // Signs in with `token`; the session cookie's value ("" if refused).
  std::string SignIn(const std::string& token, Answer* answer = nullptr) {
    Answer a = Do("POST", "/ui/session", kSameSite, json{{"token", token}}.dump());
    if (answer != nullptr) *answer = a;
    std::smatch m;
    std::string cookie = a.Header("Set-Cookie");
    if (!std::regex_search(cookie, m, std::regex("catalogd_session=([^;]+)"))) return "";
    return m[1];
  }
  static httplib::Headers With(const std::string& cookie, httplib::Headers extra = {}) {
    extra.emplace("Cookie", "theme=dark; catalogd_session=" + cookie);
    return extra;
  }

  testing::InProcessServer server_;
  std::string admin_token_;
};

TEST_F(UiServer, ATokenSignsInToASessionThatSignsOut) {
  Start();
  Answer signed_in;
  std::string cookie = SignIn(admin_token_, &signed_in);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(json::parse(signed_in.body)["principal"], "user:admin");
  std::string set_cookie = signed_in.Header("Set-Cookie");
  EXPECT_THAT(set_cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(set_cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(set_cookie, HasSubstr("; Path=/"));
  EXPECT_THAT(set_cookie, Not(HasSubstr("Secure")));  // plain HTTP here
  ASSERT_FALSE(cookie.empty());
  EXPECT_NE(cookie, admin_token_);  // a session of its own, not the token

  Answer who = Do("GET", "/ui/session", With(cookie));
  EXPECT_EQ(who.status, 200);
  EXPECT_EQ(json::parse(who.body)["signedIn"], true);
  EXPECT_EQ(json::parse(who.body)["principal"], "user:admin");
  EXPECT_EQ(json::parse(who.body)["method"], "session");
  EXPECT_EQ(json::parse(Do("GET", "/ui/session", {}).body)["signedIn"], false);
  // The JSON API takes the session.
  Answer ping = Do("POST", "/catalog.v1.CatalogService/Ping", With(cookie, kSameSite), "{}");
  EXPECT_EQ(ping.status, 200) << ping.body;
  EXPECT_EQ(ping.body, R"({"principal":"user:admin"})");

  // Signing out revokes it: the cookie is worth nothing after.
  Answer out = Do("DELETE", "/ui/session", With(cookie, kSameSite));
  EXPECT_EQ(out.status, 200);
  EXPECT_THAT(out.Header("Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_EQ(Do("POST", "/catalog.v1.CatalogService/Ping", With(cookie, kSameSite), "{}").status,
            401);
  EXPECT_EQ(json::parse(Do("GET", "/ui/session", With(cookie)).body)["signedIn"], false);
  // Both are in the audit log, by the one who signed in; the token list
  // shows the session as one.
  auto tokens = server_.admin().Call(&v1::TokenService::Stub::ListTokens, server_.admin().tokens(),
                                     v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok());
  int sessions = 0;
  for (const v1::Token& t : tokens->tokens()) {
    if (t.kind() != "session") continue;
    ++sessions;
    EXPECT_TRUE(t.revoked());
    EXPECT_EQ(t.principal(), "user:admin");
    EXPECT_FALSE(t.expires_at().empty());
  }
  EXPECT_EQ(sessions, 1);
  v1::ListAuditEventsRequest audit;
  audit.set_action("token.revoke");
  auto revoked = server_.admin().Call(&v1::AuditService::Stub::ListAuditEvents,
                                      server_.admin().audit(), audit);
  ASSERT_TRUE(revoked.ok());
  ASSERT_EQ(revoked->events_size(), 1);
  EXPECT_EQ(revoked->events(0).actor(), "user:admin");
}

TEST_F(UiServer, ACookieChangesNothingFromAnotherSite) {
  Start();
  std::string cookie = SignIn(admin_token_);
  ASSERT_FALSE(cookie.empty());
  const std::string apply = R"({"resources": [{"domain": {"path": "sales"}}]})";
  // No sign of where it came from, another site, or another origin: refused.
  for (const httplib::Headers& from :
       {httplib::Headers{}, httplib::Headers{{"Sec-Fetch-Site", "cross-site"}},
        httplib::Headers{{"Sec-Fetch-Site", "same-site"}},
        httplib::Headers{{"Origin", "http://evil.example"}}}) {
    Answer a = Do("POST", "/catalog.v1.CatalogService/Apply", With(cookie, from), apply);
    EXPECT_EQ(a.status, 403) << a.body;
    EXPECT_THAT(a.body, HasSubstr("must come from this site"));
  }
  auto domains = server_.admin().Call(&v1::CatalogService::Stub::ListDomains,
                                      server_.admin().catalog(), v1::ListRequest());
  ASSERT_TRUE(domains.ok());
  EXPECT_EQ(domains->domains_size(), 0);
  // From this site's pages: by Fetch Metadata, or by Origin.
  EXPECT_EQ(Do("POST", "/catalog.v1.CatalogService/Apply", With(cookie, kSameSite), apply).status,
            200);
  const std::string origin = "http://127.0.0.1:" + std::to_string(server_.server().http_port());
  EXPECT_EQ(Do("POST", "/catalog.v1.CatalogService/GetDomain",
               With(cookie, {{"Origin", origin}}), R"({"path": "sales"})")
                .status,
            200);
  // A read by GET needs no such proof: it changes nothing.
  EXPECT_EQ(Do("GET", "/catalog.v1.CatalogService/GetDomain?encoding=json&message=" +
                          httplib::detail::encode_query_param(R"({"path": "sales"})"),
               With(cookie))
                .status,
            200);
  // Nor can another site sign someone in, or out.
  EXPECT_EQ(Do("POST", "/ui/session", {{"Sec-Fetch-Site", "cross-site"}},
               json{{"token", admin_token_}}.dump())
                .status,
            403);
  EXPECT_EQ(Do("DELETE", "/ui/session", With(cookie, {{"Sec-Fetch-Site", "cross-site"}})).status,
            403);
  EXPECT_EQ(json::parse(Do("GET", "/ui/session", With(cookie)).body)["signedIn"], true);
}

TEST_F(UiServer, ACookieHoldsOnlyASessionAndSignInsAreChecked) {
  Start();
  // A token put in the cookie by hand is not a session.
  Answer api = Do("POST", "/catalog.v1.CatalogService/Ping", With(admin_token_, kSameSite), "{}");
  EXPECT_EQ(api.status, 401);
  EXPECT_THAT(api.body, HasSubstr("does not hold a session"));
  EXPECT_EQ(Do("POST", "/catalog.v1.CatalogService/Ping", With("x;y", kSameSite), "{}").status, 401);
  Answer bad;
  EXPECT_EQ(SignIn("tok_0000.nope", &bad), "");
  EXPECT_EQ(bad.status, 401);
  Answer wrong_type = Do("POST", "/ui/session", kSameSite, "token=x", "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong_type.status, 415);
  // Before anyone is known, a sign-in costs at most 4 KiB of body.
  Answer big = Do("POST", "/ui/session", kSameSite,
                  json{{"token", std::string(8192, 'x')}}.dump());
  EXPECT_EQ(big.status, 429);
  EXPECT_THAT(big.body, HasSubstr("larger than 4096 bytes"));
  Answer not_json = Do("POST", "/ui/session", kSameSite, "{");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_THAT(not_json.body, HasSubstr("{\\\"token\\\""));
}

TEST_F(UiServer, SignInsAreLimitedPerAddress) {
  Start();
  int limited = 0, first_limited = 0;
  for (int i = 1; i <= 12; ++i) {
    Answer a;
    SignIn("tok_0000.wrong", &a);
    if (a.status == 429) {
      if (limited++ == 0) first_limited = i;
      EXPECT_EQ(a.Header("Retry-After"), "60");
    } else {
      EXPECT_EQ(a.status, 401);
    }
  }
  EXPECT_EQ(first_limited, 11);  // ten a minute
  EXPECT_EQ(limited, 2);
  // The right token is limited too: guessing cannot go on by interleaving.
  Answer right;
  SignIn(admin_token_, &right);
  EXPECT_EQ(right.status, 429);
}

TEST_F(UiServer, ASessionIsNoWiderThanItsTokenAndEndsWhenIdle) {
  Start([](server::ServerConfig& c) { c.session_idle = "2s"; });
  // A token for reading only, for an hour: its session is as narrow.
  v1::CreateTokenRequest create;
  create.set_principal("user:admin");
  create.set_expires("1h");
  create.add_actions("catalog:read");
  auto limited = server_.admin().Call(&v1::TokenService::Stub::CreateToken,
                                      server_.admin().tokens(), create);
  ASSERT_TRUE(limited.ok()) << limited.status();
  Answer signed_in;
  std::string cookie = SignIn(limited->secret(), &signed_in);
  ASSERT_FALSE(cookie.empty()) << signed_in.body;
  EXPECT_LE(json::parse(signed_in.body)["expiresAt"].get<std::string>(),
            limited->token().expires_at());
  EXPECT_EQ(Do("POST", "/catalog.v1.CatalogService/ListDomains", With(cookie, kSameSite), "{}")
                .status,
            200);
  Answer write = Do("POST", "/catalog.v1.CatalogService/Apply", With(cookie, kSameSite),
                    R"({"resources": [{"domain": {"path": "sales"}}]})");
  EXPECT_EQ(write.status, 403) << write.body;
  // Used within the idle time, it lives on; left alone past it, it ends.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    EXPECT_EQ(json::parse(Do("GET", "/ui/session", With(cookie)).body)["signedIn"], true) << i;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  Answer idle = Do("GET", "/ui/session", With(cookie));
  EXPECT_EQ(json::parse(idle.body)["signedIn"], false);
  EXPECT_THAT(idle.body, HasSubstr("idle"));
  EXPECT_EQ(Do("POST", "/catalog.v1.CatalogService/ListDomains", With(cookie, kSameSite), "{}")
                .status,
            401);
  // Ended for good: revoked, not merely refused here.
  auto tokens = server_.admin().Call(&v1::TokenService::Stub::ListTokens,
                                     server_.admin().tokens(), v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok());
  for (const v1::Token& t : tokens->tokens()) {
    if (t.kind() == "session") {
      EXPECT_TRUE(t.revoked());
    }
  }
}

// A session ends with the token it was signed in with: revoking a leaked
// token also ends what it opened in a browser.
TEST_F(UiServer, RevokingTheTokenEndsItsSessions) {
  Start();
  auto alice = server_.Issue("user:alice");
  ASSERT_TRUE(alice.ok());
  std::string first = SignIn(*alice), second = SignIn(*alice);
  std::string admins = SignIn(admin_token_);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  auto ping = [&](const std::string& cookie) {
    return Do("POST", "/catalog.v1.CatalogService/Ping", With(cookie, kSameSite), "{}").status;
  };
  EXPECT_EQ(ping(first), 200);
  v1::RevokeTokenRequest revoke;
  revoke.set_id(alice->substr(0, alice->find('.')));
  ASSERT_TRUE(server_.admin().Call(&v1::TokenService::Stub::RevokeToken, server_.admin().tokens(),
                                   revoke).ok());
  EXPECT_EQ(ping(first), 401);
  EXPECT_EQ(ping(second), 401);
  EXPECT_EQ(json::parse(Do("GET", "/ui/session", With(first)).body)["signedIn"], false);
  // Another token's session goes on.
  EXPECT_EQ(ping(admins), 200);
  // Each session's end is in the audit log.
  v1::ListAuditEventsRequest events;
  events.set_action("token.revoke");
  auto revoked = server_.admin().Call(&v1::AuditService::Stub::ListAuditEvents,
                                      server_.admin().audit(), events);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->events_size(), 3);
}

TEST_F(UiServer, TheUiIsServedWithItsHeaders) {
  Start();
  Answer index = Do("GET", "/", {});
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("Cache-Control"), "no-cache");
  std::string csp = index.Header("Content-Security-Policy");
  EXPECT_THAT(csp, HasSubstr("script-src 'self'"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
  EXPECT_EQ(index.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(index.Header("Access-Control-Allow-Origin"), "");  // no CORS
  // The page names fingerprinted assets, immutable, gzip-compressed when asked.
  std::smatch js;
  ASSERT_TRUE(std::regex_search(index.body, js, std::regex("/assets/app-[0-9a-f]{16}\\.js")));
  Answer script = Do("GET", js.str(), {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(script.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.Header("Content-Encoding"), "gzip");  // on the wire: the next test
  Answer plain = Do("GET", js.str(), {});
  EXPECT_EQ(plain.Header("Content-Encoding"), "");
  EXPECT_TRUE(plain.body.find("catalog.v1.") != std::string::npos);
  EXPECT_EQ(Do("GET", "/assets/app-0000000000000000.js", {}).status, 404);
  EXPECT_EQ(Do("GET", "/assets/../data/admin.token", {}).status, 404);
  // The API's answers carry the same headers.
  Answer api = Do("POST", "/catalog.v1.CatalogService/Ping",
                  {{"Authorization", "Bearer " + admin_token_}}, "{}");
  EXPECT_EQ(api.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(api.Header("X-Frame-Options"), "DENY");
}

// Answers are encoded once: an asset already gzipped goes out as it is
// (not compressed again for a client that also takes Brotli), and a large
// JSON answer is gzipped for a client that takes gzip, and only then.
TEST_F(UiServer, AnswersAreEncodedOnceAndOnlyAsTheClientTakes) {
  Start();
  // The bytes on the wire, not decoded by the client.
  auto raw = [&](const std::string& method, const std::string& path, httplib::Headers headers,
                 const std::string& body = "") {
    httplib::Client http("127.0.0.1", server_.server().http_port());
    http.set_decompress(false);
    httplib::Result r = method == "GET" ? http.Get(path, headers)
                                        : http.Post(path, headers, body, "application/json");
    EXPECT_TRUE(r);
    return r ? Answer{r->status, r->body, r->headers} : Answer{};
  };
  auto encodings = [](const Answer& a) {
    std::vector<std::string> out;
    auto [from, to] = a.headers.equal_range("Content-Encoding");
    for (auto it = from; it != to; ++it) out.push_back(it->second);
    return out;
  };
  Answer index = Do("GET", "/", {});
  std::smatch js;
  ASSERT_TRUE(std::regex_search(index.body, js, std::regex("/assets/app-[0-9a-f]{16}\\.js")));
  Answer plain = raw("GET", js.str(), {});
  EXPECT_TRUE(encodings(plain).empty());
  Answer browser = raw("GET", js.str(), {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  EXPECT_THAT(encodings(browser), ::testing::ElementsAre("gzip"));
  EXPECT_EQ(server::Gunzip(browser.body), plain.body);

  const httplib::Headers auth = {{"Authorization", "Bearer " + admin_token_}};
  auto policies = [&](const std::string& accept) {
    httplib::Headers h = auth;
    if (!accept.empty()) h.emplace("Accept-Encoding", accept);
    return raw("POST", "/catalog.v1.PolicyService/GetPolicySet", h, "{}");
  };
  Answer identity = policies("");
  ASSERT_EQ(identity.status, 200) << identity.body;
  ASSERT_GT(identity.body.size(), 1024u);
  EXPECT_TRUE(encodings(identity).empty());
  Answer gzipped = policies("br, gzip");
  EXPECT_THAT(encodings(gzipped), ::testing::ElementsAre("gzip"));
  EXPECT_EQ(gzipped.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(server::Gunzip(gzipped.body), identity.body);
  EXPECT_LT(gzipped.body.size(), identity.body.size());
  EXPECT_TRUE(encodings(policies("gzip;q=0, br")).empty());
  EXPECT_THAT(encodings(policies("deflate, gzip;q=0.5")), ::testing::ElementsAre("gzip"));
  // A small answer is sent as it is.
  Answer ping = raw("POST", "/catalog.v1.CatalogService/Ping",
                    {{"Authorization", "Bearer " + admin_token_}, {"Accept-Encoding", "gzip, br"}},
                    "{}");
  EXPECT_TRUE(encodings(ping).empty());
  EXPECT_EQ(ping.Json()["principal"], "user:admin");
}

TEST_F(UiServer, UiDirServesTheFilesOnDisk) {
  testing::TempDir ui;
  testing::WriteFile(ui.path() / "index.html", "<!doctype html><title>dev</title>");
  Start([&](server::ServerConfig& c) { c.ui_dir = ui.path().string(); });
  Answer index = Do("GET", "/", {});
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>dev</title>");
  testing::WriteFile(ui.path() / "index.html", "<!doctype html><title>edited</title>");
  EXPECT_THAT(Do("GET", "/", {}).body, HasSubstr("edited"));
}

}  // namespace
}  // namespace catalog
