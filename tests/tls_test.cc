// TLS and mutual TLS on both ports: a client certificate's SAN names the
// principal; no certificate, another CA's, an expired one, one without a
// SAN, and a token or metadata claiming someone else are all refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <set>

#include "client/client.h"
#include "server/server.h"
#include "tests/certs.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using client::CatalogClient;
using testing::MakeCa;
using testing::MakeCert;
using testing::Pem;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = MakeCa("catalog test CA");
    other_ca_ = MakeCa("someone else's CA");
    Pem server = MakeCert(ca_, "catalogd", {"DNS:localhost", "IP:127.0.0.1"});
    testing::WriteFile(dir_.path() / "server.crt", server.cert);
    testing::WriteFile(dir_.path() / "server.key", server.key);
    testing::WriteFile(dir_.path() / "ca.crt", ca_.cert);
  }

  server::ServerConfig Config(bool mutual) const {
    server::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.http_listen = "127.0.0.1:0";
    config.data_dir = (dir_.path() / "data").string();
    config.policies_dir = (testing::SourceDir() / "policies").string();
    config.tls_cert = (dir_.path() / "server.crt").string();
    config.tls_key = (dir_.path() / "server.key").string();
    if (mutual) config.client_ca = (dir_.path() / "ca.crt").string();
    config.trust_domain = "example.org";
    config.client_namespace = "data";
    return config;
  }

  void Start(bool mutual) {
    auto s = server::CatalogServer::Start(Config(mutual));
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    admin_token_ = testing::ReadFile(server_->admin_token_path());
    admin_token_.pop_back();
  }

  std::string Address() const {
    return "127.0.0.1:" + std::to_string(server_->grpc_port());
  }

  // Ping as the holder of `cert` (none when empty), with `token`.
  absl::StatusOr<v1::PingResponse> Ping(const Pem* cert, const std::string& token = "",
                                        bool plaintext = false) {
    CatalogClient::Options o{.address = Address(), .token = token,
                             .timeout = std::chrono::seconds(5)};
    if (!plaintext) o.ca_pem = ca_.cert;
    if (cert != nullptr) {
      o.cert_pem = cert->cert;
      o.key_pem = cert->key;
    }
    auto c = CatalogClient::Connect(o);
    if (!c.ok()) return c.status();
    return (*c)->Call(&v1::CatalogService::Stub::Ping, (*c)->catalog(), v1::PingRequest());
  }

  testing::TempDir dir_;
  Pem ca_, other_ca_;
  std::unique_ptr<server::CatalogServer> server_;
  std::string admin_token_;
};

TEST_F(TlsTest, TlsServesTokensAndRefusesPlaintext) {
  Start(/*mutual=*/false);
  auto ok = Ping(nullptr, admin_token_);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->principal(), "user:admin");
  EXPECT_FALSE(Ping(nullptr, admin_token_, /*plaintext=*/true).ok());
  // The HTTP port speaks TLS with the same certificate.
  httplib::SSLClient http("127.0.0.1", server_->http_port());
  http.set_ca_cert_path((dir_.path() / "ca.crt").c_str());
  http.enable_server_certificate_verification(true);
  auto res = http.Get("/healthz");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
}

TEST_F(TlsTest, ClientCertificatesNamePrincipals) {
  Start(/*mutual=*/true);
  Pem spiffe = MakeCert(ca_, "etl", {"URI:spiffe://example.org/ns/data/sa/etl"});
  auto r = Ping(&spiffe);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->principal(), "serviceaccount:etl");
  // The HTTP port takes the certificate's principal too: a pipeline posts
  // OpenLineage events with its certificate and no token.
  testing::WriteFile(dir_.path() / "etl.crt", spiffe.cert);
  testing::WriteFile(dir_.path() / "etl.key", spiffe.key);
  httplib::SSLClient http("127.0.0.1", server_->http_port(),
                          (dir_.path() / "etl.crt").string(),
                          (dir_.path() / "etl.key").string());
  http.set_ca_cert_path((dir_.path() / "ca.crt").c_str());
  http.enable_server_certificate_verification(true);
  std::string event = testing::RunEventJson(
      "COMPLETE", "01890000-0000-7000-8000-000000000001", 5, {{"raw.orders"}},
      {{"clean.orders"}}, "load_orders");
  auto posted = http.Post("/api/v1/lineage", event, "application/json");
  ASSERT_TRUE(posted) << httplib::to_string(posted.error());
  EXPECT_EQ(posted->status, 201) << posted->body;
  auto spoofed = http.Post("/api/v1/lineage", {{"Authorization", "Bearer " + admin_token_}},
                           event, "application/json");
  ASSERT_TRUE(spoofed);
  EXPECT_EQ(spoofed->status, 401);
  EXPECT_THAT(spoofed->body, HasSubstr("the client certificate names serviceaccount:etl"));
  Pem user = MakeCert(ca_, "alice", {"URI:spiffe://example.org/user/alice"});
  EXPECT_EQ(Ping(&user)->principal(), "user:alice");
  Pem dns = MakeCert(ca_, "reporter", {"DNS:reporter.pipelines.example.com"});
  EXPECT_EQ(Ping(&dns)->principal(), "serviceaccount:reporter");
  // The admin's token from the admin's certificate: fine.
  Pem admin = MakeCert(ca_, "admin", {"URI:spiffe://example.org/user/admin"});
  EXPECT_TRUE(Ping(&admin, admin_token_).ok());
}

// The JSON API under mutual TLS: the certificate the HTTP port verified is
// the caller, and a gRPC caller cannot pass its metadata off as the
// bridge's to be someone else.
TEST_F(TlsTest, TheJsonApiTakesTheCertificateAndOnlyTheBridgeCanNameOne) {
  Start(/*mutual=*/true);
  Pem etl = MakeCert(ca_, "etl", {"URI:spiffe://example.org/sa/etl"});
  testing::WriteFile(dir_.path() / "etl.crt", etl.cert);
  testing::WriteFile(dir_.path() / "etl.key", etl.key);
  httplib::SSLClient http("127.0.0.1", server_->http_port(), (dir_.path() / "etl.crt").string(),
                          (dir_.path() / "etl.key").string());
  http.set_ca_cert_path((dir_.path() / "ca.crt").c_str());
  http.enable_server_certificate_verification(true);
  auto ping = http.Post("/catalog.v1.CatalogService/Ping", "{}", "application/json");
  ASSERT_TRUE(ping) << httplib::to_string(ping.error());
  EXPECT_EQ(ping->status, 200) << ping->body;
  EXPECT_EQ(ping->body, R"({"principal":"serviceaccount:etl"})");
  // Over gRPC, with made-up bridge metadata naming the admin's certificate:
  // still the caller's own certificate.
  Pem admin = MakeCert(ca_, "admin", {"URI:spiffe://example.org/user/admin"});
  grpc::SslCredentialsOptions tls{.pem_root_certs = ca_.cert,
                                  .pem_private_key = etl.key,
                                  .pem_cert_chain = etl.cert};
  auto channel = grpc::CreateChannel(Address(), grpc::SslCredentials(tls));
  auto stub = v1::CatalogService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("x-catalog-bridge-key", std::string(64, 'a'));
  context.AddMetadata("x-catalog-bridge-certificate-bin", admin.cert);
  v1::PingResponse response;
  grpc::Status status = stub->Ping(&context, v1::PingRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.principal(), "serviceaccount:etl");
}

// Issue 12 #20: the audit log keeps the full certificate identity of each
// event's actor, not only the principal it maps to — for changes, for
// lineage written by group commit, and for decisions.
TEST_F(TlsTest, AuditEventsNameTheCertificate) {
  Start(/*mutual=*/true);
  auto connect = [&](const Pem& cert, const std::string& token) {
    CatalogClient::Options o{.address = Address(), .token = token};
    o.ca_pem = ca_.cert;
    o.cert_pem = cert.cert;
    o.key_pem = cert.key;
    return *CatalogClient::Connect(o);
  };
  const std::string kAdminId = "spiffe://example.org/user/admin";
  const std::string kEtlId = "spiffe://example.org/ns/data/sa/etl";
  Pem admin_cert = MakeCert(ca_, "admin", {"URI:" + kAdminId});
  Pem etl_cert = MakeCert(ca_, "etl", {"URI:" + kEtlId});
  auto admin = connect(admin_cert, admin_token_);
  auto etl = connect(etl_cert, "");
  v1::ApplyRequest domain;
  domain.add_resources()->mutable_domain()->set_path("sales");
  ASSERT_TRUE(admin->Call(&v1::CatalogService::Stub::Apply, admin->catalog(), domain).ok());
  EXPECT_EQ(etl->Call(&v1::CatalogService::Stub::Apply, etl->catalog(), domain).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::IngestRequest ingest;
  ingest.add_events(testing::RunEventJson("COMPLETE", "01890000-0000-7000-8000-000000000002", 5,
                                          {{"raw.orders"}}, {{"clean.orders"}}, "load_orders"));
  ASSERT_TRUE(etl->Call(&v1::LineageService::Stub::Ingest, etl->lineage(), ingest).ok());
  // The admin's job, which the pipeline may not report: the writer's
  // refusal names the pipeline's certificate too.
  v1::IngestRequest admins_job;
  admins_job.add_events(testing::RunEventJson("START", "01890000-0000-7000-8000-000000000003", 6,
                                              {}, {{"admin.orders"}}, "admin_job"));
  ASSERT_TRUE(admin->Call(&v1::LineageService::Stub::Ingest, admin->lineage(), admins_job).ok());
  EXPECT_EQ(etl->Call(&v1::LineageService::Stub::Ingest, etl->lineage(), admins_job)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);

  // action (and decision) -> the peers of its events
  std::map<std::string, std::set<std::string>> peers;
  auto events = admin->Call(&v1::AuditService::Stub::ListAuditEvents, admin->audit(),
                            v1::ListAuditEventsRequest());
  ASSERT_TRUE(events.ok()) << events.status();
  for (const v1::AuditEventProto& e : events->events()) {
    peers[e.action() + (e.decision().empty() ? "" : " " + e.decision())].insert(e.peer());
  }
  using Peers = std::set<std::string>;
  EXPECT_EQ(peers["domain.create"], Peers{kAdminId});
  EXPECT_EQ(peers["catalog:write deny"], Peers{kEtlId});
  EXPECT_EQ(peers["lineage.ingest"], (Peers{kAdminId, kEtlId}));
  EXPECT_EQ(peers["job.create"], (Peers{kAdminId, kEtlId}));
  EXPECT_EQ(peers["lineage:write deny"], Peers{kEtlId});
  // The peer is part of each event's hash: the chain verifies.
  auto verified = admin->Call(&v1::AuditService::Stub::VerifyAudit, admin->audit(),
                              v1::VerifyAuditRequest());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << verified->problem();
}

TEST_F(TlsTest, EveryBadClientIsRefused) {
  Start(/*mutual=*/true);
  // No certificate: the handshake fails.
  EXPECT_FALSE(Ping(nullptr, admin_token_).ok());
  // Another CA's certificate.
  Pem foreign = MakeCert(other_ca_, "etl", {"URI:spiffe://example.org/sa/etl"});
  EXPECT_FALSE(Ping(&foreign).ok());
  // Expired.
  Pem expired = MakeCert(ca_, "etl", {"URI:spiffe://example.org/sa/etl"}, -7200, -3600);
  EXPECT_FALSE(Ping(&expired).ok());
  // No SAN: the common name is not an identity.
  Pem bare = MakeCert(ca_, "serviceaccount:etl", {});
  auto no_san = Ping(&bare);
  EXPECT_EQ(no_san.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(no_san.status().message()), HasSubstr("SAN"));
  // A token of someone else on top of a certificate.
  Pem etl = MakeCert(ca_, "etl", {"URI:spiffe://example.org/sa/etl"});
  auto spoofed = Ping(&etl, admin_token_);
  EXPECT_EQ(spoofed.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(spoofed.status().message()),
              HasSubstr("the bearer token is user:admin's but the client certificate "
                        "names serviceaccount:etl"));
  // Identity metadata a client makes up changes nothing.
  auto c = CatalogClient::Connect({.address = Address(), .ca_pem = ca_.cert,
                                   .cert_pem = etl.cert, .key_pem = etl.key});
  ASSERT_TRUE(c.ok());
  grpc::ClientContext context;
  context.AddMetadata("x-catalog-principal", "user:admin");
  context.AddMetadata("x-forwarded-user", "admin");
  v1::PingResponse pong;
  ASSERT_TRUE((*c)->catalog().Ping(&context, v1::PingRequest(), &pong).ok());
  EXPECT_EQ(pong.principal(), "serviceaccount:etl");
  // The HTTP port wants a client certificate too.
  httplib::SSLClient http("127.0.0.1", server_->http_port());
  http.set_ca_cert_path((dir_.path() / "ca.crt").c_str());
  http.enable_server_certificate_verification(true);
  EXPECT_FALSE(http.Get("/healthz"));
}

// Whether a TLS handshake with 127.0.0.1:`port` succeeds for a client that
// offers at most `max_version` and only `ciphers` (TLS 1.2 and below), with
// OpenSSL's own security level out of the way.
bool Handshake(int port, int max_version, const char* ciphers) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  SSL_CTX_set_security_level(ctx.get(), 0);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  if (SSL_CTX_set_cipher_list(ctx.get(), ciphers) != 1) return false;
  int fd = testing::DialLoopback(port);
  if (fd < 0) return false;
  SSL* ssl = SSL_new(ctx.get());
  SSL_set_fd(ssl, fd);
  bool ok = SSL_connect(ssl) == 1;
  SSL_free(ssl);
  close(fd);
  return ok;
}

// The HTTP port took TLS 1.1, CBC-SHA1 and RSA key exchange; it now has
// gRPC's floor, as the gRPC port does.
TEST_F(TlsTest, BothPortsHaveTheSameTlsFloor) {
  Start(/*mutual=*/false);
  for (int port : {server_->http_port(), server_->grpc_port()}) {
    SCOPED_TRACE(port);
    EXPECT_FALSE(Handshake(port, TLS1_1_VERSION, "ALL:@SECLEVEL=0"));
    EXPECT_FALSE(Handshake(port, TLS1_2_VERSION, "AES128-SHA:AES256-SHA:AES128-GCM-SHA256"));
    EXPECT_FALSE(Handshake(port, TLS1_2_VERSION, "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA"));
    EXPECT_TRUE(Handshake(port, TLS1_2_VERSION,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"));
  }
}

// A key that is not the certificate's was reported as "cannot bind".
TEST_F(TlsTest, AMismatchedKeyIsNamed) {
  Pem other = MakeCert(ca_, "other", {"DNS:localhost"});
  testing::WriteFile(dir_.path() / "server.key", other.key);
  auto s = server::CatalogServer::Start(Config(/*mutual=*/false));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("tls-key: is not the private key of the certificate"));
}

// Any URI SAN ending in /user/admin was admin. SPIFFE IDs are parsed
// strictly, in the configured trust domain, in the documented shapes only.
TEST_F(TlsTest, SpiffeLookAlikesAreRefused) {
  Start(/*mutual=*/true);
  for (const std::vector<std::string>& sans : std::vector<std::vector<std::string>>{
           {"URI:spiffe://attacker.example/user/admin"},
           {"URI:spiffe://example.org/sa/etl-orders?x=/user/admin"},
           {"URI:spiffe://example.org/sa/etl/../../user/admin"},
           {"URI:spiffe://example.org/user/admin#x"},
           {"URI:spiffe://example.org/x/user/admin"},
           {"URI:spiffe://example.org//user/admin"},
           {"URI:spiffe://example.org/user/ad%6Din"},
           {"URI:spiffe://Example.org/user/admin"},
           {"URI:spiffe://example.org:443/user/admin"},
           {"URI:https://example.org/user/admin"},
           {"URI:spiffe://example.org/ns/sandbox/sa/etl-orders"},
           {"URI:spiffe://example.org/sa/etl", "URI:spiffe://example.org/user/admin"}}) {
    SCOPED_TRACE(sans.back());
    Pem cert = MakeCert(ca_, "x", sans);
    auto r = Ping(&cert);
    ASSERT_FALSE(r.ok()) << r->principal();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  }
  Pem ns = MakeCert(ca_, "x", {"URI:spiffe://example.org/ns/sandbox/sa/etl-orders"});
  EXPECT_THAT(std::string(Ping(&ns).status().message()), HasSubstr("namespace \"sandbox\""));
  Pem ok = MakeCert(ca_, "x", {"URI:spiffe://example.org/ns/data/sa/etl-orders"});
  ASSERT_TRUE(Ping(&ok).ok());
  EXPECT_EQ(Ping(&ok)->principal(), "serviceaccount:etl-orders");
}

}  // namespace
}  // namespace catalog
