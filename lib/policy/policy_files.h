// Reading policy files from disk: a .cedar file, or the *.cedar files of a
// directory in name order (not its subdirectories).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/policy/parser.h"

namespace catalog::policy {

// Sources named by their file names. NOT_FOUND for a missing path,
// INVALID_ARGUMENT when no .cedar file is found at all.
absl::StatusOr<std::vector<PolicySource>> ReadPolicySources(
    const std::vector<std::string>& paths);

}  // namespace catalog::policy
