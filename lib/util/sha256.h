// SHA-256 (OpenSSL), raw and as lower-case hex; HMAC-SHA256.
#pragma once

#include <string>
#include <string_view>

namespace catalog {

std::string Sha256(std::string_view data);     // 32 raw bytes
std::string Sha256Hex(std::string_view data);  // 64 hex digits
std::string Hex(std::string_view bytes);
// HMAC-SHA256 of `data` under `key` (RFC 2104), as 64 hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace catalog
