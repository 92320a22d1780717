// Integration: a real CatalogServer in-process on ephemeral ports, a real
// SQLite file in a temp dir, a real gRPC client.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "client/client.h"
#include "server/server.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using client::CatalogClient;
using Stub = v1::CatalogService::Stub;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

class CatalogServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start() {
    server::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.http_listen = "127.0.0.1:0";
    config.data_dir = (dir_.path() / "data").string();
    config.policies_dir = (testing::SourceDir() / "policies").string();
    config.max_message_bytes = 1024 * 1024;
    auto s = server::CatalogServer::Start(config);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    admin_token_ = testing::ReadFile(server_->admin_token_path());
    admin_token_.pop_back();  // newline
    admin_ = Connect(admin_token_);
  }

  void Stop() {
    admin_.reset();
    server_.reset();
  }

  std::unique_ptr<CatalogClient> Connect(const std::string& token) {
    auto c = CatalogClient::Connect(
        {.address = "127.0.0.1:" + std::to_string(server_->grpc_port()),
         .token = token,
         .timeout = std::chrono::seconds(10)});
    EXPECT_TRUE(c.ok());
    return *std::move(c);
  }

  static v1::Resource Dataset(const std::string& name) {
    v1::Resource r;
    v1::Dataset* d = r.mutable_dataset();
    d->mutable_key()->set_namespace_("postgres://db:5432");
    d->mutable_key()->set_name(name);
    d->mutable_spec()->set_description("orders");
    d->mutable_spec()->set_classification(v1::CLASSIFICATION_CONFIDENTIAL);
    v1::Field* f = d->mutable_spec()->mutable_schema()->add_fields();
    f->set_name("order_id");
    f->set_type("bigint");
    return r;
  }

  absl::StatusOr<v1::ApplyResponse> Apply(CatalogClient& c,
                                          std::vector<v1::Resource> rs) {
    v1::ApplyRequest req;
    for (auto& r : rs) *req.add_resources() = std::move(r);
    return c.Call(&Stub::Apply, c.catalog(), req);
  }

  absl::StatusOr<v1::Dataset> Get(CatalogClient& c, const std::string& name) {
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_("postgres://db:5432");
    req.mutable_key()->set_name(name);
    return c.Call(&Stub::GetDataset, c.catalog(), req);
  }

  testing::TempDir dir_;
  std::unique_ptr<server::CatalogServer> server_;
  std::string admin_token_;
  std::unique_ptr<CatalogClient> admin_;
};

TEST_F(CatalogServerTest, CallsWithoutAValidTokenAreUnauthenticated) {
  auto anonymous = Connect("");
  auto ping = anonymous->Call(&Stub::Ping, anonymous->catalog(), {});
  EXPECT_EQ(ping.status().code(), absl::StatusCode::kUnauthenticated);
  auto forged = Connect("tok_0000000000000000.not-the-secret");
  ping = forged->Call(&Stub::Ping, forged->catalog(), {});
  EXPECT_EQ(ping.status().code(), absl::StatusCode::kUnauthenticated);
  // The right id with a wrong secret is refused the same way.
  std::string id = admin_token_.substr(0, admin_token_.find('.'));
  auto wrong_secret = Connect(id + ".AAAA");
  ping = wrong_secret->Call(&Stub::Ping, wrong_secret->catalog(), {});
  EXPECT_EQ(ping.status().code(), absl::StatusCode::kUnauthenticated);
  ping = admin_->Call(&Stub::Ping, admin_->catalog(), {});
  ASSERT_TRUE(ping.ok()) << ping.status();
  EXPECT_EQ(ping->principal(), "user:admin");
}

TEST_F(CatalogServerTest, ApplyGetAndOptimisticConcurrency) {
  auto applied = Apply(*admin_, {Dataset("orders")});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->results(0).outcome(), v1::APPLY_OUTCOME_CREATED);
  auto got = Get(*admin_, "orders");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status().revision(), 1);
  EXPECT_EQ(got->spec().classification(), v1::CLASSIFICATION_CONFIDENTIAL);

  // Two writers read revision 1; the second to write loses.
  v1::Resource first = Dataset("orders"), second = Dataset("orders");
  first.mutable_dataset()->mutable_spec()->set_description("first");
  first.set_expected_revision(1);
  second.mutable_dataset()->mutable_spec()->set_description("second");
  second.set_expected_revision(1);
  ASSERT_TRUE(Apply(*admin_, {first}).ok());
  auto lost = Apply(*admin_, {second});
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(*admin_, "orders")->spec().description(), "first");
}

TEST_F(CatalogServerTest, BadInputIsInvalidArgumentNamingTheFieldAndChangesNothing) {
  v1::Resource control = Dataset(std::string("bad\x01name"));
  auto r = Apply(*admin_, {Dataset("good"), control});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), HasSubstr("resources[1]"));
  EXPECT_THAT(Msg(r.status()), HasSubstr("metadata.name: must not contain control"));
  EXPECT_EQ(Get(*admin_, "good").status().code(), absl::StatusCode::kNotFound);

  v1::Resource bad_enum = Dataset("e");
  bad_enum.mutable_dataset()->mutable_spec()->set_classification(
      static_cast<v1::Classification>(42));
  r = Apply(*admin_, {bad_enum});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), HasSubstr("spec.classification: unknown enum value 42"));

  // Protobuf itself refuses a proto3 string that is not UTF-8 before any
  // handler runs; what matters is that it is refused and nothing changes.
  v1::Resource invalid_utf8 = Dataset("u");
  invalid_utf8.mutable_dataset()->mutable_spec()->set_description("\xc3\x28");
  r = Apply(*admin_, {invalid_utf8});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Get(*admin_, "u").status().code(), absl::StatusCode::kNotFound);

  r = Apply(*admin_, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(r.status()), HasSubstr("resources: must not be empty"));

  v1::ListDatasetsRequest list;
  list.set_page_size(-1);
  EXPECT_EQ(admin_->Call(&Stub::ListDatasets, admin_->catalog(), list)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CatalogServerTest, OversizedMessagesAreRefusedAndTheServerKeepsServing) {
  v1::Resource huge = Dataset("huge");
  huge.mutable_dataset()->mutable_spec()->set_description(
      std::string(2 * 1024 * 1024, 'x'));
  auto r = Apply(*admin_, {huge});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(admin_->Call(&Stub::Ping, admin_->catalog(), {}).ok());
}

TEST_F(CatalogServerTest, OnlyTheAdminWritesAndRevocationIsImmediate) {
  v1::CreateTokenRequest create;
  create.set_principal("user:alice");
  auto issued = admin_->Call(&v1::TokenService::Stub::CreateToken,
                             admin_->tokens(), create);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->token().principal(), "user:alice");
  auto alice = Connect(issued->secret());
  auto denied = Apply(*alice, {Dataset("x")});
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(alice->Call(&Stub::ListDatasets, alice->catalog(), {}).ok());
  EXPECT_EQ(alice->Call(&v1::TokenService::Stub::ListTokens, alice->tokens(), {})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);

  v1::RevokeTokenRequest revoke;
  revoke.set_id(issued->token().id());
  ASSERT_TRUE(admin_->Call(&v1::TokenService::Stub::RevokeToken,
                           admin_->tokens(), revoke)
                  .ok());
  EXPECT_EQ(alice->Call(&Stub::Ping, alice->catalog(), {}).status().code(),
            absl::StatusCode::kUnauthenticated);
  // The secret is never stored: the listing shows no secret at all.
  auto tokens = admin_->Call(&v1::TokenService::Stub::ListTokens,
                             admin_->tokens(), {});
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->tokens_size(), 2);
  std::string db = testing::ReadFile(dir_.path() / "data" / "catalog.db") +
                   testing::ReadFile(dir_.path() / "data" / "catalog.db-wal");
  std::string secret = issued->secret().substr(issued->secret().find('.') + 1);
  EXPECT_EQ(db.find(secret), std::string::npos);
}

TEST_F(CatalogServerTest, ListPaginatesWithOpaqueTokens) {
  std::vector<v1::Resource> batch;
  for (int i = 0; i < 7; ++i) batch.push_back(Dataset("t" + std::to_string(i)));
  ASSERT_TRUE(Apply(*admin_, batch).ok());
  v1::ListDatasetsRequest req;
  req.set_page_size(3);
  int seen = 0, pages = 0;
  do {
    auto page = admin_->Call(&Stub::ListDatasets, admin_->catalog(), req);
    ASSERT_TRUE(page.ok()) << page.status();
    seen += page->datasets_size();
    ++pages;
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  EXPECT_EQ(seen, 7);
  EXPECT_EQ(pages, 3);
}

TEST_F(CatalogServerTest, DataAndTheAdminTokenSurviveARestart) {
  ASSERT_TRUE(Apply(*admin_, {Dataset("kept")}).ok());
  std::string token = admin_token_;
  Stop();
  Start();
  EXPECT_EQ(admin_token_, token);
  auto got = Get(*admin_, "kept");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->spec().description(), "orders");
}

TEST_F(CatalogServerTest, HealthEndpointsAnswer) {
  httplib::Client http("127.0.0.1", server_->http_port());
  auto res = http.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("\"status\":\"ok\""));

  auto channel = grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server_->grpc_port()),
      grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  // grpc.health.v1.HealthCheckRequest{} is the empty message; SERVING is
  // field 1 = 1, encoded 08 01.
  grpc::ClientContext context;
  grpc::ByteBuffer request, response;
  grpc::Slice empty("", 0);
  request = grpc::ByteBuffer(&empty, 1);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&context, "/grpc.health.v1.Health/Check", {}, &request,
                    &response, [&](grpc::Status s) {
                      std::lock_guard lock(mu);
                      status = s;
                      done = true;
                      cv.notify_one();
                    });
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; }));
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));
}

TEST_F(CatalogServerTest, ReflectionListsTheCatalogServices) {
  auto channel = grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server_->grpc_port()),
      grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  auto call = generic.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&](auto&& start) {
    start();
    void* tag = nullptr;
    bool ok = false;
    auto r = cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() +
                                         std::chrono::seconds(10));
    return r == grpc::CompletionQueue::GOT_EVENT && ok;
  };
  ASSERT_TRUE(step([&] { call->StartCall(reinterpret_cast<void*>(1)); }));
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  grpc::Slice slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&slice, 1), response;
  ASSERT_TRUE(step([&] { call->Write(request, reinterpret_cast<void*>(2)); }));
  ASSERT_TRUE(step([&] { call->WritesDone(reinterpret_cast<void*>(3)); }));
  ASSERT_TRUE(step([&] { call->Read(&response, reinterpret_cast<void*>(4)); }));
  grpc::Status status;
  ASSERT_TRUE(step([&] { call->Finish(&status, reinterpret_cast<void*>(5)); }));
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  EXPECT_THAT(bytes, HasSubstr("catalog.v1.CatalogService"));
  EXPECT_THAT(bytes, HasSubstr("catalog.v1.TokenService"));
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
}

}  // namespace
}  // namespace catalog
