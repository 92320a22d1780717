// The JSON API: every unary method of catalog.v1, callable on the HTTP port
// with the Connect protocol's unary shape —
//
//   POST /catalog.v1.CatalogService/GetDataset
//   Content-Type: application/json            (or application/proto)
//   Authorization: Bearer TOKEN
//   {"namespace": "postgres://db:5432", "name": "shop.public.orders"}
//
// and GET (?encoding=json&message=…) for methods marked NO_SIDE_EFFECTS.
// One generic bridge: the request is checked against the method's
// descriptor, then made to the gRPC services over the server's in-process
// channel (bridged_call.h), so authentication, authorization, audit,
// consistency tokens and metrics are the gRPC path's own. Errors are
// Connect's: {"code": "not_found", "message": …} with its HTTP status.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace catalog::server {

class Authenticator;
class UiSessions;

class ConnectBridge {
 public:
  struct Options {
    size_t max_body_bytes = 16 << 20;  // request body (and GET message), decoded
  };
  // `services`: full names ("catalog.v1.CatalogService") whose unary methods
  // are bridged; `channel`: the gRPC server's in-process channel;
  // `sessions` (may be null): a request without an Authorization header is
  // its web UI session's (ui_session.h).
  ConnectBridge(std::shared_ptr<grpc::Channel> channel, const Authenticator& auth,
                UiSessions* sessions, const std::vector<std::string>& services, Options options);
  ~ConnectBridge();

  // Routes POST and GET /PACKAGE.SERVICE/METHOD on `http`; the bridge must
  // outlive it.
  void Register(httplib::Server& http);

  // Who an HTTP request is from, authenticated as the JSON API does, ready
  // to call the services as them (other HTTP doors, such as MCP, use it).
  struct Caller {
    std::string principal;  // "user:alice"
    std::string authorization;
    std::string consistency;
    std::string peer;
    std::string certificate;
    std::chrono::system_clock::time_point deadline;
  };
  // The caller of `req`: its Authorization header or client certificate
  // (with `sessions`, else refused: a web UI session cookie when it has no
  // header; `changes`: the request may change something). Before any byte
  // of a body is read; errors as the JSON API answers them.
  absl::StatusOr<Caller> Authenticate(const httplib::Request& req, bool sessions, bool changes,
                                      int64_t timeout_ms) const;
  // Calls bridged method `path` ("/catalog.v1.CatalogService/GetDataset")
  // with `request`, its input message in proto JSON, as `caller`: the
  // answer in proto JSON, or the call's status.
  absl::StatusOr<std::string> CallJson(const Caller& caller, const std::string& path,
                                       const std::string& request) const;

  // The paths that take a request body (for RefuseUnexpectedBodies).
  std::vector<std::string> BodyPaths() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::server
