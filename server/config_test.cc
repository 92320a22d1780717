#include "server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_env.h"

namespace catalog::server {
namespace {

using ::testing::HasSubstr;

TEST(Config, FileOverridesDefaultsAndKeepsTheRest) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "c.yaml",
                     "listen: 0.0.0.0:9090\ndata-dir: /srv/catalog\n"
                     "log-format: json\nreaders: 8\n"
                     "audit-decisions: all\naudit-allow-sample: 0.25\n");
  auto config = LoadConfigFile((dir.path() / "c.yaml").string(), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "0.0.0.0:9090");
  EXPECT_EQ(config->data_dir, "/srv/catalog");
  EXPECT_EQ(config->log_format, "json");
  EXPECT_EQ(config->readers, 8);
  EXPECT_EQ(config->audit_decisions, "all");
  EXPECT_EQ(config->audit_allow_sample, 0.25);
  EXPECT_EQ(config->http_listen, "127.0.0.1:5000");  // untouched default
  EXPECT_TRUE(ValidateConfig(*config).ok());
}

TEST(Config, BadFilesAndValuesNameTheProblem) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "c.yaml", "readers: -3\n");
  auto config = LoadConfigFile((dir.path() / "c.yaml").string(), {});
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              HasSubstr("readers: must be a positive integer"));
  EXPECT_EQ(LoadConfigFile((dir.path() / "none.yaml").string(), {})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  ServerConfig c;
  c.log_format = "xml";
  EXPECT_THAT(std::string(ValidateConfig(c).message()), HasSubstr("log-format"));
  c = {};
  c.http_listen = "localhost:99999";
  EXPECT_THAT(std::string(ValidateConfig(c).message()), HasSubstr("http-listen"));
  c = {};
  c.max_threads = 2;
  EXPECT_THAT(std::string(ValidateConfig(c).message()),
              HasSubstr("max-threads: 2 must be between 4 and 10000"));
  c = {};
  c.audit_decisions = "some";
  EXPECT_THAT(std::string(ValidateConfig(c).message()),
              HasSubstr("audit-decisions: \"some\" must be off, denies or all"));
  c = {};
  c.audit_allow_sample = 1.5;
  EXPECT_THAT(std::string(ValidateConfig(c).message()),
              HasSubstr("audit-allow-sample: 1.5 must be between 0 and 1"));
  c = {};
  c.session_idle = "soon";
  EXPECT_THAT(std::string(ValidateConfig(c).message()),
              HasSubstr("session-idle: \"soon\" must be a duration such as 30m, 12h or 7d"));
  testing::WriteFile(dir.path() / "ui.yaml", "session-lifetime: 8h\nui-dir: /srv/ui\n");
  auto ui = LoadConfigFile((dir.path() / "ui.yaml").string(), {});
  ASSERT_TRUE(ui.ok()) << ui.status();
  EXPECT_EQ(ui->session_lifetime, "8h");
  EXPECT_EQ(ui->session_idle, "30m");
  EXPECT_EQ(ui->ui_dir, "/srv/ui");
  c = {};
  c.listen = "[::1]:0";
  EXPECT_TRUE(ValidateConfig(c).ok());
}

}  // namespace
}  // namespace catalog::server
