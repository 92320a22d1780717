#include "server/connect_bridge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "lib/util/strings.h"
#include "server/auth.h"
#include "server/bridged_call.h"
#include "server/call.h"
#include "server/consistency.h"
#include "server/http_body.h"
#include "server/http_peer.h"
#include "server/ui_session.h"

namespace catalog::server {
namespace {

namespace pb = google::protobuf;

// A call's deadline when the client names none, and the longest it may name.
constexpr int64_t kDefaultTimeoutMs = 30'000;
constexpr int64_t kMaxTimeoutMs = 300'000;

struct Method {
  const pb::MethodDescriptor* descriptor = nullptr;
  std::string path;  // "/catalog.v1.CatalogService/GetDataset"
  bool get = false;  // NO_SIDE_EFFECTS: GET allowed
};

// Connect's name for a status code, and the HTTP status it answers with
// (the Connect protocol's table).
const char* ConnectCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED: return "canceled";
    case grpc::StatusCode::INVALID_ARGUMENT: return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND: return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS: return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED: return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "failed_precondition";
    case grpc::StatusCode::ABORTED: return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED: return "unimplemented";
    case grpc::StatusCode::INTERNAL: return "internal";
    case grpc::StatusCode::UNAVAILABLE: return "unavailable";
    case grpc::StatusCode::DATA_LOSS: return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED: return "unauthenticated";
    default: return "unknown";
  }
}

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    default: return 500;
  }
}

grpc::StatusCode CodeOf(const absl::Status& status) {
  return static_cast<grpc::StatusCode>(status.code());
}

struct Error {
  grpc::StatusCode code;
  std::string message;
  int http_status = 0;   // 0: the code's
  bool close = false;    // the body was not read: the connection cannot go on
};

void Reply(httplib::Response& res, const Error& e) {
  nlohmann::json body = {{"code", ConnectCode(e.code)}, {"message", e.message}};
  res.status = e.http_status != 0 ? e.http_status : HttpStatusOf(e.code);
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
  if (e.close) res.set_header("Connection", "close");
}

bool PrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

}  // namespace

class ConnectBridge::Impl {
 public:
  Impl(std::shared_ptr<grpc::Channel> channel, const Authenticator& auth, UiSessions* sessions,
       Options options)
      : stub_(std::move(channel)), auth_(auth), sessions_(sessions), options_(options) {}

  void Add(const pb::ServiceDescriptor& service) {
    for (int i = 0; i < service.method_count(); ++i) {
      const pb::MethodDescriptor* m = service.method(i);
      if (m->client_streaming() || m->server_streaming()) continue;
      Method method{.descriptor = m,
                    .path = StrCat("/", service.full_name(), "/", m->name()),
                    .get = m->options().idempotency_level() ==
                           pb::MethodOptions::NO_SIDE_EFFECTS};
      methods_[method.path] = method;
    }
  }

  std::vector<std::string> BodyPaths() const {
    std::vector<std::string> paths;
    for (const auto& [path, m] : methods_) paths.push_back(path);
    return paths;
  }

  // `reader` is null for a GET.
  void Handle(const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader* reader) {
    res.set_header("Cache-Control", "no-store");
    const bool is_get = reader == nullptr;
    auto found = methods_.find(req.path);
    if (found == methods_.end()) {
      return Reply(res, {.code = grpc::StatusCode::UNIMPLEMENTED,
                         .message = StrCat("no method \"", req.path.substr(1), "\""),
                         .http_status = 404,
                         .close = !is_get});
    }
    const Method& method = found->second;
    if (is_get && !method.get) {
      res.set_header("Allow", "POST");
      return Reply(res, {.code = grpc::StatusCode::UNIMPLEMENTED,
                         .message = StrCat(method.path.substr(1),
                                           " changes or records something: POST it (GET is for "
                                           "methods without side effects)"),
                         .http_status = 405});
    }
    std::string version = req.get_header_value("Connect-Protocol-Version");
    if (!version.empty() && version != "1") {
      return Reply(res, {.code = grpc::StatusCode::INVALID_ARGUMENT,
                         .message = "Connect-Protocol-Version: must be 1",
                         .close = !is_get});
    }
    // The codec, before anything is read.
    std::string codec;
    if (is_get) {
      codec = req.get_param_value("encoding");
    } else {
      std::string media = MediaType(req.get_header_value("Content-Type"));
      codec = media == "application/json" ? "json" : media == "application/proto" ? "proto" : "";
    }
    if (codec != "json" && codec != "proto") {
      return Reply(res, {.code = grpc::StatusCode::INVALID_ARGUMENT,
                         .message = is_get ? "encoding: must be json or proto"
                                           : "Content-Type: must be application/json or "
                                             "application/proto",
                         .http_status = 415,
                         .close = !is_get});
    }
    // Metadata gRPC takes: printable ASCII only (it refuses anything else).
    std::string authorization = req.get_header_value("Authorization");
    if (authorization.empty() && sessions_ != nullptr) {
      // A web UI session; a POST with it must come from this site's pages.
      absl::StatusOr<std::string> from_cookie = sessions_->AuthorizationOf(req, !is_get);
      if (!from_cookie.ok()) {
        return Reply(res, {.code = CodeOf(from_cookie.status()),
                           .message = std::string(MessageOf(from_cookie.status())),
                           .close = !is_get});
      }
      authorization = *from_cookie;
    }
    const std::string consistency = req.get_header_value(kConsistencyTokenHeader);
    if (!PrintableAscii(authorization) || !PrintableAscii(consistency)) {
      return Reply(res, {.code = grpc::StatusCode::INVALID_ARGUMENT,
                         .message = StrCat(!PrintableAscii(authorization) ? "Authorization"
                                                                          : kConsistencyTokenHeader,
                                           ": must be printable ASCII"),
                         .close = !is_get});
    }
    int64_t timeout_ms = kDefaultTimeoutMs;
    if (std::string t = req.get_header_value("Connect-Timeout-Ms"); !t.empty()) {
      if (t.size() > 10 || !absl::SimpleAtoi(t, &timeout_ms) || timeout_ms <= 0) {
        return Reply(res, {.code = grpc::StatusCode::INVALID_ARGUMENT,
                           .message = "Connect-Timeout-Ms: must be a positive integer of at "
                                      "most 10 digits",
                           .close = !is_get});
      }
      timeout_ms = std::min(timeout_ms, kMaxTimeoutMs);
    }
    // Who is calling, before a byte of the body is read.
    const std::string peer = StrCat(req.remote_addr, ":", req.remote_port);
    const std::string certificate =
        ClientCertificatesRequired() ? ClientCertificatePem(req) : std::string();
    absl::StatusOr<Identity> caller = IdentityOf(auth_, authorization, certificate);
    if (!caller.ok()) {
      RecordAuthFailure("http", peer, caller.status());
      return Reply(res, {.code = CodeOf(caller.status()),
                         .message = std::string(MessageOf(caller.status())),
                         .close = !is_get});
    }

    absl::StatusOr<std::string> payload = Payload(req, reader);
    if (!payload.ok()) {
      return Reply(res, {.code = CodeOf(payload.status()),
                         .message = std::string(MessageOf(payload.status())),
                         .close = !is_get && payload.status().code() ==
                                                 absl::StatusCode::kResourceExhausted});
    }
    absl::StatusOr<std::string> request = Decode(method, codec, *payload);
    if (!request.ok()) {
      return Reply(res, {.code = CodeOf(request.status()),
                         .message = std::string(MessageOf(request.status()))});
    }

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(timeout_ms));
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    if (!consistency.empty()) context.AddMetadata(kConsistencyTokenHeader, consistency);
    context.AddMetadata(kBridgeKeyHeader, BridgeKey());
    context.AddMetadata(kBridgePeerHeader, peer);
    if (!certificate.empty()) context.AddMetadata(kBridgeCertificateHeader, certificate);
    grpc::Slice slice(*request);
    grpc::ByteBuffer in(&slice, 1), out;
    grpc::Status status = Call(context, method.path, in, &out);

    // The answer's metadata: Connect sends trailers as "trailer-" headers.
    for (const auto& [key, value] : context.GetServerInitialMetadata()) {
      std::string k(key.data(), key.size());
      if (k.rfind("x-catalog-", 0) == 0) res.set_header(k, std::string(value.data(), value.size()));
    }
    for (const auto& [key, value] : context.GetServerTrailingMetadata()) {
      std::string k(key.data(), key.size());
      if (k.rfind("x-catalog-", 0) == 0) {
        res.set_header("trailer-" + k, std::string(value.data(), value.size()));
      }
    }
    if (!status.ok()) {
      return Reply(res, {.code = status.error_code(), .message = status.error_message()});
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (out.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    if (codec == "proto") return res.set_content(bytes, "application/proto");
    std::unique_ptr<pb::Message> response(Prototype(method.descriptor->output_type())->New());
    std::string json;
    if (!response->ParseFromString(bytes) ||
        !pb::util::MessageToJsonString(*response, &json).ok()) {
      return Reply(res, {.code = grpc::StatusCode::INTERNAL,
                         .message = StrCat("the answer is not a ",
                                           method.descriptor->output_type()->full_name())});
    }
    res.set_content(json, "application/json");
  }

 private:
  static const pb::Message* Prototype(const pb::Descriptor* type) {
    return pb::MessageFactory::generated_factory()->GetPrototype(type);
  }

  // The request's message bytes as sent: the body, or a GET's `message`.
  absl::StatusOr<std::string> Payload(const httplib::Request& req,
                                      const httplib::ContentReader* reader) const {
    if (reader != nullptr) return ReadBody(req, *reader, options_.max_body_bytes);
    if (std::string c = req.get_param_value("compression"); !c.empty() && c != "identity") {
      return absl::UnimplementedError("compression: only identity is supported");
    }
    std::string message = req.get_param_value("message");
    if (req.get_param_value("base64") == "1") {
      std::string decoded;
      if (!absl::WebSafeBase64Unescape(message, &decoded)) {
        return absl::InvalidArgumentError("message: not URL-safe base64 (base64=1)");
      }
      message = std::move(decoded);
    }
    if (message.size() > options_.max_body_bytes) {
      return absl::ResourceExhaustedError(
          StrCat("message: larger than ", options_.max_body_bytes, " bytes"));
    }
    return message;
  }

  // The request as the method's input message, serialized: refused here,
  // naming the type, when it is not one.
  absl::StatusOr<std::string> Decode(const Method& method, const std::string& codec,
                                     const std::string& payload) const {
    const pb::Descriptor* type = method.descriptor->input_type();
    std::unique_ptr<pb::Message> message(Prototype(type)->New());
    if (codec == "json") {
      pb::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      auto parsed = pb::util::JsonStringToMessage(payload.empty() ? "{}" : payload,
                                                  message.get(), options);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(StrCat("body: not a ", type->full_name(),
                                                 " in JSON: ", std::string(parsed.message())));
      }
    } else if (!message->ParseFromString(payload)) {
      return absl::InvalidArgumentError(
          StrCat("body: not a serialized ", type->full_name()));
    }
    std::string bytes;
    message->SerializeToString(&bytes);
    return bytes;
  }

  grpc::Status Call(grpc::ClientContext& context, const std::string& path,
                    const grpc::ByteBuffer& in, grpc::ByteBuffer* out) {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub_.UnaryCall(&context, path, grpc::StubOptions(), &in, out, [&](grpc::Status s) {
      std::lock_guard lock(mu);
      status = std::move(s);
      done = true;
      cv.notify_one();
    });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    return status;
  }

  grpc::GenericStub stub_;
  const Authenticator& auth_;
  UiSessions* sessions_;
  Options options_;
  std::map<std::string, Method> methods_;
};

ConnectBridge::ConnectBridge(std::shared_ptr<grpc::Channel> channel, const Authenticator& auth,
                             UiSessions* sessions, const std::vector<std::string>& services,
                             Options options)
    : impl_(std::make_unique<Impl>(std::move(channel), auth, sessions, options)) {
  for (const std::string& name : services) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service != nullptr) impl_->Add(*service);
  }
}

ConnectBridge::~ConnectBridge() = default;

std::vector<std::string> ConnectBridge::BodyPaths() const { return impl_->BodyPaths(); }

void ConnectBridge::Register(httplib::Server& http) {
  const std::string pattern = R"(/catalog\.v1\.[A-Za-z]+/[A-Za-z0-9_]+)";
  http.Post(pattern, [this](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
    impl_->Handle(req, res, &reader);
  });
  http.Get(pattern, [this](const httplib::Request& req, httplib::Response& res) {
    impl_->Handle(req, res, nullptr);
  });
}

}  // namespace catalog::server
