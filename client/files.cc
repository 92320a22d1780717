#include "client/files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "lib/util/strings.h"

namespace catalog::client {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<std::string>> ExpandPaths(
    const std::vector<std::string>& paths,
    const std::vector<std::string>& extensions, bool recursive) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-") {
      files.push_back(path);
    } else if (fs::is_directory(path, ec)) {
      std::vector<std::string> in_dir;
      auto take = [&](const fs::directory_entry& entry) {
        std::string ext = entry.path().extension().string();
        if (entry.is_regular_file() &&
            std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) {
          in_dir.push_back(entry.path().string());
        }
      };
      if (recursive) {
        for (const auto& entry : fs::recursive_directory_iterator(path, ec)) take(entry);
      } else {
        for (const auto& entry : fs::directory_iterator(path, ec)) take(entry);
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      return absl::NotFoundError(StrCat(path, ": no such file or directory"));
    }
  }
  return files;
}

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot be read"));
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace catalog::client
