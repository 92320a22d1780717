// This build's version (the project's, from CMakeLists.txt) and the commit
// it was built from, for `catalogd --version` and `catalogctl --version`.
#pragma once

#include <string>

namespace catalog {

const char* Version();
const char* BuildCommit();  // short hash, "-dirty" if built with changes

// "0.1.0 (commit 77f079f3a1b2)"
inline std::string VersionLine() {
  return std::string(Version()) + " (commit " + BuildCommit() + ")";
}

}  // namespace catalog
