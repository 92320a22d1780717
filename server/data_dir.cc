#include "server/data_dir.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::server {
namespace {

namespace fs = std::filesystem;

std::string Mode(mode_t mode) {
  char out[8];
  std::snprintf(out, sizeof(out), "%04o", static_cast<unsigned>(mode & 07777));
  return out;
}

absl::Status Unsafe(const std::string& path, std::string_view why, std::string_view fix) {
  return absl::FailedPreconditionError(
      StrCat("data-dir: \"", path, "\" ", why, "; ", fix,
             " (someone else could have planted a database or a token there)"));
}

absl::Status CheckOwnedAndPrivate(const std::string& path, const struct stat& st) {
  if (st.st_uid != geteuid()) {
    return Unsafe(path, StrCat("is owned by uid ", st.st_uid, ", not by catalogd's uid ",
                               geteuid()),
                  "chown it to the user catalogd runs as");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Unsafe(path, StrCat("is writable by group or others (mode ", Mode(st.st_mode), ")"),
                  "chmod go-w it");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PrepareDataDir(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return absl::UnavailableError(
          StrCat("data-dir: cannot read \"", dir, "\": ", std::strerror(errno)));
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::UnavailableError(
          StrCat("data-dir: cannot create \"", dir, "\": ", ec.message()));
    }
    if (::chmod(dir.c_str(), 0700) != 0) {
      return absl::UnavailableError(
          StrCat("data-dir: cannot make \"", dir, "\" private: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    spdlog::warn("data-dir \"{}\" is a symbolic link to \"{}\"; using that directory", dir,
                 fs::canonical(dir, ec).string());
  }
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(StrCat("data-dir: \"", dir, "\" is not a directory"));
  }
  RETURN_IF_ERROR(CheckOwnedAndPrivate(dir, st));
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    return absl::UnavailableError(
        StrCat("data-dir: cannot make \"", dir, "\" private: ", std::strerror(errno)));
  }
  for (const char* name : {"catalog.db", "catalog.db-wal", "catalog.db-shm", "catalog.lock",
                           "admin.token", "audit-pending.jsonl", "secrets.key"}) {
    std::string path = (fs::path(dir) / name).string();
    struct stat f {};
    if (::lstat(path.c_str(), &f) != 0) continue;
    if (!S_ISREG(f.st_mode)) {
      return Unsafe(path, "is not a regular file (a symbolic link?)", "remove it");
    }
    RETURN_IF_ERROR(CheckOwnedAndPrivate(path, f));
  }
  return absl::OkStatus();
}

absl::Status WritePrivateFile(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  }
  bool ok = ::write(fd, content.data(), content.size()) ==
                static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError(StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace catalog::server
