// Where catalogctl finds the server and its token, first match wins:
// flags (--addr, --token), then the environment (CATALOG_ADDR,
// CATALOG_TOKEN), then ~/.config/catalogctl/config.yaml (keys `addr`,
// `token`, `token-file`), then the defaults: 127.0.0.1:7070 and the admin
// token a local catalogd wrote to ./data/admin.token.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace catalog::client {

struct Settings {
  std::string addr;
  std::string token;
  std::string token_source;  // where the token came from, for messages
};

absl::StatusOr<Settings> ResolveSettings(const std::string& flag_addr,
                                         const std::string& flag_token,
                                         const std::string& config_path);

// ~/.config/catalogctl/config.yaml, honouring XDG_CONFIG_HOME.
std::string DefaultConfigPath();

}  // namespace catalog::client
