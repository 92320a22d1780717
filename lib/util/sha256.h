// SHA-256 (OpenSSL), raw and as lower-case hex.
#pragma once

#include <string>
#include <string_view>

namespace catalog {

std::string Sha256(std::string_view data);     // 32 raw bytes
std::string Sha256Hex(std::string_view data);  // 64 hex digits
std::string Hex(std::string_view bytes);

}  // namespace catalog
