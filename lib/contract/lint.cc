// The semantic rules of lint: what the JSON schema cannot say.
#include "lib/contract/lint.h"

#include "lib/contract/sla.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "lib/util/bounded_regex.h"
#include "lib/util/strings.h"

namespace catalog::contract {
namespace {

constexpr size_t kMaxPatternBytes = 1000;

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}
std::string Item(const std::string& path, size_t i) {
  return StrCat(path, "[", i, "]");
}

bool IsTrue(const Node* n) {
  return n != nullptr && n->kind == Node::Kind::kBool && n->boolean;
}
bool IsFalse(const Node* n) {
  return n != nullptr && n->kind == Node::Kind::kBool && !n->boolean;
}

class Semantics {
 public:
  explicit Semantics(const Node& root) : root_(root) {}

  std::vector<Finding> Run() {
    Timestamps(root_, "");
    Version();
    const Node* schema = root_.Find("schema");
    if (schema != nullptr && schema->IsSeq()) {
      IndexObjects(*schema);
      std::set<std::string> names;
      for (size_t i = 0; i < schema->items.size(); ++i) {
        const Node& object = schema->items[i];
        std::string path = Item("schema", i);
        if (!object.IsMap()) continue;
        std::string name = object.String("name");
        if (!name.empty() && !names.insert(name).second) {
          Add(Severity::kError, "duplicate-object", path, object.pos,
              StrCat("object \"", name, "\" is defined twice"));
        }
        Properties(object, path, name);
        Relationships(object, path, name, /*property=*/"");
        Quality(object, path, name);
      }
    }
    SlaElements();
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const Finding& a, const Finding& b) {
                       return std::tie(a.pos.line, a.pos.column) <
                              std::tie(b.pos.line, b.pos.column);
                     });
    return std::move(findings_);
  }

 private:
  void Add(Severity s, std::string_view rule, const std::string& path,
           Position pos, std::string message) {
    findings_.push_back(
        {s, std::string(rule), path, pos, std::move(message)});
  }

  // YAML 1.1 loaders (PyYAML, js-yaml) turn 2022-10-03 into a date, which no
  // string field of the schema accepts.
  void Timestamps(const Node& n, const std::string& path) {
    if (n.kind == Node::Kind::kTimestamp) {
      Add(Severity::kError, "yaml-timestamp", path, n.pos,
          StrCat("unquoted ", n.text,
                 " is a timestamp to YAML 1.1 loaders, not a string; write "
                 "\"", n.text, "\""));
    }
    for (size_t i = 0; i < n.items.size(); ++i) {
      Timestamps(n.items[i], Item(path, i));
    }
    for (const Member& m : n.members) Timestamps(m.value, Child(path, m.key));
  }

  void Version() {
    static const std::regex semver(
        "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
        "(-((0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
        "(\\.(0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
        "(\\+([0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*))?$");
    const Node* v = root_.Find("version");
    if (v == nullptr || !v->IsScalar() || v->kind == Node::Kind::kNull) return;
    if (!BoundedRegexMatch(v->text, semver)) {
      Add(Severity::kError, "semver", "version", v->pos,
          StrCat("version \"", v->text,
                 "\" is not a semantic version (MAJOR.MINOR.PATCH)"));
    }
  }

  // Objects by name and physical name, with their top-level property names
  // (also by physical name), for references.
  void IndexObjects(const Node& schema) {
    for (const Node& object : schema.items) {
      if (!object.IsMap()) continue;
      std::set<std::string> props;
      if (const Node* ps = object.Find("properties"); ps && ps->IsSeq()) {
        for (const Node& p : ps->items) {
          if (!p.IsMap()) continue;
          if (std::string n = p.String("name"); !n.empty()) props.insert(n);
          if (std::string n = p.String("physicalName"); !n.empty()) {
            props.insert(n);
          }
        }
      }
      for (const char* key : {"name", "physicalName"}) {
        if (std::string n = object.String(key); !n.empty()) {
          objects_[n].insert(props.begin(), props.end());
        }
      }
    }
  }

  // "object.property" pointing into this contract: an error when the object
  // is here and the property is not. Other forms and foreign objects are
  // references to other contracts, not checked.
  void CheckReference(const Node& ref, const std::string& path,
                      std::string_view what) {
    if (!ref.IsString()) return;
    size_t dot = ref.text.find('.');
    if (dot == std::string::npos || ref.text.find('/') != std::string::npos) {
      return;
    }
    std::string object = ref.text.substr(0, dot);
    std::string property = ref.text.substr(dot + 1);
    auto it = objects_.find(object);
    if (it == objects_.end() || it->second.count(property) > 0) return;
    Add(Severity::kError, "reference", path, ref.pos,
        StrCat(what, " \"", ref.text, "\": object \"", object,
               "\" has no property \"", property, "\""));
  }

  void CheckReferences(const Node* refs, const std::string& path,
                       std::string_view what) {
    if (refs == nullptr) return;
    if (refs->IsSeq()) {
      for (size_t i = 0; i < refs->items.size(); ++i) {
        CheckReference(refs->items[i], Item(path, i), what);
      }
    } else {
      CheckReference(*refs, path, what);
    }
  }

  void Relationships(const Node& owner, const std::string& path,
                     const std::string& object, const std::string& property) {
    const Node* rels = owner.Find("relationships");
    if (rels == nullptr || !rels->IsSeq()) return;
    for (size_t i = 0; i < rels->items.size(); ++i) {
      const Node& rel = rels->items[i];
      std::string p = Item(Child(path, "relationships"), i);
      if (!rel.IsMap()) continue;
      const Node* from = rel.Find("from");
      const Node* to = rel.Find("to");
      CheckReferences(from, Child(p, "from"), "relationship source");
      CheckReferences(to, Child(p, "to"), "relationship target");
      size_t from_n = from == nullptr ? (property.empty() ? 0 : 1)
                                      : (from->IsSeq() ? from->items.size() : 1);
      size_t to_n = to == nullptr ? 0 : (to->IsSeq() ? to->items.size() : 1);
      if (from != nullptr && to != nullptr && from_n != to_n) {
        Add(Severity::kError, "relationship-arity", p, rel.pos,
            StrCat("relationship maps ", from_n, " source properties to ",
                   to_n, " targets; they must pair up"));
      }
    }
  }

  void Properties(const Node& owner, const std::string& path,
                  const std::string& object) {
    const Node* props = owner.Find("properties");
    if (props == nullptr || !props->IsSeq()) return;
    std::set<std::string> names;
    for (size_t i = 0; i < props->items.size(); ++i) {
      const Node& p = props->items[i];
      std::string ppath = Item(Child(path, "properties"), i);
      if (!p.IsMap()) continue;
      std::string name = p.String("name");
      if (!name.empty() && !names.insert(name).second) {
        Add(Severity::kError, "duplicate-property", ppath, p.pos,
            StrCat("property \"", name, "\" is defined twice in ",
                   path));
      }
      Property(p, ppath, object);
    }
  }

  void Property(const Node& p, const std::string& path,
                const std::string& object) {
    if (IsTrue(p.Find("primaryKey"))) {
      for (const char* implied : {"required", "unique"}) {
        if (IsFalse(p.Find(implied))) {
          Add(Severity::kWarning, "primary-key", Child(path, implied),
              p.Find(implied)->pos,
              StrCat("a primary key is ", implied, "; \"", implied,
                     ": false\" is overridden"));
        }
      }
    }
    TypeOptions(p, path);
    Relationships(p, path, object, p.String("name"));
    Quality(p, path, object);
    Properties(p, path, object);
    if (const Node* items = p.Find("items"); items && items->IsMap()) {
      Property(*items, Child(path, "items"), object);
    }
  }

  void MinMax(const Node& options, const std::string& path,
              std::string_view low, std::string_view high, bool dates) {
    const Node* lo = options.Find(low);
    const Node* hi = options.Find(high);
    if (lo == nullptr || hi == nullptr) return;
    bool inverted = false;
    if (lo->IsNumber() && hi->IsNumber()) {
      inverted = lo->number > hi->number;
    } else if (dates && lo->IsString() && hi->IsString()) {
      inverted = lo->text > hi->text;  // ISO 8601 of one form sorts as text
    }
    if (inverted) {
      Add(Severity::kError, "min-max", Child(path, low), lo->pos,
          StrCat(low, " (", lo->text, ") is greater than ", high, " (",
                 hi->text, ")"));
    }
  }

  void TypeOptions(const Node& p, const std::string& property_path) {
    const Node* options = p.Find("logicalTypeOptions");
    if (options == nullptr || !options->IsMap()) return;
    std::string path = Child(property_path, "logicalTypeOptions");
    std::string type = p.String("logicalType");
    bool dates = type == "date" || type == "timestamp" || type == "time";
    MinMax(*options, path, "minLength", "maxLength", false);
    MinMax(*options, path, "minItems", "maxItems", false);
    MinMax(*options, path, "minProperties", "maxProperties", false);
    for (const char* low : {"minimum", "exclusiveMinimum"}) {
      for (const char* high : {"maximum", "exclusiveMaximum"}) {
        MinMax(*options, path, low, high, dates);
      }
    }
    if (const Node* pattern = options->Find("pattern");
        pattern != nullptr && pattern->IsString()) {
      std::string ppath = Child(path, "pattern");
      if (pattern->text.size() > kMaxPatternBytes) {
        Add(Severity::kError, "pattern", ppath, pattern->pos,
            StrCat("pattern is longer than ", kMaxPatternBytes, " bytes"));
      } else {
        try {
          std::regex re(pattern->text, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          Add(Severity::kError, "pattern", ppath, pattern->pos,
              StrCat("pattern \"", pattern->text,
                     "\" is not a valid regular expression: ", e.what()));
        }
      }
    }
    if (dates) {
      static const std::regex date("^\\d{4}-\\d{2}-\\d{2}");
      static const std::regex time("^\\d{2}:\\d{2}(:\\d{2})?");
      for (const char* bound :
           {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
        const Node* b = options->Find(bound);
        if (b == nullptr || !b->IsString()) continue;
        bool ok = BoundedRegexSearch(b->text, type == "time" ? time : date);
        if (!ok) {
          Add(Severity::kError, "type-options", Child(path, bound), b->pos,
              StrCat(bound, " \"", b->text, "\" is not a ",
                     type == "time" ? "time" : "date", " for a ", type,
                     " property"));
        }
      }
    }
    if (type == "boolean" && !options->members.empty()) {
      Add(Severity::kWarning, "type-options", path, options->pos,
          "logicalTypeOptions do not apply to a boolean property");
    }
    if (type == "object") {
      const Node* required = options->Find("required");
      std::set<std::string> names;
      if (const Node* ps = p.Find("properties"); ps && ps->IsSeq()) {
        for (const Node& child : ps->items) names.insert(child.String("name"));
      }
      // Checked against the properties the contract lists, when it lists any.
      if (required != nullptr && required->IsSeq() && !names.empty()) {
        for (size_t i = 0; i < required->items.size(); ++i) {
          const Node& r = required->items[i];
          if (r.IsString() && names.count(r.text) == 0) {
            Add(Severity::kError, "reference",
                Item(Child(path, "required"), i), r.pos,
                StrCat("required property \"", r.text,
                       "\" is not among this object's properties"));
          }
        }
      }
    }
  }

  // A quality rule's arguments.property / arguments.properties name
  // properties of the object it belongs to; mustBeBetween is low, high.
  void Quality(const Node& owner, const std::string& path,
               const std::string& object) {
    const Node* rules = owner.Find("quality");
    if (rules == nullptr || !rules->IsSeq()) return;
    for (size_t i = 0; i < rules->items.size(); ++i) {
      const Node& rule = rules->items[i];
      std::string rpath = Item(Child(path, "quality"), i);
      if (!rule.IsMap()) continue;
      for (const char* between : {"mustBeBetween", "mustNotBeBetween"}) {
        const Node* b = rule.Find(between);
        if (b != nullptr && b->IsSeq() && b->items.size() == 2 &&
            b->items[0].IsNumber() && b->items[1].IsNumber() &&
            b->items[0].number > b->items[1].number) {
          Add(Severity::kError, "min-max", Child(rpath, between), b->pos,
              StrCat(between, " is [low, high]; ", b->items[0].text,
                     " is greater than ", b->items[1].text));
        }
      }
      const Node* args = rule.Find("arguments");
      if (args == nullptr || !args->IsMap()) continue;
      std::vector<const Node*> names;
      if (const Node* one = args->Find("property")) names.push_back(one);
      if (const Node* many = args->Find("properties"); many && many->IsSeq()) {
        for (const Node& n : many->items) names.push_back(&n);
      }
      auto it = objects_.find(object);
      for (const Node* n : names) {
        if (!n->IsString() || it == objects_.end()) continue;
        if (it->second.count(n->text) == 0) {
          Add(Severity::kError, "reference", Child(rpath, "arguments"), n->pos,
              StrCat("quality rule names property \"", n->text,
                     "\", which object \"", object, "\" does not have"));
        }
      }
    }
  }

  void SlaElements() {
    if (const Node* d = root_.Find("slaDefaultElement")) {
      CheckReference(*d, "slaDefaultElement", "SLA element");
    }
    const Node* sla = root_.Find("slaProperties");
    if (sla == nullptr || !sla->IsSeq()) return;
    for (size_t i = 0; i < sla->items.size(); ++i) {
      if (const Node* e = sla->items[i].Find("element")) {
        CheckReference(*e, Child(Item("slaProperties", i), "element"),
                       "SLA element");
      }
    }
    // Valid ODCS that catalogd cannot judge freshness by (sla.h).
    if (absl::StatusOr<Sla> read = SlaOf(root_); !read.ok()) {
      Add(Severity::kWarning, "sla-freshness", "slaProperties", sla->pos,
          StrCat(MessageOf(read.status()), "; catalogd will not judge freshness by it"));
    }
  }

  const Node& root_;
  std::map<std::string, std::set<std::string>> objects_;
  std::vector<Finding> findings_;
};

}  // namespace

std::string SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "";
}

std::vector<Finding> Lint(const Document& doc) {
  std::vector<Finding> out = CheckSchema(doc.root);
  std::vector<Finding> semantic = Semantics(doc.root).Run();
  out.insert(out.end(), std::make_move_iterator(semantic.begin()),
             std::make_move_iterator(semantic.end()));
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) {
                     return std::tie(a.pos.line, a.pos.column) <
                            std::tie(b.pos.line, b.pos.column);
                   });
  return out;
}

bool HasErrors(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace catalog::contract
