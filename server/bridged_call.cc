#include "server/bridged_call.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace catalog::server {
namespace {

std::string Metadata(const grpc::ServerContext& context, const char* name) {
  auto it = context.client_metadata().find(name);
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

const std::string& BridgeKey() {
  static const std::string key = [] {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no key, no trust
    std::string hex(64, '0');
    for (size_t i = 0; i < sizeof bytes; ++i) {
      std::snprintf(&hex[2 * i], 3, "%02x", bytes[i]);
    }
    return hex;
  }();
  return key;
}

bool IsBridged(const grpc::ServerContext& context) {
  auto it = context.client_metadata().find(kBridgeKeyHeader);
  if (it == context.client_metadata().end()) return false;
  const std::string& key = BridgeKey();
  return it->second.size() == key.size() &&
         CRYPTO_memcmp(it->second.data(), key.data(), key.size()) == 0;
}

std::string BridgedCertificate(const grpc::ServerContext& context) {
  return IsBridged(context) ? Metadata(context, kBridgeCertificateHeader) : "";
}

std::string PeerOf(const grpc::ServerContext& context) {
  if (IsBridged(context)) return "http:" + Metadata(context, kBridgePeerHeader);
  return context.peer();
}

}  // namespace catalog::server
