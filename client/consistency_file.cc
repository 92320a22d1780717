#include "client/consistency_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/util/strings.h"

namespace catalog::client {

namespace {
// A token is "ct1." and base64url; anything longer or other is not one
// (and a newline would make gRPC refuse the header by aborting).
constexpr size_t kMaxTokenBytes = 256;
}  // namespace

absl::StatusOr<std::string> ReadConsistencyFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        StrCat("--consistency-file: cannot read \"", path, "\""));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
    token.pop_back();
  }
  size_t start = 0;
  while (start < token.size() && std::isspace(static_cast<unsigned char>(token[start]))) ++start;
  token.erase(0, start);
  bool shaped = token.size() <= kMaxTokenBytes && token.rfind("ct1.", 0) == 0;
  for (char c : token) {
    shaped = shaped && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                        c == '_');
  }
  if (!token.empty() && !shaped) {
    return absl::InvalidArgumentError(
        StrCat("--consistency-file: \"", path,
               "\" does not hold a consistency token (ct1.…, written by catalogctl); "
               "remove it to start afresh"));
  }
  return token;
}

absl::Status WriteConsistencyFile(const std::string& path, const std::string& token) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << token << "\n";
    if (!out.flush()) {
      return absl::UnavailableError(
          StrCat("--consistency-file: cannot write \"", temp, "\""));
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(StrCat("--consistency-file: cannot replace \"", path,
                                         "\": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace catalog::client
