#include "lib/policy/evaluator.h"

#include <array>

#include "lib/policy/scope_index.h"
#include "lib/util/strings.h"

namespace catalog::policy {
namespace {

constexpr int64_t kMsPerDay = 86400000;

bool WildcardMatch(std::string_view s, const std::vector<PatternPart>& parts,
                   size_t pi = 0) {
  for (; pi < parts.size(); ++pi) {
    const PatternPart& p = parts[pi];
    if (!p.wildcard) {
      if (s.substr(0, p.text.size()) != p.text) return false;
      s.remove_prefix(p.text.size());
      continue;
    }
    // Collapse consecutive wildcards, then try every split point.
    if (pi + 1 == parts.size()) return true;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (WildcardMatch(s.substr(i), parts, pi + 1)) return true;
    }
    return false;
  }
  return s.empty();
}

class Evaluator {
 public:
  Evaluator(const Request& request, const EntityView& entities, std::string* error)
      : request_(request), entities_(entities), error_(error) {}

  std::optional<Value> Eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kLiteral:
        return e.value;
      case Expr::Kind::kVar:
        switch (e.var) {
          case Var::kPrincipal:
            return Cached(principal_, request_.principal);
          case Var::kAction:
            return Cached(action_, request_.action);
          case Var::kResource:
            return Cached(resource_, request_.resource);
          case Var::kContext:
            return request_.context;
        }
        return std::nullopt;
      case Expr::Kind::kSlot:
        return Fail(StrCat("unlinked template slot ", e.name));
      case Expr::Kind::kIf: {
        std::optional<bool> c = EvalBool(e.children[0]);
        if (!c) return std::nullopt;
        return Eval(e.children[*c ? 1 : 2]);
      }
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr: {
        bool is_and = e.kind == Expr::Kind::kAnd;
        std::optional<bool> l = EvalBool(e.children[0]);
        if (!l) return std::nullopt;
        if (*l != is_and) return Value::Bool(*l);
        std::optional<bool> r = EvalBool(e.children[1]);
        if (!r) return std::nullopt;
        return Value::Bool(*r);
      }
      case Expr::Kind::kNot: {
        std::optional<bool> b = EvalBool(e.children[0]);
        if (!b) return std::nullopt;
        return Value::Bool(!*b);
      }
      case Expr::Kind::kNeg: {
        std::optional<Value> v = Eval(e.children[0]);
        if (!v || !Expect(*v, Value::Kind::kLong)) return std::nullopt;
        if (v->as_long() == INT64_MIN) return Fail("integer overflow in negation");
        return Value::Long(-v->as_long());
      }
      case Expr::Kind::kBinary:
        return Binary(e);
      case Expr::Kind::kHas:
        return Has(e);
      case Expr::Kind::kGetAttr:
        return GetAttr(e);
      case Expr::Kind::kLike: {
        std::optional<Value> v = Eval(e.children[0]);
        if (!v || !Expect(*v, Value::Kind::kString)) return std::nullopt;
        return Value::Bool(WildcardMatch(v->as_string(), e.pattern));
      }
      case Expr::Kind::kIs: {
        std::optional<Value> v = Eval(e.children[0]);
        if (!v || !Expect(*v, Value::Kind::kEntity)) return std::nullopt;
        if (v->as_entity().type != e.name) return Value::Bool(false);
        if (e.children.size() == 1) return Value::Bool(true);
        std::optional<Value> target = Eval(e.children[1]);
        if (!target) return std::nullopt;
        return In(*v, *target);
      }
      case Expr::Kind::kSet: {
        std::vector<Value> items;
        items.reserve(e.children.size());
        for (const Expr& c : e.children) {
          std::optional<Value> v = Eval(c);
          if (!v) return std::nullopt;
          items.push_back(*std::move(v));
        }
        return Value::Set(std::move(items));
      }
      case Expr::Kind::kRecord: {
        ValueRecord fields;
        for (size_t i = 0; i < e.children.size(); ++i) {
          std::optional<Value> v = Eval(e.children[i]);
          if (!v) return std::nullopt;
          fields.emplace(e.keys[i], *std::move(v));
        }
        return Value::Record(std::move(fields));
      }
      case Expr::Kind::kCall:
        return Call(e);
    }
    return Fail("unknown expression");
  }

  std::optional<bool> EvalBool(const Expr& e) {
    std::optional<Value> v = Eval(e);
    if (!v || !Expect(*v, Value::Kind::kBool)) return std::nullopt;
    return v->as_bool();
  }

  std::nullopt_t Fail(std::string message) {
    if (error_ != nullptr) *error_ = std::move(message);
    return std::nullopt;
  }

  void set_error(std::string* error) { error_ = error; }

 private:
  // The request's entities as values, made once per request on first use.
  const Value& Cached(std::optional<Value>& slot, const EntityUid& uid) {
    if (!slot) slot = Value::Entity(uid);
    return *slot;
  }
  bool Expect(const Value& v, Value::Kind kind) {
    if (v.kind() == kind) return true;
    Fail(StrCat("type error: expected ", KindName(kind), ", got ",
                KindName(v.kind())));
    return false;
  }

  std::optional<Value> Checked(__int128 v, const char* op) {
    if (v < INT64_MIN || v > INT64_MAX) {
      return Fail(StrCat("integer overflow in ", op));
    }
    return Value::Long(static_cast<int64_t>(v));
  }

  std::optional<Value> In(const Value& left, const Value& right) {
    if (!Expect(left, Value::Kind::kEntity)) return std::nullopt;
    const EntityUid& uid = left.as_entity();
    if (right.is(Value::Kind::kEntity)) {
      return Value::Bool(entities_.InOrEqual(uid, right.as_entity()));
    }
    if (right.is(Value::Kind::kSet)) {
      bool found = false;
      for (const Value& v : right.as_set()) {
        if (!Expect(v, Value::Kind::kEntity)) return std::nullopt;
        found = found || entities_.InOrEqual(uid, v.as_entity());
      }
      return Value::Bool(found);
    }
    return Fail(StrCat("type error: 'in' expects an entity or a set of "
                       "entities, got ",
                       KindName(right.kind())));
  }

  std::optional<Value> Binary(const Expr& e) {
    std::optional<Value> l = Eval(e.children[0]);
    if (!l) return std::nullopt;
    std::optional<Value> r = Eval(e.children[1]);
    if (!r) return std::nullopt;
    switch (e.op) {
      case BinaryOp::kEq:
        return Value::Bool(*l == *r);
      case BinaryOp::kNotEq:
        return Value::Bool(!(*l == *r));
      case BinaryOp::kIn:
        return In(*l, *r);
      case BinaryOp::kLess:
      case BinaryOp::kLessEq:
      case BinaryOp::kGreater:
      case BinaryOp::kGreaterEq: {
        std::strong_ordering order = std::strong_ordering::equal;
        if (l->is(Value::Kind::kLong) && r->is(Value::Kind::kLong)) {
          order = l->as_long() <=> r->as_long();
        } else if (l->is(Value::Kind::kDatetime) && r->is(Value::Kind::kDatetime)) {
          order = l->as_datetime() <=> r->as_datetime();
        } else if (l->is(Value::Kind::kDuration) && r->is(Value::Kind::kDuration)) {
          order = l->as_duration() <=> r->as_duration();
        } else {
          return Fail(StrCat("type error: cannot compare ", KindName(l->kind()),
                             " and ", KindName(r->kind())));
        }
        switch (e.op) {
          case BinaryOp::kLess:
            return Value::Bool(order < 0);
          case BinaryOp::kLessEq:
            return Value::Bool(order <= 0);
          case BinaryOp::kGreater:
            return Value::Bool(order > 0);
          default:
            return Value::Bool(order >= 0);
        }
      }
      case BinaryOp::kAdd:
      case BinaryOp::kSub:
      case BinaryOp::kMul: {
        if (!Expect(*l, Value::Kind::kLong) || !Expect(*r, Value::Kind::kLong)) {
          return std::nullopt;
        }
        __int128 a = l->as_long(), b = r->as_long();
        if (e.op == BinaryOp::kAdd) return Checked(a + b, "addition");
        if (e.op == BinaryOp::kSub) return Checked(a - b, "subtraction");
        return Checked(a * b, "multiplication");
      }
    }
    return Fail("unknown operator");
  }

  // The attributes of a record, or of an entity; nullptr (not an error) for
  // an entity that is not in the store when `missing_ok`.
  const ValueRecord* AttrsOf(const Value& v, bool missing_ok, bool* failed) {
    *failed = false;
    if (v.is(Value::Kind::kRecord)) return &v.as_record();
    if (v.is(Value::Kind::kEntity)) {
      const Entity* entity = entities_.Find(v.as_entity());
      if (entity != nullptr) return &entity->attrs;
      if (!missing_ok) {
        *failed = true;
        Fail(StrCat("entity ", v.as_entity().ToString(), " does not exist"));
      }
      return nullptr;
    }
    *failed = true;
    Fail(StrCat("type error: expected an entity or a record, got ",
                KindName(v.kind())));
    return nullptr;
  }

  std::optional<Value> Has(const Expr& e) {
    std::optional<Value> v = Eval(e.children[0]);
    if (!v) return std::nullopt;
    bool failed;
    const ValueRecord* attrs = AttrsOf(*v, true, &failed);
    if (failed) return std::nullopt;
    return Value::Bool(attrs != nullptr && attrs->count(e.name) > 0);
  }

  std::optional<Value> GetAttr(const Expr& e) {
    std::optional<Value> v = Eval(e.children[0]);
    if (!v) return std::nullopt;
    bool failed;
    const ValueRecord* attrs = AttrsOf(*v, false, &failed);
    if (failed) return std::nullopt;
    auto it = attrs->find(e.name);
    if (it == attrs->end()) {
      return Fail(StrCat("attribute \"", e.name, "\" does not exist"));
    }
    return it->second;
  }

  std::optional<Value> Call(const Expr& e) {
    if (static_cast<int>(e.children.size()) != BuiltinArity(e.builtin)) {
      return Fail(StrCat(e.name, " takes ", BuiltinArity(e.builtin),
                         " argument(s), counting its receiver"));
    }
    std::vector<Value> args;
    args.reserve(e.children.size());
    for (const Expr& c : e.children) {
      std::optional<Value> v = Eval(c);
      if (!v) return std::nullopt;
      args.push_back(*std::move(v));
    }
    using K = Value::Kind;
    auto need = [&](std::initializer_list<K> kinds) {
      size_t i = 0;
      for (K k : kinds) {
        if (!Expect(args[i++], k)) return false;
      }
      return true;
    };
    switch (e.builtin) {
      case Builtin::kContains:
        if (!need({K::kSet})) return std::nullopt;
        return Value::Bool(args[0].SetContains(args[1]));
      case Builtin::kContainsAll: {
        if (!need({K::kSet, K::kSet})) return std::nullopt;
        for (const Value& v : args[1].as_set()) {
          if (!args[0].SetContains(v)) return Value::Bool(false);
        }
        return Value::Bool(true);
      }
      case Builtin::kContainsAny: {
        if (!need({K::kSet, K::kSet})) return std::nullopt;
        for (const Value& v : args[1].as_set()) {
          if (args[0].SetContains(v)) return Value::Bool(true);
        }
        return Value::Bool(false);
      }
      case Builtin::kIsEmpty:
        if (!need({K::kSet})) return std::nullopt;
        return Value::Bool(args[0].as_set().empty());
      case Builtin::kGetTag:
      case Builtin::kHasTag: {
        if (!need({K::kEntity, K::kString})) return std::nullopt;
        const Entity* entity = entities_.Find(args[0].as_entity());
        const ValueRecord* tags = entity != nullptr ? &entity->tags : nullptr;
        auto it = tags != nullptr ? tags->find(args[1].as_string())
                                  : ValueRecord::const_iterator();
        bool present = tags != nullptr && it != tags->end();
        if (e.builtin == Builtin::kHasTag) return Value::Bool(present);
        if (!present) {
          return Fail(StrCat("tag \"", args[1].as_string(), "\" does not exist"));
        }
        return it->second;
      }
      case Builtin::kIp: {
        if (!need({K::kString})) return std::nullopt;
        std::optional<IpAddr> ip = ParseIp(args[0].as_string());
        if (!ip) return Fail("invalid ip address");
        return Value::Ip(*ip);
      }
      case Builtin::kDecimal: {
        if (!need({K::kString})) return std::nullopt;
        std::optional<Decimal> d = ParseDecimal(args[0].as_string());
        if (!d) return Fail("invalid decimal");
        return Value::Dec(*d);
      }
      case Builtin::kDatetime: {
        if (!need({K::kString})) return std::nullopt;
        std::optional<Datetime> d = ParseDatetime(args[0].as_string());
        if (!d) return Fail("invalid datetime");
        return Value::Time(*d);
      }
      case Builtin::kDuration: {
        if (!need({K::kString})) return std::nullopt;
        std::optional<Duration> d = ParseDuration(args[0].as_string());
        if (!d) return Fail("invalid duration");
        return Value::Span(*d);
      }
      case Builtin::kIsIpv4:
        if (!need({K::kIp})) return std::nullopt;
        return Value::Bool(!args[0].as_ip().v6);
      case Builtin::kIsIpv6:
        if (!need({K::kIp})) return std::nullopt;
        return Value::Bool(args[0].as_ip().v6);
      case Builtin::kIsLoopback:
        if (!need({K::kIp})) return std::nullopt;
        return Value::Bool(IpIsLoopback(args[0].as_ip()));
      case Builtin::kIsMulticast:
        if (!need({K::kIp})) return std::nullopt;
        return Value::Bool(IpIsMulticast(args[0].as_ip()));
      case Builtin::kIsInRange:
        if (!need({K::kIp, K::kIp})) return std::nullopt;
        return Value::Bool(IpInRange(args[0].as_ip(), args[1].as_ip()));
      case Builtin::kLessThan:
      case Builtin::kLessThanOrEqual:
      case Builtin::kGreaterThan:
      case Builtin::kGreaterThanOrEqual: {
        if (!need({K::kDecimal, K::kDecimal})) return std::nullopt;
        auto order = args[0].as_decimal() <=> args[1].as_decimal();
        switch (e.builtin) {
          case Builtin::kLessThan:
            return Value::Bool(order < 0);
          case Builtin::kLessThanOrEqual:
            return Value::Bool(order <= 0);
          case Builtin::kGreaterThan:
            return Value::Bool(order > 0);
          default:
            return Value::Bool(order >= 0);
        }
      }
      case Builtin::kOffset: {
        if (!need({K::kDatetime, K::kDuration})) return std::nullopt;
        __int128 v = static_cast<__int128>(args[0].as_datetime().ms) +
                     args[1].as_duration().ms;
        if (v < INT64_MIN || v > INT64_MAX) return Fail("datetime overflow");
        return Value::Time({static_cast<int64_t>(v)});
      }
      case Builtin::kDurationSince: {
        if (!need({K::kDatetime, K::kDatetime})) return std::nullopt;
        __int128 v = static_cast<__int128>(args[0].as_datetime().ms) -
                     args[1].as_datetime().ms;
        if (v < INT64_MIN || v > INT64_MAX) return Fail("duration overflow");
        return Value::Span({static_cast<int64_t>(v)});
      }
      case Builtin::kToDate: {
        if (!need({K::kDatetime})) return std::nullopt;
        int64_t ms = args[0].as_datetime().ms;
        __int128 day = ms / kMsPerDay;
        if (ms < 0 && ms % kMsPerDay != 0) day -= 1;
        __int128 v = day * kMsPerDay;
        if (v < INT64_MIN || v > INT64_MAX) return Fail("datetime overflow");
        return Value::Time({static_cast<int64_t>(v)});
      }
      case Builtin::kToTime: {
        if (!need({K::kDatetime})) return std::nullopt;
        int64_t rem = args[0].as_datetime().ms % kMsPerDay;
        return Value::Span({rem < 0 ? rem + kMsPerDay : rem});
      }
      case Builtin::kToMilliseconds:
      case Builtin::kToSeconds:
      case Builtin::kToMinutes:
      case Builtin::kToHours:
      case Builtin::kToDays: {
        if (!need({K::kDuration})) return std::nullopt;
        int64_t ms = args[0].as_duration().ms;
        int64_t unit = e.builtin == Builtin::kToMilliseconds ? 1
                       : e.builtin == Builtin::kToSeconds    ? 1000
                       : e.builtin == Builtin::kToMinutes    ? 60000
                       : e.builtin == Builtin::kToHours      ? 3600000
                                                             : kMsPerDay;
        return Value::Long(ms / unit);
      }
    }
    return Fail("unknown function");
  }

  const Request& request_;
  const EntityView& entities_;
  std::string* error_;
  std::optional<Value> principal_, action_, resource_;
};

}  // namespace

bool ScopeHolds(const Scope& s, const EntityUid& uid, const EntityView& entities) {
  switch (s.op) {
    case Scope::Op::kAny:
      return true;
    case Scope::Op::kEq:
      return uid == s.entity;
    case Scope::Op::kIn:
      return entities.InOrEqual(uid, s.entity);
    case Scope::Op::kIs:
      return uid.type == s.entity_type;
    case Scope::Op::kIsIn:
      return uid.type == s.entity_type && entities.InOrEqual(uid, s.entity);
    case Scope::Op::kInSet:
      for (const EntityUid& e : s.entities) {
        if (entities.InOrEqual(uid, e)) return true;
      }
      return false;
  }
  return false;
}

std::optional<Value> Evaluate(const Expr& expr, const Request& request,
                              const EntityView& entities, std::string* error) {
  return Evaluator(request, entities, error).Eval(expr);
}

namespace {

std::optional<bool> SatisfiedWith(Evaluator& evaluator, const Policy& policy,
                                  const Request& request,
                                  const EntityView& entities, std::string* error) {
  if (policy.principal.slot || policy.resource.slot) {
    if (error != nullptr) *error = "unlinked template";
    return std::nullopt;
  }
  if (!ScopeHolds(policy.principal, request.principal, entities) ||
      !ScopeHolds(policy.action, request.action, entities) ||
      !ScopeHolds(policy.resource, request.resource, entities)) {
    return false;
  }
  evaluator.set_error(error);
  for (const Condition& c : policy.conditions) {
    std::optional<bool> holds = evaluator.EvalBool(c.body);
    if (!holds) return std::nullopt;
    if (*holds != c.is_when) return false;
  }
  return true;
}

}  // namespace

std::optional<bool> Satisfied(const Policy& policy, const Request& request,
                              const EntityView& entities, std::string* error) {
  Evaluator evaluator(request, entities, error);
  return SatisfiedWith(evaluator, policy, request, entities, error);
}

namespace {

// The request's principal, action and resource, looked up once: every
// policy's scope and most conditions ask for them again. Lookups of other
// entities go to `base`. (For every view, InOrEqual(a, b) is a == b or b
// among the ancestors of the entity Find(a) gives.)
class RequestEntities final : public EntityView {
 public:
  RequestEntities(const EntityView& base, const Request& r)
      : base_(base),
        slots_{{{&r.principal, base.Find(r.principal)},
                {&r.action, base.Find(r.action)},
                {&r.resource, base.Find(r.resource)}}} {}

  const Entity* Find(const EntityUid& uid) const override {
    for (const Slot& s : slots_) {
      if (s.uid == &uid) return s.entity;
    }
    for (const Slot& s : slots_) {
      if (*s.uid == uid) return s.entity;
    }
    return base_.Find(uid);
  }
  bool InOrEqual(const EntityUid& a, const EntityUid& b) const override {
    if (a == b) return true;
    const Entity* e = Find(a);
    return e != nullptr && e->ancestors.count(b) > 0;
  }

 private:
  struct Slot {
    const EntityUid* uid;
    const Entity* entity;
  };
  const EntityView& base_;
  std::array<Slot, 3> slots_;
};

Response Decide(const std::vector<Policy>& policies, const Request& request,
                const RequestEntities& entities, const std::vector<uint32_t>* subset) {
  Response response;
  std::vector<std::string> permits, forbids;
  Evaluator evaluator(request, entities, nullptr);
  size_t n = subset != nullptr ? subset->size() : policies.size();
  for (size_t k = 0; k < n; ++k) {
    const Policy& p = policies[subset != nullptr ? (*subset)[k] : k];
    if (p.is_template) continue;
    std::string error;
    std::optional<bool> holds = SatisfiedWith(evaluator, p, request, entities, &error);
    if (!holds) {
      response.errors.push_back({p.id, std::move(error)});
    } else if (*holds) {
      (p.effect == Effect::kForbid ? forbids : permits).push_back(p.id);
    }
  }
  if (forbids.empty() && !permits.empty()) {
    response.allow = true;
    response.reasons = std::move(permits);
  } else {
    response.reasons = std::move(forbids);
  }
  return response;
}

}  // namespace

Response Authorize(const std::vector<Policy>& policies, const Request& request,
                   const EntityView& entities, const std::vector<uint32_t>* subset) {
  return Decide(policies, request, RequestEntities(entities, request), subset);
}

Response Authorize(const std::vector<Policy>& policies, const Request& request,
                   const EntityView& entities, const ScopeIndex& index) {
  RequestEntities view(entities, request);
  std::vector<uint32_t> candidates = index.Candidates(request.principal, request.resource, view);
  return Decide(policies, request, view, &candidates);
}

}  // namespace catalog::policy
