// catalogctl policy ... and authorize.
#include "client/policy_commands.h"
#include "client/files.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_join.h"
#include "lib/policy/evaluator.h"
#include "lib/policy/scope_index.h"
#include "lib/policy/json_format.h"
#include "lib/policy/parser.h"
#include "lib/policy/policy_files.h"
#include "lib/policy/schema.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using PStub = v1::PolicyService::Stub;


// In the order Cedar's tools print them: decision, reason, errors.
nlohmann::ordered_json DecisionJson(const policy::Response& r) {
  std::vector<std::string> errors;
  for (const auto& e : r.errors) errors.push_back(e.policy_id);
  nlohmann::ordered_json out;
  out["decision"] = r.allow ? "allow" : "deny";
  out["reason"] = r.reasons;
  out["errors"] = errors;
  return out;
}

std::string Describe(const v1::PolicyRef& ref) {
  return ref.annotated_id().empty() ? ref.id()
                                    : StrCat(ref.id(), " (", ref.annotated_id(), ")");
}

json ResponseJson(const v1::AuthorizeResponse& r) {
  json reasons = json::array(), errors = json::array();
  for (const auto& p : r.reasons()) {
    reasons.push_back({{"id", p.id()}, {"annotatedId", p.annotated_id()}});
  }
  for (const auto& e : r.errors()) {
    errors.push_back({{"id", e.policy().id()}, {"message", e.message()}});
  }
  json out = {{"decision", r.decision() == v1::DECISION_ALLOW ? "allow" : "deny"},
              {"reasons", reasons},
              {"errors", errors},
              {"revision", r.revision()}};
  if (!r.denial().empty()) out["denial"] = r.denial();
  return out;
}

void PrintResponse(std::ostream& out, const v1::AuthorizeResponse& r) {
  out << (r.decision() == v1::DECISION_ALLOW ? "ALLOW" : "DENY") << " at revision "
      << r.revision() << "\n";
  for (const auto& p : r.reasons()) out << "  because of " << Describe(p) << "\n";
  for (const auto& e : r.errors()) {
    out << "  skipped " << Describe(e.policy()) << ": " << e.message() << "\n";
  }
  if (!r.denial().empty()) out << "  " << r.denial() << "\n";
}

}  // namespace

int RunPolicyValidate(std::ostream& out, std::ostream& err,
                      const std::vector<std::string>& files) {
  auto sources = policy::ReadPolicySources(files);
  if (!sources.ok()) return ReportError(err, sources.status());
  auto policies = policy::ParsePolicyFiles(*sources);
  if (!policies.ok()) return ReportError(err, policies.status());
  out << "ok: " << policies->size() << " polic"
      << (policies->size() == 1 ? "y" : "ies") << " in " << sources->size()
      << " file(s)\n";
  for (const policy::Policy& p : *policies) {
    out << "  " << p.id << "  "
        << (p.effect == policy::Effect::kPermit ? "permit" : "forbid") << "  "
        << p.file << ":" << p.loc.line
        << (p.AnnotatedId().empty() ? "" : "  @id(\"" + p.AnnotatedId() + "\")")
        << (p.is_template ? "  template" : "") << "\n";
  }
  return 0;
}

int RunPolicyEval(std::ostream& out, std::ostream& err, const EvalOptions& o) {
  if (o.policies.empty() || o.entities.empty()) {
    err << "error: policy eval needs --policies and --entities\n";
    return 2;
  }
  bool one = !o.principal.empty() || !o.action.empty() || !o.resource.empty();
  if (one == !o.requests.empty()) {
    err << "error: give either --principal/--action/--resource or --requests\n";
    return 2;
  }
  auto sources = policy::ReadPolicySources({o.policies});
  if (!sources.ok()) return ReportError(err, sources.status());
  auto policies = policy::ParsePolicyFiles(*sources);
  if (!policies.ok()) return ReportError(err, policies.status());
  std::optional<policy::Schema> schema;
  if (!o.schema.empty()) {
    auto text = ReadAll(o.schema);
    if (!text.ok()) return ReportError(err, text.status());
    auto parsed = policy::Schema::Parse(*text, o.schema);
    if (!parsed.ok()) return ReportError(err, parsed.status());
    schema = *std::move(parsed);
  }
  const policy::Schema* schema_ptr = schema ? &*schema : nullptr;
  auto entities_text = ReadAll(o.entities);
  if (!entities_text.ok()) return ReportError(err, entities_text.status());
  json entities_json = json::parse(*entities_text, nullptr, false);
  if (entities_json.is_discarded()) {
    err << "error: " << o.entities << ": not valid JSON\n";
    return 1;
  }
  auto entities = policy::EntitiesFromJson(entities_json, schema_ptr);
  if (!entities.ok()) {
    return ReportError(err, absl::InvalidArgumentError(
                                StrCat(o.entities, ": ", MessageOf(entities.status()))));
  }
  // The server's scope index: only the policies whose scopes can match a
  // request are evaluated (the others cannot apply).
  const policy::ScopeIndex index(*policies);
  auto evaluate = [&](const json& request_json, const std::string& where) {
    auto request = policy::RequestFromJson(request_json, schema_ptr);
    if (!request.ok()) {
      ReportError(err, absl::InvalidArgumentError(
                           StrCat(where, ": ", MessageOf(request.status()))));
      return false;
    }
    out << DecisionJson(policy::Authorize(*policies, *request, *entities, index)).dump() << "\n";
    return true;
  };
  if (one) {
    auto entity_json = [&](const std::string& text, const char* flag)
        -> absl::StatusOr<json> {
      ASSIGN_OR_RETURN(policy::EntityUid uid, policy::ParseEntityUid(text));
      return json{{"type", uid.type}, {"id", uid.id}};
    };
    json request;
    for (auto [text, key] : {std::pair{o.principal, "principal"},
                             std::pair{o.action, "action"},
                             std::pair{o.resource, "resource"}}) {
      auto uid = entity_json(text, key);
      if (!uid.ok()) {
        return ReportError(err, absl::InvalidArgumentError(StrCat(
                                    "--", key, ": ", MessageOf(uid.status()))));
      }
      request[key] = *uid;
    }
    if (!o.context.empty()) {
      request["context"] = json::parse(o.context, nullptr, false);
      if (request["context"].is_discarded()) {
        err << "error: --context: not valid JSON\n";
        return 1;
      }
    }
    return evaluate(request, "request") ? 0 : 1;
  }
  std::ifstream in(o.requests);
  if (!in) return ReportError(err, absl::NotFoundError(o.requests + ": cannot be read"));
  std::string line;
  int number = 0, failed = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json request = json::parse(line, nullptr, false);
    std::string where = StrCat(o.requests, ":", number);
    if (request.is_discarded()) {
      err << "error: " << where << ": not valid JSON\n";
      ++failed;
      continue;
    }
    if (!evaluate(request, where)) ++failed;
  }
  return failed == 0 ? 0 : 1;
}

int RunPolicyApply(CommandContext& ctx, const std::vector<std::string>& paths,
                   const std::string& description) {
  auto sources = policy::ReadPolicySources(paths);
  if (!sources.ok()) return ReportError(ctx.err, sources.status());
  // Validate locally first, for errors with file and line before any call.
  auto policies = policy::ParsePolicyFiles(*sources);
  if (!policies.ok()) return ReportError(ctx.err, policies.status());
  v1::PutPolicySetRequest req;
  req.set_description(description);
  for (const auto& s : *sources) {
    v1::PolicyFileProto* f = req.add_files();
    f->set_name(s.name);
    f->set_text(s.text);
  }
  auto resp = ctx.client.Call(&PStub::PutPolicySet, ctx.client.policies(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  ctx.out << "policy set version " << resp->version() << " applied ("
          << policies->size() << " policies, catalog revision "
          << resp->catalog_revision() << ")\n";
  return 0;
}

int RunPolicyGet(CommandContext& ctx, int64_t version, Format format) {
  v1::GetPolicySetRequest req;
  req.set_version(version);
  auto resp = ctx.client.Call(&PStub::GetPolicySet, ctx.client.policies(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format == Format::kTable) {
    ctx.out << "# policy set version " << resp->version() << ", "
            << resp->created_at() << " by " << resp->created_by() << "\n";
    for (const auto& f : resp->files()) {
      ctx.out << "# --- " << f.name() << "\n" << f.text();
      if (!f.text().empty() && f.text().back() != '\n') ctx.out << "\n";
    }
    return 0;
  }
  json files = json::array(), policies = json::array();
  for (const auto& f : resp->files()) files.push_back({{"name", f.name()}, {"text", f.text()}});
  for (const auto& p : resp->policies()) {
    policies.push_back({{"id", p.ref().id()}, {"annotatedId", p.ref().annotated_id()},
                        {"effect", p.effect()}, {"file", p.file()}, {"line", p.line()}});
  }
  PrintDocument(ctx.out, format,
                {{"version", resp->version()}, {"createdAt", resp->created_at()},
                 {"createdBy", resp->created_by()}, {"description", resp->description()},
                 {"files", files}, {"policies", policies}});
  return 0;
}

int RunPolicyHistory(CommandContext& ctx, Format format) {
  auto resp = ctx.client.Call(&PStub::ListPolicyVersions, ctx.client.policies(),
                              v1::ListPolicyVersionsRequest());
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format == Format::kTable) {
    Table t{.header = {"VERSION", "CREATED", "BY", "DESCRIPTION"}};
    for (const auto& v : resp->versions()) {
      t.rows.push_back({std::to_string(v.version()), v.created_at(), v.created_by(),
                        v.description().empty() ? "-" : v.description()});
    }
    t.Print(ctx.out);
    return 0;
  }
  json versions = json::array();
  for (const auto& v : resp->versions()) {
    versions.push_back({{"version", v.version()}, {"createdAt", v.created_at()},
                        {"createdBy", v.created_by()}, {"description", v.description()}});
  }
  PrintDocument(ctx.out, format, {{"versions", versions}});
  return 0;
}

int RunAuthorize(CommandContext& ctx, const AuthorizeOptions& o, Format format) {
  if (!o.columns.empty()) {
    v1::AuthorizeReadRequest req;
    req.set_principal(o.principal);
    size_t slash = o.resource.find("::\"");
    std::string key = o.resource;
    if (slash != std::string::npos && key.back() == '"') {
      key = key.substr(slash + 3, key.size() - slash - 4);  // Dataset::"ns/name"
    }
    size_t from = key.find("://");
    size_t cut = key.find('/', from == std::string::npos ? 0 : from + 3);
    if (cut == std::string::npos) {
      ctx.err << "error: --resource: a dataset, written namespace/name or "
                 "Dataset::\"namespace/name\"\n";
      return 2;
    }
    req.mutable_dataset()->set_namespace_(key.substr(0, cut));
    req.mutable_dataset()->set_name(key.substr(cut + 1));
    for (const auto& c : o.columns) req.add_columns(c);
    req.set_context_json(o.context);
    req.set_min_revision(o.min_revision);
    auto resp = ctx.client.Call(&PStub::AuthorizeRead, ctx.client.policies(), req);
    if (!resp.ok()) return ReportError(ctx.err, resp.status());
    // Exit 3 on any deny, the dataset's or a column's (a script reading
    // columns must not go on as if all were readable).
    bool denied = resp->dataset().decision() != v1::DECISION_ALLOW;
    for (const auto& c : resp->columns()) denied |= c.access() == v1::COLUMN_ACCESS_DENY;
    const int exit_code = denied ? 3 : 0;
    if (format != Format::kTable) {
      json columns = json::array();
      for (const auto& c : resp->columns()) {
        columns.push_back({{"column", c.column()},
                           {"access", c.access() == v1::COLUMN_ACCESS_ALLOW  ? "allow"
                                      : c.access() == v1::COLUMN_ACCESS_MASK ? "mask"
                                                                             : "deny"},
                           {"mask", c.mask()},
                           {"decision", ResponseJson(c.decision())}});
      }
      PrintDocument(ctx.out, format,
                    {{"dataset", ResponseJson(resp->dataset())}, {"columns", columns}});
      return exit_code;
    }
    ctx.out << "dataset: ";
    PrintResponse(ctx.out, resp->dataset());
    Table t{.header = {"COLUMN", "ACCESS", "BECAUSE"}};
    for (const auto& c : resp->columns()) {
      std::vector<std::string> because;
      for (const auto& r : c.decision().reasons()) because.push_back(Describe(r));
      if (because.empty()) because.push_back(c.decision().denial().empty()
                                                 ? "no policy permits it"
                                                 : c.decision().denial());
      t.rows.push_back({c.column(),
                        c.access() == v1::COLUMN_ACCESS_ALLOW  ? "allow"
                        : c.access() == v1::COLUMN_ACCESS_MASK ? "mask(" + c.mask() + ")"
                                                               : "deny",
                        absl::StrJoin(because, "; ")});
    }
    t.Print(ctx.out);
    return exit_code;
  }
  v1::AuthorizeRequest req;
  req.set_principal(o.principal);
  req.set_action(o.action);
  req.set_resource(o.resource);
  req.set_context_json(o.context);
  req.set_min_revision(o.min_revision);
  if (o.explain) {
    auto resp = ctx.client.Call(&PStub::Explain, ctx.client.policies(), req);
    if (!resp.ok()) return ReportError(ctx.err, resp.status());
    if (format != Format::kTable) {
      json trace = json::array();
      for (const auto& t : resp->trace()) {
        trace.push_back({{"id", t.policy().id()}, {"annotatedId", t.policy().annotated_id()},
                         {"effect", t.effect()}, {"scopeMatched", t.scope_matched()},
                         {"outcome", v1::PolicyTraceProto::Outcome_Name(t.outcome())},
                         {"error", t.error()}});
      }
      PrintDocument(ctx.out, format,
                    {{"decision", ResponseJson(resp->decision())}, {"trace", trace}});
      return resp->decision().decision() == v1::DECISION_ALLOW ? 0 : 3;
    }
    PrintResponse(ctx.out, resp->decision());
    Table t{.header = {"POLICY", "EFFECT", "SCOPE", "OUTCOME"}};
    for (const auto& tr : resp->trace()) {
      std::string outcome =
          tr.outcome() == v1::PolicyTraceProto::OUTCOME_SATISFIED       ? "satisfied"
          : tr.outcome() == v1::PolicyTraceProto::OUTCOME_NOT_SATISFIED ? "not satisfied"
          : tr.outcome() == v1::PolicyTraceProto::OUTCOME_ERROR         ? "error: " + tr.error()
                                                                        : "-";
      t.rows.push_back({Describe(tr.policy()), tr.effect(),
                        tr.scope_matched() ? "matched" : "no match", outcome});
    }
    t.Print(ctx.out);
    return resp->decision().decision() == v1::DECISION_ALLOW ? 0 : 3;
  }
  auto resp = ctx.client.Call(&PStub::Authorize, ctx.client.policies(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format != Format::kTable) {
    PrintDocument(ctx.out, format, ResponseJson(*resp));
  } else {
    PrintResponse(ctx.out, *resp);
  }
  return resp->decision() == v1::DECISION_ALLOW ? 0 : 3;
}

int RunAccess(CommandContext& ctx, const std::string& dataset,
              const std::vector<std::string>& actions, Format format) {
  absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, dataset);
  if (!key.ok()) return ReportError(ctx.err, key.status());
  v1::ListAccessRequest req;
  req.mutable_dataset()->set_namespace_(key->ns);
  req.mutable_dataset()->set_name(key->name);
  for (const std::string& a : actions) req.add_actions(a);
  auto resp = ctx.client.Call(&PStub::ListAccess, ctx.client.policies(), req);
  if (!resp.ok()) return ReportError(ctx.err, resp.status());
  if (format != Format::kTable) {
    json entries = json::array();
    for (const auto& e : resp->entries()) {
      json reasons = json::array();
      for (const auto& r : e.reasons()) reasons.push_back(Describe(r));
      entries.push_back({{"principal", e.principal()},
                         {"action", e.action()},
                         {"reasons", reasons},
                         {"conditional", e.conditional()},
                         {"conditions", e.conditions()}});
    }
    PrintDocument(ctx.out, format,
                  {{"resource", resp->resource()},
                   {"revision", resp->revision()},
                   {"complete", resp->complete()},
                   {"entries", entries}});
    return 0;
  }
  Table t{.header = {"PRINCIPAL", "ACTION", "BECAUSE", "NOTE"}};
  for (const auto& e : resp->entries()) {
    std::vector<std::string> because;
    for (const auto& r : e.reasons()) because.push_back(Describe(r));
    t.rows.push_back({e.principal(), e.action(), absl::StrJoin(because, ", "),
                      e.conditional() ? "depends on context: " + absl::StrJoin(e.conditions(), "; ")
                                      : ""});
  }
  t.Print(ctx.out);
  if (!resp->complete()) {
    ctx.out << "(only the first " << resp->principals_considered() << " principals were asked)\n";
  }
  return 0;
}

}  // namespace catalog::client
