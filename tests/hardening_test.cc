// Regression tests for the holes an attacker and a new user found (issue
// 12), through a real in-process catalogd: each case failed before its fix.
// Item numbers refer to that issue.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <fstream>
#include <thread>

#include "client/client.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using client::CatalogClient;
using CStub = v1::CatalogService::Stub;
using PStub = v1::PolicyService::Stub;

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start().ok()); }
  CatalogClient& admin() { return server_.admin(); }

  absl::StatusOr<v1::CreateTokenResponse> CreateToken(CatalogClient& c,
                                                      const std::string& principal,
                                                      const std::string& expires,
                                                      const std::vector<std::string>& actions) {
    v1::CreateTokenRequest req;
    req.set_principal(principal);
    req.set_expires(expires);
    for (const std::string& a : actions) req.add_actions(a);
    return c.Call(&v1::TokenService::Stub::CreateToken, c.tokens(), req);
  }
  bool Ping(CatalogClient& c) {
    return c.Call(&CStub::Ping, c.catalog(), v1::PingRequest()).ok();
  }
  std::string Metrics() {
    httplib::Client http("127.0.0.1", server_.server().http_port());
    auto res = http.Get("/metrics");
    return res ? res->body : "";
  }

  testing::InProcessServer server_;
};

// Peak resident memory of this process (the server runs in it), in bytes.
int64_t PeakRss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

// Sends `head` and then `body` `repeat` times on a fresh connection to the
// HTTP port and returns the status line's code (0 if none came).
int RawHttp(int port, const std::string& head, const std::string& body, int repeat = 1) {
  int fd = testing::DialLoopback(port);
  if (fd < 0) return 0;
  timeval tv{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  // The server may stop reading and close: sending then stops.
  if (testing::SendAll(fd, head)) {
    for (int i = 0; i < repeat && testing::SendAll(fd, body); ++i) {
    }
  }
  std::string reply;
  char buf[4096];
  while (reply.find("\r\n") == std::string::npos) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (reply.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(reply.substr(9, 3));
}

// `zeros` zero bytes, gzip-compressed (about a thousandth of the size).
std::string GzipOfZeros(size_t zeros) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string in(1 << 20, '\0'), out;
  char buf[1 << 16];
  for (size_t left = zeros; left > 0;) {
    size_t n = std::min(left, in.size());
    left -= n;
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof(buf);
      deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
      out.append(buf, sizeof(buf) - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// #1: a 30,000-digit scalar overflowed the stack (std::regex recursion),
// and a token limited to lineage:write got as far as parsing.
TEST_F(HardeningTest, F01_LongScalarsInContractsAreAnswerNotACrash) {
  const std::string digits(30000, '1');
  for (const std::string& doc :
       {"foo: " + digits + "\n",
        "apiVersion: v3.1.0\nkind: DataContract\nid: x\nstatus: active\nversion: " + digits +
            ".0.0\n"}) {
    v1::PutContractRequest put;
    put.set_document(doc);
    auto r = admin().Call(&v1::ContractService::Stub::PutContract, admin().contracts(), put);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    EXPECT_TRUE(Ping(admin()));
  }
  auto limited = CreateToken(admin(), "user:admin", "", {"lineage:write"});
  ASSERT_TRUE(limited.ok()) << limited.status();
  auto pipeline = server_.Connect(limited->secret());
  v1::PutContractRequest put;
  put.set_document("foo: " + digits + "\n");
  auto r = pipeline->Call(&v1::ContractService::Stub::PutContract, pipeline->contracts(), put);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("limited to lineage:write"));
}

// #2: a gzip bomb or an endless chunked body was read whole, before any
// limit and before authentication.
TEST_F(HardeningTest, F02_BodiesAreReadAfterAuthenticationAndNoFurtherThanTheLimit) {
  const int port = server_.server().http_port();
  auto token = server_.Issue("user:admin");
  ASSERT_TRUE(token.ok());
  const std::string bomb = GzipOfZeros(size_t{256} << 20);  // 256 MB inflated
  ASSERT_LT(bomb.size(), size_t{1} << 20);
  const std::string gzip =
      "Content-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n";
  const std::string chunk = "100000\r\n" + std::string(1 << 20, ' ') + "\r\n";
  int64_t before = PeakRss();
  // OpenLineage's route, and the JSON API's (which answers as Connect does:
  // 429 for resource_exhausted).
  for (const auto& [path, too_big] : {std::pair<std::string, int>{"/api/v1/lineage", 413},
                                     {"/catalog.v1.CatalogService/Apply", 429}}) {
    SCOPED_TRACE(path);
    auto head = [&](const std::string& auth, const std::string& extra) {
      return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
             auth + extra + "\r\n";
    };
    EXPECT_EQ(RawHttp(port, head("", gzip), bomb), 401);
    EXPECT_EQ(RawHttp(port, head("Authorization: Bearer " + *token + "\r\n", gzip), bomb),
              too_big);
    // Chunked, 64 chunks of 1 MiB with no end in sight of the 8 MiB limit.
    EXPECT_EQ(RawHttp(port,
                      head("Authorization: Bearer " + *token + "\r\n",
                           "Transfer-Encoding: chunked\r\n"),
                      chunk, 64),
              too_big);
    // A declared length past the limit is refused before a byte is read.
    EXPECT_EQ(RawHttp(port,
                      head("Authorization: Bearer " + *token + "\r\n",
                           "Content-Length: 99999999999\r\n"),
                      ""),
              too_big);
  }
  // Bodies sent anywhere else are not read at all.
  EXPECT_EQ(RawHttp(port,
                    "POST /metrics HTTP/1.1\r\nHost: x\r\n" + gzip + "\r\n", bomb),
            404);
  // Inflating the bomb once would have taken 256 MB. (Under AddressSanitizer
  // freed memory sits in its quarantine, so resident memory says nothing
  // there; the answers above still hold.)
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(PeakRss() - before, int64_t{96} << 20);
#else
  (void)before;
#endif
  EXPECT_TRUE(Ping(admin()));
}

// #3: every made-up method path became a metrics label.
TEST_F(HardeningTest, F03_MadeUpMethodsShareOneMetricsLabel) {
  auto channel = grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server_.server().grpc_port()),
      grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::ByteBuffer response;
    grpc::Slice slice("x");
    grpc::ByteBuffer request(&slice, 1);
    std::string method = "/catalog.v1.Made" + std::string(2000, 'u') + std::to_string(i) + "/X";
    grpc::Status s;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     std::lock_guard lock(mu);
                     s = status;
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  std::string metrics = Metrics();
  EXPECT_EQ(metrics.find("Madeuuu"), std::string::npos);
  EXPECT_THAT(metrics, HasSubstr("method=\"unknown\""));
  EXPECT_LT(metrics.size(), size_t{64} << 10);
  ASSERT_TRUE(Ping(admin()));
  EXPECT_THAT(Metrics(), HasSubstr("method=\"/catalog.v1.CatalogService/Ping\""));
}

// #5: a min_revision no commit will reach held a handler thread for 30 s.
TEST_F(HardeningTest, F05_ARevisionBeyondTheHeadIsRefusedAtOnce) {
  auto start = std::chrono::steady_clock::now();
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"admin\"");
  ask.set_action("read");
  ask.set_resource("Dataset::\"pg/orders\"");
  ask.set_min_revision(1'000'000);
  auto r = admin().Call(&PStub::Authorize, admin().policies(), ask);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("min_revision: 1000000 is beyond the catalog's head revision"));
  v1::BatchAuthorizeRequest batch;
  *batch.add_requests() = ask;
  batch.set_min_revision(1'000'000);
  EXPECT_EQ(admin().Call(&PStub::BatchAuthorize, admin().policies(), batch).status().code(),
            absl::StatusCode::kOutOfRange);
  v1::AuthorizeReadRequest read;
  read.set_principal("User::\"admin\"");
  read.mutable_dataset()->set_namespace_("pg");
  read.mutable_dataset()->set_name("orders");
  read.set_min_revision(1'000'000);
  EXPECT_EQ(admin().Call(&PStub::AuthorizeRead, admin().policies(), read).status().code(),
            absl::StatusCode::kOutOfRange);
  // Not one of them waited (each would have waited up to 30 s).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  // A revision the catalog has is answered as before.
  ask.set_min_revision(1);
  EXPECT_TRUE(admin().Call(&PStub::Authorize, admin().policies(), ask).ok());
}

// #8: "postgres:" + "/hr-db:5432/hr.public.salaries" was the same policy
// entity as "postgres://hr-db:5432" + "hr.public.salaries": the
// look-alike's owner could read the original, and deleting one removed the
// other's entity. Now a look-alike of an existing dataset is refused, and
// one on its own is another entity.
TEST_F(HardeningTest, F08_LookAlikeKeysAreRefusedAndNeverShareAnEntity) {
  auto alice = server_.As("user:alice");
  auto mallory = server_.As("user:mallory");
  ASSERT_TRUE(alice.ok() && mallory.ok());
  auto dataset = [](const std::string& ns, const std::string& name, const std::string& owner) {
    v1::ApplyRequest req;
    v1::Dataset* d = req.add_resources()->mutable_dataset();
    d->mutable_key()->set_namespace_(ns);
    d->mutable_key()->set_name(name);
    v1::Owner* o = d->mutable_spec()->add_owners();
    o->set_principal(owner);
    o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
    return req;
  };
  const auto original = dataset("postgres://hr-db:5432", "hr.public.salaries", "user:alice");
  const auto look_alike = dataset("postgres:", "/hr-db:5432/hr.public.salaries", "user:mallory");
  ASSERT_TRUE(admin().Call(&CStub::Apply, admin().catalog(), original).ok());
  auto planted = (*mallory)->Call(&CStub::Apply, (*mallory)->catalog(), look_alike);
  EXPECT_EQ(planted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(planted.status().message()),
              HasSubstr("as dataset namespace \"postgres://hr-db:5432\" name "
                        "\"hr.public.salaries\" is"));
  // Nor from lineage: the event is refused whole.
  auto etl = server_.As("serviceaccount:etl");
  ASSERT_TRUE(etl.ok());
  v1::IngestRequest ingest;
  ingest.add_events(testing::RunEventJson("COMPLETE", "01890000-0000-7000-8000-000000000008", 1,
                                          {}, {{"/hr-db:5432/hr.public.salaries"}}, "plant",
                                          "etl", "postgres:"));
  EXPECT_EQ((*etl)->Call(&v1::LineageService::Stub::Ingest, (*etl)->lineage(), ingest)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);

  auto ask = [&](CatalogClient& c, const std::string& who) {
    v1::AuthorizeRequest req;
    req.set_principal("User::\"" + who + "\"");
    req.set_action("write");
    req.set_resource("Dataset::\"postgres://hr-db:5432/hr.public.salaries\"");
    auto r = c.Call(&PStub::Authorize, c.policies(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->decision() == v1::DECISION_ALLOW;
  };
  EXPECT_TRUE(ask(**alice, "alice"));
  EXPECT_FALSE(ask(**mallory, "mallory"));
  // A look-alike on its own (the original gone) is an entity of its own:
  // it lends its owner nothing under the original's name.
  v1::DeleteDatasetRequest del;
  *del.mutable_key() = original.resources(0).dataset().key();
  ASSERT_TRUE(admin().Call(&CStub::DeleteDataset, admin().catalog(), del).ok());
  ASSERT_TRUE((*mallory)->Call(&CStub::Apply, (*mallory)->catalog(), look_alike).ok());
  EXPECT_FALSE(ask(**mallory, "mallory"));
  EXPECT_EQ(admin().Call(&CStub::Apply, admin().catalog(), original).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// #12: the tokens of a deleted principal kept working.
TEST_F(HardeningTest, F12_DeletingAPrincipalRevokesItsTokens) {
  auto bob = server_.As("user:bob");
  ASSERT_TRUE(bob.ok());
  ASSERT_TRUE(Ping(**bob));
  v1::DeletePrincipalRequest del;
  del.set_kind(v1::PRINCIPAL_KIND_USER);
  del.set_name("bob");
  ASSERT_TRUE(admin().Call(&CStub::DeletePrincipal, admin().catalog(), del).ok());
  auto refused = (*bob)->Call(&CStub::Ping, (*bob)->catalog(), v1::PingRequest());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  auto tokens = admin().Call(&v1::TokenService::Stub::ListTokens, admin().tokens(),
                             v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok());
  for (const v1::Token& t : tokens->tokens()) {
    if (t.principal() == "user:bob") {
      EXPECT_TRUE(t.revoked()) << t.id();
    }
  }
  // Reapplying bob does not bring the old token back.
  ASSERT_TRUE(server_.As("user:bob").ok());
  EXPECT_FALSE(Ping(**bob));
}

// #14: a second catalogd bound the same ports (SO_REUSEPORT) and the two
// answered alternately.
TEST_F(HardeningTest, F14_PortsInUseRefuseToStart) {
  const int grpc_port = server_.server().grpc_port();
  const int http_port = server_.server().http_port();
  testing::InProcessServer second;
  absl::Status s = second.Start([&](server::ServerConfig& c) {
    c.listen = "127.0.0.1:" + std::to_string(grpc_port);
  });
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("listen: cannot bind"));
  testing::InProcessServer third;
  s = third.Start([&](server::ServerConfig& c) {
    c.http_listen = "127.0.0.1:" + std::to_string(http_port);
  });
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("http-listen: cannot bind"));
  EXPECT_TRUE(Ping(admin()));
}

// #21: a limited, expiring token minted an unlimited, eternal one.
TEST_F(HardeningTest, F21_ATokenMintsNoWiderToken) {
  auto limited = CreateToken(admin(), "user:admin", "1h", {"catalog:read", "catalog:write"});
  ASSERT_TRUE(limited.ok()) << limited.status();
  auto c = server_.Connect(limited->secret());
  auto minted = CreateToken(*c, "user:admin", "", {});
  ASSERT_TRUE(minted.ok()) << minted.status();
  EXPECT_EQ(minted->token().expires_at(), limited->token().expires_at());
  EXPECT_THAT(std::vector<std::string>(minted->token().actions().begin(),
                                       minted->token().actions().end()),
              ::testing::ElementsAre("catalog:read", "catalog:write"));
  auto wider = CreateToken(*c, "user:admin", "", {"policy:write"});
  EXPECT_EQ(wider.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(wider.status().message()), HasSubstr("actions: \"policy:write\""));
  auto longer = CreateToken(*c, "user:admin", "90d", {"catalog:read"});
  EXPECT_EQ(longer.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(longer.status().message()), HasSubstr("expires:"));
  auto narrower = CreateToken(*c, "user:admin", "30m", {"catalog:read"});
  EXPECT_TRUE(narrower.ok()) << narrower.status();
}

// #25: a data directory anyone could write to was used as it was.
TEST(DataDir, UnsafeDirectoriesAndFilesAreRefused) {
  auto start = [](const fs::path& data) {
    testing::InProcessServer server;
    return server.Start([&](server::ServerConfig& c) { c.data_dir = data.string(); });
  };
  testing::TempDir dir;
  fs::path open = dir.path() / "open";
  fs::create_directories(open);
  ASSERT_EQ(chmod(open.c_str(), 0777), 0);
  testing::WriteFile(open / "admin.token", "tok_planted.secret\n");
  absl::Status s = start(open);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("is writable by group or others (mode 0777)"));

  fs::path linked = dir.path() / "linked";
  fs::create_directories(linked);
  ASSERT_EQ(chmod(linked.c_str(), 0700), 0);
  testing::WriteFile(dir.path() / "elsewhere.db", "");
  fs::create_symlink(dir.path() / "elsewhere.db", linked / "catalog.db");
  s = start(linked);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("is not a regular file"));

  fs::path writable = dir.path() / "writable";
  fs::create_directories(writable);
  ASSERT_EQ(chmod(writable.c_str(), 0700), 0);
  testing::WriteFile(writable / "catalog.db", "");
  ASSERT_EQ(chmod((writable / "catalog.db").c_str(), 0666), 0);
  s = start(writable);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("catalog.db\" is writable by group"));

  if (geteuid() == 0) {  // planted by another user
    fs::path foreign = dir.path() / "foreign";
    fs::create_directories(foreign);
    ASSERT_EQ(chmod(foreign.c_str(), 0700), 0);
    ASSERT_EQ(chown(foreign.c_str(), 65534, 65534), 0);
    s = start(foreign);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(s.message()), HasSubstr("is owned by uid 65534"));
  }
  // A private directory is fine, and a fresh one is made private.
  fs::path fresh = dir.path() / "fresh" / "data";
  EXPECT_TRUE(start(fresh).ok());
  EXPECT_EQ(fs::status(fresh).permissions() & fs::perms::all, fs::perms::owner_all);
}

// #28: failed authentications were neither logged nor counted on HTTP.
TEST_F(HardeningTest, F28_FailedAuthenticationsAreCounted) {
  auto stranger = server_.Connect("tok_nobody.secret");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Ping(*stranger));
  httplib::Client http("127.0.0.1", server_.server().http_port());
  for (int i = 0; i < 2; ++i) {
    auto res = http.Post("/api/v1/lineage", {{"Authorization", "Bearer tok_x.y"}}, "{}",
                         "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  std::string metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("catalogd_auth_failures_total{door=\"grpc\"} 3"));
  EXPECT_THAT(metrics, HasSubstr("catalogd_auth_failures_total{door=\"http\"} 2"));
}

}  // namespace
}  // namespace catalog
