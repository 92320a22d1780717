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

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace httplib {
class Server;
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
                UiSessions* sessions, const std::vector<std::string>& services,
                Options options);
  ~ConnectBridge();

  // Routes POST and GET /PACKAGE.SERVICE/METHOD on `http`; the bridge must
  // outlive it.
  void Register(httplib::Server& http);

  // The paths that take a request body (for RefuseUnexpectedBodies).
  std::vector<std::string> BodyPaths() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace catalog::server
