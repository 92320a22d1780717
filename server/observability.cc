#include "server/observability.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/server_interceptor.h>

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "lib/util/metrics.h"
#include "server/http_encoding.h"

namespace catalog::server {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static const char* names[] = {
      "OK",          "CANCELLED",          "UNKNOWN",
      "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED",    "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",         "UNAVAILABLE",
      "DATA_LOSS",   "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? names[i] : "UNKNOWN";
}

// The metrics of one method, looked up once per method.
struct MethodMetrics {
  Histogram* duration;
  std::map<grpc::StatusCode, Counter*> calls;  // guarded by the table's lock
};

}  // namespace

std::string MethodLabel(std::string_view path) {
  // "/pkg.Service/Method" names a method only if a linked .proto declares it;
  // anything else a client makes up is one value, so labels stay bounded.
  if (path.size() > 1 && path.size() <= 256 && path[0] == '/') {
    std::string full(path.substr(1));
    size_t slash = full.find('/');
    if (slash != std::string::npos && full.find('/', slash + 1) == std::string::npos) {
      full[slash] = '.';
      if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full) !=
          nullptr) {
        return std::string(path);
      }
    }
  }
  return "unknown";
}

namespace {

class RpcMetrics final : public grpc::experimental::Interceptor {
 public:
  explicit RpcMetrics(grpc::experimental::ServerRpcInfo* info)
      : method_(MethodLabel(info->method())), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start_)
                           .count();
      Record(method_, methods->GetSendStatus().error_code(), seconds);
    }
    methods->Proceed();
  }

 private:
  static void Record(const std::string& method, grpc::StatusCode code,
                     double seconds) {
    static std::mutex mu;
    static std::map<std::string, MethodMetrics> table;
    Counter* calls;
    Histogram* duration;
    {
      std::lock_guard lock(mu);
      MethodMetrics& m = table[method];
      if (m.duration == nullptr) {
        m.duration = &Metrics::Get().GetHistogram(
            "catalogd_rpc_duration_seconds", "RPC handling time by method",
            {{"method", method}});
      }
      Counter*& c = m.calls[code];
      if (c == nullptr) {
        c = &Metrics::Get().GetCounter("catalogd_rpc_calls_total",
                                       "RPCs by method and status code",
                                       {{"method", method}, {"code", CodeName(code)}});
      }
      calls = c;
      duration = m.duration;
    }
    calls->Add();
    duration->Observe(seconds);
  }

  std::string method_;
  std::chrono::steady_clock::time_point start_;
};

class RpcMetricsFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcMetrics(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RpcMetricsInterceptor() {
  return std::make_unique<RpcMetricsFactory>();
}

void RegisterObservability(httplib::Server& http, std::vector<ReadinessCheck> readiness,
                           std::function<nlohmann::json()> state) {
  http.Get("/metrics", [](const httplib::Request& req, httplib::Response& res) {
    SetBody(&req, res, Metrics::Get().Render(), "text/plain; version=0.0.4");
  });
  http.Get("/readyz", [readiness = std::move(readiness), state = std::move(state)](
                          const httplib::Request&, httplib::Response& res) {
    nlohmann::json waiting = nlohmann::json::object(), degraded = nlohmann::json::object();
    for (const ReadinessCheck& c : readiness) {
      std::string why = c.check();
      if (!why.empty()) (c.blocks ? waiting : degraded)[c.name] = why;
    }
    nlohmann::json answer = {{"status", !waiting.empty()    ? "not ready"
                                        : !degraded.empty() ? "degraded"
                                                            : "ready"}};
    if (!waiting.empty()) answer["waiting"] = waiting;
    if (!degraded.empty()) answer["degraded"] = degraded;
    if (state) answer.update(state());
    res.status = waiting.empty() ? 200 : 503;
    SetBody(nullptr, res, answer.dump() + "\n", "application/json");
  });
}

}  // namespace catalog::server
