// The abstract syntax of Cedar policies, as the parser produces it and the
// evaluator walks it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lib/policy/value.h"

namespace catalog::policy {

struct SourceLoc {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

enum class Var { kPrincipal, kAction, kResource, kContext };

enum class BinaryOp {
  kEq,
  kNotEq,
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kIn,
  kAdd,
  kSub,
  kMul,
};

// One element of a `like` pattern: literal text, or the `*` wildcard.
struct PatternPart {
  bool wildcard = false;
  std::string text;
};

// Built-in functions and methods. Methods take their receiver as the first
// argument.
enum class Builtin {
  kContains,
  kContainsAll,
  kContainsAny,
  kIsEmpty,
  kGetTag,
  kHasTag,
  // Extension constructors.
  kIp,
  kDecimal,
  kDatetime,
  kDuration,
  // ipaddr methods.
  kIsIpv4,
  kIsIpv6,
  kIsLoopback,
  kIsMulticast,
  kIsInRange,
  // decimal methods.
  kLessThan,
  kLessThanOrEqual,
  kGreaterThan,
  kGreaterThanOrEqual,
  // datetime and duration methods.
  kOffset,
  kDurationSince,
  kToDate,
  kToTime,
  kToMilliseconds,
  kToSeconds,
  kToMinutes,
  kToHours,
  kToDays,
};

// How many arguments a builtin takes, counting a method's receiver.
int BuiltinArity(Builtin builtin);

struct Expr {
  enum class Kind {
    kLiteral,   // value
    kVar,       // var
    kSlot,      // name: "?principal" or "?resource" (templates only)
    kIf,        // children: condition, then, else
    kAnd,       // children: left, right
    kOr,        // children: left, right
    kNot,       // children: operand
    kNeg,       // children: operand
    kBinary,    // op; children: left, right
    kHas,       // name; children: object
    kGetAttr,   // name; children: object
    kLike,      // pattern; children: string
    kIs,        // name (entity type); children: entity [, in-target]
    kSet,       // children: elements
    kRecord,    // keys; children: values
    kCall,      // builtin; children: arguments (receiver first)
  };

  Kind kind = Kind::kLiteral;
  Value value;
  Var var = Var::kPrincipal;
  BinaryOp op = BinaryOp::kEq;
  Builtin builtin = Builtin::kContains;
  std::string name;
  std::vector<PatternPart> pattern;
  std::vector<std::string> keys;
  std::vector<Expr> children;
  SourceLoc loc;
};

// A scope constraint on principal, action or resource.
struct Scope {
  enum class Op {
    kAny,    // principal
    kEq,     // principal == E
    kIn,     // principal in E
    kIs,     // principal is T
    kIsIn,   // principal is T in E
    kInSet,  // action in [E, ...]
  };
  Op op = Op::kAny;
  std::string entity_type;        // kIs, kIsIn
  EntityUid entity;               // kEq, kIn, kIsIn (unless slot)
  bool slot = false;              // the entity is ?principal / ?resource
  std::vector<EntityUid> entities;  // kInSet
};

enum class Effect { kPermit, kForbid };

struct Condition {
  bool is_when = true;  // when { } (else unless { })
  Expr body;
};

struct Policy {
  std::string id;  // "policy0", ... or the link id of a template link
  std::string file;  // the file it was parsed from
  std::map<std::string, std::string> annotations;
  Effect effect = Effect::kPermit;
  Scope principal, action, resource;
  std::vector<Condition> conditions;
  SourceLoc loc;
  bool is_template = false;  // has a ?principal or ?resource slot

  // The `@id` annotation, or "".
  std::string AnnotatedId() const;
};

}  // namespace catalog::policy
