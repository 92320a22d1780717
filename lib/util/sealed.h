// Sealed tokens: text a server hands out and takes back (page tokens) that
// the holder can neither read nor forge. AES-256-GCM under a key made at
// random when the process starts, so a token is good until a restart.
//
//   std::string token = Seal(position);
//   ASSIGN_OR_RETURN(std::string position, Unseal(token));
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog {

// `plaintext` encrypted and authenticated, as URL-safe base64.
std::string Seal(std::string_view plaintext);

// The plaintext of a token Seal made in this process; INVALID_ARGUMENT for
// anything else (altered, made up, or from before a restart).
absl::StatusOr<std::string> Unseal(std::string_view token);

}  // namespace catalog
