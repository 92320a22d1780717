// A running catalogd: the store, the gRPC services and the HTTP port.
//
//   ASSIGN_OR_RETURN(auto server, CatalogServer::Start(config));
//   ...  // serve until asked to stop
//   server->Shutdown();
//
// Start opens (and migrates) <data_dir>/catalog.db, writes an admin token to
// <data_dir>/admin.token (mode 0600) the first time, reads the policy files,
// and binds both ports (0 picks a free one; see grpc_port()/http_port()).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/config.h"

namespace catalog::server {

// Limits every connection gets (docs/operations.md, "Limits").
inline constexpr int kMaxMetadataBytes = 16 * 1024;
inline constexpr int kMaxStreamsPerConnection = 100;
inline constexpr int kHttpThreads = 64;  // HTTP connections served at once

class CatalogServer {
 public:
  static absl::StatusOr<std::unique_ptr<CatalogServer>> Start(
      const ServerConfig& config);
  ~CatalogServer();

  int grpc_port() const;
  int http_port() const;
  // Where the admin token was written.
  std::string admin_token_path() const;

  // Stops accepting calls, lets in-flight calls finish for up to `grace`,
  // then cancels what remains. Idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

  class Impl;

 private:
  explicit CatalogServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::server
