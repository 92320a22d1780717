#include "server/secrets_key.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "lib/util/sha256.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/data_dir.h"

namespace catalog::server {
namespace {

SecretsKey Identified(const SealKey& key) {
  SecretsKey out{.key = key};
  out.id = Sha256Hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()))
               .substr(0, 16);
  return out;
}

}  // namespace

absl::StatusOr<SecretsKey> LoadSecretsKey(const std::string& path, bool create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create) {
      return absl::FailedPreconditionError(
          StrCat("secrets-key-file: cannot read \"", path, "\": ", std::strerror(errno)));
    }
    const SealKey key = NewSealKey();
    RETURN_IF_ERROR(WritePrivateFile(
        path, absl::Base64Escape(std::string(reinterpret_cast<const char*>(key.data()), key.size())) +
                  "\n"));
    spdlog::info("secrets key made at {} (mode 0600); keep it with your backups", path);
    return Identified(key);
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        StrCat("secrets-key-file: \"", path,
               "\" must be a regular file only its owner may read (chmod 600)"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string raw;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(text.str()), &raw) ||
      raw.size() != SealKey().size()) {
    return absl::FailedPreconditionError(StrCat(
        "secrets-key-file: \"", path, "\" must hold 32 bytes in base64 (openssl rand -base64 32)"));
  }
  SealKey key{};
  std::memcpy(key.data(), raw.data(), key.size());
  return Identified(key);
}

}  // namespace catalog::server
