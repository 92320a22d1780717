#include "lib/policy/policy_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/util/strings.h"

namespace catalog::policy {

absl::StatusOr<std::vector<PolicySource>> ReadPolicySources(
    const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<PolicySource> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(path, ec)) {
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.path().extension() == ".cedar") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      return absl::NotFoundError(StrCat(path, ": no such file or directory"));
    }
    for (const fs::path& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) return absl::NotFoundError(StrCat(f.string(), ": cannot be read"));
      std::stringstream text;
      text << in.rdbuf();
      out.push_back({f.filename().string(), text.str()});
    }
  }
  if (out.empty()) return absl::InvalidArgumentError("no .cedar files found");
  return out;
}

}  // namespace catalog::policy
