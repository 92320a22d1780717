#include "server/auth.h"

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
  EXPECT_EQ(*who, "user:alice");
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
        "bearer " + issued->bearer}) {
    EXPECT_EQ(auth_->Authenticate(header).status().code(),
              absl::StatusCode::kUnauthenticated)
        << header;
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
  EXPECT_EQ(*(*fresh)->Authenticate("Bearer " + issued->bearer), "user:bob");
  EXPECT_EQ((*fresh)->LiveTokens(), 1u);
}

}  // namespace
}  // namespace catalog::server
