#include "lib/util/sealed.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

namespace catalog {
namespace {

TEST(Sealed, RoundTripsAndHidesItsText) {
  std::string token = Seal("[\"postgres://hr\",\"salaries\"]");
  EXPECT_EQ(token.find("salaries"), std::string::npos);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  EXPECT_EQ(raw.find("salaries"), std::string::npos);
  EXPECT_EQ(Unseal(token).value(), "[\"postgres://hr\",\"salaries\"]");
  EXPECT_NE(Seal("x"), Seal("x"));  // a fresh nonce each time
}

TEST(Sealed, AlteredOrMadeUpTokensAreRefused) {
  std::string token = Seal("[\"a\"]");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  raw[raw.size() / 2] ^= 1;
  EXPECT_FALSE(Unseal(absl::WebSafeBase64Escape(raw)).ok());
  EXPECT_FALSE(Unseal(absl::WebSafeBase64Escape("[\"b\"]")).ok());
  EXPECT_FALSE(Unseal("").ok());
  EXPECT_FALSE(Unseal("!!!").ok());
  EXPECT_EQ(Unseal("abc").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Sealed, WithAKeyOnlyThatKeyOpensIt) {
  const SealKey key = NewSealKey();
  const SealKey other = NewSealKey();
  std::string sealed = SealWith(key, "whsec-0123");
  EXPECT_EQ(sealed.find("whsec"), std::string::npos);
  EXPECT_EQ(UnsealWith(key, sealed).value(), "whsec-0123");
  EXPECT_EQ(UnsealWith(other, sealed).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Unseal(sealed).ok());  // not the process's key either
}

}  // namespace
}  // namespace catalog
