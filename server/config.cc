#include "server/config.h"

#include "server/store/postgres.h"

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "absl/strings/numbers.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/peer_identity.h"
#include "server/webhooks/destination.h"

namespace catalog::server {
namespace {

absl::Status At(const std::string& file, const YAML::Mark& mark,
                std::string_view message) {
  return absl::InvalidArgumentError(
      StrCat(file, ":", mark.line + 1, ": ", message));
}

}  // namespace

absl::StatusOr<ServerConfig> LoadConfigFile(const std::string& path,
                                            ServerConfig config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return absl::NotFoundError(StrCat("config file ", path, " cannot be read"));
  } catch (const YAML::Exception& e) {
    return At(path, e.mark, StrCat("malformed YAML: ", e.msg));
  }
  if (root.IsNull()) return config;
  if (!root.IsMap()) return At(path, root.Mark(), "must be a mapping");
  for (const auto& item : root) {
    std::string key = item.first.as<std::string>("");
    const YAML::Node& value = item.second;
    if (!value.IsScalar()) {
      return At(path, value.Mark(), StrCat(key, ": must be a scalar"));
    }
    std::string text = value.Scalar();
    auto integer = [&](int& out) -> absl::Status {
      if (!absl::SimpleAtoi(text, &out) || out <= 0) {
        return At(path, value.Mark(),
                  StrCat(key, ": must be a positive integer"));
      }
      return absl::OkStatus();
    };
    if (key == "listen") {
      config.listen = text;
    } else if (key == "http-listen") {
      config.http_listen = text;
    } else if (key == "data-dir") {
      config.data_dir = text;
    } else if (key == "store") {
      config.store = text;
    } else if (key == "consistency-wait-ms") {
      RETURN_IF_ERROR(integer(config.consistency_wait_ms));
    } else if (key == "policies") {
      config.policies_dir = text;
    } else if (key == "log-format") {
      config.log_format = text;
    } else if (key == "log-level") {
      config.log_level = text;
    } else if (key == "max-threads") {
      RETURN_IF_ERROR(integer(config.max_threads));
    } else if (key == "readers") {
      RETURN_IF_ERROR(integer(config.readers));
    } else if (key == "max-message-bytes") {
      RETURN_IF_ERROR(integer(config.max_message_bytes));
    } else if (key == "tls-cert") {
      config.tls_cert = text;
    } else if (key == "tls-key") {
      config.tls_key = text;
    } else if (key == "client-ca") {
      config.client_ca = text;
    } else if (key == "trust-domain") {
      config.trust_domain = text;
    } else if (key == "client-namespace") {
      config.client_namespace = text;
    } else if (key == "audit-decisions") {
      config.audit_decisions = text;
    } else if (key == "audit-decisions-per-caller") {
      RETURN_IF_ERROR(integer(config.audit_decisions_per_caller));
    } else if (key == "audit-allow-sample") {
      if (!absl::SimpleAtod(text, &config.audit_allow_sample)) {
        return At(path, value.Mark(), StrCat(key, ": must be a number"));
      }
    } else if (key == "ui-dir") {
      config.ui_dir = text;
    } else if (key == "session-lifetime") {
      config.session_lifetime = text;
    } else if (key == "session-idle") {
      config.session_idle = text;
    } else if (key == "quality-retention") {
      config.quality_retention = text;
    } else if (key == "health-upstream-hops") {
      RETURN_IF_ERROR(integer(config.health_upstream_hops));
    } else if (key == "governance-sweep-seconds") {
      RETURN_IF_ERROR(integer(config.governance_sweep_seconds));
    } else if (key == "secrets-key-file") {
      config.secrets_key_file = text;
    } else if (key == "webhook-allow") {
      config.webhook_allow = text;
    } else if (key == "mcp-allowed-origins") {
      config.mcp_allowed_origins = text;
    } else if (key == "webhook-ca") {
      config.webhook_ca = text;
    } else if (key == "webhook-max-attempts") {
      RETURN_IF_ERROR(integer(config.webhook_max_attempts));
    } else {
      return At(path, item.first.Mark(), StrCat("unknown setting \"", key, "\""));
    }
  }
  return config;
}

absl::Status CheckListenAddress(std::string_view flag, std::string_view value) {
  size_t colon = value.rfind(':');
  int port = 0;
  if (colon == std::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(std::string(value.substr(colon + 1)), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        StrCat(flag, ": \"", value, "\" must be HOST:PORT with a port 0-65535"));
  }
  return absl::OkStatus();
}

absl::Status ValidateConfig(const ServerConfig& c) {
  RETURN_IF_ERROR(CheckListenAddress("listen", c.listen));
  RETURN_IF_ERROR(CheckListenAddress("http-listen", c.http_listen));
  if (c.log_format != "text" && c.log_format != "json") {
    return absl::InvalidArgumentError(
        StrCat("log-format: \"", c.log_format, "\" must be text or json"));
  }
  if (c.log_level != "debug" && c.log_level != "info" &&
      c.log_level != "warn" && c.log_level != "error") {
    return absl::InvalidArgumentError(
        StrCat("log-level: \"", c.log_level,
               "\" must be debug, info, warn or error"));
  }
  if (c.data_dir.empty()) {
    return absl::InvalidArgumentError("data-dir: must not be empty");
  }
  if (!c.store.empty()) {
    if (c.store.rfind("postgres://", 0) != 0 && c.store.rfind("postgresql://", 0) != 0) {
      return absl::InvalidArgumentError(
          "store: must be a postgres:// URL (the SQLite store is the default, in data-dir)");
    }
    absl::Status url = store::CheckStoreUrl(c.store);
    if (!url.ok()) return absl::InvalidArgumentError(std::string(MessageOf(url)));
  }
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{
                                         "session-lifetime", c.session_lifetime},
                                     {"session-idle", c.session_idle},
                                     {"quality-retention", c.quality_retention}}) {
    if (!ParseDuration(value).has_value()) {
      return absl::InvalidArgumentError(
          StrCat(name, ": \"", value, "\" must be a duration such as 30m, 12h or 7d"));
    }
  }
  if (c.audit_decisions != "off" && c.audit_decisions != "denies" &&
      c.audit_decisions != "all") {
    return absl::InvalidArgumentError(StrCat(
        "audit-decisions: \"", c.audit_decisions, "\" must be off, denies or all"));
  }
  if (c.health_upstream_hops < 0 || c.health_upstream_hops > 10) {
    return absl::InvalidArgumentError(StrCat("health-upstream-hops: ", c.health_upstream_hops,
                                             " must be between 0 and 10"));
  }
  if (c.governance_sweep_seconds < 1 || c.governance_sweep_seconds > 7 * 86400) {
    return absl::InvalidArgumentError(StrCat("governance-sweep-seconds: ",
                                             c.governance_sweep_seconds,
                                             " must be between 1 and 604800 (a week)"));
  }
  RETURN_IF_ERROR(webhooks::AddressAllowList::Parse(c.webhook_allow).status());
  if (c.webhook_max_attempts < 1 || c.webhook_max_attempts > 100) {
    return absl::InvalidArgumentError(StrCat("webhook-max-attempts: ", c.webhook_max_attempts,
                                             " must be between 1 and 100"));
  }
  if (c.audit_decisions_per_caller < 0) {
    return absl::InvalidArgumentError(StrCat("audit-decisions-per-caller: ",
                                             c.audit_decisions_per_caller,
                                             " must not be negative (0: no cap)"));
  }
  if (!(c.audit_allow_sample >= 0 && c.audit_allow_sample <= 1)) {
    return absl::InvalidArgumentError(
        StrCat("audit-allow-sample: ", c.audit_allow_sample, " must be between 0 and 1"));
  }
  // gRPC needs a few threads of its own to poll for calls; past ~10,000 a
  // cap stops being one.
  if (c.max_threads < 4 || c.max_threads > 10000) {
    return absl::InvalidArgumentError(
        StrCat("max-threads: ", c.max_threads, " must be between 4 and 10000"));
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "tls-cert, tls-key: give both (the certificate and its key) or neither");
  }
  if (!c.trust_domain.empty() && !IsTrustDomain(c.trust_domain)) {
    return absl::InvalidArgumentError(
        StrCat("trust-domain: \"", c.trust_domain,
               "\" may hold lowercase letters, digits, '.', '-' and '_' only"));
  }
  if (!c.client_ca.empty() && c.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "client-ca: mutual TLS needs the server's own tls-cert and tls-key");
  }
  for (const auto& [flag, file] : {std::pair{"tls-cert", c.tls_cert},
                                   std::pair{"tls-key", c.tls_key},
                                   std::pair{"client-ca", c.client_ca}}) {
    if (!file.empty() && !std::filesystem::is_regular_file(file)) {
      return absl::InvalidArgumentError(
          StrCat(flag, ": \"", file, "\" is not a readable file"));
    }
  }
  return absl::OkStatus();
}

}  // namespace catalog::server
