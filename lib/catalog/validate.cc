#include "lib/catalog/validate.h"

#include <algorithm>
#include <cmath>

#include <set>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "lib/catalog/data_product.h"
#include "lib/util/strings.h"
#include "lib/util/status_macros.h"

namespace catalog {
namespace {

absl::Status Invalid(std::string_view path, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(path, ": ", rule));
}

// Control characters: C0, DEL and C1 (U+0080..U+009F, encoded C2 80..C2 9F).
bool FindControl(std::string_view s, bool allow_tab_newline) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      if (allow_tab_newline && (c == '\t' || c == '\n' || c == '\r')) continue;
      return true;
    }
    if (c == 0xc2 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9f) return true;
    }
  }
  return false;
}

absl::Status ValidateTags(std::string_view path,
                          const std::vector<std::string>& tags) {
  if (tags.size() > kMaxListItems) {
    return Invalid(path, StrCat("at most ", kMaxListItems, " tags"));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < tags.size(); ++i) {
    std::string item = StrCat(path, "[", i, "]");
    RETURN_IF_ERROR(ValidateName(item, tags[i], kMaxShortNameBytes));
    if (!seen.insert(tags[i]).second) {
      return Invalid(item, StrCat("duplicate tag \"", tags[i], "\""));
    }
  }
  return absl::OkStatus();
}

// Links to glossary terms: ids, once each.
absl::Status ValidateTermLinks(std::string_view path, const std::vector<std::string>& terms) {
  if (terms.size() > kMaxTermLinks) {
    return Invalid(path, StrCat("at most ", kMaxTermLinks, " terms"));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < terms.size(); ++i) {
    std::string item = StrCat(path, "[", i, "]");
    RETURN_IF_ERROR(ValidateTermId(item, terms[i]));
    if (!seen.insert(terms[i]).second) {
      return Invalid(item, StrCat("duplicate term \"", terms[i], "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOwners(std::string_view path,
                            const std::vector<Owner>& owners) {
  if (owners.size() > kMaxListItems) {
    return Invalid(path, StrCat("at most ", kMaxListItems, " owners"));
  }
  std::set<std::pair<std::string_view, OwnershipType>> seen;
  for (size_t i = 0; i < owners.size(); ++i) {
    std::string item = StrCat(path, "[", i, "].principal");
    RETURN_IF_ERROR(ParsePrincipalRef(item, owners[i].principal).status());
    if (!seen.insert({owners[i].principal, owners[i].type}).second) {
      return Invalid(item, StrCat("duplicate owner \"",
                                        owners[i].principal, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStringMap(std::string_view path,
                               const std::map<std::string, std::string>& m) {
  if (m.size() > kMaxListItems) {
    return Invalid(path, StrCat("at most ", kMaxListItems, " entries"));
  }
  for (const auto& [key, value] : m) {
    std::string item = StrCat(path, ".", key);
    RETURN_IF_ERROR(ValidateName(item, key, kMaxShortNameBytes));
    RETURN_IF_ERROR(ValidateText(item, value, kMaxTextBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateFields(std::string_view path,
                            const std::vector<Field>& fields, int depth,
                            size_t& total) {
  if (depth > kMaxFieldDepth) {
    return Invalid(path, StrCat("fields nest deeper than ",
                                      kMaxFieldDepth, " levels"));
  }
  std::set<std::string_view> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    std::string item = StrCat(path, "[", i, "]");
    if (++total > kMaxFields) {
      return Invalid(item, StrCat("a schema holds at most ", kMaxFields,
                                        " fields"));
    }
    RETURN_IF_ERROR(
        ValidateName(StrCat(item, ".name"), f.name, kMaxShortNameBytes));
    // "a.b" is the path of field b inside struct a: a field named "a.b"
    // would be a second field with that path (and policies on one would
    // decide for the other).
    if (f.name.find('.') != std::string::npos) {
      return Invalid(StrCat(item, ".name"),
                     StrCat("\"", f.name,
                            "\" holds '.', which separates nested fields; nest the field "
                            "instead"));
    }
    if (!names.insert(f.name).second) {
      return Invalid(StrCat(item, ".name"),
                     StrCat("duplicate field name \"", f.name, "\""));
    }
    RETURN_IF_ERROR(
        ValidateName(StrCat(item, ".type"), f.type, kMaxShortNameBytes));
    RETURN_IF_ERROR(ValidateText(StrCat(item, ".description"),
                                 f.description));
    RETURN_IF_ERROR(ValidateTags(StrCat(item, ".tags"), f.tags));
    RETURN_IF_ERROR(ValidateTermLinks(StrCat(item, ".terms"), f.terms));
    RETURN_IF_ERROR(ValidateFields(StrCat(item, ".fields"), f.fields,
                                   depth + 1, total));
  }
  return absl::OkStatus();
}

bool IsDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool IsPrincipalNameChar(char c) {
  return IsDomainChar(c) || c == '@' || c == '+';
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

absl::Status ValidateName(std::string_view path, std::string_view value,
                          size_t max_bytes) {
  if (value.empty()) return Invalid(path, "must not be empty");
  if (value.size() > max_bytes) {
    return Invalid(path, StrCat("must be at most ", max_bytes,
                                      " bytes (got ", value.size(), ")"));
  }
  if (!IsValidUtf8(value)) return Invalid(path, "must be valid UTF-8");
  if (FindControl(value, false)) {
    return Invalid(path, "must not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateText(std::string_view path, std::string_view value,
                          size_t max_bytes) {
  if (value.size() > max_bytes) {
    return Invalid(path, StrCat("must be at most ", max_bytes,
                                      " bytes (got ", value.size(), ")"));
  }
  if (!IsValidUtf8(value)) return Invalid(path, "must be valid UTF-8");
  if (FindControl(value, true)) {
    return Invalid(path, "must not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateDomainPath(std::string_view path,
                                std::string_view value) {
  RETURN_IF_ERROR(ValidateName(path, value, kMaxShortNameBytes));
  size_t start = 0;
  while (true) {
    size_t end = value.find('/', start);
    std::string_view segment = value.substr(
        start, end == std::string_view::npos ? std::string_view::npos
                                             : end - start);
    if (segment.empty()) {
      return Invalid(path, StrCat("domain path \"", value,
                                        "\" has an empty segment"));
    }
    if (segment == "." || segment == "..") {
      return Invalid(path, "domain path segments may not be \".\" or \"..\"");
    }
    for (char c : segment) {
      if (!IsDomainChar(c)) {
        return Invalid(path,
                       "domain path segments hold only letters, digits, "
                       "'-', '_' and '.'");
      }
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return absl::OkStatus();
}

absl::StatusOr<PrincipalRef> ParsePrincipalRef(std::string_view path,
                                               std::string_view value) {
  size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    return Invalid(path, StrCat("principal \"", value,
                                      "\" must be written kind:name "
                                      "(user:, serviceaccount: or group:)"));
  }
  std::string_view prefix = value.substr(0, colon);
  PrincipalRef ref;
  if (prefix == "user") {
    ref.kind = PrincipalKind::kUser;
  } else if (prefix == "serviceaccount") {
    ref.kind = PrincipalKind::kServiceAccount;
  } else if (prefix == "group") {
    ref.kind = PrincipalKind::kGroup;
  } else {
    return Invalid(path, StrCat("unknown principal kind \"", prefix,
                                      "\" (want user, serviceaccount or "
                                      "group)"));
  }
  ref.name = std::string(value.substr(colon + 1));
  RETURN_IF_ERROR(ValidateName(path, ref.name, kMaxShortNameBytes));
  for (char c : ref.name) {
    if (!IsPrincipalNameChar(c)) {
      return Invalid(path,
                     "principal names hold only letters, digits and "
                     "'-', '_', '.', '@', '+'");
    }
  }
  return ref;
}

absl::StatusOr<DatasetKey> ParseDatasetKey(std::string_view value) {
  size_t from = 0;
  size_t scheme = value.find("://");
  if (scheme != std::string_view::npos) from = scheme + 3;
  size_t slash = value.find('/', from);
  if (slash == std::string_view::npos) {
    return Invalid("dataset",
                   StrCat("\"", value,
                                "\" must be written namespace/name"));
  }
  DatasetKey key{std::string(value.substr(0, slash)),
                 std::string(value.substr(slash + 1))};
  RETURN_IF_ERROR(ValidateDatasetKey(key));
  return key;
}

bool InDomain(std::string_view path, std::string_view domain) {
  return domain.empty() || path == domain ||
         (path.size() > domain.size() && path.starts_with(domain) && path[domain.size()] == '/');
}

std::string DomainParent(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? ""
                                         : std::string(path.substr(0, slash));
}

absl::Status ValidateDatasetKey(const DatasetKey& key, std::string_view path) {
  RETURN_IF_ERROR(ValidateName(StrCat(path, ".namespace"), key.ns));
  RETURN_IF_ERROR(ValidateName(StrCat(path, ".name"), key.name));
  return absl::OkStatus();
}

absl::Status ValidateLayerName(std::string_view path, std::string_view value) {
  if (value.empty()) return Invalid(path, "must not be empty");
  if (value.size() > 32) return Invalid(path, "must be at most 32 characters");
  if (value[0] < 'a' || value[0] > 'z') {
    return Invalid(path, StrCat("\"", value, "\" must start with a lowercase letter"));
  }
  for (char c : value) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      return Invalid(path, StrCat("\"", value,
                                  "\" may hold only lowercase letters, digits, '-' and '_'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseCertificationExpiry(std::string_view path, std::string_view value) {
  absl::Time t;
  std::string error;
  const std::string text(value);
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error) &&
      !absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    return Invalid(path, StrCat("\"", value,
                                "\" is not an RFC 3339 date-time or a date (2027-06-30)"));
  }
  const int64_t ms = absl::ToUnixMillis(t);
  // Kept as milliseconds in 64 bits, and shown as a four-digit year.
  if (ms < 0 || ms >= 253402300800000) {
    return Invalid(path, StrCat("\"", value, "\" must be between 1970 and 9999"));
  }
  return ms;
}

namespace {

absl::Status ValidateCertification(const Certification& c) {
  const std::string_view path = "spec.certification";
  if (c.state != "" && c.state != "draft" && c.state != "verified") {
    return Invalid(StrCat(path, ".state"),
                   StrCat("\"", c.state, "\" is not a certification (none, draft, verified)"));
  }
  if (!c.expires.empty()) {
    if (c.state != "verified") {
      return Invalid(StrCat(path, ".expires"), "only a verified certification expires");
    }
    RETURN_IF_ERROR(ParseCertificationExpiry(StrCat(path, ".expires"), c.expires).status());
  }
  // Stamped by catalogd; bounded here because they round-trip through
  // manifests (get -o yaml, then apply).
  RETURN_IF_ERROR(ValidateText(StrCat(path, ".by"), c.by, kMaxNameBytes));
  return ValidateText(StrCat(path, ".at"), c.at, 64);
}

}  // namespace

absl::Status ValidateDataset(const Dataset& dataset) {
  RETURN_IF_ERROR(ValidateDatasetKey(dataset.key));
  const DatasetSpec& spec = dataset.spec;
  RETURN_IF_ERROR(ValidateText("spec.description", spec.description));
  if (!spec.domain.empty()) {
    RETURN_IF_ERROR(ValidateDomainPath("spec.domain", spec.domain));
  }
  RETURN_IF_ERROR(ValidateTags("spec.tags", spec.tags));
  RETURN_IF_ERROR(ValidateOwners("spec.owners", spec.owners));
  RETURN_IF_ERROR(ValidateStringMap("spec.properties", spec.properties));
  if (!spec.layer.empty()) RETURN_IF_ERROR(ValidateLayerName("spec.layer", spec.layer));
  if (spec.tier < 0 || spec.tier > 5) {
    return Invalid("spec.tier", StrCat(spec.tier, " is not a tier: 1 (most critical) to 5, "
                                                  "or 0 for none"));
  }
  RETURN_IF_ERROR(ValidateCertification(spec.certification));
  RETURN_IF_ERROR(ValidateTermLinks("spec.terms", spec.terms));
  size_t total = 0;
  return ValidateFields("spec.schema.fields", spec.fields, 1, total);
}

absl::Status ValidateDomain(const Domain& domain) {
  RETURN_IF_ERROR(ValidateDomainPath("metadata.name", domain.path));
  RETURN_IF_ERROR(ValidateText("spec.description", domain.spec.description));
  return ValidateOwners("spec.owners", domain.spec.owners);
}

absl::Status ValidatePrincipal(const Principal& principal) {
  RETURN_IF_ERROR(ParsePrincipalRef(
                      "metadata.name",
                      principal.ref().ToString())
                      .status());
  RETURN_IF_ERROR(ValidateStringMap("spec.attributes",
                                    principal.spec.attributes));
  if (principal.spec.groups.size() > kMaxListItems) {
    return Invalid("spec.groups",
                   StrCat("at most ", kMaxListItems, " groups"));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < principal.spec.groups.size(); ++i) {
    std::string item = StrCat("spec.groups[", i, "]");
    const std::string& group = principal.spec.groups[i];
    RETURN_IF_ERROR(ParsePrincipalRef(item, "group:" + group).status());
    if (!seen.insert(group).second) {
      return Invalid(item, StrCat("duplicate group \"", group, "\""));
    }
    if (principal.kind == PrincipalKind::kGroup && group == principal.name) {
      return Invalid(item, "a group cannot be a member of itself");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTermId(std::string_view path, std::string_view id) {
  if (id.empty()) return Invalid(path, "is required");
  if (id.size() > 63) return Invalid(path, StrCat("\"", id, "\": at most 63 characters"));
  const bool starts = id[0] >= 'a' && id[0] <= 'z';
  const bool rest = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!starts || !rest) {
    return Invalid(path, StrCat("\"", id, "\" is not a term id: lowercase letters, digits and "
                                "'-', starting with a letter"));
  }
  return absl::OkStatus();
}

absl::Status ValidateGlossaryTerm(const GlossaryTerm& term) {
  RETURN_IF_ERROR(ValidateTermId("metadata.name", term.id));
  const GlossaryTermSpec& spec = term.spec;
  RETURN_IF_ERROR(ValidateName("spec.name", spec.name, kMaxShortNameBytes));
  if (spec.definition.empty()) {
    return Invalid("spec.definition", "is required: what the term means");
  }
  RETURN_IF_ERROR(ValidateText("spec.definition", spec.definition, kMaxDefinitionBytes));
  if (spec.synonyms.size() > kMaxTermLinks) {
    return Invalid("spec.synonyms", StrCat("at most ", kMaxTermLinks, " synonyms"));
  }
  for (size_t i = 0; i < spec.synonyms.size(); ++i) {
    RETURN_IF_ERROR(
        ValidateName(StrCat("spec.synonyms[", i, "]"), spec.synonyms[i], kMaxShortNameBytes));
  }
  RETURN_IF_ERROR(ValidateTermLinks("spec.related", spec.related));
  for (size_t i = 0; i < spec.related.size(); ++i) {
    if (spec.related[i] == term.id) {
      return Invalid(StrCat("spec.related[", i, "]"), "a term is not related to itself");
    }
  }
  RETURN_IF_ERROR(ValidateOwners("spec.owners", spec.owners));
  if (!spec.domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("spec.domain", spec.domain));
  if (spec.status != "draft" && spec.status != "approved" && spec.status != "deprecated") {
    return Invalid("spec.status", StrCat("\"", spec.status,
                                         "\" is not a term status (draft, approved, deprecated)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateJob(const Job& job) {
  RETURN_IF_ERROR(ValidateName("metadata.namespace", job.key.ns));
  RETURN_IF_ERROR(ValidateName("metadata.name", job.key.name));
  return ValidateOwners("spec.owners", job.spec.owners);
}

namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

// 1 to `max` of letters, digits, '.', '_' and '-', starting with a letter
// or digit: what model names and versions are made of ('@' and '/' join
// them in references).
absl::Status ValidateIdLike(std::string_view path, std::string_view id, size_t max,
                            std::string_view what) {
  if (id.empty()) return Invalid(path, "is required");
  if (id.size() > max) {
    return Invalid(path, StrCat("\"", id.substr(0, 64), "…\": at most ", max, " characters"));
  }
  const bool starts = IsIdChar(id[0]) && id[0] != '.' && id[0] != '_' && id[0] != '-';
  if (!starts || !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return Invalid(path, StrCat("\"", id, "\" is not a ", what,
                                ": letters, digits, '.', '_' and '-', starting with a letter "
                                "or digit"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateModelName(std::string_view path, std::string_view name) {
  return ValidateIdLike(path, name, kMaxModelNameBytes, "model name");
}

absl::Status ValidateModelVersionId(std::string_view path, std::string_view version) {
  return ValidateIdLike(path, version, kMaxModelVersionBytes, "model version");
}

absl::Status ValidateModelAlias(std::string_view path, std::string_view alias) {
  if (alias.empty()) return Invalid(path, "is required");
  const bool starts = alias[0] >= 'a' && alias[0] <= 'z';
  const bool rest = std::all_of(alias.begin(), alias.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (alias.size() > 63 || !starts || !rest) {
    return Invalid(path, StrCat("\"", alias.substr(0, 64),
                                "\" is not an alias: 1 to 63 lowercase letters, digits, '-' "
                                "and '_', starting with a letter"));
  }
  return absl::OkStatus();
}

absl::Status ValidateModel(const Model& model) {
  RETURN_IF_ERROR(ValidateModelName("metadata.name", model.name));
  const ModelSpec& spec = model.spec;
  RETURN_IF_ERROR(ValidateText("spec.description", spec.description));
  if (!spec.domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("spec.domain", spec.domain));
  RETURN_IF_ERROR(ValidateOwners("spec.owners", spec.owners));
  RETURN_IF_ERROR(ValidateTags("spec.tags", spec.tags));
  RETURN_IF_ERROR(ValidateText("spec.card.intendedUse", spec.card.intended_use));
  RETURN_IF_ERROR(ValidateText("spec.card.limitations", spec.card.limitations));
  RETURN_IF_ERROR(
      ValidateText("spec.card.ethicalConsiderations", spec.card.ethical_considerations));
  if (spec.card.evaluation_data.size() > kMaxTermLinks) {
    return Invalid("spec.card.evaluationData", StrCat("at most ", kMaxTermLinks, " datasets"));
  }
  for (size_t i = 0; i < spec.card.evaluation_data.size(); ++i) {
    RETURN_IF_ERROR(ValidateDatasetKey(spec.card.evaluation_data[i],
                                       StrCat("spec.card.evaluationData[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status ValidateModelRef(std::string_view path, std::string_view ref) {
  const size_t at = ref.find('@');
  RETURN_IF_ERROR(ValidateModelName(path, ref.substr(0, at)));
  if (at == std::string_view::npos) return absl::OkStatus();
  return ValidateModelVersionId(path, ref.substr(at + 1));
}

namespace {

absl::Status ValidateKeys(std::string_view path, const std::vector<DatasetKey>& keys) {
  if (keys.size() > kMaxApplicationItems) {
    return Invalid(path, StrCat("at most ", kMaxApplicationItems, " datasets"));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    RETURN_IF_ERROR(ValidateDatasetKey(keys[i], StrCat(path, "[", i, "]")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateFeatureView(const FeatureView& view) {
  RETURN_IF_ERROR(ValidateIdLike("metadata.name", view.name, kMaxModelNameBytes,
                                 "feature view name"));
  const FeatureViewSpec& spec = view.spec;
  RETURN_IF_ERROR(ValidateText("spec.description", spec.description));
  if (!spec.domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("spec.domain", spec.domain));
  RETURN_IF_ERROR(ValidateOwners("spec.owners", spec.owners));
  RETURN_IF_ERROR(ValidateTags("spec.tags", spec.tags));
  RETURN_IF_ERROR(ValidateDatasetKey(spec.source, "spec.source"));
  if (spec.entities.size() > kMaxApplicationItems) {
    return Invalid("spec.entities", StrCat("at most ", kMaxApplicationItems, " columns"));
  }
  for (size_t i = 0; i < spec.entities.size(); ++i) {
    RETURN_IF_ERROR(
        ValidateName(StrCat("spec.entities[", i, "]"), spec.entities[i], kMaxShortNameBytes));
  }
  if (spec.features.empty()) return Invalid("spec.features", "at least one feature is required");
  if (spec.features.size() > kMaxFeatures) {
    return Invalid("spec.features", StrCat("at most ", kMaxFeatures, " features"));
  }
  std::set<std::string_view> names;
  for (size_t i = 0; i < spec.features.size(); ++i) {
    const Feature& f = spec.features[i];
    const std::string item = StrCat("spec.features[", i, "]");
    RETURN_IF_ERROR(ValidateName(StrCat(item, ".name"), f.name, kMaxShortNameBytes));
    if (!names.insert(f.name).second) {
      return Invalid(StrCat(item, ".name"), StrCat("\"", f.name, "\" is listed twice"));
    }
    if (!f.type.empty()) RETURN_IF_ERROR(ValidateName(StrCat(item, ".type"), f.type, 64));
    RETURN_IF_ERROR(ValidateName(StrCat(item, ".column"), f.column, kMaxShortNameBytes));
    RETURN_IF_ERROR(ValidateText(StrCat(item, ".description"), f.description));
  }
  return absl::OkStatus();
}

absl::Status ValidateAIApplication(const AIApplication& app) {
  RETURN_IF_ERROR(ValidateIdLike("metadata.name", app.name, kMaxModelNameBytes,
                                 "application name"));
  const AIApplicationSpec& spec = app.spec;
  static constexpr std::string_view kTypes[] = {"rag", "agent", "chatbot", "copilot", "other"};
  if (std::find(std::begin(kTypes), std::end(kTypes), spec.type) == std::end(kTypes)) {
    return Invalid("spec.type", StrCat("\"", spec.type.substr(0, 64),
                                       "\" is not one of rag, agent, chatbot, copilot, other"));
  }
  RETURN_IF_ERROR(ValidateText("spec.description", spec.description));
  if (!spec.domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("spec.domain", spec.domain));
  RETURN_IF_ERROR(ValidateOwners("spec.owners", spec.owners));
  RETURN_IF_ERROR(ValidateTags("spec.tags", spec.tags));
  if (!spec.service_account.empty()) {
    RETURN_IF_ERROR(
        ParsePrincipalRef("spec.serviceAccount", StrCat("serviceaccount:", spec.service_account))
            .status());
  }
  if (spec.models.size() > kMaxApplicationItems) {
    return Invalid("spec.models", StrCat("at most ", kMaxApplicationItems, " models"));
  }
  for (size_t i = 0; i < spec.models.size(); ++i) {
    RETURN_IF_ERROR(ValidateModelRef(StrCat("spec.models[", i, "]"), spec.models[i]));
  }
  RETURN_IF_ERROR(ValidateKeys("spec.dataSources", spec.data_sources));
  RETURN_IF_ERROR(ValidateKeys("spec.vectorIndexes", spec.vector_indexes));
  if (spec.tools.size() > kMaxApplicationItems) {
    return Invalid("spec.tools", StrCat("at most ", kMaxApplicationItems, " tools"));
  }
  std::set<std::string_view> names;
  for (size_t i = 0; i < spec.tools.size(); ++i) {
    const AIApplicationTool& t = spec.tools[i];
    const std::string item = StrCat("spec.tools[", i, "]");
    RETURN_IF_ERROR(ValidateName(StrCat(item, ".name"), t.name, kMaxShortNameBytes));
    if (!names.insert(t.name).second) {
      return Invalid(StrCat(item, ".name"), StrCat("\"", t.name, "\" is listed twice"));
    }
    RETURN_IF_ERROR(ValidateText(StrCat(item, ".description"), t.description));
    RETURN_IF_ERROR(ValidateKeys(StrCat(item, ".reads"), t.reads));
    RETURN_IF_ERROR(ValidateKeys(StrCat(item, ".writes"), t.writes));
  }
  return absl::OkStatus();
}

absl::Status ValidateModelVersion(const ModelVersion& v) {
  RETURN_IF_ERROR(ValidateModelName("metadata.name", v.model));
  RETURN_IF_ERROR(ValidateModelVersionId("metadata.version", v.version));
  const ModelVersionSpec& spec = v.spec;
  RETURN_IF_ERROR(ValidateText("spec.description", spec.description));
  if (!spec.source.empty()) RETURN_IF_ERROR(ValidateName("spec.source", spec.source, 2048));
  if (!spec.framework.empty()) {
    RETURN_IF_ERROR(ValidateName("spec.framework", spec.framework, 64));
  }
  const TrainingRun& run = spec.run;
  if (!run.ns.empty() || !run.job.empty() || !run.run_id.empty()) {
    RETURN_IF_ERROR(ValidateName("spec.run.namespace", run.ns));
    RETURN_IF_ERROR(ValidateName("spec.run.job", run.job));
    if (!run.run_id.empty()) RETURN_IF_ERROR(ValidateName("spec.run.runId", run.run_id, 128));
  }
  if (spec.metrics.size() > kMaxModelMetrics) {
    return Invalid("spec.metrics", StrCat("at most ", kMaxModelMetrics, " metrics"));
  }
  for (const auto& [name, value] : spec.metrics) {
    const std::string item = StrCat("spec.metrics.", name);
    RETURN_IF_ERROR(ValidateName(item, name, 64));
    if (!std::isfinite(value)) return Invalid(item, "must be a finite number");
  }
  if (spec.status != "pending" && spec.status != "ready" && spec.status != "failed" &&
      spec.status != "archived") {
    return Invalid("spec.status", StrCat("\"", spec.status,
                                         "\" is not a version status (pending, ready, failed, "
                                         "archived)"));
  }
  size_t total = 0;
  RETURN_IF_ERROR(ValidateFields("spec.signature.inputs", spec.inputs, 1, total));
  return ValidateFields("spec.signature.outputs", spec.outputs, 1, total);
}

absl::Status ValidateResource(const Resource& resource) {
  if (resource.expected_revision < 0) {
    return Invalid("expected_revision", "must not be negative");
  }
  if (resource.merge && resource.kind != Resource::Kind::kDataset) {
    return Invalid("merge", "only a dataset's spec is written field by field");
  }
  for (size_t i = 0; i < resource.fields.size(); ++i) {
    bool known = false;
    for (const char* f : kDatasetSpecFields) known |= resource.fields[i] == f;
    if (!known) {
      return Invalid(StrCat("fields[", i, "]"),
                     StrCat("\"", resource.fields[i], "\" is not a dataset spec field (",
                            absl::StrJoin(kDatasetSpecFields, ", "), ")"));
    }
  }
  switch (resource.kind) {
    case Resource::Kind::kDataset:
      return ValidateDataset(resource.dataset);
    case Resource::Kind::kDomain:
      return ValidateDomain(resource.domain);
    case Resource::Kind::kPrincipal:
      return ValidatePrincipal(resource.principal);
    case Resource::Kind::kJob:
      return ValidateJob(resource.job);
    case Resource::Kind::kDataProduct:
      // Read out of its document by DataProductFromOdps, which validates.
      RETURN_IF_ERROR(ValidateProductId("id", resource.product.id));
      if (resource.product.spec.document.empty()) return Invalid("document", "is required");
      return absl::OkStatus();
    case Resource::Kind::kGlossaryTerm:
      return ValidateGlossaryTerm(resource.term);
    case Resource::Kind::kModel:
      return ValidateModel(resource.model);
    case Resource::Kind::kModelVersion:
      return ValidateModelVersion(resource.model_version);
    case Resource::Kind::kAIApplication:
      return ValidateAIApplication(resource.application);
    case Resource::Kind::kFeatureView:
      return ValidateFeatureView(resource.feature_view);
  }
  return Invalid("kind", "unknown resource kind");
}

}  // namespace catalog
