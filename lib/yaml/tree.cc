#include "lib/yaml/tree.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <optional>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::yaml {
namespace {

using nlohmann::json;

absl::Status At(std::string_view file, const YAML::Mark& mark,
                std::string_view message) {
  return absl::InvalidArgumentError(StrCat(file, ":", mark.line + 1, ":",
                                           mark.column + 1, ": ", message));
}

// The scalar typing below scans each form by hand, in one pass: std::regex
// recurses once per character, so a long scalar would overflow the stack.
class Scan {
 public:
  explicit Scan(std::string_view text) : t_(text) {}
  bool Done() const { return i_ == t_.size(); }
  bool Eat(char c) {
    if (i_ < t_.size() && t_[i_] == c) return ++i_, true;
    return false;
  }
  bool EatAny(std::string_view set) {
    if (i_ < t_.size() && set.find(t_[i_]) != std::string_view::npos) {
      return ++i_, true;
    }
    return false;
  }
  // Between `min` and `max` characters for which `is` holds.
  template <typename Pred>
  bool Run(Pred is, size_t min, size_t max = std::string_view::npos) {
    size_t n = 0;
    while (i_ < t_.size() && n < max && is(t_[i_])) ++i_, ++n;
    return n >= min;
  }
  size_t pos() const { return i_; }
  void Reset(size_t pos) { i_ = pos; }

 private:
  std::string_view t_;
  size_t i_ = 0;
};

bool Digit(char c) { return c >= '0' && c <= '9'; }
bool OctalDigit(char c) { return c >= '0' && c <= '7'; }
bool HexDigit(char c) {
  return Digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool Blank(char c) { return c == ' ' || c == '\t'; }

// [-+]?[0-9]+
bool IsDecimal(std::string_view t) {
  Scan s(t);
  s.EatAny("-+");
  return s.Run(Digit, 1) && s.Done();
}
// 0o[0-7]+ or 0x[0-9a-fA-F]+
bool IsBased(std::string_view t, char marker, bool (*digit)(char)) {
  Scan s(t);
  return s.Eat('0') && s.Eat(marker) && s.Run(digit, 1) && s.Done();
}
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloat(std::string_view t) {
  Scan s(t);
  s.EatAny("-+");
  if (s.Eat('.')) {
    if (!s.Run(Digit, 1)) return false;
  } else {
    if (!s.Run(Digit, 1)) return false;
    if (s.Eat('.')) s.Run(Digit, 0);
  }
  if (s.EatAny("eE")) {
    s.EatAny("-+");
    if (!s.Run(Digit, 1)) return false;
  }
  return s.Done();
}
bool IsInf(std::string_view t) {
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  return t == ".inf" || t == ".Inf" || t == ".INF";
}
bool IsNan(std::string_view t) {
  return t == ".nan" || t == ".NaN" || t == ".NAN";
}
// YAML 1.1 timestamps: YYYY-MM-DD, or
// YYYY-M-D(T|t|blanks)H:MM:SS(.frac)?(blanks*(Z|±H(:MM)?))?
bool IsTimestamp(std::string_view t) {
  Scan s(t);
  if (!s.Run(Digit, 4, 4) || !s.Eat('-')) return false;
  size_t month = s.pos();
  if (s.Run(Digit, 2, 2) && s.Eat('-') && s.Run(Digit, 2, 2) && s.Done()) {
    return true;
  }
  s.Reset(month);
  if (!s.Run(Digit, 1, 2) || !s.Eat('-') || !s.Run(Digit, 1, 2)) return false;
  if (!s.EatAny("Tt") && !s.Run(Blank, 1)) return false;
  if (!s.Run(Digit, 1, 2) || !s.Eat(':') || !s.Run(Digit, 2, 2) ||
      !s.Eat(':') || !s.Run(Digit, 2, 2)) {
    return false;
  }
  if (s.Eat('.')) s.Run(Digit, 0);
  if (s.Done()) return true;
  s.Run(Blank, 0);
  if (s.Eat('Z')) return s.Done();
  if (!s.EatAny("-+") || !s.Run(Digit, 1, 2)) return false;
  if (s.Eat(':') && !s.Run(Digit, 2, 2)) return false;
  return s.Done();
}

// Types a plain scalar by the YAML 1.2 core schema plus 1.1 timestamps.
void Resolve(Node& node) {
  const std::string& t = node.text;
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") {
    node.kind = Node::Kind::kNull;
  } else if (t == "true" || t == "True" || t == "TRUE") {
    node.kind = Node::Kind::kBool;
    node.boolean = true;
  } else if (t == "false" || t == "False" || t == "FALSE") {
    node.kind = Node::Kind::kBool;
  } else if (IsDecimal(t) || IsBased(t, 'o', OctalDigit) ||
             IsBased(t, 'x', HexDigit)) {
    int base = IsDecimal(t) ? 10 : (t[1] == 'o' ? 8 : 16);
    const char* digits = base == 10 ? t.c_str() : t.c_str() + 2;
    errno = 0;
    long long value = std::strtoll(digits, nullptr, base);
    if (errno == ERANGE) {  // beyond 64 bits: still a number
      node.kind = Node::Kind::kFloat;
      node.number = std::strtod(t.c_str(), nullptr);
    } else {
      node.kind = Node::Kind::kInt;
      node.integer = value;
      node.number = static_cast<double>(value);
    }
  } else if (IsFloat(t)) {
    node.kind = Node::Kind::kFloat;
    node.number = std::strtod(t.c_str(), nullptr);
  } else if (IsInf(t)) {
    node.kind = Node::Kind::kFloat;
    node.number = t[0] == '-' ? -INFINITY : INFINITY;
  } else if (IsNan(t)) {
    node.kind = Node::Kind::kFloat;
    node.number = NAN;
  } else if (IsTimestamp(t)) {
    node.kind = Node::Kind::kTimestamp;
  } else {
    node.kind = Node::Kind::kString;
  }
}

Position PositionOf(const YAML::Mark& mark) {
  return {mark.line + 1, mark.column + 1};
}

class Builder {
 public:
  Builder(std::string_view file, const Limits& limits)
      : file_(file), limits_(limits) {}

  absl::Status Build(const YAML::Node& in, Node& out, int depth) {
    if (++nodes_ > limits_.max_nodes) {
      return At(file_, in.Mark(),
                StrCat("document expands to more than ", limits_.max_nodes,
                       " nodes (alias expansion is bounded)"));
    }
    if (depth > limits_.max_depth) {
      return At(file_, in.Mark(),
                StrCat("nesting deeper than ", limits_.max_depth, " levels"));
    }
    out.pos = PositionOf(in.Mark());
    switch (in.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out.kind = Node::Kind::kNull;
        return absl::OkStatus();
      case YAML::NodeType::Scalar:
        if (limits_.max_scalar_bytes != 0 &&
            in.Scalar().size() > limits_.max_scalar_bytes) {
          return At(file_, in.Mark(),
                    StrCat("scalar longer than ", limits_.max_scalar_bytes,
                           " bytes"));
        }
        out.text = in.Scalar();
        if (in.Tag() == "?") {
          Resolve(out);
        } else {
          out.kind = Node::Kind::kString;
        }
        return absl::OkStatus();
      case YAML::NodeType::Sequence:
        out.kind = Node::Kind::kSeq;
        out.items.reserve(in.size());
        for (const YAML::Node& item : in) {
          RETURN_IF_ERROR(Build(item, out.items.emplace_back(), depth + 1));
        }
        return absl::OkStatus();
      case YAML::NodeType::Map:
        out.kind = Node::Kind::kMap;
        for (const auto& item : in) {
          if (!item.first.IsScalar()) {
            return At(file_, item.first.Mark(), "mapping keys must be scalars");
          }
          const std::string& key = item.first.Scalar();
          if (limits_.max_scalar_bytes != 0 &&
              key.size() > limits_.max_scalar_bytes) {
            return At(file_, item.first.Mark(),
                      StrCat("key longer than ", limits_.max_scalar_bytes,
                             " bytes"));
          }
          if (out.FindMember(key) != nullptr) {
            return At(file_, item.first.Mark(),
                      StrCat("duplicate key \"", key, "\""));
          }
          Member& member = out.members.emplace_back();
          member.key = key;
          member.key_pos = PositionOf(item.first.Mark());
          RETURN_IF_ERROR(Build(item.second, member.value, depth + 1));
        }
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

 private:
  std::string_view file_;
  const Limits& limits_;
  size_t nodes_ = 0;
};

// Where `text` first stops being UTF-8 (overlong forms, surrogates and code
// points past U+10FFFF included), or nothing.
std::optional<Position> FirstInvalidUtf8(std::string_view text) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return Position{line, column};
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return Position{line, column};
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Position{line, column};
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

json ToJsonValue(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull: return nullptr;
    case Node::Kind::kBool: return node.boolean;
    case Node::Kind::kInt: return node.integer;
    case Node::Kind::kFloat:
      return std::isfinite(node.number) ? json(node.number) : json(node.text);
    case Node::Kind::kString:
    case Node::Kind::kTimestamp: return node.text;
    case Node::Kind::kSeq: {
      json out = json::array();
      for (const Node& item : node.items) out.push_back(ToJsonValue(item));
      return out;
    }
    case Node::Kind::kMap: {
      json out = json::object();
      for (const Member& m : node.members) out[m.key] = ToJsonValue(m.value);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

bool Node::IsInteger() const {
  return kind == Kind::kInt ||
         (kind == Kind::kFloat && std::isfinite(number) &&
          number == std::floor(number));
}

const Member* Node::FindMember(std::string_view key) const {
  for (const Member& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

const Node* Node::Find(std::string_view key) const {
  const Member* m = FindMember(key);
  return m == nullptr ? nullptr : &m->value;
}

std::string Node::String(std::string_view key) const {
  const Node* n = Find(key);
  return n != nullptr && n->IsString() ? n->text : "";
}

std::string Node::ToJson() const {
  // Parsed text is UTF-8; replace rather than throw should a node say otherwise.
  return ToJsonValue(*this).dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::StatusOr<std::vector<Node>> ParseDocuments(std::string_view text,
                                                 std::string_view file,
                                                 const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(StrCat(
        file, ": file is larger than ", limits.max_bytes, " bytes"));
  }
  if (std::optional<Position> bad = FirstInvalidUtf8(text)) {
    return absl::InvalidArgumentError(StrCat(file, ":", bad->line, ":", bad->column,
                                             ": not valid UTF-8 (YAML is UTF-8 text)"));
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return At(file, e.mark, StrCat("malformed YAML: ", e.msg));
  }
  std::vector<Node> out(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    Builder builder(file, limits);  // the node bound is per document
    RETURN_IF_ERROR(builder.Build(docs[i], out[i], 0));
  }
  return out;
}

}  // namespace catalog::yaml
