// A data contract's YAML (lib/yaml/tree.h) with its file name: one
// document per file, bounded by the contract limits below.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/yaml/tree.h"

namespace catalog::contract {

using yaml::Member;
using yaml::Node;
using yaml::Position;

inline constexpr size_t kMaxContractBytes = 8 << 20;
inline constexpr int kMaxContractDepth = 64;
inline constexpr size_t kMaxContractNodes = 200'000;
inline constexpr size_t kMaxContractScalarBytes = 256 << 10;

struct Document {
  std::string file;
  Node root;
};

absl::StatusOr<Document> ParseYaml(std::string_view text,
                                   std::string_view file);

}  // namespace catalog::contract
