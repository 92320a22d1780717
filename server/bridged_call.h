// Calls that arrive through the HTTP port's Connect bridge
// (connect_bridge.h): it makes them to the gRPC services over the server's
// in-process channel, with metadata only it can set — a key made at start
// that never leaves the process — naming the HTTP client's certificate and
// address. A service trusts that metadata only beside the key.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

namespace catalog::server {

inline constexpr char kBridgeKeyHeader[] = "x-catalog-bridge-key";
inline constexpr char kBridgePeerHeader[] = "x-catalog-bridge-peer";
inline constexpr char kBridgeCertificateHeader[] = "x-catalog-bridge-certificate-bin";

// 32 random bytes, hex: the same for the life of the process.
const std::string& BridgeKey();

// Whether the call came through the bridge (its key, compared in constant
// time).
bool IsBridged(const grpc::ServerContext& context);

// A bridged call's client certificate (PEM; "" without one); "" for any
// other call.
std::string BridgedCertificate(const grpc::ServerContext& context);

// Where the call came from, for logs: the HTTP client's address for a
// bridged call, else gRPC's peer.
std::string PeerOf(const grpc::ServerContext& context);

}  // namespace catalog::server
