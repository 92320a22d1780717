// Sealed text: AES-256-GCM, as URL-safe base64, that whoever holds it can
// neither read nor forge without the key. Seal/Unseal use a key made at
// random when the process starts, for tokens a server hands out and takes
// back (page tokens), good until a restart; SealWith/UnsealWith take a key
// kept elsewhere, for secrets the store must hold but not reveal (a
// webhook's signing secret under the secrets key).
//
//   std::string token = Seal(position);
//   ASSIGN_OR_RETURN(std::string position, Unseal(token));
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog {

using SealKey = std::array<unsigned char, 32>;

// A key from the system's random source.
SealKey NewSealKey();

std::string SealWith(const SealKey& key, std::string_view plaintext);
// INVALID_ARGUMENT for anything `key` did not seal, unaltered.
absl::StatusOr<std::string> UnsealWith(const SealKey& key, std::string_view sealed);

// `plaintext` encrypted and authenticated, as URL-safe base64.
std::string Seal(std::string_view plaintext);

// The plaintext of a token Seal made in this process; INVALID_ARGUMENT for
// anything else (altered, made up, or from before a restart).
absl::StatusOr<std::string> Unseal(std::string_view token);

}  // namespace catalog
