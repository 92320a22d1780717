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
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/auth.h"
#include "server/bridged_call.h"
#include "server/call.h"
#include "server/connect_error.h"
#include "server/consistency.h"
#include "server/http_body.h"
#include "server/http_encoding.h"
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
                    .get = m->options().idempotency_level() == pb::MethodOptions::NO_SIDE_EFFECTS};
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
    // Before the body is read (none is, for a GET), a refusal closes the
    // connection: the unread body cannot be taken for the next request.
    auto refuse = [&](const absl::Status& status, int http_status = 0) {
      ReplyError(res, status, http_status, /*close=*/!is_get);
    };
    auto found = methods_.find(req.path);
    if (found == methods_.end()) {
      return refuse(absl::UnimplementedError(StrCat("no method \"", req.path.substr(1), "\"")),
                    404);
    }
    const Method& method = found->second;
    if (is_get && !method.get) {
      res.set_header("Allow", "POST");
      return refuse(absl::UnimplementedError(
                        StrCat(method.path.substr(1),
                               " changes or records something: POST it (GET is for methods without "
                               "side effects)")),
                    405);
    }
    std::string version = req.get_header_value("Connect-Protocol-Version");
    if (!version.empty() && version != "1") {
      return refuse(absl::InvalidArgumentError("Connect-Protocol-Version: must be 1"));
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
      return refuse(absl::InvalidArgumentError(
                        is_get ? "encoding: must be json or proto"
                               : "Content-Type: must be application/json or application/proto"),
                    415);
    }
    int64_t timeout_ms = kDefaultTimeoutMs;
    if (std::string t = req.get_header_value("Connect-Timeout-Ms"); !t.empty()) {
      if (t.size() > 10 || !absl::SimpleAtoi(t, &timeout_ms) || timeout_ms <= 0) {
        return refuse(absl::InvalidArgumentError(
            "Connect-Timeout-Ms: must be a positive integer of at most 10 digits"));
      }
      timeout_ms = std::min(timeout_ms, kMaxTimeoutMs);
    }
    // Who is calling, before a byte of the body is read.
    absl::StatusOr<Caller> caller = Authenticate(req, /*sessions=*/true, !is_get, timeout_ms);
    if (!caller.ok()) return refuse(caller.status());

    absl::StatusOr<std::string> payload = Payload(req, reader);
    if (!payload.ok()) {
      // Too large: the rest of the body was never read.
      return ReplyError(res, payload.status(), 0,
                        !is_get && payload.status().code() == absl::StatusCode::kResourceExhausted);
    }
    absl::StatusOr<std::string> request = Decode(method, codec, *payload);
    if (!request.ok()) return ReplyError(res, request.status());

    grpc::ClientContext context;
    std::string bytes;
    grpc::Status status = Invoke(*caller, method.path, *request, context, &bytes);

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
      // gRPC's codes are absl's, number for number.
      return ReplyError(res, absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                                          status.error_message()));
    }
    if (codec == "proto") return SetBody(&req, res, std::move(bytes), "application/proto");
    absl::StatusOr<std::string> json = ToJson(method, bytes);
    if (!json.ok()) return ReplyError(res, json.status());
    SetBody(&req, res, *std::move(json), "application/json");
  }

  absl::StatusOr<Caller> Authenticate(const httplib::Request& req, bool sessions, bool changes,
                                      int64_t timeout_ms) const {
    Caller c;
    c.deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms);
    // Metadata gRPC takes: printable ASCII only (it refuses anything else).
    c.authorization = req.get_header_value("Authorization");
    if (c.authorization.empty() && sessions && sessions_ != nullptr) {
      // A web UI session; a request that changes something with it must
      // come from this site's pages.
      absl::StatusOr<std::string> from_cookie = sessions_->AuthorizationOf(req, changes);
      if (!from_cookie.ok()) return from_cookie.status();
      c.authorization = *from_cookie;
    }
    c.consistency = req.get_header_value(kConsistencyTokenHeader);
    if (!PrintableAscii(c.authorization) || !PrintableAscii(c.consistency)) {
      return absl::InvalidArgumentError(
          StrCat(!PrintableAscii(c.authorization) ? "Authorization" : kConsistencyTokenHeader,
                 ": must be printable ASCII"));
    }
    c.peer = StrCat(req.remote_addr, ":", req.remote_port);
    c.certificate = ClientCertificatesRequired() ? ClientCertificatePem(req) : std::string();
    absl::StatusOr<Identity> identity = IdentityOf(auth_, c.authorization, c.certificate);
    // A token made on another replica, before this one applied it.
    identity = AuthenticateWhenKnown(
        auth_, std::move(identity), c.authorization, c.consistency, c.peer, c.deadline,
        [&] { return IdentityOf(auth_, c.authorization, c.certificate); });
    if (!identity.ok()) {
      RecordAuthFailure("http", c.peer, identity.status());
      return identity.status();
    }
    c.principal = identity->principal;
    return c;
  }

  absl::StatusOr<std::string> CallJson(const Caller& caller, const std::string& path,
                                       const std::string& request) const {
    auto found = methods_.find(path);
    if (found == methods_.end()) {
      return absl::UnimplementedError(StrCat("no method \"", path.substr(1), "\""));
    }
    ASSIGN_OR_RETURN(std::string bytes, Decode(found->second, "json", request));
    grpc::ClientContext context;
    std::string answer;
    grpc::Status status = Invoke(caller, path, bytes, context, &answer);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return ToJson(found->second, answer);
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
      auto parsed =
          pb::util::JsonStringToMessage(payload.empty() ? "{}" : payload, message.get(), options);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(
            StrCat("body: not a ", type->full_name(), " in JSON: ", std::string(parsed.message())));
      }
    } else if (!message->ParseFromString(payload)) {
      return absl::InvalidArgumentError(StrCat("body: not a serialized ", type->full_name()));
    }
    std::string bytes;
    message->SerializeToString(&bytes);
    return bytes;
  }

  // Calls `path` with the serialized `request` as `caller`, over the
  // in-process channel with the bridge's metadata; `context` then holds
  // the answer's metadata.
  grpc::Status Invoke(const Caller& caller, const std::string& path, const std::string& request,
                      grpc::ClientContext& context, std::string* answer) const {
    context.set_deadline(caller.deadline);
    if (!caller.authorization.empty()) context.AddMetadata("authorization", caller.authorization);
    if (!caller.consistency.empty())
      context.AddMetadata(kConsistencyTokenHeader, caller.consistency);
    context.AddMetadata(kBridgeKeyHeader, BridgeKey());
    context.AddMetadata(kBridgePeerHeader, caller.peer);
    if (!caller.certificate.empty())
      context.AddMetadata(kBridgeCertificateHeader, caller.certificate);
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1), out;
    grpc::Status status = Call(context, path, in, &out);
    std::vector<grpc::Slice> slices;
    if (status.ok() && out.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        answer->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return status;
  }

  // A method's serialized answer in proto JSON.
  static absl::StatusOr<std::string> ToJson(const Method& method, const std::string& bytes) {
    std::unique_ptr<pb::Message> response(Prototype(method.descriptor->output_type())->New());
    std::string json;
    if (!response->ParseFromString(bytes) ||
        !pb::util::MessageToJsonString(*response, &json).ok()) {
      return absl::InternalError(
          StrCat("the answer is not a ", method.descriptor->output_type()->full_name()));
    }
    return json;
  }

  grpc::Status Call(grpc::ClientContext& context, const std::string& path,
                    const grpc::ByteBuffer& in, grpc::ByteBuffer* out) const {
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

  mutable grpc::GenericStub stub_;
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

absl::StatusOr<ConnectBridge::Caller> ConnectBridge::Authenticate(const httplib::Request& req,
                                                                  bool sessions, bool changes,
                                                                  int64_t timeout_ms) const {
  return impl_->Authenticate(req, sessions, changes, timeout_ms);
}

absl::StatusOr<std::string> ConnectBridge::CallJson(const Caller& caller, const std::string& path,
                                                    const std::string& request) const {
  return impl_->CallJson(caller, path, request);
}

void ConnectBridge::Register(httplib::Server& http) {
  const std::string pattern = R"(/catalog\.v1\.[A-Za-z]+/[A-Za-z0-9_]+)";
  http.Post(pattern,
            [this](const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader) { impl_->Handle(req, res, &reader); });
  http.Get(pattern, [this](const httplib::Request& req, httplib::Response& res) {
    impl_->Handle(req, res, nullptr);
  });
}

}  // namespace catalog::server
