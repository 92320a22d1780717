// Process-wide logging setup for catalogd (spdlog).
#pragma once

#include <string>

namespace catalog::server {

// `format` is "text" (human-readable) or "json" (one object per line with
// time, level and msg, properly escaped); `level` is debug|info|warn|error.
void ConfigureLogging(const std::string& format, const std::string& level);

}  // namespace catalog::server
