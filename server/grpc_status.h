// The one place absl::Status becomes grpc::Status.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace catalog::server {

// Messages longer than this are cut (at a UTF-8 boundary) and say how much
// was dropped: gRPC sends them as metadata, which clients cap.
inline constexpr size_t kMaxStatusMessageBytes = 4096;

// The same code and message (cut to kMaxStatusMessageBytes).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace catalog::server
