// Reading PEM files (certificates, keys, CA bundles) named by a setting.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog {

// The text of the PEM file at `path`; INVALID_ARGUMENT naming `setting`
// ("--ca", "tls-cert") when it cannot be read or holds no PEM block.
absl::StatusOr<std::string> ReadPemFile(std::string_view setting, const std::string& path);

// OK when `key_pem` is the private key of the first certificate in
// `cert_pem`; INVALID_ARGUMENT saying which does not parse or that they
// do not match (a server would otherwise fail later, as "cannot bind").
absl::Status CheckKeyPair(std::string_view cert_pem, std::string_view key_pem);

}  // namespace catalog
