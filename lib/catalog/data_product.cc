#include "lib/catalog/data_product.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog {
namespace {

using nlohmann::json;

absl::Status Invalid(std::string_view path, std::string_view rule) {
  return absl::InvalidArgumentError(StrCat(path, ": ", rule));
}

// `key` of `object` as a string into `out`; absent leaves it "".
absl::Status Text(const json& object, const char* key, std::string_view at, std::string& out,
                  size_t max_bytes = kMaxShortNameBytes) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  const std::string path = at.empty() ? std::string(key) : StrCat(at, ".", key);
  if (!it->is_string()) return Invalid(path, "must be a string");
  out = it->get<std::string>();
  return ValidateText(path, out, max_bytes);
}

absl::StatusOr<const json*> Array(const json& object, const char* key, std::string_view at,
                                  size_t max_items) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  const std::string path = at.empty() ? std::string(key) : StrCat(at, ".", key);
  if (!it->is_array()) return Invalid(path, "must be a list");
  if (it->size() > max_items) return Invalid(path, StrCat("at most ", max_items, " items"));
  return &*it;
}

// A custom property `datasets` of a port: "namespace/name" strings.
absl::Status PortDatasets(const json& port, std::string_view at, ProductPort& out) {
  ASSIGN_OR_RETURN(const json* props, Array(port, "customProperties", at, kMaxListItems));
  if (props == nullptr) return absl::OkStatus();
  for (size_t i = 0; i < props->size(); ++i) {
    const std::string item = StrCat(at, ".customProperties[", i, "]");
    const json& p = (*props)[i];
    if (!p.is_object()) return Invalid(item, "must be an object with property and value");
    if (p.value("property", json()) != "datasets") continue;
    const auto value = p.find("value");
    if (value == p.end() || !value->is_array()) {
      return Invalid(StrCat(item, ".value"), "must be a list of \"namespace/name\" datasets");
    }
    if (value->size() > kMaxPortDatasets) {
      return Invalid(StrCat(item, ".value"), StrCat("at most ", kMaxPortDatasets, " datasets"));
    }
    for (size_t j = 0; j < value->size(); ++j) {
      const std::string path = StrCat(item, ".value[", j, "]");
      if (!(*value)[j].is_string()) return Invalid(path, "must be a \"namespace/name\" string");
      absl::StatusOr<DatasetKey> key = ParseDatasetKey((*value)[j].get<std::string>());
      if (!key.ok()) return Invalid(path, MessageOf(key.status()));
      RETURN_IF_ERROR(ValidateDatasetKey(*key, path));
      if (std::find(out.datasets.begin(), out.datasets.end(), *key) != out.datasets.end()) {
        return Invalid(path, StrCat("names ", key->ToString(), " twice"));
      }
      out.datasets.push_back(*std::move(key));
    }
  }
  return absl::OkStatus();
}

absl::Status Ports(const json& doc, const char* key, bool output, std::vector<ProductPort>& out) {
  ASSIGN_OR_RETURN(const json* ports, Array(doc, key, "", kMaxProductPorts));
  if (ports == nullptr) return absl::OkStatus();
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < ports->size(); ++i) {
    const std::string at = StrCat(key, "[", i, "]");
    const json& p = (*ports)[i];
    if (!p.is_object()) return Invalid(at, "must be an object");
    ProductPort port;
    RETURN_IF_ERROR(Text(p, "name", at, port.name));
    if (port.name.empty()) return Invalid(StrCat(at, ".name"), "is required");
    RETURN_IF_ERROR(Text(p, "version", at, port.version));
    RETURN_IF_ERROR(Text(p, "contractId", at, port.contract_id));
    if (output) {
      RETURN_IF_ERROR(Text(p, "description", at, port.description, kMaxTextBytes));
      RETURN_IF_ERROR(Text(p, "type", at, port.type));
    }
    RETURN_IF_ERROR(PortDatasets(p, at, port));
    // ODPS: a port's name and version are its key.
    if (!seen.insert({port.name, port.version}).second) {
      return Invalid(at, StrCat("port \"", port.name, "\" version \"", port.version,
                                "\" is listed twice"));
    }
    out.push_back(std::move(port));
  }
  return absl::OkStatus();
}

// Whether a team member's role makes them an owner: owner, product owner,
// data owner (any case; spaces, '-' and '_' ignored).
bool OwnerRole(std::string_view role) {
  std::string folded;
  for (char c : role) {
    if (c == ' ' || c == '-' || c == '_') continue;
    folded.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return folded == "owner" || folded == "productowner" || folded == "dataowner";
}

// Owners from `team`: a list of members (v0.9.0) or {name, members} (v1.x).
// A member who left (dateOut) is not an owner.
absl::Status Owners(const json& doc, std::vector<Owner>& out) {
  auto team = doc.find("team");
  if (team == doc.end() || team->is_null()) return absl::OkStatus();
  const json* members = nullptr;
  std::string at = "team";
  if (team->is_array()) {
    members = &*team;
  } else if (team->is_object()) {
    ASSIGN_OR_RETURN(members, Array(*team, "members", "team", kMaxListItems));
    at = "team.members";
    if (members == nullptr) return absl::OkStatus();
  } else {
    return Invalid("team", "must be a list of members, or an object with members");
  }
  if (members->size() > kMaxListItems) return Invalid(at, "too many members");
  std::set<std::string> seen;
  for (size_t i = 0; i < members->size(); ++i) {
    const std::string item = StrCat(at, "[", i, "]");
    const json& m = (*members)[i];
    if (!m.is_object()) return Invalid(item, "must be an object");
    std::string role, username, date_out;
    RETURN_IF_ERROR(Text(m, "role", item, role));
    RETURN_IF_ERROR(Text(m, "username", item, username));
    RETURN_IF_ERROR(Text(m, "dateOut", item, date_out));
    if (!OwnerRole(role) || !date_out.empty()) continue;
    if (username.empty()) return Invalid(StrCat(item, ".username"), "an owner needs one");
    // "alice" is user:alice; "group:finance" and "serviceaccount:etl" as written.
    const std::string ref = username.find(':') == std::string::npos
                                ? StrCat("user:", username)
                                : username;
    ASSIGN_OR_RETURN(PrincipalRef principal, ParsePrincipalRef(StrCat(item, ".username"), ref));
    if (!seen.insert(principal.ToString()).second) continue;
    out.push_back({.principal = principal.ToString(), .type = OwnershipType::kBusiness});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateProductId(std::string_view path, std::string_view id) {
  if (id.empty()) return Invalid(path, "is required");
  if (id.size() > kMaxProductIdBytes) {
    return Invalid(path, StrCat("at most ", kMaxProductIdBytes, " bytes"));
  }
  if (!std::isalnum(static_cast<unsigned char>(id[0]))) {
    return Invalid(path, "must start with a letter or a digit");
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return Invalid(path, "only letters, digits, '-', '_' and '.'");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DataProduct> DataProductFromOdps(const json& doc) {
  if (!doc.is_object()) return Invalid("document", "must be an ODPS object");
  const std::string api = doc.value("apiVersion", json()).is_string()
                              ? doc.value("apiVersion", std::string())
                              : std::string();
  if (api != "v0.9.0" && api != "v1.0.0" && api != "v1.1.0") {
    return Invalid("apiVersion", "must be an ODPS version: v0.9.0, v1.0.0 or v1.1.0");
  }
  if (doc.value("kind", json()) != "DataProduct") return Invalid("kind", "must be DataProduct");
  DataProduct p;
  RETURN_IF_ERROR(Text(doc, "id", "", p.id));
  RETURN_IF_ERROR(ValidateProductId("id", p.id));
  DataProductSpec& s = p.spec;
  RETURN_IF_ERROR(Text(doc, "name", "", s.name));
  RETURN_IF_ERROR(Text(doc, "version", "", s.version));
  RETURN_IF_ERROR(Text(doc, "status", "", s.status));
  if (s.status.empty()) return Invalid("status", "is required");
  if (std::find(std::begin(kProductStatuses), std::end(kProductStatuses), s.status) ==
      std::end(kProductStatuses)) {
    return Invalid("status", "must be proposed, draft, active, deprecated or retired");
  }
  RETURN_IF_ERROR(Text(doc, "domain", "", s.domain));
  if (!s.domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("domain", s.domain));
  RETURN_IF_ERROR(Text(doc, "tenant", "", s.tenant));
  if (auto d = doc.find("description"); d != doc.end() && !d->is_null()) {
    if (!d->is_object()) return Invalid("description", "must be an object (purpose, limitations, usage)");
    RETURN_IF_ERROR(Text(*d, "purpose", "description", s.purpose, kMaxTextBytes));
    RETURN_IF_ERROR(Text(*d, "limitations", "description", s.limitations, kMaxTextBytes));
    RETURN_IF_ERROR(Text(*d, "usage", "description", s.usage, kMaxTextBytes));
  }
  ASSIGN_OR_RETURN(const json* tags, Array(doc, "tags", "", kMaxListItems));
  if (tags != nullptr) {
    for (size_t i = 0; i < tags->size(); ++i) {
      const std::string item = StrCat("tags[", i, "]");
      if (!(*tags)[i].is_string()) return Invalid(item, "must be a string");
      s.tags.push_back((*tags)[i].get<std::string>());
      RETURN_IF_ERROR(ValidateName(item, s.tags.back(), kMaxShortNameBytes));
    }
  }
  RETURN_IF_ERROR(Owners(doc, s.owners));
  RETURN_IF_ERROR(Ports(doc, "inputPorts", /*output=*/false, s.input_ports));
  RETURN_IF_ERROR(Ports(doc, "outputPorts", /*output=*/true, s.output_ports));
  if (s.output_ports.empty()) {
    return Invalid("outputPorts", "a data product publishes at least one output port");
  }
  // Canonical: keys sorted (nlohmann's object is a std::map), no spaces.
  // A member catalogd does not read may still hold text that is not UTF-8
  // (a YAML file's): refused, not kept.
  try {
    s.document = doc.dump();
  } catch (const json::type_error&) {
    return Invalid("document", "holds text that is not valid UTF-8");
  }
  if (s.document.size() > kMaxProductDocumentBytes) {
    return Invalid("document", StrCat("at most ", kMaxProductDocumentBytes, " bytes as JSON"));
  }
  return p;
}

json DataProductToOdps(const DataProduct& product) {
  json doc = json::parse(product.spec.document, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() ? doc : json::object();
}

}  // namespace catalog
