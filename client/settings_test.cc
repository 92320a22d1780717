#include "client/settings.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/test_env.h"

namespace catalog::client {
namespace {

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CATALOG_ADDR");
    unsetenv("CATALOG_TOKEN");
    testing::WriteFile(dir_.path() / "token.txt", "tok_file.secret\n");
    testing::WriteFile(dir_.path() / "config.yaml",
                       "addr: db.example:7000\ntoken-file: " +
                           (dir_.path() / "token.txt").string() + "\n");
  }
  void TearDown() override {
    unsetenv("CATALOG_ADDR");
    unsetenv("CATALOG_TOKEN");
  }
  std::string config() const { return (dir_.path() / "config.yaml").string(); }
  testing::TempDir dir_;
};

TEST_F(SettingsTest, ConfigFileThenEnvironmentThenFlags) {
  auto s = ResolveSettings("", "", config());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->addr, "db.example:7000");
  EXPECT_EQ(s->token, "tok_file.secret");

  setenv("CATALOG_ADDR", "env:1", 1);
  setenv("CATALOG_TOKEN", "tok_env.s", 1);
  s = ResolveSettings("", "", config());
  EXPECT_EQ(s->addr, "env:1");
  EXPECT_EQ(s->token, "tok_env.s");

  s = ResolveSettings("flag:2", "tok_flag.s", config());
  EXPECT_EQ(s->addr, "flag:2");
  EXPECT_EQ(s->token, "tok_flag.s");
}

TEST_F(SettingsTest, DefaultsWithoutAnyConfiguration) {
  auto s = ResolveSettings("", "", (dir_.path() / "none.yaml").string());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->addr, "127.0.0.1:7070");
}

TEST_F(SettingsTest, AMalformedConfigFileIsAnErrorWithItsLine) {
  testing::WriteFile(dir_.path() / "config.yaml", "addr: [x\n");
  auto s = ResolveSettings("", "", config());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("config.yaml:"),
            std::string::npos);
}

}  // namespace
}  // namespace catalog::client
