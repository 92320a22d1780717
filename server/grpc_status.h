// The one place absl::Status becomes grpc::Status.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace catalog::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace catalog::server
