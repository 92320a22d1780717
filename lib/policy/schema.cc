#include "lib/policy/schema.h"

#include <functional>
#include <set>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::policy {

namespace {

// A small tokenizer shared by the schema grammar: identifiers, strings,
// punctuation (:: and single characters), with // comments.
struct Tok {
  enum class Type { kIdent, kString, kPunct, kEnd };
  Type type = Type::kEnd;
  std::string text;
  int line = 0, col = 0;
};

absl::StatusOr<std::vector<Tok>> Tokenize(std::string_view s,
                                          std::string_view file) {
  std::vector<Tok> out;
  size_t i = 0;
  int line = 1, col = 1;
  auto advance = [&](size_t n) {
    for (size_t k = 0; k < n && i < s.size(); ++k, ++i) {
      if (s[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
  };
  while (true) {
    while (i < s.size()) {
      if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
        advance(1);
      } else if (s.substr(i, 2) == "//") {
        while (i < s.size() && s[i] != '\n') advance(1);
      } else {
        break;
      }
    }
    Tok t{.line = line, .col = col};
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      t.type = Tok::Type::kIdent;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) ||
                              s[i] == '_')) {
        t.text.push_back(s[i]);
        advance(1);
      }
    } else if (c == '"') {
      t.type = Tok::Type::kString;
      advance(1);
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) {
          char e = s[i + 1];
          t.text.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == '0' ? '\0' : e);
          advance(2);
        } else {
          t.text.push_back(s[i]);
          advance(1);
        }
      }
      if (i >= s.size()) {
        return absl::InvalidArgumentError(
            StrCat(file, ":", t.line, ":", t.col, ": unterminated string"));
      }
      advance(1);
    } else if (s.substr(i, 2) == "::") {
      t.type = Tok::Type::kPunct;
      t.text = "::";
      advance(2);
    } else {
      t.type = Tok::Type::kPunct;
      t.text = std::string(1, c);
      advance(1);
    }
    out.push_back(std::move(t));
  }
}

bool IsPrimitive(std::string_view name, SchemaType& out) {
  std::string_view n = name;
  if (n.substr(0, 9) == "__cedar::") n.remove_prefix(9);
  if (n == "Long") {
    out.kind = SchemaType::Kind::kLong;
  } else if (n == "String") {
    out.kind = SchemaType::Kind::kString;
  } else if (n == "Bool" || n == "Boolean") {
    out.kind = SchemaType::Kind::kBool;
  } else if (n == "ipaddr" || n == "decimal" || n == "datetime" ||
             n == "duration") {
    out.kind = SchemaType::Kind::kExtension;
    out.name = std::string(n);
  } else {
    return false;
  }
  return true;
}

}  // namespace

class SchemaParser {
 public:
  SchemaParser(std::vector<Tok> toks, std::string_view file)
      : toks_(std::move(toks)), file_(file) {}

  absl::StatusOr<Schema> Run() {
    while (!AtEnd()) {
      RETURN_IF_ERROR(SkipAnnotations());
      if (IsWord("namespace")) {
        Next();
        ASSIGN_OR_RETURN(std::string ns, Path());
        RETURN_IF_ERROR(Expect("{"));
        while (!Is("}")) {
          if (AtEnd()) return Error("unterminated namespace");
          RETURN_IF_ERROR(Decl(ns));
        }
        Next();
      } else {
        RETURN_IF_ERROR(Decl(""));
      }
    }
    return Resolve();
  }

 private:
  // Types are recorded unresolved (names as written, with their namespace)
  // and resolved once every declaration is known.
  struct RawAttribute;
  struct RawType {
    std::string ns;
    std::string name;  // a path, or "Set", or "" for a record
    std::vector<RawType> element;
    // A vector of a declared-later struct, not of pair<string, RawType>:
    // std::pair may not be instantiated with an incomplete type.
    std::vector<RawAttribute> attributes;
  };
  struct RawAttribute {
    std::string name;
    RawType type;
  };
  struct RawEntity {
    std::string ns;
    RawType attributes;
    bool has_tags = false;
    RawType tags;
  };
  struct RawAction {
    std::string ns;
    std::string name;
    std::vector<std::pair<std::string, std::string>> parents;  // type, id
    bool has_context = false;
    RawType context;
  };

  const Tok& Peek(size_t k = 0) const {
    return toks_[std::min(pos_ + k, toks_.size() - 1)];
  }
  const Tok& Next() { return toks_[std::min(pos_++, toks_.size() - 1)]; }
  bool AtEnd() const { return Peek().type == Tok::Type::kEnd; }
  bool Is(std::string_view p, size_t k = 0) const {
    return Peek(k).type == Tok::Type::kPunct && Peek(k).text == p;
  }
  bool IsWord(std::string_view w) const {
    return Peek().type == Tok::Type::kIdent && Peek().text == w;
  }
  absl::Status Error(std::string_view message) const {
    return absl::InvalidArgumentError(StrCat(file_, ":", Peek().line, ":",
                                             Peek().col, ": ", message));
  }
  absl::Status Expect(std::string_view p) {
    if (!Is(p)) return Error(StrCat("expected '", p, "'"));
    Next();
    return absl::OkStatus();
  }

  absl::Status SkipAnnotations() {
    while (Is("@")) {
      Next();
      Next();  // name
      if (Is("(")) {
        Next();
        Next();  // string
        RETURN_IF_ERROR(Expect(")"));
      }
    }
    return absl::OkStatus();
  }

  // `T` or `[T, U]`: entity type lists the JSON readers do not need.
  absl::Status SkipTypeList() {
    if (!Is("[")) return Path().status();
    Next();
    while (!Is("]")) {
      if (AtEnd()) return Error("unterminated list");
      Next();
    }
    Next();
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Path() {
    if (Peek().type != Tok::Type::kIdent) return Error("expected a name");
    std::string p = Next().text;
    while (Is("::") && Peek(1).type == Tok::Type::kIdent) {
      Next();
      p += "::" + Next().text;
    }
    return p;
  }

  absl::StatusOr<std::string> Name() {
    if (Peek().type == Tok::Type::kIdent || Peek().type == Tok::Type::kString) {
      return Next().text;
    }
    return Error("expected a name");
  }

  absl::Status Decl(const std::string& ns) {
    RETURN_IF_ERROR(SkipAnnotations());
    if (IsWord("entity")) return EntityDecl(ns);
    if (IsWord("action")) return ActionDecl(ns);
    if (IsWord("type")) {
      Next();
      ASSIGN_OR_RETURN(std::string name, Path());
      RETURN_IF_ERROR(Expect("="));
      ASSIGN_OR_RETURN(RawType t, Type(ns));
      common_[Qualify(ns, name)] = std::move(t);
      if (Is(";")) Next();
      return absl::OkStatus();
    }
    return Error("expected 'entity', 'action' or 'type'");
  }

  static std::string Qualify(const std::string& ns, const std::string& name) {
    return ns.empty() ? name : ns + "::" + name;
  }

  absl::Status EntityDecl(const std::string& ns) {
    Next();
    std::vector<std::string> names;
    do {
      if (!names.empty()) Next();
      ASSIGN_OR_RETURN(std::string n, Path());
      names.push_back(std::move(n));
    } while (Is(","));
    RawEntity entity{.ns = ns};
    if (IsWord("enum")) {
      Next();
      RETURN_IF_ERROR(Expect("["));
      while (!Is("]")) {
        if (AtEnd()) return Error("unterminated enum");
        Next();
      }
      Next();
    }
    if (IsWord("in")) {
      Next();
      RETURN_IF_ERROR(SkipTypeList());
    }
    if (Is("=")) Next();
    if (Is("{")) {
      ASSIGN_OR_RETURN(entity.attributes, Type(ns));
    }
    if (IsWord("tags")) {
      Next();
      entity.has_tags = true;
      ASSIGN_OR_RETURN(entity.tags, Type(ns));
    }
    if (Is(";")) Next();
    for (const std::string& n : names) entities_[Qualify(ns, n)] = entity;
    return absl::OkStatus();
  }

  absl::Status ActionDecl(const std::string& ns) {
    Next();
    std::vector<std::string> names;
    do {
      if (!names.empty()) Next();
      ASSIGN_OR_RETURN(std::string n, Name());
      names.push_back(std::move(n));
    } while (Is(","));
    std::vector<std::pair<std::string, std::string>> parents;
    if (IsWord("in")) {
      Next();
      bool list = Is("[");
      if (list) Next();
      while (true) {
        if (list && Is("]")) {
          Next();
          break;
        }
        // A parent is `"name"`, `name`, or `Path::"name"`.
        std::string type = Qualify(ns, "Action"), id;
        if (Peek().type == Tok::Type::kString) {
          id = Next().text;
        } else {
          ASSIGN_OR_RETURN(std::string path, Path());
          if (Is("::") && Peek(1).type == Tok::Type::kString) {
            Next();
            type = path;
            id = Next().text;
          } else {
            id = path;
          }
        }
        parents.emplace_back(type, id);
        if (!list) break;
        if (Is(",")) Next();
      }
    }
    bool has_context = false;
    RawType context;
    if (IsWord("appliesTo")) {
      Next();
      RETURN_IF_ERROR(Expect("{"));
      while (!Is("}")) {
        if (AtEnd()) return Error("unterminated appliesTo");
        ASSIGN_OR_RETURN(std::string key, Name());
        RETURN_IF_ERROR(Expect(":"));
        if (key == "context") {
          has_context = true;
          ASSIGN_OR_RETURN(context, Type(ns));
        } else {
          RETURN_IF_ERROR(SkipTypeList());
        }
        if (Is(",")) Next();
      }
      Next();
    }
    if (Is(";")) Next();
    for (const std::string& n : names) {
      actions_.push_back({.ns = ns, .name = n, .parents = parents,
                          .has_context = has_context, .context = context});
    }
    return absl::OkStatus();
  }

  absl::StatusOr<RawType> Type(const std::string& ns) {
    RawType t{.ns = ns};
    if (Is("{")) {
      Next();
      while (!Is("}")) {
        if (AtEnd()) return Error("unterminated record type");
        RETURN_IF_ERROR(SkipAnnotations());
        ASSIGN_OR_RETURN(std::string key, Name());
        if (Is("?")) Next();
        RETURN_IF_ERROR(Expect(":"));
        ASSIGN_OR_RETURN(RawType v, Type(ns));
        t.attributes.push_back({std::move(key), std::move(v)});
        if (Is(",")) Next();
      }
      Next();
      return t;
    }
    ASSIGN_OR_RETURN(t.name, Path());
    if (t.name == "Set" && Is("<")) {
      Next();
      ASSIGN_OR_RETURN(RawType element, Type(ns));
      t.element.push_back(std::move(element));
      RETURN_IF_ERROR(Expect(">"));
    }
    return t;
  }

  absl::StatusOr<SchemaType> ResolveType(const RawType& raw, int depth) {
    if (depth > 64) return absl::InvalidArgumentError("schema types nest too deeply");
    SchemaType out;
    if (raw.name.empty()) {
      out.kind = SchemaType::Kind::kRecord;
      for (const auto& [k, v] : raw.attributes) {
        ASSIGN_OR_RETURN(out.attributes[k], ResolveType(v, depth + 1));
      }
      return out;
    }
    if (raw.name == "Set" && !raw.element.empty()) {
      out.kind = SchemaType::Kind::kSet;
      ASSIGN_OR_RETURN(SchemaType element, ResolveType(raw.element[0], depth + 1));
      out.element.push_back(std::move(element));
      return out;
    }
    // Namespace-local names first, then global ones.
    for (const std::string& candidate :
         {Qualify(raw.ns, raw.name), raw.name}) {
      if (auto it = common_.find(candidate); it != common_.end()) {
        return ResolveType(it->second, depth + 1);
      }
      if (entities_.count(candidate)) {
        out.kind = SchemaType::Kind::kEntity;
        out.name = candidate;
        return out;
      }
    }
    if (IsPrimitive(raw.name, out)) return out;
    // An entity type declared elsewhere (or not at all): still an entity.
    out.kind = SchemaType::Kind::kEntity;
    out.name = raw.name;
    return out;
  }

  absl::StatusOr<Schema> Resolve() {
    Schema schema;
    for (const auto& [name, raw] : entities_) {
      SchemaEntityType t;
      if (raw.attributes.name.empty()) {
        ASSIGN_OR_RETURN(t.attributes, ResolveType(raw.attributes, 0));
      } else {
        t.attributes.kind = SchemaType::Kind::kRecord;
      }
      t.has_tags = raw.has_tags;
      if (raw.has_tags) {
        ASSIGN_OR_RETURN(t.tags, ResolveType(raw.tags, 0));
      }
      schema.entity_types_[name] = std::move(t);
    }
    for (const RawAction& raw : actions_) {
      SchemaAction a;
      a.uid = {Qualify(raw.ns, "Action"), raw.name};
      for (const auto& [type, id] : raw.parents) a.parents.push_back({type, id});
      a.has_context = raw.has_context;
      if (raw.has_context) {
        ASSIGN_OR_RETURN(a.context, ResolveType(raw.context, 0));
      }
      schema.actions_.push_back(std::move(a));
    }
    return schema;
  }

  std::vector<Tok> toks_;
  std::string_view file_;
  size_t pos_ = 0;
  std::map<std::string, RawType> common_;
  std::map<std::string, RawEntity> entities_;
  std::vector<RawAction> actions_;
};

absl::StatusOr<Schema> Schema::Parse(std::string_view text,
                                     std::string_view filename) {
  ASSIGN_OR_RETURN(std::vector<Tok> toks, Tokenize(text, filename));
  return SchemaParser(std::move(toks), filename).Run();
}

const SchemaEntityType* Schema::FindEntityType(std::string_view name) const {
  auto it = entity_types_.find(name);
  return it == entity_types_.end() ? nullptr : &it->second;
}

const SchemaAction* Schema::FindAction(const EntityUid& uid) const {
  for (const SchemaAction& a : actions_) {
    if (a.uid == uid) return &a;
  }
  return nullptr;
}

}  // namespace catalog::policy
