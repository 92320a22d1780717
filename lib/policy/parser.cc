#include "lib/policy/parser.h"

#include <cstring>
#include <set>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::policy {
namespace {

struct Token {
  enum class Type { kIdent, kString, kInt, kPunct, kEnd };
  Type type = Type::kEnd;
  std::string text;  // identifier, punctuation, digits, or raw string body
  SourceLoc loc;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.loc = {line_, col_};
      if (pos_ >= text_.size()) {
        t.type = Token::Type::kEnd;
        tokens.push_back(std::move(t));
        return tokens;
      }
      char c = text_[pos_];
      if (IsIdentStart(c)) {
        t.type = Token::Type::kIdent;
        while (pos_ < text_.size() && IsIdentChar(text_[pos_])) {
          t.text.push_back(text_[pos_]);
          Advance();
        }
      } else if (c >= '0' && c <= '9') {
        t.type = Token::Type::kInt;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
          t.text.push_back(text_[pos_]);
          Advance();
        }
      } else if (c == '"') {
        t.type = Token::Type::kString;
        Advance();
        while (true) {
          if (pos_ >= text_.size()) {
            return Error(t.loc, "unterminated string literal");
          }
          char d = text_[pos_];
          if (d == '"') {
            Advance();
            break;
          }
          if (d == '\\' && pos_ + 1 < text_.size()) {
            t.text.push_back(d);
            Advance();
            d = text_[pos_];
          }
          t.text.push_back(d);
          Advance();
        }
      } else {
        t.type = Token::Type::kPunct;
        static constexpr const char* kTwo[] = {"::", "==", "!=", "<=", ">=",
                                               "&&", "||"};
        bool matched = false;
        for (const char* two : kTwo) {
          if (text_.substr(pos_, 2) == two) {
            t.text = two;
            Advance();
            Advance();
            matched = true;
            break;
          }
        }
        if (!matched) {
          if (std::strchr("()[]{},;:.@?<>!+-*", c) == nullptr) {
            return Error(t.loc, StrCat("unexpected character '",
                                       std::string(1, c), "'"));
          }
          t.text = std::string(1, c);
          Advance();
        }
      }
      tokens.push_back(std::move(t));
    }
  }

  static absl::Status Error(SourceLoc loc, std::string_view message) {
    return absl::InvalidArgumentError(
        StrCat(loc.line, ":", loc.column, ": ", message));
  }

 private:
  static bool IsIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool IsIdentChar(char c) {
    return IsIdentStart(c) || (c >= '0' && c <= '9');
  }
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xc0) != 0x80) {
      ++col_;
    }
    ++pos_;
  }
  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
      } else {
        return;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Decodes a string literal body. In a `like` pattern, `*` is a wildcard and
// `\*` a literal star; elsewhere `\*` is not a valid escape.
absl::StatusOr<std::vector<PatternPart>> Unescape(const std::string& raw,
                                                  bool pattern) {
  std::vector<PatternPart> parts(1);
  auto literal = [&]() -> std::string& {
    if (parts.back().wildcard) parts.push_back({});
    return parts.back().text;
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '*' && pattern) {
      if (!parts.back().wildcard) {
        if (parts.back().text.empty()) {
          parts.back().wildcard = true;
        } else {
          parts.push_back({.wildcard = true});
        }
      }
      continue;
    }
    if (c != '\\') {
      literal().push_back(c);
      continue;
    }
    if (++i >= raw.size()) return absl::InvalidArgumentError("bad escape");
    char e = raw[i];
    switch (e) {
      case 'n':
        literal().push_back('\n');
        break;
      case 'r':
        literal().push_back('\r');
        break;
      case 't':
        literal().push_back('\t');
        break;
      case '0':
        literal().push_back('\0');
        break;
      case '\\':
      case '\'':
      case '"':
        literal().push_back(e);
        break;
      case '*':
        if (!pattern) {
          return absl::InvalidArgumentError("invalid escape \\* outside a pattern");
        }
        literal().push_back('*');
        break;
      case 'u': {
        if (i + 1 >= raw.size() || raw[i + 1] != '{') {
          return absl::InvalidArgumentError("invalid \\u escape");
        }
        size_t close = raw.find('}', i + 2);
        if (close == std::string::npos || close == i + 2 || close - i - 2 > 6) {
          return absl::InvalidArgumentError("invalid \\u escape");
        }
        uint32_t cp = 0;
        for (size_t k = i + 2; k < close; ++k) {
          char h = raw[k];
          int v = h >= '0' && h <= '9'   ? h - '0'
                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                         : -1;
          if (v < 0) return absl::InvalidArgumentError("invalid \\u escape");
          cp = cp * 16 + v;
        }
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          return absl::InvalidArgumentError("invalid unicode scalar in \\u escape");
        }
        AppendUtf8(literal(), cp);
        i = close;
        break;
      }
      default:
        return absl::InvalidArgumentError(
            StrCat("invalid escape \\", std::string(1, e)));
    }
  }
  if (parts.size() == 1 && !parts[0].wildcard && parts[0].text.empty()) {
    parts.clear();
  }
  return parts;
}

absl::StatusOr<std::string> UnescapeString(const std::string& raw) {
  ASSIGN_OR_RETURN(std::vector<PatternPart> parts, Unescape(raw, false));
  return parts.empty() ? "" : parts[0].text;
}

struct BuiltinInfo {
  const char* name;
  Builtin builtin;
  bool method;
  int args;  // including the receiver; a call with another count errs when
             // evaluated, as in Cedar
};

constexpr BuiltinInfo kBuiltins[] = {
    {"contains", Builtin::kContains, true, 2},
    {"containsAll", Builtin::kContainsAll, true, 2},
    {"containsAny", Builtin::kContainsAny, true, 2},
    {"isEmpty", Builtin::kIsEmpty, true, 1},
    {"getTag", Builtin::kGetTag, true, 2},
    {"hasTag", Builtin::kHasTag, true, 2},
    {"ip", Builtin::kIp, false, 1},
    {"decimal", Builtin::kDecimal, false, 1},
    {"datetime", Builtin::kDatetime, false, 1},
    {"duration", Builtin::kDuration, false, 1},
    {"isIpv4", Builtin::kIsIpv4, true, 1},
    {"isIpv6", Builtin::kIsIpv6, true, 1},
    {"isLoopback", Builtin::kIsLoopback, true, 1},
    {"isMulticast", Builtin::kIsMulticast, true, 1},
    {"isInRange", Builtin::kIsInRange, true, 2},
    {"lessThan", Builtin::kLessThan, true, 2},
    {"lessThanOrEqual", Builtin::kLessThanOrEqual, true, 2},
    {"greaterThan", Builtin::kGreaterThan, true, 2},
    {"greaterThanOrEqual", Builtin::kGreaterThanOrEqual, true, 2},
    {"offset", Builtin::kOffset, true, 2},
    {"durationSince", Builtin::kDurationSince, true, 2},
    {"toDate", Builtin::kToDate, true, 1},
    {"toTime", Builtin::kToTime, true, 1},
    {"toMilliseconds", Builtin::kToMilliseconds, true, 1},
    {"toSeconds", Builtin::kToSeconds, true, 1},
    {"toMinutes", Builtin::kToMinutes, true, 1},
    {"toHours", Builtin::kToHours, true, 1},
    {"toDays", Builtin::kToDays, true, 1},
};

}  // namespace

int BuiltinArity(Builtin builtin) {
  for (const BuiltinInfo& b : kBuiltins) {
    if (b.builtin == builtin) return b.args;
  }
  return -1;
}

namespace {

const BuiltinInfo* FindBuiltin(std::string_view name, bool method) {
  for (const BuiltinInfo& b : kBuiltins) {
    if (b.method == method && name == b.name) return &b;
  }
  return nullptr;
}

bool IsReserved(std::string_view s) {
  return s == "true" || s == "false" || s == "if" || s == "then" ||
         s == "else" || s == "in" || s == "is" || s == "like" || s == "has";
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string_view filename)
      : tokens_(std::move(tokens)), filename_(filename) {}

  absl::StatusOr<std::vector<Policy>> Policies() {
    std::vector<Policy> out;
    while (!AtEnd()) {
      ASSIGN_OR_RETURN(Policy p, ParsePolicy());
      p.id = StrCat("policy", out.size());
      p.file = std::string(filename_);
      out.push_back(std::move(p));
    }
    return out;
  }

  absl::StatusOr<Expr> WholeExpression() {
    ASSIGN_OR_RETURN(Expr e, ParseExpr());
    if (!AtEnd()) return Error(Peek(), "unexpected text after the expression");
    return e;
  }

  absl::StatusOr<EntityUid> WholeEntity() {
    ASSIGN_OR_RETURN(EntityUid uid, ParseEntityLiteral());
    if (!AtEnd()) return Error(Peek(), "unexpected text after the entity");
    return uid;
  }

 private:
  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool AtEnd() const { return Peek().type == Token::Type::kEnd; }
  bool IsPunct(std::string_view p, size_t ahead = 0) const {
    return Peek(ahead).type == Token::Type::kPunct && Peek(ahead).text == p;
  }
  bool IsIdent(std::string_view word, size_t ahead = 0) const {
    return Peek(ahead).type == Token::Type::kIdent && Peek(ahead).text == word;
  }
  const Token& Next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }

  absl::Status Error(const Token& at, std::string_view message) const {
    std::string found = at.type == Token::Type::kEnd ? "end of input"
                        : at.type == Token::Type::kString
                            ? "a string"
                            : StrCat("'", at.text, "'");
    return absl::InvalidArgumentError(StrCat(filename_, filename_.empty() ? "" : ":",
                                             at.loc.line, ":", at.loc.column,
                                             ": ", message, " (found ", found,
                                             ")"));
  }
  absl::Status Expect(std::string_view punct) {
    if (!IsPunct(punct)) return Error(Peek(), StrCat("expected '", punct, "'"));
    Next();
    return absl::OkStatus();
  }
  absl::Status ExpectWord(std::string_view word) {
    if (!IsIdent(word)) return Error(Peek(), StrCat("expected '", word, "'"));
    Next();
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> String(const Token& t) {
    absl::StatusOr<std::string> s = UnescapeString(t.text);
    if (!s.ok()) return Error(t, MessageOf(s.status()));
    return s;
  }

  // RAII nesting guard.
  struct Depth {
    explicit Depth(int& d) : d_(d) { ++d_; }
    ~Depth() { --d_; }
    int& d_;
  };
  // A chain of left-associative operators (a + b + c) builds a tree one
  // level deeper per operator, which evaluating and freeing it recurse
  // through: each operator counts as a level of nesting.
  struct Chain {
    explicit Chain(int& d) : d_(d) {}
    ~Chain() { d_ -= n_; }
    void Add() { ++d_, ++n_; }
    int& d_;
    int n_ = 0;
  };
  // `op` over `left` and `right`, moved in (an initializer list would copy
  // the whole left subtree at every step of a chain).
  static Expr Join(Expr op, Expr left, Expr right) {
    op.children.reserve(2);
    op.children.push_back(std::move(left));
    op.children.push_back(std::move(right));
    return op;
  }
  absl::Status CheckDepth() {
    if (depth_ > kMaxNesting) {
      return Error(Peek(), StrCat("expression nests deeper than ", kMaxNesting,
                                  " levels"));
    }
    return absl::OkStatus();
  }

  // ---- policies ----
  absl::StatusOr<Policy> ParsePolicy() {
    Policy p;
    p.loc = Peek().loc;
    while (IsPunct("@")) {
      Next();
      if (Peek().type != Token::Type::kIdent) {
        return Error(Peek(), "expected an annotation name");
      }
      std::string key = Next().text;
      std::string value;
      if (IsPunct("(")) {
        Next();
        if (Peek().type != Token::Type::kString) {
          return Error(Peek(), "expected a string annotation value");
        }
        ASSIGN_OR_RETURN(value, String(Next()));
        RETURN_IF_ERROR(Expect(")"));
      }
      if (!p.annotations.emplace(key, value).second) {
        return Error(Peek(), StrCat("duplicate annotation @", key));
      }
    }
    if (IsIdent("permit")) {
      p.effect = Effect::kPermit;
    } else if (IsIdent("forbid")) {
      p.effect = Effect::kForbid;
    } else {
      return Error(Peek(), "expected 'permit' or 'forbid'");
    }
    Next();
    RETURN_IF_ERROR(Expect("("));
    ASSIGN_OR_RETURN(p.principal, ParseScope("principal", p));
    RETURN_IF_ERROR(Expect(","));
    ASSIGN_OR_RETURN(p.action, ParseScope("action", p));
    RETURN_IF_ERROR(Expect(","));
    ASSIGN_OR_RETURN(p.resource, ParseScope("resource", p));
    RETURN_IF_ERROR(Expect(")"));
    while (IsIdent("when") || IsIdent("unless")) {
      Condition c;
      c.is_when = Next().text == "when";
      RETURN_IF_ERROR(Expect("{"));
      ASSIGN_OR_RETURN(c.body, ParseExpr());
      RETURN_IF_ERROR(Expect("}"));
      p.conditions.push_back(std::move(c));
    }
    RETURN_IF_ERROR(Expect(";"));
    return p;
  }

  absl::StatusOr<Scope> ParseScope(std::string_view var, Policy& p) {
    RETURN_IF_ERROR(ExpectWord(var));
    Scope s;
    bool is_action = var == "action";
    auto slot_or_entity = [&](Scope& scope) -> absl::Status {
      if (IsPunct("?")) {
        if (is_action) return Error(Peek(), "actions cannot use template slots");
        Next();
        if (!IsIdent(var)) {
          return Error(Peek(), StrCat("expected the slot ?", var));
        }
        Next();
        scope.slot = true;
        p.is_template = true;
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(scope.entity, ParseEntityLiteral());
      return absl::OkStatus();
    };
    if (IsPunct("==")) {
      Next();
      s.op = Scope::Op::kEq;
      RETURN_IF_ERROR(slot_or_entity(s));
    } else if (IsIdent("in")) {
      Next();
      if (is_action && IsPunct("[")) {
        Next();
        s.op = Scope::Op::kInSet;
        while (!IsPunct("]")) {
          ASSIGN_OR_RETURN(EntityUid uid, ParseEntityLiteral());
          s.entities.push_back(std::move(uid));
          if (!IsPunct("]")) RETURN_IF_ERROR(Expect(","));
        }
        Next();
      } else {
        s.op = Scope::Op::kIn;
        RETURN_IF_ERROR(slot_or_entity(s));
      }
    } else if (IsIdent("is")) {
      if (is_action) return Error(Peek(), "the action scope cannot use 'is'");
      Next();
      ASSIGN_OR_RETURN(s.entity_type, ParsePath());
      s.op = Scope::Op::kIs;
      if (IsIdent("in")) {
        Next();
        s.op = Scope::Op::kIsIn;
        RETURN_IF_ERROR(slot_or_entity(s));
      }
    }
    return s;
  }

  absl::StatusOr<std::string> ParsePath() {
    if (Peek().type != Token::Type::kIdent) {
      return Error(Peek(), "expected a type name");
    }
    std::string path = Next().text;
    while (IsPunct("::") && Peek(1).type == Token::Type::kIdent) {
      Next();
      path += "::" + Next().text;
    }
    return path;
  }

  absl::StatusOr<EntityUid> ParseEntityLiteral() {
    if (Peek().type != Token::Type::kIdent) {
      return Error(Peek(), "expected an entity such as Type::\"id\"");
    }
    ASSIGN_OR_RETURN(std::string type, ParsePath());
    RETURN_IF_ERROR(Expect("::"));
    if (Peek().type != Token::Type::kString) {
      return Error(Peek(), "expected the entity id as a string");
    }
    ASSIGN_OR_RETURN(std::string id, String(Next()));
    return EntityUid{std::move(type), std::move(id)};
  }

  // ---- expressions ----
  absl::StatusOr<Expr> ParseExpr() {
    Depth guard(depth_);
    RETURN_IF_ERROR(CheckDepth());
    if (IsIdent("if")) {
      Expr e{.kind = Expr::Kind::kIf, .loc = Next().loc};
      ASSIGN_OR_RETURN(Expr c, ParseExpr());
      RETURN_IF_ERROR(ExpectWord("then"));
      ASSIGN_OR_RETURN(Expr t, ParseExpr());
      RETURN_IF_ERROR(ExpectWord("else"));
      ASSIGN_OR_RETURN(Expr f, ParseExpr());
      e.children.reserve(3);
      e.children.push_back(std::move(c));
      e.children.push_back(std::move(t));
      e.children.push_back(std::move(f));
      return e;
    }
    return ParseOr();
  }

  absl::StatusOr<Expr> ParseOr() {
    ASSIGN_OR_RETURN(Expr left, ParseAnd());
    Chain chain(depth_);
    while (IsPunct("||")) {
      Expr e{.kind = Expr::Kind::kOr, .loc = Next().loc};
      chain.Add();
      RETURN_IF_ERROR(CheckDepth());
      ASSIGN_OR_RETURN(Expr right, ParseAnd());
      left = Join(std::move(e), std::move(left), std::move(right));
    }
    return left;
  }

  absl::StatusOr<Expr> ParseAnd() {
    ASSIGN_OR_RETURN(Expr left, ParseRelation());
    Chain chain(depth_);
    while (IsPunct("&&")) {
      Expr e{.kind = Expr::Kind::kAnd, .loc = Next().loc};
      chain.Add();
      RETURN_IF_ERROR(CheckDepth());
      ASSIGN_OR_RETURN(Expr right, ParseRelation());
      left = Join(std::move(e), std::move(left), std::move(right));
    }
    return left;
  }

  absl::StatusOr<Expr> ParseRelation() {
    ASSIGN_OR_RETURN(Expr left, ParseAdd());
    static constexpr std::pair<const char*, BinaryOp> kOps[] = {
        {"==", BinaryOp::kEq},     {"!=", BinaryOp::kNotEq},
        {"<=", BinaryOp::kLessEq}, {">=", BinaryOp::kGreaterEq},
        {"<", BinaryOp::kLess},    {">", BinaryOp::kGreater}};
    for (const auto& [text, op] : kOps) {
      if (IsPunct(text)) {
        Expr e{.kind = Expr::Kind::kBinary, .op = op, .loc = Next().loc};
        ASSIGN_OR_RETURN(Expr right, ParseAdd());
        return Join(std::move(e), std::move(left), std::move(right));
      }
    }
    if (IsIdent("in")) {
      Expr e{.kind = Expr::Kind::kBinary, .op = BinaryOp::kIn, .loc = Next().loc};
      ASSIGN_OR_RETURN(Expr right, ParseAdd());
      return Join(std::move(e), std::move(left), std::move(right));
    }
    if (IsIdent("has")) {
      SourceLoc loc = Next().loc;
      // `e has a.b.c` is `e has a && e.a has b && e.a.b has c`.
      std::vector<std::string> path;
      do {
        if (!path.empty()) Next();  // the '.'
        if (Peek().type == Token::Type::kIdent) {
          path.push_back(Next().text);
        } else if (Peek().type == Token::Type::kString && path.empty()) {
          ASSIGN_OR_RETURN(std::string s, String(Next()));
          path.push_back(std::move(s));
        } else {
          return Error(Peek(), "expected an attribute name after 'has'");
        }
      } while (IsPunct(".") && Peek(1).type == Token::Type::kIdent);
      Expr object = std::move(left);
      std::optional<Expr> result;
      for (const std::string& attr : path) {
        Expr has{.kind = Expr::Kind::kHas, .name = attr, .loc = loc};
        has.children.push_back(object);
        Expr get{.kind = Expr::Kind::kGetAttr, .name = attr, .loc = loc};
        get.children.push_back(std::move(object));
        object = std::move(get);
        if (result) {
          Expr both{.kind = Expr::Kind::kAnd, .loc = loc};
          result = Join(std::move(both), std::move(*result), std::move(has));
        } else {
          result = std::move(has);
        }
      }
      return std::move(*result);
    }
    if (IsIdent("like")) {
      Expr e{.kind = Expr::Kind::kLike, .loc = Next().loc};
      if (Peek().type != Token::Type::kString) {
        return Error(Peek(), "expected a string pattern after 'like'");
      }
      const Token& t = Next();
      absl::StatusOr<std::vector<PatternPart>> pattern = Unescape(t.text, true);
      if (!pattern.ok()) return Error(t, MessageOf(pattern.status()));
      e.pattern = *std::move(pattern);
      e.children.push_back(std::move(left));
      return e;
    }
    if (IsIdent("is")) {
      Expr e{.kind = Expr::Kind::kIs, .loc = Next().loc};
      ASSIGN_OR_RETURN(e.name, ParsePath());
      e.children.push_back(std::move(left));
      if (IsIdent("in")) {
        Next();
        ASSIGN_OR_RETURN(Expr target, ParseAdd());
        e.children.push_back(std::move(target));
      }
      return e;
    }
    return left;
  }

  absl::StatusOr<Expr> ParseAdd() {
    ASSIGN_OR_RETURN(Expr left, ParseMul());
    Chain chain(depth_);
    while (IsPunct("+") || IsPunct("-")) {
      BinaryOp op = Peek().text == "+" ? BinaryOp::kAdd : BinaryOp::kSub;
      Expr e{.kind = Expr::Kind::kBinary, .op = op, .loc = Next().loc};
      chain.Add();
      RETURN_IF_ERROR(CheckDepth());
      ASSIGN_OR_RETURN(Expr right, ParseMul());
      left = Join(std::move(e), std::move(left), std::move(right));
    }
    return left;
  }

  absl::StatusOr<Expr> ParseMul() {
    ASSIGN_OR_RETURN(Expr left, ParseUnary());
    Chain chain(depth_);
    while (IsPunct("*")) {
      Expr e{.kind = Expr::Kind::kBinary, .op = BinaryOp::kMul, .loc = Next().loc};
      chain.Add();
      RETURN_IF_ERROR(CheckDepth());
      ASSIGN_OR_RETURN(Expr right, ParseUnary());
      left = Join(std::move(e), std::move(left), std::move(right));
    }
    return left;
  }

  absl::StatusOr<Expr> ParseUnary() {
    std::vector<Token> ops;
    while (IsPunct("!") || IsPunct("-")) ops.push_back(Next());
    if (ops.size() > 4) return Error(ops[4], "at most four unary operators in a row");
    // A '-' directly before an integer literal is part of the literal, so
    // -9223372036854775808 is a valid Long.
    std::optional<Expr> operand;
    if (!ops.empty() && ops.back().text == "-" &&
        Peek().type == Token::Type::kInt) {
      const Token& t = Next();
      ASSIGN_OR_RETURN(int64_t v, ParseInt(t, true));
      Expr lit{.kind = Expr::Kind::kLiteral, .value = Value::Long(v), .loc = ops.back().loc};
      ops.pop_back();
      ASSIGN_OR_RETURN(operand, ParseMemberAccess(std::move(lit)));
    } else {
      ASSIGN_OR_RETURN(operand, ParseMember());
    }
    Expr e = std::move(*operand);
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
      Expr u{.kind = it->text == "!" ? Expr::Kind::kNot : Expr::Kind::kNeg,
             .loc = it->loc};
      u.children.push_back(std::move(e));
      e = std::move(u);
    }
    return e;
  }

  absl::StatusOr<int64_t> ParseInt(const Token& t, bool negative) {
    const std::string& digits = t.text;
    unsigned __int128 v = 0;
    for (char c : digits) {
      v = v * 10 + (c - '0');
      if (v > static_cast<unsigned __int128>(INT64_MAX) + 1) break;
    }
    if (v > static_cast<unsigned __int128>(INT64_MAX) + (negative ? 1 : 0)) {
      return Error(t, "integer literal out of range for a 64-bit Long");
    }
    return negative ? static_cast<int64_t>(-static_cast<__int128>(v))
                    : static_cast<int64_t>(v);
  }

  absl::StatusOr<Expr> ParseMember() {
    ASSIGN_OR_RETURN(Expr primary, ParsePrimary());
    return ParseMemberAccess(std::move(primary));
  }

  absl::StatusOr<Expr> ParseMemberAccess(Expr e) {
    while (true) {
      if (IsPunct(".")) {
        const Token& dot = Next();
        if (Peek().type != Token::Type::kIdent) {
          return Error(Peek(), "expected an attribute or method name");
        }
        std::string name = Next().text;
        if (IsPunct("(")) {
          const BuiltinInfo* b = FindBuiltin(name, true);
          if (b == nullptr) return Error(dot, StrCat("unknown method ", name));
          Expr call{.kind = Expr::Kind::kCall, .builtin = b->builtin,
                    .name = name, .loc = dot.loc};
          call.children.push_back(std::move(e));
          ASSIGN_OR_RETURN(std::vector<Expr> args, ParseArgs());
          for (Expr& a : args) call.children.push_back(std::move(a));
          e = std::move(call);
        } else {
          Expr get{.kind = Expr::Kind::kGetAttr, .name = name, .loc = dot.loc};
          get.children.push_back(std::move(e));
          e = std::move(get);
        }
      } else if (IsPunct("[")) {
        const Token& open = Next();
        if (Peek().type != Token::Type::kString) {
          return Error(Peek(), "expected a string attribute name in [ ]");
        }
        ASSIGN_OR_RETURN(std::string name, String(Next()));
        RETURN_IF_ERROR(Expect("]"));
        Expr get{.kind = Expr::Kind::kGetAttr, .name = name, .loc = open.loc};
        get.children.push_back(std::move(e));
        e = std::move(get);
      } else {
        return e;
      }
    }
  }

  absl::StatusOr<std::vector<Expr>> ParseArgs() {
    RETURN_IF_ERROR(Expect("("));
    std::vector<Expr> args;
    while (!IsPunct(")")) {
      ASSIGN_OR_RETURN(Expr a, ParseExpr());
      args.push_back(std::move(a));
      if (!IsPunct(")")) RETURN_IF_ERROR(Expect(","));
    }
    Next();
    return args;
  }

  absl::StatusOr<Expr> ParsePrimary() {
    Depth guard(depth_);
    RETURN_IF_ERROR(CheckDepth());
    const Token& t = Peek();
    switch (t.type) {
      case Token::Type::kInt: {
        Next();
        ASSIGN_OR_RETURN(int64_t v, ParseInt(t, false));
        return Expr{.kind = Expr::Kind::kLiteral, .value = Value::Long(v), .loc = t.loc};
      }
      case Token::Type::kString: {
        Next();
        ASSIGN_OR_RETURN(std::string s, String(t));
        return Expr{.kind = Expr::Kind::kLiteral, .value = Value::String(std::move(s)),
                    .loc = t.loc};
      }
      case Token::Type::kEnd:
        return Error(t, "expected an expression");
      case Token::Type::kPunct:
        return ParsePunctPrimary();
      case Token::Type::kIdent:
        break;
    }
    if (t.text == "true" || t.text == "false") {
      Next();
      return Expr{.kind = Expr::Kind::kLiteral, .value = Value::Bool(t.text == "true"),
                  .loc = t.loc};
    }
    static constexpr std::pair<const char*, Var> kVars[] = {
        {"principal", Var::kPrincipal},
        {"action", Var::kAction},
        {"resource", Var::kResource},
        {"context", Var::kContext}};
    for (const auto& [name, var] : kVars) {
      if (t.text == name && !IsPunct("::", 1)) {
        Next();
        return Expr{.kind = Expr::Kind::kVar, .var = var, .loc = t.loc};
      }
    }
    if (IsReserved(t.text)) return Error(t, "unexpected keyword");
    // A path: an entity literal Type::"id", or a function call f(...).
    size_t save = pos_;
    ASSIGN_OR_RETURN(std::string path, ParsePath());
    if (IsPunct("::") && Peek(1).type == Token::Type::kString) {
      pos_ = save;
      ASSIGN_OR_RETURN(EntityUid uid, ParseEntityLiteral());
      return Expr{.kind = Expr::Kind::kLiteral, .value = Value::Entity(std::move(uid)),
                  .loc = t.loc};
    }
    if (IsPunct("(")) {
      const BuiltinInfo* b = FindBuiltin(path, false);
      if (b == nullptr) return Error(t, StrCat("unknown function ", path));
      Expr call{.kind = Expr::Kind::kCall, .builtin = b->builtin, .name = path,
                .loc = t.loc};
      ASSIGN_OR_RETURN(call.children, ParseArgs());
      return call;
    }
    return Error(t, StrCat("unexpected identifier ", path));
  }

  absl::StatusOr<Expr> ParsePunctPrimary() {
    const Token& t = Next();
    if (t.text == "(") {
      ASSIGN_OR_RETURN(Expr e, ParseExpr());
      RETURN_IF_ERROR(Expect(")"));
      return e;
    }
    if (t.text == "[") {
      Expr e{.kind = Expr::Kind::kSet, .loc = t.loc};
      while (!IsPunct("]")) {
        ASSIGN_OR_RETURN(Expr item, ParseExpr());
        e.children.push_back(std::move(item));
        if (!IsPunct("]")) RETURN_IF_ERROR(Expect(","));
      }
      Next();
      return e;
    }
    if (t.text == "{") {
      Expr e{.kind = Expr::Kind::kRecord, .loc = t.loc};
      std::set<std::string> seen;
      while (!IsPunct("}")) {
        std::string key;
        if (Peek().type == Token::Type::kIdent) {
          key = Next().text;
        } else if (Peek().type == Token::Type::kString) {
          ASSIGN_OR_RETURN(key, String(Next()));
        } else {
          return Error(Peek(), "expected a record key");
        }
        if (!seen.insert(key).second) {
          return Error(Peek(), StrCat("duplicate record key \"", key, "\""));
        }
        RETURN_IF_ERROR(Expect(":"));
        ASSIGN_OR_RETURN(Expr value, ParseExpr());
        e.keys.push_back(std::move(key));
        e.children.push_back(std::move(value));
        if (!IsPunct("}")) RETURN_IF_ERROR(Expect(","));
      }
      Next();
      return e;
    }
    if (t.text == "?") {
      if (IsIdent("principal") || IsIdent("resource")) {
        return Expr{.kind = Expr::Kind::kSlot, .name = "?" + Next().text, .loc = t.loc};
      }
      return Error(Peek(), "expected ?principal or ?resource");
    }
    return Error(t, "expected an expression");
  }

  std::vector<Token> tokens_;
  std::string_view filename_;
  size_t pos_ = 0;
  int depth_ = 0;
};

absl::StatusOr<std::vector<Token>> Lex(std::string_view text,
                                       std::string_view filename) {
  absl::StatusOr<std::vector<Token>> tokens = Lexer(text).Run();
  if (!tokens.ok() && !filename.empty()) {
    return absl::InvalidArgumentError(
        StrCat(filename, ":", MessageOf(tokens.status())));
  }
  return tokens;
}

void FillSlots(Expr& e, const std::optional<EntityUid>& principal,
               const std::optional<EntityUid>& resource) {
  if (e.kind == Expr::Kind::kSlot) {
    const auto& uid = e.name == "?principal" ? principal : resource;
    e = Expr{.kind = Expr::Kind::kLiteral, .value = Value::Entity(*uid), .loc = e.loc};
    return;
  }
  for (Expr& c : e.children) FillSlots(c, principal, resource);
}

bool UsesSlot(const Expr& e, std::string_view slot) {
  if (e.kind == Expr::Kind::kSlot && e.name == slot) return true;
  for (const Expr& c : e.children) {
    if (UsesSlot(c, slot)) return true;
  }
  return false;
}

}  // namespace

std::string Policy::AnnotatedId() const {
  auto it = annotations.find("id");
  return it == annotations.end() ? "" : it->second;
}

absl::StatusOr<std::vector<Policy>> ParsePolicies(std::string_view text,
                                                  std::string_view filename) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text, filename));
  return Parser(std::move(tokens), filename).Policies();
}

std::optional<size_t> PolicyIndex(std::string_view id) {
  constexpr std::string_view kPrefix = "policy";
  if (id.substr(0, kPrefix.size()) != kPrefix || id.size() == kPrefix.size() ||
      id.size() > kPrefix.size() + 9) {
    return std::nullopt;
  }
  size_t index = 0;
  for (char c : id.substr(kPrefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

absl::StatusOr<std::vector<Policy>> ParsePolicyFiles(
    const std::vector<PolicySource>& files) {
  std::vector<Policy> all;
  for (const PolicySource& f : files) {
    ASSIGN_OR_RETURN(std::vector<Policy> parsed, ParsePolicies(f.text, f.name));
    for (Policy& p : parsed) {
      p.id = StrCat("policy", all.size());
      all.push_back(std::move(p));
    }
  }
  return all;
}

absl::StatusOr<Expr> ParseExpression(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text, ""));
  return Parser(std::move(tokens), "").WholeExpression();
}

absl::StatusOr<EntityUid> ParseEntityUid(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text, ""));
  return Parser(std::move(tokens), "").WholeEntity();
}

absl::StatusOr<Policy> LinkTemplate(const Policy& tmpl, std::string link_id,
                                    const std::optional<EntityUid>& principal,
                                    const std::optional<EntityUid>& resource) {
  bool needs_principal = tmpl.principal.slot;
  bool needs_resource = tmpl.resource.slot;
  for (const Condition& c : tmpl.conditions) {
    needs_principal = needs_principal || UsesSlot(c.body, "?principal");
    needs_resource = needs_resource || UsesSlot(c.body, "?resource");
  }
  if (needs_principal && !principal) {
    return absl::InvalidArgumentError(
        StrCat("template ", tmpl.id, " needs a value for ?principal"));
  }
  if (needs_resource && !resource) {
    return absl::InvalidArgumentError(
        StrCat("template ", tmpl.id, " needs a value for ?resource"));
  }
  Policy linked = tmpl;
  linked.id = std::move(link_id);
  linked.is_template = false;
  if (linked.principal.slot) {
    linked.principal.entity = *principal;
    linked.principal.slot = false;
  }
  if (linked.resource.slot) {
    linked.resource.entity = *resource;
    linked.resource.slot = false;
  }
  for (Condition& c : linked.conditions) FillSlots(c.body, principal, resource);
  return linked;
}

}  // namespace catalog::policy
