// A YAML text as trees of typed nodes that remember where they were
// written, so whoever reads them (manifests, data contracts) can name
// file:line:col in every message.
//
// Plain scalars are typed by the YAML 1.2 core schema (null, booleans,
// integers, floats; everything else a string), plus the YAML 1.1 timestamp
// form (2022-10-03), which YAML 1.1 loaders turn into dates: such a node is
// kTimestamp. Quoted scalars are always strings; `text` keeps every
// scalar's text as written, for readers with their own typing.
//
// Hostile input is bounded by the caller's Limits: text over max_bytes,
// nesting deeper than max_depth, or more than max_nodes nodes in one
// document after alias expansion (billion laughs), or a scalar (or key)
// longer than max_scalar_bytes, is an InvalidArgument
// naming file:line:col, as are malformed YAML, non-scalar keys and
// duplicate keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace catalog::yaml {

struct Limits {
  size_t max_bytes = 0;
  int max_depth = 0;
  size_t max_nodes = 0;
  size_t max_scalar_bytes = 0;  // 0: bounded by max_bytes alone
};

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

// Every document of `text`, in order; an empty one (between two "---"
// lines) is a kNull node.
absl::StatusOr<std::vector<Node>> ParseDocuments(std::string_view text,
                                                 std::string_view file,
                                                 const Limits& limits);

}  // namespace catalog::yaml
