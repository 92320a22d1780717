// A YAML document as a tree of typed nodes that remember where they were
// written. Data contracts are linted and diffed on this tree so every finding
// can name its file:line:col.
//
// Plain scalars are typed by the YAML 1.2 core schema (null, booleans,
// integers, floats; everything else a string), plus the YAML 1.1 timestamp
// form (2022-10-03), which YAML 1.1 loaders turn into dates: such a node is
// kTimestamp, a string to the schema rules, flagged by lint. Quoted scalars
// are always strings.
//
// Hostile input is bounded: more than kMaxContractBytes of text, nesting
// deeper than kMaxContractDepth, or more than kMaxContractNodes nodes after
// alias expansion (billion laughs) is an InvalidArgument naming file:line:col.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace catalog::contract {

inline constexpr size_t kMaxContractBytes = 8 << 20;
inline constexpr int kMaxContractDepth = 64;
inline constexpr size_t kMaxContractNodes = 200'000;

struct Position {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct Member;

struct Node {
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kTimestamp, kSeq, kMap };
  Kind kind = Kind::kNull;
  std::string text;  // a scalar's text as written (unquoted)
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;  // kInt and kFloat both set it
  Position pos;
  std::vector<Node> items;      // kSeq
  std::vector<Member> members;  // kMap, in document order

  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSeq() const { return kind == Kind::kSeq; }
  bool IsString() const {
    return kind == Kind::kString || kind == Kind::kTimestamp;
  }
  bool IsNumber() const { return kind == Kind::kInt || kind == Kind::kFloat; }
  // JSON Schema's "integer": any number with no fractional part.
  bool IsInteger() const;
  bool IsScalar() const { return kind != Kind::kSeq && kind != Kind::kMap; }
  // The member's value, or nullptr.
  const Node* Find(std::string_view key) const;
  const Member* FindMember(std::string_view key) const;
  // The string value of a member, or "" when absent or not a string.
  std::string String(std::string_view key) const;
  // Compact canonical JSON of the subtree (map keys in document order).
  std::string ToJson() const;
};

struct Member {
  std::string key;
  Position key_pos;
  Node value;
};

struct Document {
  std::string file;
  Node root;
};

absl::StatusOr<Document> ParseYaml(std::string_view text,
                                   std::string_view file);

}  // namespace catalog::contract
