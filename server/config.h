// catalogd's settings: defaults, then a YAML config file, then flags.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace catalog::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:7070";       // gRPC; port 0 picks one
  std::string http_listen = "127.0.0.1:5000";  // /healthz; port 0 picks one
  std::string data_dir = "./data";             // catalog.db, admin.token
  // "" (SQLite in data_dir) or a PostgreSQL URL that replicas share,
  // without a password (PGPASSWORD, ~/.pgpass or passfile=).
  std::string store;
  // How long a call whose consistency token (or min_revision) names a
  // revision this catalogd has not applied waits for it before answering
  // UNAVAILABLE.
  int consistency_wait_ms = 2000;
  std::string policies_dir = "policies";       // *.cedar
  std::string log_format = "text";             // text | json
  std::string log_level = "info";              // debug | info | warn | error
  int max_threads = 256;         // cap on gRPC's synchronous handler threads
  int readers = 4;               // SQLite reader connections
  int max_message_bytes = 16 * 1024 * 1024;
  // TLS on both ports: the server's certificate chain and key (PEM files);
  // with client_ca, mutual TLS: clients must present a certificate signed
  // by that CA, and its SAN names the principal (see docs/operations.md).
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;
  // Under mutual TLS: the SPIFFE trust domain a certificate's URI SAN must
  // be in (none: URI SANs are refused), and the Kubernetes namespace whose
  // spiffe://TD/ns/NS/sa/NAME identities are accepted (none: that shape is
  // refused). See server/peer_identity.h.
  std::string trust_domain;
  std::string client_namespace;
  // Authorization decisions written to the audit log: off, denies or all;
  // with denies, also this fraction (0..1) of allows, chosen at random.
  std::string audit_decisions = "denies";
  double audit_allow_sample = 0;
  // At most this many decision events per caller a minute (0: no cap);
  // past it, one "decisions.suppressed" event says how many were not kept.
  int audit_decisions_per_caller = 0;
  // The web UI (server/ui_http.h): "" serves the files built into catalogd;
  // a directory serves ui/build.mjs's output from disk (UI development).
  std::string ui_dir;
  // Web UI sessions (server/ui_session.h): how long one lasts at most, and
  // how long it may sit unused; durations as "12h", "30m".
  std::string session_lifetime = "12h";
  std::string session_idle = "30m";
  // Quality results (docs/quality.md) are kept this long after their
  // event's time, then forgotten.
  std::string quality_retention = "90d";
  // How many jobs downstream a failing or stale dataset makes others
  // upstream-degraded (docs/quality.md#health); 0 turns that off.
  int health_upstream_hops = 3;
  // How often the leader judges every dataset against the governance
  // rules for the report's trend and the certification lapse (also at
  // once when the rules change); docs/governance.md#report.
  int governance_sweep_seconds = 3600;
  // The key that seals secrets the store keeps (webhooks' signing
  // secrets); "" is secrets.key in data_dir, made at first start. Replicas
  // on one PostgreSQL must share one.
  std::string secrets_key_file;
  // Webhooks (docs/quality.md#webhooks): the non-public addresses they may
  // reach anyway (CIDR blocks, comma- or space-separated), the CA file
  // that verifies https receivers ("" the system's), and how many attempts
  // a delivery gets before its webhook is paused.
  std::string webhook_allow;
  std::string webhook_ca;
  int webhook_max_attempts = 10;
  // The MCP server (docs/mcp.md): the Origins whose browser pages may call
  // it (comma- or space-separated "https://host[:port]"); none by default.
  std::string mcp_allowed_origins;
  // This build's version (catalogd sets it; not a setting), for what the
  // MCP server says of itself.
  std::string version;
};

// Reads a YAML config file whose keys are the ServerConfig fields written
// as in the flags: listen, http-listen, data-dir, store, consistency-wait-ms, policies, log-format,
// log-level, max-threads, readers, max-message-bytes, tls-cert, tls-key,
// client-ca, trust-domain, client-namespace, audit-decisions,
// audit-allow-sample, audit-decisions-per-caller, ui-dir, session-lifetime,
// session-idle, quality-retention, health-upstream-hops, secrets-key-file,
// webhook-allow, webhook-ca, webhook-max-attempts. Unknown keys are an
// error naming the file and line. Fields absent from the file keep the
// values `base` has.
absl::StatusOr<ServerConfig> LoadConfigFile(const std::string& path,
                                            ServerConfig base);

// Splits "HOST:PORT" (IPv6 as "[::1]:PORT"); INVALID_ARGUMENT naming `flag`.
absl::Status CheckListenAddress(std::string_view flag, std::string_view value);

absl::Status ValidateConfig(const ServerConfig& config);

}  // namespace catalog::server
