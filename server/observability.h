// What catalogd tells operators: Prometheus metrics (/metrics), readiness
// (/readyz), and the per-RPC counts and latencies behind them.
#pragma once

#include <grpcpp/server_builder.h>
#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <vector>

namespace catalog::server {

// Counts every RPC by method and status code and times it:
// catalogd_rpc_calls_total{method,code}, catalogd_rpc_duration_seconds{method}.
// A method no linked .proto declares is labelled "unknown" (MethodLabel),
// so made-up paths cannot grow /metrics.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RpcMetricsInterceptor();

// The `method` label of a call to `path` ("/catalog.v1.CatalogService/Apply"):
// the path when a linked .proto declares that method, else "unknown".
std::string MethodLabel(std::string_view path);

// One readiness condition: "" when met, else why not. A blocking one
// makes catalogd not ready; another only degraded (it still serves).
struct ReadinessCheck {
  std::string name;
  std::function<std::string()> check;
  bool blocks = true;
};

// GET /metrics (Prometheus text format) and GET /readyz: 200
// {"status":"ready"} or {"status":"degraded","degraded":{name: why}}, or
// 503 {"status":"not ready","waiting":{name: why}}; with the fields
// `state` returns (the revisions) added.
void RegisterObservability(httplib::Server& http, std::vector<ReadinessCheck> readiness,
                           std::function<nlohmann::json()> state = nullptr);

}  // namespace catalog::server
