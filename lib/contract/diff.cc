#include "lib/contract/diff.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "lib/util/bounded_regex.h"
#include "lib/util/strings.h"

namespace catalog::contract {
namespace {

// Classification levels, least to most sensitive; unknown names rank -1.
int Level(std::string_view c) {
  static const char* kLevels[] = {"public", "internal", "confidential",
                                  "restricted", "secret"};
  std::string lower;
  for (char ch : c) lower.push_back(static_cast<char>(std::tolower(ch)));
  for (int i = 0; i < 5; ++i) {
    if (lower == kLevels[i]) return i;
  }
  return -1;
}

std::string Quote(std::string_view s) {
  return s.empty() ? "(none)" : StrCat("\"", s, "\"");
}

class Differ {
 public:
  Differ(const Contract& before, const Contract& after)
      : before_(before), after_(after) {}

  std::vector<Change> Run() {
    Top();
    for (const Object& o : before_.objects) {
      const Object* n = after_.FindObject(o.name);
      if (n == nullptr) {
        Add(Impact::kBreaking, "object-removed", o.name, o.node, true,
            StrCat("object \"", o.name, "\" was removed"));
        continue;
      }
      ObjectChanges(o, *n);
    }
    for (const Object& n : after_.objects) {
      if (before_.FindObject(n.name) == nullptr) {
        Add(Impact::kInfo, "object-added", n.name, n.node, false,
            StrCat("object \"", n.name, "\" was added"));
        additions_ = true;
      }
    }
    return std::move(changes_);
  }

  bool additions() const { return additions_; }

 private:
  void Add(Impact impact, std::string_view rule, const std::string& path,
           const Node* where, bool in_old, std::string message) {
    Change c;
    c.impact = impact;
    c.rule = std::string(rule);
    c.path = path;
    if (where != nullptr) c.pos = where->pos;
    c.in_old = in_old;
    c.message = std::move(message);
    changes_.push_back(std::move(c));
  }

  // Top-level descriptive sections: team, support, SLA, description, tags.
  void Top() {
    const Node& a = before_.doc->root;
    const Node& b = after_.doc->root;
    for (const char* key :
         {"description", "tags", "team", "support", "slaProperties",
          "slaDefaultElement", "roles", "price", "authoritativeDefinitions",
          "customProperties", "domain", "dataProduct", "tenant", "name",
          "servers", "status"}) {
      const Node* x = a.Find(key);
      const Node* y = b.Find(key);
      std::string jx = x == nullptr ? "" : x->ToJson();
      std::string jy = y == nullptr ? "" : y->ToJson();
      if (jx == jy) continue;
      const Member* m = b.FindMember(key);
      const Member* old_m = a.FindMember(key);
      Change c;
      c.impact = Impact::kInfo;
      c.rule = StrCat(key, "-changed");
      c.path = key;
      c.in_old = m == nullptr;
      c.pos = m != nullptr ? m->key_pos : old_m->key_pos;
      c.message = StrCat(key, y == nullptr ? " was removed"
                                           : (x == nullptr ? " was added"
                                                           : " changed"));
      changes_.push_back(std::move(c));
    }
  }

  void Quality(const std::string& path, const std::vector<QualityRule>& a,
               const std::vector<QualityRule>& b) {
    for (const QualityRule& q : a) {
      auto it = std::find_if(b.begin(), b.end(), [&](const QualityRule& r) {
        return r.key == q.key;
      });
      if (it == b.end()) {
        Add(Impact::kWarning, "quality-removed", path, q.node, true,
            StrCat("quality rule ", q.key, " on ", path, " was removed"));
      } else if (it->json != q.json) {
        Add(Impact::kWarning, "quality-changed", path, it->node, false,
            StrCat("quality rule ", q.key, " on ", path, " changed"));
      }
    }
    for (const QualityRule& r : b) {
      bool existed = std::any_of(a.begin(), a.end(), [&](const QualityRule& q) {
        return q.key == r.key;
      });
      if (!existed) {
        Add(Impact::kWarning, "quality-added", path, r.node, false,
            StrCat("quality rule ", r.key, " on ", path,
                   " was added (a constraint where none was)"));
      }
    }
  }

  void Relationships(const std::string& path, const Node* where,
                     const std::vector<std::string>& a,
                     const std::vector<std::string>& b) {
    if (a != b) {
      Add(Impact::kWarning, "relationship-changed", path, where, false,
          StrCat("relationships of ", path, " changed"));
    }
  }

  void ObjectChanges(const Object& a, const Object& b) {
    if (a.physical_name != b.physical_name) {
      Add(Impact::kBreaking, "physical-name-changed", a.name, b.node, false,
          StrCat("object \"", a.name, "\" is stored under a new name: ",
                 Quote(a.physical_name), " -> ", Quote(b.physical_name)));
    }
    Quality(a.name, a.quality, b.quality);
    Relationships(a.name, b.node, a.relationships, b.relationships);
    Descriptive(a.name, a.node, b.node);
    PropertyLists(a.properties, b.properties);
  }

  void PropertyLists(const std::vector<Property>& a,
                     const std::vector<Property>& b) {
    for (const Property& p : a) {
      auto it = std::find_if(b.begin(), b.end(), [&](const Property& q) {
        return q.name == p.name;
      });
      if (it == b.end()) {
        Add(Impact::kBreaking, "property-removed", p.path, p.node, true,
            StrCat("property \"", p.path, "\" was removed"));
      } else {
        PropertyChanges(p, *it);
      }
    }
    for (const Property& q : b) {
      bool existed = std::any_of(a.begin(), a.end(), [&](const Property& p) {
        return p.name == q.name;
      });
      if (existed) continue;
      if (q.required) {
        Add(Impact::kBreaking, "required-property-added", q.path, q.node, false,
            StrCat("required property \"", q.path,
                   "\" was added: data written to the old contract lacks it"));
      } else {
        Add(Impact::kInfo, "property-added", q.path, q.node, false,
            StrCat("optional property \"", q.path, "\" was added"));
        additions_ = true;
      }
    }
  }

  // Tightened (breaking), loosened (info), added where none was (warning).
  // `upper` is true for maxima: a lower value tightens.
  void Limit(const Property& a, const Property& b, const Bound& x,
             const Bound& y, std::string_view name, bool upper) {
    if (!x && !y) return;
    if (!x) {
      Add(Impact::kWarning, "constraint-added", b.path, y.node, false,
          StrCat(name, " of \"", b.path, "\" was added (", y.Text(), ")"));
      return;
    }
    if (!y) {
      Add(Impact::kInfo, "constraint-loosened", b.path, b.node, false,
          StrCat(name, " of \"", b.path, "\" was removed (was ", x.Text(),
                 ")"));
      return;
    }
    int cmp = y.Compare(x);
    if (cmp == 0) return;
    bool tighter = upper ? cmp < 0 : cmp > 0;
    Add(tighter ? Impact::kBreaking : Impact::kInfo,
        tighter ? "constraint-tightened" : "constraint-loosened", b.path,
        y.node, false,
        StrCat(name, " of \"", b.path, "\" ", tighter ? "tightened" : "loosened",
               ": ", x.Text(), " -> ", y.Text()));
  }

  void PropertyChanges(const Property& a, const Property& b) {
    const std::string& path = b.path;
    if (a.logical_type != b.logical_type) {
      Add(Impact::kBreaking, "logical-type-changed", path, b.node, false,
          StrCat("logicalType of \"", path, "\" changed: ",
                 Quote(a.logical_type), " -> ", Quote(b.logical_type)));
    }
    if (a.physical_type != b.physical_type) {
      Add(Impact::kBreaking, "physical-type-changed", path, b.node, false,
          StrCat("physicalType of \"", path, "\" changed: ",
                 Quote(a.physical_type), " -> ", Quote(b.physical_type)));
    }
    if (a.physical_name != b.physical_name) {
      Add(Impact::kBreaking, "physical-name-changed", path, b.node, false,
          StrCat("\"", path, "\" is stored under a new name: ",
                 Quote(a.physical_name), " -> ", Quote(b.physical_name)));
    }
    if (!a.required && b.required) {
      Add(Impact::kBreaking, "became-required", path, b.node, false,
          StrCat("\"", path, "\" became required"));
    } else if (a.required && !b.required) {
      Add(Impact::kInfo, "required-relaxed", path, b.node, false,
          StrCat("\"", path, "\" is no longer required"));
    }
    if (!a.primary_key && b.primary_key) {
      Add(Impact::kBreaking, "primary-key-added", path, b.node, false,
          StrCat("\"", path, "\" became part of the primary key"));
    } else if (a.primary_key && !b.primary_key) {
      Add(Impact::kWarning, "primary-key-removed", path, b.node, false,
          StrCat("\"", path, "\" is no longer part of the primary key"));
    }
    if (!a.unique && b.unique && !(b.primary_key && !a.primary_key)) {
      Add(Impact::kBreaking, "unique-added", path, b.node, false,
          StrCat("\"", path, "\" became unique"));
    } else if (a.unique && !b.unique && !(a.primary_key && !b.primary_key)) {
      Add(Impact::kInfo, "unique-removed", path, b.node, false,
          StrCat("\"", path, "\" is no longer unique"));
    }
    ValidValues(a, b);
    // Patterns: a new one is a constraint where none was; any other change
    // may reject what the old one accepted, so it counts as tightening.
    std::string pa = a.pattern != nullptr ? a.pattern->text : "";
    std::string pb = b.pattern != nullptr ? b.pattern->text : "";
    if (pa.empty() && !pb.empty()) {
      Add(Impact::kWarning, "constraint-added", path, b.pattern, false,
          StrCat("pattern of \"", path, "\" was added: ", pb));
    } else if (!pa.empty() && pb.empty()) {
      Add(Impact::kInfo, "constraint-loosened", path, b.node, false,
          StrCat("pattern of \"", path, "\" was removed"));
    } else if (pa != pb) {
      Add(Impact::kBreaking, "constraint-tightened", path, b.pattern, false,
          StrCat("pattern of \"", path, "\" changed: ", pa, " -> ", pb));
    }
    Limit(a, b, a.min_length, b.min_length, "minLength", false);
    Limit(a, b, a.max_length, b.max_length, "maxLength", true);
    Limit(a, b, a.minimum, b.minimum, "minimum", false);
    Limit(a, b, a.maximum, b.maximum, "maximum", true);
    Limit(a, b, a.exclusive_minimum, b.exclusive_minimum, "exclusiveMinimum",
          false);
    Limit(a, b, a.exclusive_maximum, b.exclusive_maximum, "exclusiveMaximum",
          true);
    Limit(a, b, a.min_items, b.min_items, "minItems", false);
    Limit(a, b, a.max_items, b.max_items, "maxItems", true);
    if (a.format != b.format) {
      Add(Impact::kWarning, "format-changed", path, b.node, false,
          StrCat("format of \"", path, "\" changed: ", Quote(a.format), " -> ",
                 Quote(b.format)));
    }
    Classification(a, b);
    Quality(path, a.quality, b.quality);
    Relationships(path, b.node, a.relationships, b.relationships);
    Descriptive(path, a.node, b.node);
    PropertyLists(a.properties, b.properties);
  }

  void ValidValues(const Property& a, const Property& b) {
    if (!a.valid_values && !b.valid_values) return;
    if (!a.valid_values) {
      Add(Impact::kWarning, "constraint-added", b.path, b.node, false,
          StrCat("valid values of \"", b.path, "\" were added"));
      return;
    }
    if (!b.valid_values) {
      Add(Impact::kInfo, "constraint-loosened", b.path, b.node, false,
          StrCat("valid values of \"", b.path, "\" were removed"));
      return;
    }
    std::set<std::string> now(b.valid_values->begin(), b.valid_values->end());
    std::set<std::string> was(a.valid_values->begin(), a.valid_values->end());
    std::vector<std::string> removed, added;
    for (const std::string& v : was) {
      if (!now.count(v)) removed.push_back(v);
    }
    for (const std::string& v : now) {
      if (!was.count(v)) added.push_back(v);
    }
    auto list = [](const std::vector<std::string>& v) {
      std::string out;
      for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
      return out;
    };
    if (!removed.empty()) {
      Add(Impact::kBreaking, "valid-values-removed", b.path, b.node, false,
          StrCat("valid values of \"", b.path, "\" lost ", list(removed)));
    }
    if (!added.empty()) {
      Add(Impact::kInfo, "constraint-loosened", b.path, b.node, false,
          StrCat("valid values of \"", b.path, "\" gained ", list(added)));
    }
  }

  void Classification(const Property& a, const Property& b) {
    if (a.classification == b.classification) return;
    int la = Level(a.classification);
    int lb = Level(b.classification);
    std::string what = StrCat("classification of \"", b.path, "\" ");
    if (b.classification.empty()) {
      Add(Impact::kBreaking, "classification-removed", b.path, b.node, false,
          StrCat(what, "was removed (was ", a.classification, ")"));
    } else if (a.classification.empty()) {
      Add(Impact::kInfo, "classification-added", b.path, b.node, false,
          StrCat(what, "was set to ", b.classification));
    } else if (la >= 0 && lb >= 0 && lb < la) {
      Add(Impact::kBreaking, "classification-lowered", b.path, b.node, false,
          StrCat(what, "was lowered: ", a.classification, " -> ",
                 b.classification));
    } else if (la >= 0 && lb >= 0) {
      Add(Impact::kWarning, "classification-raised", b.path, b.node, false,
          StrCat(what, "was raised: ", a.classification, " -> ",
                 b.classification, " (readers may lose access)"));
    } else {
      Add(Impact::kWarning, "classification-changed", b.path, b.node, false,
          StrCat(what, "changed: ", a.classification, " -> ",
                 b.classification));
    }
  }

  // Description, tags, examples, business name: text for people.
  void Descriptive(const std::string& path, const Node* a, const Node* b) {
    for (const char* key : {"description", "tags", "examples", "businessName",
                            "authoritativeDefinitions", "customProperties",
                            "criticalDataElement", "dataGranularityDescription",
                            "transformLogic", "transformDescription",
                            "transformSourceObjects", "encryptedName",
                            "partitioned", "partitionKeyPosition",
                            "primaryKeyPosition"}) {
      const Node* x = a->Find(key);
      const Node* y = b->Find(key);
      if ((x == nullptr ? "" : x->ToJson()) == (y == nullptr ? "" : y->ToJson())) {
        continue;
      }
      Add(Impact::kInfo, StrCat(key, "-changed"), path,
          y != nullptr ? y : b, false, StrCat(key, " of \"", path, "\" changed"));
    }
  }

  const Contract& before_;
  const Contract& after_;
  std::vector<Change> changes_;
  bool additions_ = false;
};

struct Semver {
  int64_t major = 0, minor = 0, patch = 0;
  std::string pre;
};

std::optional<Semver> ParseSemver(std::string_view v) {
  static const std::regex re("^(\\d+)\\.(\\d+)\\.(\\d+)(-[^+]*)?(\\+.*)?$");
  std::string s(v);
  std::smatch m;
  if (!BoundedRegexMatch(s, m, re)) return std::nullopt;
  try {
    return Semver{std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]),
                  m[4].str()};
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

}  // namespace

std::string ImpactName(Impact i) {
  switch (i) {
    case Impact::kBreaking: return "breaking";
    case Impact::kWarning: return "warning";
    case Impact::kInfo: return "info";
  }
  return "";
}

std::string BumpName(Bump b) {
  switch (b) {
    case Bump::kNone: return "none";
    case Bump::kPatch: return "patch";
    case Bump::kMinor: return "minor";
    case Bump::kMajor: return "major";
  }
  return "";
}

bool DiffResult::Breaking() const {
  return std::any_of(changes.begin(), changes.end(), [](const Change& c) {
    return c.impact == Impact::kBreaking;
  });
}

std::optional<Bump> BumpBetween(std::string_view before,
                                std::string_view after) {
  std::optional<Semver> a = ParseSemver(before);
  std::optional<Semver> b = ParseSemver(after);
  if (!a || !b) return std::nullopt;
  if (b->major != a->major) {
    return b->major > a->major ? std::optional(Bump::kMajor) : std::nullopt;
  }
  if (b->minor != a->minor) {
    return b->minor > a->minor ? std::optional(Bump::kMinor) : std::nullopt;
  }
  if (b->patch != a->patch) {
    return b->patch > a->patch ? std::optional(Bump::kPatch) : std::nullopt;
  }
  if (a->pre != b->pre) return Bump::kPatch;  // a new pre-release of one version
  return Bump::kNone;
}

DiffResult Diff(const Contract& before, const Contract& after) {
  DiffResult result;
  Differ differ(before, after);
  result.changes = differ.Run();
  for (const Change& c : result.changes) {
    Bump b = c.impact == Impact::kBreaking  ? Bump::kMajor
             : c.impact == Impact::kWarning ? Bump::kMinor
                                            : Bump::kPatch;
    result.needed = std::max(result.needed, b);
  }
  if (differ.additions()) result.needed = std::max(result.needed, Bump::kMinor);
  std::optional<Bump> actual = BumpBetween(before.version, after.version);
  result.actual = actual.value_or(Bump::kNone);
  result.version_ok = actual.has_value() && *actual >= result.needed;
  if (!result.version_ok) {
    Change c;
    c.impact = Impact::kWarning;
    c.rule = "version-bump";
    c.path = "version";
    if (const Node* v = after.doc->root.Find("version")) c.pos = v->pos;
    c.message =
        !actual.has_value()
            ? StrCat("version went from ", Quote(before.version), " to ",
                     Quote(after.version), ", which is not an increase")
            : StrCat("these changes need a ", BumpName(result.needed),
                     " version bump; ", before.version, " -> ", after.version,
                     " is ", BumpName(*actual) == "none"
                                 ? std::string("unchanged")
                                 : StrCat("a ", BumpName(*actual), " bump"));
    result.changes.push_back(std::move(c));
  }
  std::stable_sort(result.changes.begin(), result.changes.end(),
                   [](const Change& a, const Change& b) {
                     return std::tie(a.in_old, a.pos.line, a.pos.column) <
                            std::tie(b.in_old, b.pos.line, b.pos.column);
                   });
  return result;
}

}  // namespace catalog::contract
