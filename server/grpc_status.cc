#include "server/grpc_status.h"

namespace catalog::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // The message travels in a trailer, which clients cap (16 KiB here): a
  // message that quotes a huge value is cut, so the caller still gets the
  // code and the start of the message rather than a metadata error.
  std::string message(status.message());
  if (message.size() > kMaxStatusMessageBytes) {
    size_t cut = kMaxStatusMessageBytes;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    size_t dropped = message.size() - cut;
    message.resize(cut);
    message += "... (" + std::to_string(dropped) + " more bytes)";
  }
  // absl and gRPC share the canonical code numbering.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::move(message));
}

}  // namespace catalog::server
