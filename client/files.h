// Reading the files catalogctl is pointed at.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace catalog::client {

// Files named by `paths`, in order: a file as is, "-" (stdin) as is, a
// directory as its files ending in one of `extensions` (with `recursive`,
// also those of its subdirectories), sorted. NOT_FOUND for a path that is
// neither.
absl::StatusOr<std::vector<std::string>> ExpandPaths(
    const std::vector<std::string>& paths,
    const std::vector<std::string>& extensions, bool recursive = false);

// The whole file; "-" reads stdin.
absl::StatusOr<std::string> ReadAll(const std::string& path);

}  // namespace catalog::client
