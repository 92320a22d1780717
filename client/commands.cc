// catalogctl get, describe, delete, search, history and token.
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_join.h"
#include "client/commands.h"
#include "client/rule_commands.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

using nlohmann::json;
using Stub = v1::CatalogService::Stub;

enum class Type { kDataset, kDomain, kPrincipal, kUser, kServiceAccount, kGroup };

absl::StatusOr<Type> ParseType(const std::string& t) {
  if (t == "dataset" || t == "datasets" || t == "ds") return Type::kDataset;
  if (t == "domain" || t == "domains") return Type::kDomain;
  if (t == "principal" || t == "principals") return Type::kPrincipal;
  if (t == "user" || t == "users") return Type::kUser;
  if (t == "serviceaccount" || t == "serviceaccounts" || t == "sa") {
    return Type::kServiceAccount;
  }
  if (t == "group" || t == "groups") return Type::kGroup;
  return absl::InvalidArgumentError(
      StrCat("unknown resource type \"", t,
             "\" (want datasets, domains, dataproducts, terms, principals, users, "
             "serviceaccounts or groups)"));
}

// NAME of a principal: "user:alice" for type principal; for user,
// serviceaccount and group the bare name (a matching prefix is accepted).
absl::StatusOr<PrincipalRef> PrincipalName(Type type, const std::string& name) {
  if (type == Type::kPrincipal || name.find(':') != std::string::npos) {
    ASSIGN_OR_RETURN(PrincipalRef ref, ParsePrincipalRef("NAME", name));
    if (type != Type::kPrincipal &&
        ref.kind != (type == Type::kUser             ? PrincipalKind::kUser
                     : type == Type::kServiceAccount ? PrincipalKind::kServiceAccount
                                                     : PrincipalKind::kGroup)) {
      return absl::InvalidArgumentError(
          StrCat("NAME: \"", name, "\" is not of the type asked for"));
    }
    return ref;
  }
  PrincipalKind kind = type == Type::kUser             ? PrincipalKind::kUser
                       : type == Type::kServiceAccount ? PrincipalKind::kServiceAccount
                                                       : PrincipalKind::kGroup;
  return ParsePrincipalRef("NAME", StrCat(PrincipalKindPrefix(kind), ":", name));
}

json DocumentOf(const Resource& r) { return ResourceToJson(r, true); }

template <typename T>
absl::StatusOr<json> DocumentFromProto(const T& proto) {
  ASSIGN_OR_RETURN(auto model, FromProto(proto));
  Resource r;
  using Model = std::decay_t<decltype(model)>;
  if constexpr (std::is_same_v<Model, Dataset>) {
    r.kind = Resource::Kind::kDataset;
    r.dataset = std::move(model);
  } else if constexpr (std::is_same_v<Model, Domain>) {
    r.kind = Resource::Kind::kDomain;
    r.domain = std::move(model);
  } else {
    r.kind = Resource::Kind::kPrincipal;
    r.principal = std::move(model);
  }
  return DocumentOf(r);
}

std::string OwnersText(const json& spec) {
  std::vector<std::string> owners;
  for (const json& o : spec.value("owners", json::array())) {
    owners.push_back(o.value("principal", ""));
  }
  return owners.empty() ? "-" : absl::StrJoin(owners, ",");
}

std::string Or(const std::string& s, const char* fallback = "-") {
  return s.empty() ? fallback : s;
}

Table TableFor(Type type, const std::vector<json>& docs) {
  Table t;
  if (type == Type::kDataset) {
    t.header = {"NAME", "DOMAIN", "CLASSIFICATION", "OWNERS", "REVISION"};
    for (const json& d : docs) {
      const json& spec = d["spec"];
      t.rows.push_back(
          {StrCat(d["metadata"].value("namespace", ""), "/",
                  d["metadata"].value("name", "")),
           Or(spec.value("domain", "")), Or(spec.value("classification", "")),
           OwnersText(spec),
           std::to_string(d["status"].value("revision", 0))});
    }
  } else if (type == Type::kDomain) {
    t.header = {"NAME", "DESCRIPTION", "OWNERS", "REVISION"};
    for (const json& d : docs) {
      t.rows.push_back({d["metadata"].value("name", ""),
                        Or(d["spec"].value("description", "")),
                        OwnersText(d["spec"]),
                        std::to_string(d["status"].value("revision", 0))});
    }
  } else {
    t.header = {"KIND", "NAME", "GROUPS", "REVISION"};
    for (const json& d : docs) {
      std::vector<std::string> groups;
      for (const json& g : d["spec"].value("groups", json::array())) {
        groups.push_back(g.get<std::string>());
      }
      t.rows.push_back({d.value("kind", ""), d["metadata"].value("name", ""),
                        groups.empty() ? "-" : absl::StrJoin(groups, ","),
                        std::to_string(d["status"].value("revision", 0))});
    }
  }
  return t;
}

absl::StatusOr<std::vector<json>> FetchOne(CommandContext& ctx, Type type,
                                           const std::string& name) {
  std::vector<json> docs;
  if (type == Type::kDataset) {
    ASSIGN_OR_RETURN(DatasetKey key, DatasetKeyOf(ctx, name));
    v1::GetDatasetRequest req;
    *req.mutable_key() = ToProto(key);
    ASSIGN_OR_RETURN(v1::Dataset d,
                     ctx.client.Call(&Stub::GetDataset, ctx.client.catalog(), req));
    ASSIGN_OR_RETURN(json doc, DocumentFromProto(d));
    docs.push_back(std::move(doc));
  } else if (type == Type::kDomain) {
    v1::GetDomainRequest req;
    req.set_path(name);
    ASSIGN_OR_RETURN(v1::Domain d,
                     ctx.client.Call(&Stub::GetDomain, ctx.client.catalog(), req));
    ASSIGN_OR_RETURN(json doc, DocumentFromProto(d));
    docs.push_back(std::move(doc));
  } else {
    ASSIGN_OR_RETURN(PrincipalRef ref, PrincipalName(type, name));
    v1::GetPrincipalRequest req;
    req.set_kind(ToProto(ref.kind));
    req.set_name(ref.name);
    ASSIGN_OR_RETURN(v1::Principal p, ctx.client.Call(&Stub::GetPrincipal,
                                                      ctx.client.catalog(), req));
    ASSIGN_OR_RETURN(json doc, DocumentFromProto(p));
    docs.push_back(std::move(doc));
  }
  return docs;
}

absl::StatusOr<std::vector<json>> FetchAll(CommandContext& ctx, Type type,
                                           const std::string& domain) {
  std::vector<json> docs;
  std::string token;
  do {
    if (type == Type::kDataset) {
      v1::ListDatasetsRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      req.set_domain(domain);
      ASSIGN_OR_RETURN(auto resp, ctx.client.Call(&Stub::ListDatasets,
                                                  ctx.client.catalog(), req));
      for (const auto& d : resp.datasets()) {
        ASSIGN_OR_RETURN(json doc, DocumentFromProto(d));
        docs.push_back(std::move(doc));
      }
      token = resp.next_page_token();
    } else if (type == Type::kDomain) {
      v1::ListRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      ASSIGN_OR_RETURN(auto resp, ctx.client.Call(&Stub::ListDomains,
                                                  ctx.client.catalog(), req));
      for (const auto& d : resp.domains()) {
        ASSIGN_OR_RETURN(json doc, DocumentFromProto(d));
        docs.push_back(std::move(doc));
      }
      token = resp.next_page_token();
    } else {
      v1::ListPrincipalsRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      req.set_kind(type == Type::kUser ? v1::PRINCIPAL_KIND_USER
                   : type == Type::kServiceAccount
                       ? v1::PRINCIPAL_KIND_SERVICE_ACCOUNT
                   : type == Type::kGroup ? v1::PRINCIPAL_KIND_GROUP
                                          : v1::PRINCIPAL_KIND_UNSPECIFIED);
      ASSIGN_OR_RETURN(auto resp, ctx.client.Call(&Stub::ListPrincipals,
                                                  ctx.client.catalog(), req));
      for (const auto& p : resp.principals()) {
        ASSIGN_OR_RETURN(json doc, DocumentFromProto(p));
        docs.push_back(std::move(doc));
      }
      token = resp.next_page_token();
    }
  } while (!token.empty());
  return docs;
}

// One row per field, nested fields indented under their struct, in
// aligned columns.
void FieldRows(const json& fields, int depth, Table& t) {
  for (const json& f : fields) {
    std::vector<std::string> tags, terms;
    for (const json& tag : f.value("tags", json::array())) tags.push_back(tag);
    for (const json& term : f.value("terms", json::array())) terms.push_back(term);
    t.rows.push_back({std::string(2 + 2 * depth, ' ') + f.value("name", ""),
                      f.value("type", ""), f.value("nullable", true) ? "" : "NOT NULL",
                      f.value("classification", ""), absl::StrJoin(tags, ","),
                      absl::StrJoin(terms, ","), f.value("description", "")});
    if (f.contains("fields")) FieldRows(f["fields"], depth + 1, t);
  }
}

void PrintFields(std::ostream& out, const json& fields) {
  Table t{.header = {"  FIELD", "TYPE", "NULL", "CLASSIFICATION", "TAGS", "TERMS",
                     "DESCRIPTION"}};
  FieldRows(fields, 0, t);
  t.Print(out);
}

}  // namespace

absl::StatusOr<DatasetKey> DatasetKeyOf(const CommandContext& ctx,
                                        const std::string& name) {
  if (ctx.dataset_key) {
    RETURN_IF_ERROR(ValidateDatasetKey(*ctx.dataset_key));
    return *ctx.dataset_key;
  }
  return ParseDatasetKey(name);
}

int ReportError(std::ostream& err, const absl::Status& status) {
  err << "error: " << absl::StatusCodeToString(status.code()) << ": "
      << MessageOf(status) << "\n";
  return 1;
}

int RunGet(CommandContext& ctx, const std::string& type_name,
           const std::string& name, Format format, const std::string& domain) {
  absl::StatusOr<Type> type = ParseType(type_name);
  if (!type.ok()) return ReportError(ctx.err, type.status()), 2;
  absl::StatusOr<std::vector<json>> docs =
      name.empty() ? FetchAll(ctx, *type, domain) : FetchOne(ctx, *type, name);
  if (!docs.ok()) return ReportError(ctx.err, docs.status());
  if (format == Format::kTable) {
    TableFor(*type, *docs).Print(ctx.out);
  } else if (!name.empty()) {
    PrintDocument(ctx.out, format, docs->front());
  } else {
    PrintDocument(ctx.out, format, ListDocument(*std::move(docs)));
  }
  return 0;
}

int RunDescribe(CommandContext& ctx, const std::string& type_name,
                const std::string& name) {
  absl::StatusOr<Type> type = ParseType(type_name);
  if (!type.ok()) return ReportError(ctx.err, type.status()), 2;
  if (*type != Type::kDataset) {
    // Other kinds are small: their YAML is the description.
    return RunGet(ctx, type_name, name, Format::kYaml, "");
  }
  absl::StatusOr<std::vector<json>> docs = FetchOne(ctx, *type, name);
  if (!docs.ok()) return ReportError(ctx.err, docs.status());
  const json& d = docs->front();
  const json& spec = d["spec"];
  // `name` may have been an alias; the rest asks by the dataset's own name.
  const DatasetKey own{d["metadata"].value("namespace", ""), d["metadata"].value("name", "")};
  const json& status = d["status"];
  // Built first, then printed with control characters escaped: catalog
  // text cannot forge a line or drive the terminal.
  std::ostringstream out;
  out << "Name:            " << d["metadata"].value("name", "") << "\n"
      << "Namespace:       " << d["metadata"].value("namespace", "") << "\n"
      << "Description:     " << Or(spec.value("description", "")) << "\n"
      << "Domain:          " << Or(spec.value("domain", "")) << "\n"
      << "Classification:  " << Or(spec.value("classification", "")) << "\n"
      << "Lifecycle:       " << spec.value("lifecycle", "active") << "\n"
      << "Layer:           " << Or(spec.value("layer", "")) << "\n"
      << "Tier:            " << (spec.contains("tier") ? spec["tier"].dump() : "-") << "\n";
  {
    // "verified until 2027-06-30 (by user:carol at 2026-12-03T…)".
    const json cert = spec.value("certification", json::object());
    std::string line = cert.value("state", "none");
    if (!cert.value("expires", "").empty()) line += " until " + cert.value("expires", "");
    if (!cert.value("by", "").empty()) {
      line += " (by " + cert.value("by", "") + " at " + cert.value("at", "") + ")";
    }
    out << "Certification:   " << line << "\n";
  }
  {
    // The governance rules it breaks now (docs/governance.md#rules).
    v1::DatasetRulesRequest req;
    *req.mutable_dataset() = ToProto(own);
    auto rules = ctx.client.Call(&v1::GovernanceService::Stub::DatasetRules,
                                 ctx.client.governance(), req);
    if (rules.ok()) PrintRulesBroken(out, rules->breaks());
  }
  std::vector<std::string> tags;
  for (const json& t : spec.value("tags", json::array())) tags.push_back(t);
  out << "Tags:            " << (tags.empty() ? "-" : absl::StrJoin(tags, ", "))
      << "\n";
  std::vector<std::string> terms;
  for (const json& t : spec.value("terms", json::array())) terms.push_back(t);
  out << "Terms:           " << (terms.empty() ? "-" : absl::StrJoin(terms, ", "))
      << "\n";
  out << "Owners:\n";
  for (const json& o : spec.value("owners", json::array())) {
    out << "  " << o.value("principal", "") << " (" << o.value("type", "")
        << ")\n";
  }
  if (spec.contains("properties")) {
    out << "Properties:\n";
    for (const auto& p : spec["properties"].items()) {
      out << "  " << p.key() << ": " << p.value().get<std::string>() << "\n";
    }
  }
  v1::GetDatasetRequest with_aliases;
  *with_aliases.mutable_key() = ToProto(own);
  with_aliases.set_include_aliases(true);
  auto full = ctx.client.Call(&Stub::GetDataset, ctx.client.catalog(), with_aliases);
  if (full.ok() && full->aliases_size() > 0) {
    out << "Aliases:         " << absl::StrJoin(full->aliases(), ", ") << "\n";
  }
  if (full.ok() && full->has_contract()) {
    const v1::DatasetContract& c = full->contract();
    out << "Contract:        " << c.id() << " " << c.version() << " ("
        << c.status() << "), object " << c.object() << "\n";
    if (full->contract_violations_size() > 0) {
      out << "Contract violations (latest first):\n";
      for (const v1::ContractViolation& v : full->contract_violations()) {
        nlohmann::json list = nlohmann::json::parse(v.violations(), nullptr, false);
        out << "  " << v.at() << "  " << v.source() << " broke " << v.version()
            << ":\n";
        if (!list.is_array()) continue;
        for (const nlohmann::json& item : list) {
          out << "    - " << item.value("message", "") << "\n";
        }
      }
    }
  }
  if (full.ok() && full->has_health()) {
    const v1::DatasetHealthState& h = full->health();
    out << "Health:          " << h.health()
        << (h.since().empty() ? "" : StrCat(" since ", h.since())) << "; freshness "
        << h.freshness() << (h.freshness_since().empty() ? "" : StrCat(" since ", h.freshness_since()))
        << " (catalogctl health)\n";
  }
  v1::ListIncidentsRequest open_incidents;
  *open_incidents.mutable_dataset() = ToProto(own);
  open_incidents.set_state("open");
  auto incidents = ctx.client.Call(&v1::IncidentService::Stub::ListIncidents,
                                   ctx.client.incidents(), open_incidents);
  if (incidents.ok() && incidents->incidents_size() > 0) {
    out << "Incidents:       " << incidents->incidents_size() << " open";
    for (const v1::Incident& i : incidents->incidents()) out << "; " << i.id() << ": " << i.summary();
    out << " (catalogctl incidents)\n";
  }
  // Quality at a glance: the newest event's checks, and which failed.
  v1::ListQualityResultsRequest checks;
  *checks.mutable_key() = ToProto(own);
  checks.set_kind(v1::QUALITY_KIND_CHECK);
  checks.set_page_size(1000);
  auto quality = ctx.client.Call(&v1::QualityService::Stub::ListQualityResults,
                                 ctx.client.quality(), checks);
  if (quality.ok() && quality->results_size() > 0) {
    const v1::QualityResult& newest = quality->results(0);
    int count = 0;
    std::vector<std::string> failed;
    for (const v1::QualityResult& r : quality->results()) {
      if (r.time() != newest.time() || r.job() != newest.job() || r.run_id() != newest.run_id()) {
        continue;
      }
      ++count;
      if (r.status() == "fail") {
        failed.push_back(StrCat(r.name(), r.column().empty() ? "" : StrCat(" on ", r.column()),
                                r.actual().empty() ? "" : StrCat(": ", r.actual()),
                                r.severity().empty() ? "" : StrCat(" (", r.severity(), ")"),
                                r.facet() == "contract" ? " [contract]" : ""));
      }
    }
    out << "Quality:         " << count << " check" << (count == 1 ? "" : "s") << ", "
        << failed.size() << " failed, at " << newest.time()
        << (newest.job().empty() ? "" : StrCat(" by job:", newest.job()))
        << " (catalogctl quality)\n";
    for (const std::string& f : failed) out << "  failed: " << f << "\n";
  }
  if (full.ok() && full->observations_size() > 0) {
    out << "Observations (reported, not applied; catalogctl observation accept|dismiss):\n";
    Table t{.header = {"  FIELD", "VALUE", "REPORTED BY", "JOB", "AT"}};
    for (const v1::Observation& o : full->observations()) {
      std::string value = o.value_json();
      if (value.size() > 60) value = value.substr(0, 57) + "...";
      t.rows.push_back({"  " + o.field(), value, o.reporter(), Or(o.job()), o.observed_at()});
    }
    t.Print(out);
  }
  // Lineage at a glance, when the server has any.
  v1::GetLineageRequest around;
  around.set_node(own.ToString());
  auto lineage = ctx.client.Call(&v1::LineageService::Stub::GetLineage,
                                 ctx.client.lineage(), around);
  if (lineage.ok() && lineage->edges_size() > 0) {
    std::vector<std::string> producers, consumers;
    for (const v1::LineageEdge& e : lineage->edges()) {
      if (e.to() == 0) producers.push_back(lineage->nodes(e.from()).id());
      if (e.from() == 0) consumers.push_back(lineage->nodes(e.to()).id());
    }
    out << "Written by:      " << (producers.empty() ? "-" : absl::StrJoin(producers, ", ")) << "\n"
        << "Read by:         " << (consumers.empty() ? "-" : absl::StrJoin(consumers, ", ")) << "\n";
  }
  out << "Revision:        " << status.value("revision", 0) << "\n"
      << "Schema version:  " << status.value("schemaVersion", 0) << "\n"
      << "Created:         " << status.value("createdAt", "") << "\n"
      << "Updated:         " << status.value("updatedAt", "") << " by "
      << status.value("updatedBy", "") << "\n";
  out << "Schema:\n";
  PrintFields(out, spec["schema"].value("fields", json::array()));

  v1::GetDatasetHistoryRequest req;
  absl::StatusOr<DatasetKey> key = own;
  *req.mutable_key() = ToProto(*key);
  auto history = ctx.client.Call(&Stub::GetDatasetHistory, ctx.client.catalog(), req);
  if (!history.ok()) return ReportError(ctx.err, history.status());
  out << "History:\n";
  Table t{.header = {"  REVISION", "TIME", "ACTOR", "ACTION", "CHANGES"}};
  for (const auto& e : history->entries()) {
    t.rows.push_back({StrCat("  ", e.revision()), e.time(), e.actor(),
                      e.action(), absl::StrJoin(e.changes(), ",")});
  }
  t.Print(out);
  ctx.out << PrintableLines(out.str());
  return 0;
}

int RunDelete(CommandContext& ctx, const std::string& type_name,
              const std::string& name, int64_t expected_revision) {
  absl::StatusOr<Type> type = ParseType(type_name);
  if (!type.ok()) return ReportError(ctx.err, type.status()), 2;
  if (name.empty()) {
    ctx.err << "error: delete needs a NAME\n";
    return 2;
  }
  absl::Status status;
  std::string label;
  if (*type == Type::kDataset) {
    absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, name);
    if (!key.ok()) return ReportError(ctx.err, key.status());
    v1::DeleteDatasetRequest req;
    *req.mutable_key() = ToProto(*key);
    req.set_expected_revision(expected_revision);
    status = ctx.client.Call(&Stub::DeleteDataset, ctx.client.catalog(), req)
                 .status();
    label = "dataset/" + key->ToString();
  } else if (*type == Type::kDomain) {
    v1::DeleteDomainRequest req;
    req.set_path(name);
    req.set_expected_revision(expected_revision);
    status = ctx.client.Call(&Stub::DeleteDomain, ctx.client.catalog(), req)
                 .status();
    label = "domain/" + name;
  } else {
    absl::StatusOr<PrincipalRef> ref = PrincipalName(*type, name);
    if (!ref.ok()) return ReportError(ctx.err, ref.status());
    v1::DeletePrincipalRequest req;
    req.set_kind(ToProto(ref->kind));
    req.set_name(ref->name);
    req.set_expected_revision(expected_revision);
    status = ctx.client.Call(&Stub::DeletePrincipal, ctx.client.catalog(), req)
                 .status();
    label = PrincipalKindPrefix(ref->kind) + "/" + ref->name;
  }
  if (!status.ok()) return ReportError(ctx.err, status);
  ctx.out << label << " deleted\n";
  return 0;
}

int RunSearch(CommandContext& ctx, const SearchOptions& options, Format format) {
  v1::SearchRequest req;
  req.set_query(options.text);
  req.set_page_size(50);
  req.set_facets(options.facets);
  v1::SearchFilter* f = req.mutable_filter();
  for (const std::string& v : options.domains) f->add_domains(v);
  for (const std::string& v : options.owners) f->add_owners(v);
  for (const std::string& v : options.tags) f->add_tags(v);
  for (const std::string& v : options.classifications) f->add_classifications(v);
  for (const std::string& v : options.namespaces) f->add_namespaces(v);
  for (const std::string& v : options.healths) f->add_healths(v);
  for (const std::string& v : options.layers) f->add_layers(v);
  for (const std::string& v : options.tiers) f->add_tiers(v);
  for (const std::string& v : options.certifications) f->add_certifications(v);
  for (const std::string& v : options.terms) f->add_terms(v);
  auto resp = ctx.client.Call(&Stub::SearchDatasets, ctx.client.catalog(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format == Format::kTable) {
    Table t{.header = {"NAME", "DOMAIN", "DESCRIPTION"}};
    for (const auto& h : resp->hits()) {
      t.rows.push_back({StrCat(h.key().namespace_(), "/", h.key().name()),
                        Or(h.domain()), Or(h.description())});
    }
    t.Print(ctx.out);
    if (options.facets) {
      Table counts{.header = {"FACET", "VALUE", "COUNT"}};
      for (const auto& facet : resp->facets()) {
        for (const auto& v : facet.values()) {
          counts.rows.push_back({facet.name(), v.value(), std::to_string(v.count())});
        }
      }
      ctx.out << "\n";
      counts.Print(ctx.out);
      if (!resp->facets_complete()) {
        ctx.out << "(counts cover the first " << resp->facets_scanned() << " matches)\n";
      }
    }
    return 0;
  }
  json hits = json::array();
  for (const auto& h : resp->hits()) {
    hits.push_back({{"namespace", h.key().namespace_()},
                    {"name", h.key().name()},
                    {"domain", h.domain()},
                    {"description", h.description()},
                    {"owners", h.owners()},
                    {"tags", h.tags()},
                    {"classification", h.classification()},
                    {"score", h.score()}});
  }
  json doc = {{"query", options.text}, {"hits", hits}};
  if (options.facets) {
    json facets = json::object();
    for (const auto& facet : resp->facets()) {
      json values = json::object();
      for (const auto& v : facet.values()) values[v.value()] = v.count();
      facets[facet.name()] = values;
    }
    doc["facets"] = facets;
    doc["facetsComplete"] = resp->facets_complete();
  }
  PrintDocument(ctx.out, format, doc);
  return 0;
}

int RunReviewObservation(CommandContext& ctx, const std::string& dataset,
                         const std::string& field, const std::string& reporter, bool accept) {
  absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, dataset);
  if (!key.ok()) return ReportError(ctx.err, key.status());
  v1::ReviewObservationRequest req;
  *req.mutable_key() = ToProto(*key);
  req.set_field(field);
  req.set_reporter(reporter);
  req.set_accept(accept);
  auto r = ctx.client.Call(&Stub::ReviewObservation, ctx.client.catalog(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  ctx.out << Printable(StrCat(key->ToString(), ": ", field, " from ", reporter,
                              accept ? " accepted (revision " : " dismissed (revision ",
                              r->revision(), ")"))
          << "\n";
  return 0;
}

int RunHistory(CommandContext& ctx, const std::string& type_name,
               const std::string& name, Format format) {
  absl::StatusOr<Type> type = ParseType(type_name);
  if (!type.ok()) return ReportError(ctx.err, type.status()), 2;
  if (*type != Type::kDataset) {
    ctx.err << "error: history is kept for datasets, models, featureviews and applications\n";
    return 2;
  }
  absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, name);
  if (!key.ok()) return ReportError(ctx.err, key.status());
  v1::GetDatasetHistoryRequest req;
  *req.mutable_key() = ToProto(*key);
  auto resp = ctx.client.Call(&Stub::GetDatasetHistory, ctx.client.catalog(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format == Format::kTable) {
    Table t{.header = {"REVISION", "TIME", "ACTOR", "ACTION", "CHANGES"}};
    for (const auto& e : resp->entries()) {
      t.rows.push_back({std::to_string(e.revision()), e.time(), e.actor(),
                        e.action(), Or(absl::StrJoin(e.changes(), ","))});
    }
    t.Print(ctx.out);
    return 0;
  }
  json entries = json::array();
  for (const auto& e : resp->entries()) {
    auto doc = DocumentFromProto(e.dataset());
    entries.push_back({{"revision", e.revision()},
                       {"time", e.time()},
                       {"actor", e.actor()},
                       {"action", e.action()},
                       {"changes", std::vector<std::string>(e.changes().begin(),
                                                            e.changes().end())},
                       {"dataset", doc.ok() ? *doc : json(nullptr)}});
  }
  PrintDocument(ctx.out, format,
                {{"dataset", key->ToString()}, {"entries", entries}});
  return 0;
}

namespace {
json TokenJson(const v1::Token& t) {
  return {{"id", t.id()},
          {"principal", t.principal()},
          {"description", t.description()},
          {"createdAt", t.created_at()},
          {"createdBy", t.created_by()},
          {"revoked", t.revoked()},
          {"expiresAt", t.expires_at()},
          {"actions", std::vector<std::string>(t.actions().begin(), t.actions().end())}};
}
}  // namespace

int RunTokenCreate(CommandContext& ctx, const std::string& principal,
                   const std::string& description, const std::string& expires,
                   const std::vector<std::string>& actions, Format format) {
  v1::CreateTokenRequest req;
  req.set_principal(principal);
  req.set_description(description);
  req.set_expires(expires);
  for (const std::string& a : actions) req.add_actions(a);
  auto resp = ctx.client.Call(&v1::TokenService::Stub::CreateToken,
                              ctx.client.tokens(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format == Format::kTable) {
    ctx.out << resp->secret() << "\n";
    ctx.err << "token " << resp->token().id() << " for "
            << resp->token().principal() << " created";
    if (!resp->token().expires_at().empty()) {
      ctx.err << ", expires " << resp->token().expires_at();
    }
    if (resp->token().actions_size() > 0) {
      ctx.err << ", only for " << absl::StrJoin(resp->token().actions(), ", ");
    }
    ctx.err << "; it is shown only this once\n";
    return 0;
  }
  json doc = TokenJson(resp->token());
  doc["secret"] = resp->secret();
  PrintDocument(ctx.out, format, doc);
  return 0;
}

int RunTokenList(CommandContext& ctx, Format format) {
  auto resp = ctx.client.Call(&v1::TokenService::Stub::ListTokens,
                              ctx.client.tokens(), v1::ListTokensRequest());
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format == Format::kTable) {
    Table t{.header = {"ID", "PRINCIPAL", "CREATED", "STATE", "EXPIRES",
                       "ACTIONS", "DESCRIPTION"}};
    for (const auto& tok : resp->tokens()) {
      t.rows.push_back({tok.id(), tok.principal(), tok.created_at(),
                        tok.revoked() ? "revoked" : "active",
                        Or(tok.expires_at()),
                        tok.actions().empty() ? "-" : absl::StrJoin(tok.actions(), ","),
                        Or(tok.description())});
    }
    t.Print(ctx.out);
    return 0;
  }
  json items = json::array();
  for (const auto& tok : resp->tokens()) items.push_back(TokenJson(tok));
  PrintDocument(ctx.out, format, {{"tokens", items}});
  return 0;
}

int RunTokenRevoke(CommandContext& ctx, const std::string& id) {
  v1::RevokeTokenRequest req;
  req.set_id(id);
  auto resp = ctx.client.Call(&v1::TokenService::Stub::RevokeToken,
                              ctx.client.tokens(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  ctx.out << "token " << id << " revoked\n";
  return 0;
}

}  // namespace catalog::client
