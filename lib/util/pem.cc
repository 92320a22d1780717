#include "lib/util/pem.h"

#include <fstream>
#include <sstream>

#include "lib/util/strings.h"

namespace catalog {

absl::StatusOr<std::string> ReadPemFile(std::string_view setting, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat(setting, ": \"", path, "\" is not a readable PEM file"));
  }
  return text.str();
}

}  // namespace catalog
