// Where catalogctl finds the server and its token, first match wins:
// flags (--addr, --token), then the environment (CATALOG_ADDR,
// CATALOG_TOKEN), then ~/.config/catalogctl/config.yaml (keys `addr`,
// `token`, `token-file`), then the defaults: 127.0.0.1:7070 and the admin
// token a local catalogd wrote to ./data/admin.token.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog::client {

struct Settings {
  std::string addr;
  std::string token;
  std::string token_source;  // where the token came from, for messages
  // TLS, as PEM text read from the files named by --ca/--cert/--key,
  // CATALOG_CA/CATALOG_CERT/CATALOG_KEY or the config's ca-file/cert-file/
  // key-file. With a client certificate, the default admin token is not
  // sent (the certificate says who is calling).
  std::string ca_pem, cert_pem, key_pem;
};

struct TlsFlags {
  std::string ca, cert, key;
};

absl::StatusOr<Settings> ResolveSettings(const std::string& flag_addr,
                                         const std::string& flag_token,
                                         const std::string& config_path,
                                         const TlsFlags& tls = {});

// A token as given (`source` names where from): white space around it
// trimmed (a trailing newline from `echo` or a file); INVALID_ARGUMENT,
// without the token in the message, if it still holds a character no token
// has (gRPC would abort the process and print the value).
absl::StatusOr<std::string> CleanToken(std::string_view token, std::string_view source);

// Whether `addr` ("host:port", "[::1]:7070", "dns:///host:port") is this
// machine, where a token may travel without TLS.
bool IsLoopbackAddress(std::string_view addr);

// ~/.config/catalogctl/config.yaml, honouring XDG_CONFIG_HOME.
std::string DefaultConfigPath();

}  // namespace catalog::client
