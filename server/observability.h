// What catalogd tells operators: Prometheus metrics (/metrics), readiness
// (/readyz), and the per-RPC counts and latencies behind them.
#pragma once

#include <grpcpp/server_builder.h>
#include <httplib.h>

#include <functional>
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

// One readiness condition: "" when ready, else why not.
struct ReadinessCheck {
  std::string name;
  std::function<std::string()> check;
};

// GET /metrics (Prometheus text format) and GET /readyz (200 {"status":
// "ready"} or 503 naming what is not ready).
void RegisterObservability(httplib::Server& http,
                           std::vector<ReadinessCheck> readiness);

}  // namespace catalog::server
