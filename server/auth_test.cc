#include "server/auth.h"
#include "lib/util/sha256.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_env.h"

namespace catalog::server {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open({.path = (dir_.path() / "c.db").string()});
    ASSERT_TRUE(s.ok());
    store_ = *std::move(s);
    auto a = Authenticator::Create(store_.get());
    ASSERT_TRUE(a.ok());
    auth_ = *std::move(a);
  }
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthTest, IssuedTokensAuthenticateAndStoreOnlyAHash) {
  auto issued = auth_->Issue("user:alice", "laptop", "user:admin");
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_THAT(issued->bearer, ::testing::StartsWith(issued->record.id + "."));
  auto who = auth_->Authenticate("Bearer " + issued->bearer);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->principal, "user:alice");
  EXPECT_TRUE(who->actions.empty());
  auto stored = store_->GetToken(issued->record.id);
  ASSERT_TRUE(stored.ok());
  std::string secret = issued->bearer.substr(issued->bearer.find('.') + 1);
  EXPECT_EQ(stored->secret_hash, Sha256(secret));
  EXPECT_EQ(stored->secret_hash.size(), 32u);
}

TEST_F(AuthTest, MalformedUnknownAndRevokedTokensAreRefused) {
  auto issued = auth_->Issue("serviceaccount:etl", "", "user:admin");
  ASSERT_TRUE(issued.ok());
  for (std::string header :
       {std::string(""), std::string("Basic abc"), std::string("Bearer "),
        std::string("Bearer nodot"), "Bearer " + issued->record.id + ".wrong",
        "Bearer " + issued->bearer + std::string(1, '\0') + "x",
        "Bearer " + issued->bearer + "\n", "Bearer\t" + issued->bearer,
        "Bearer " + std::string(1, '\0') + issued->bearer}) {
    EXPECT_EQ(auth_->Authenticate(header).status().code(),
              absl::StatusCode::kUnauthenticated)
        << header;
  }
  // RFC 9110: the scheme is case-insensitive.
  for (const char* scheme : {"bearer ", "BEARER ", "BeArEr "}) {
    EXPECT_TRUE(auth_->Authenticate(scheme + issued->bearer).ok()) << scheme;
  }
  ASSERT_TRUE(auth_->Revoke(issued->record.id, "user:admin").ok());
  EXPECT_EQ(auth_->Authenticate("Bearer " + issued->bearer).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Issue("robot:x", "", "user:admin").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuthTest, TokensSurviveARestartOfTheAuthenticator) {
  auto issued = auth_->Issue("user:bob", "", "user:admin");
  ASSERT_TRUE(issued.ok());
  auto fresh = Authenticator::Create(store_.get());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->Authenticate("Bearer " + issued->bearer)->principal, "user:bob");
  EXPECT_EQ((*fresh)->LiveTokens(), 1u);
}

TEST_F(AuthTest, TokensExpire) {
  auto issued = auth_->Issue("user:alice", "short", "user:admin", "1s");
  ASSERT_TRUE(issued.ok()) << issued.status();
  std::string header = "Bearer " + issued->bearer;
  EXPECT_TRUE(auth_->Authenticate(header).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return !auth_->Authenticate(header).ok(); }));
  auto expired = auth_->Authenticate(header);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(expired.status().message()), ::testing::HasSubstr("expired at"));
  // An expiry is in the future and says when.
  EXPECT_EQ(auth_->Issue("user:alice", "", "user:admin", "2001-01-01T00:00:00Z").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->Issue("user:alice", "", "user:admin", "soon").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto later = auth_->Issue("user:alice", "", "user:admin", "2999-01-01T00:00:00Z");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(store_->GetToken(later->record.id)->expires_at, "2999-01-01T00:00:00.000Z");
}

TEST_F(AuthTest, TokensMayBeLimitedToActions) {
  auto issued = auth_->Issue("serviceaccount:etl", "", "user:admin", "",
                             {"catalog", "lineage:write"});
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto who = auth_->Authenticate("Bearer " + issued->bearer);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->actions,
            (std::vector<std::string>{"application:review", "catalog:certify", "catalog:read",
                                      "catalog:write", "incident:write", "lineage:write",
                                      "model:promote", "webhook:subscribe"}));
  // Kept across restarts.
  auto fresh = Authenticator::Create(store_.get());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->Authenticate("Bearer " + issued->bearer)->actions, who->actions);
  auto bad = auth_->Issue("user:alice", "", "user:admin", "", {"read", "fly"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), ::testing::HasSubstr("actions[1]: \"fly\""));
}

}  // namespace
}  // namespace catalog::server
