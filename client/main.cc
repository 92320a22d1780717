// catalogctl: the admin CLI for catalogd.
#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "lib/util/version.h"
#include "client/audit_commands.h"
#include "client/health_commands.h"
#include "client/incident_commands.h"
#include "client/webhook_commands.h"
#include "client/cost_commands.h"
#include "client/governance_commands.h"
#include "client/glossary_commands.h"
#include "client/model_commands.h"
#include "client/application_commands.h"
#include "client/feature_view_commands.h"
#include "client/product_commands.h"
#include "client/check_write_command.h"
#include "client/rule_commands.h"
#include "client/quality_commands.h"
#include "client/commands.h"
#include "client/consistency_file.h"
#include "client/contract_commands.h"
#include "client/lineage_commands.h"
#include "client/policy_commands.h"
#include "client/settings.h"

namespace {

using namespace catalog::client;

// A dataset is named "namespace/name", or with --namespace and --name.
std::string DatasetName(const std::string& name, const std::string& ns,
                        const std::string& short_name) {
  if (!ns.empty() || !short_name.empty()) return ns + "/" + short_name;
  return name;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"catalogctl: manage a catalogd data catalog"};
  app.set_version_flag("--version", "catalogctl " + catalog::VersionLine());
  app.require_subcommand(1);
  app.fallthrough();  // --addr and --token may follow the subcommand
  std::string addr, token, config_path = DefaultConfigPath();
  app.add_option("--addr", addr, "catalogd address HOST:PORT")
      ->envname("CATALOG_ADDR");
  // CATALOG_TOKEN is read by ResolveSettings, which can then say where a
  // token came from.
  app.add_option("--token", token,
                 "bearer token (else CATALOG_TOKEN, the config file, ./data/admin.token)");
  app.add_option("--config", config_path, "client config file");
  catalog::client::TlsFlags tls;
  app.add_option("--ca", tls.ca, "PEM CA bundle of the server's certificate (TLS)");
  app.add_option("--cert", tls.cert, "PEM client certificate (mutual TLS)");
  app.add_option("--key", tls.key, "PEM key of --cert");
  std::string consistency_file;
  app.add_option("--consistency-file", consistency_file,
                 "read your writes across replicas: send the consistency token in FILE, "
                 "keep the newest there")
      ->envname("CATALOG_CONSISTENCY_FILE");

  std::string output = "table";
  auto add_output = [&](CLI::App* cmd) {
    cmd->add_option("-o,--output", output, "table, json or yaml");
  };
  std::string ns, short_name;
  auto add_dataset_flags = [&](CLI::App* cmd) {
    cmd->add_option("--namespace", ns, "dataset namespace");
    cmd->add_option("--name", short_name, "dataset name within the namespace");
  };

  std::vector<std::string> files;
  bool dry_run = false;
  auto* apply = app.add_subcommand("apply", "create or update from manifests");
  apply->add_option("-f,--filename", files, "file, directory or - (stdin)")
      ->required();
  apply->add_flag("--dry-run", dry_run, "validate and report, change nothing");

  ImportOptions import_options;
  auto* import_cmd = app.add_subcommand(
      "import", "a live database's tables and views as datasets (postgres://... or sqlite:PATH)");
  import_cmd->add_option("source", import_options.source,
                         "postgres://[user@]host[:port]/db[?sslmode=...] (password from "
                         "PGPASSWORD or ~/.pgpass) or sqlite:PATH")
      ->required();
  import_cmd->add_option("--schema", import_options.schemas,
                         "PostgreSQL schema to import (repeatable; default: all)");
  import_cmd->add_option("--dataset-namespace", import_options.ns,
                         "the datasets' namespace, when pipelines name the database "
                         "otherwise (default: postgres://HOST:PORT, sqlite://PATH)");
  import_cmd->add_flag("--prune", import_options.prune,
                       "mark datasets whose tables are gone as dropped");
  import_cmd->add_flag("--dry-run", import_options.dry_run, "report, change nothing");

  std::string type, name, domain;
  auto* get = app.add_subcommand("get", "list or show objects");
  std::string term_search;
  get->add_option("type", type, "datasets, domains, dataproducts, terms, models, featureviews, "
                                "applications, principals, users, serviceaccounts or groups")
      ->required();
  get->add_option("name", name, "one object's name (a model's version: NAME@VERSION or "
                                "NAME@ALIAS)");
  get->add_option("--domain", domain,
                  "datasets (or data products, terms) in this domain or below");
  get->add_option("--search", term_search,
                  "terms (models): those with every word in their id, name, synonyms or "
                  "definition (name, description or tags)");
  add_output(get);
  add_dataset_flags(get);

  auto* describe = app.add_subcommand("describe", "show one object in detail");
  describe->add_option("type", type)->required();
  describe->add_option("name", name);
  add_dataset_flags(describe);

  int64_t revision = 0;
  auto* del = app.add_subcommand("delete", "delete an object");
  del->add_option("type", type)->required();
  del->add_option("name", name);
  del->add_option("--revision", revision,
                  "fail unless the object is at this revision");
  add_dataset_flags(del);

  LinkOptions link_options;
  auto* link = app.add_subcommand(
      "link", "link a glossary term to a dataset or one of its columns (needs catalog:write)");
  link->add_option("term", link_options.term, "the term's id")->required();
  link->add_option("dataset", link_options.dataset, "namespace/name")->required();
  link->add_option("--column", link_options.column, "the column (a.b for a nested one)");
  LinkOptions unlink_options{.unlink = true};
  auto* unlink = app.add_subcommand("unlink", "remove a glossary term's link (as link)");
  unlink->add_option("term", unlink_options.term, "the term's id")->required();
  unlink->add_option("dataset", unlink_options.dataset, "namespace/name")->required();
  unlink->add_option("--column", unlink_options.column, "the column (a.b for a nested one)");

  SearchOptions search_options;
  auto* search = app.add_subcommand(
      "search", "full-text search over datasets, narrowed by filters, with facet counts");
  search->add_option("text", search_options.text, "words (none: the catalog, with a filter or --facets)");
  search->add_option("--domain", search_options.domains, "in this domain or below (repeatable)");
  search->add_option("--owner", search_options.owners, "owned by user:NAME or group:NAME (repeatable)");
  search->add_option("--tag", search_options.tags, "tagged (repeatable)");
  search->add_option("--classification", search_options.classifications,
                     "public, internal, confidential or restricted (repeatable)");
  search->add_option("--namespace", search_options.namespaces, "in this namespace (repeatable)");
  search->add_option("--health", search_options.healths,
                     "ok, warning, upstream-degraded, stale or failing (repeatable)");
  search->add_option("--layer", search_options.layers, "in this layer: gold (repeatable)");
  search->add_option("--tier", search_options.tiers, "of this tier, 1 to 5 (repeatable)");
  search->add_option("--certification", search_options.certifications,
                     "none, draft or verified (repeatable)");
  search->add_option("--term", search_options.terms,
                     "linked to this glossary term, itself or by a column (repeatable)");
  search->add_flag("--facets", search_options.facets,
                   "count matches by domain, owner, tag, classification, namespace, health, "
                   "layer, tier and certification");
  add_output(search);

  auto* history = app.add_subcommand(
      "history", "every revision of a dataset, model (NAME@VERSION: a version), featureview or "
                 "application");
  history->add_option("type", type)->required();
  history->add_option("name", name);
  add_output(history);
  add_dataset_flags(history);

  auto* observation_cmd = app.add_subcommand(
      "observation", "what lineage events said of a dataset and could not change");
  observation_cmd->require_subcommand(1);
  std::string observed_field, observed_by;
  CLI::App* observation_review[2];
  for (int i = 0; i < 2; ++i) {
    observation_review[i] = observation_cmd->add_subcommand(
        i == 0 ? "accept" : "dismiss",
        i == 0 ? "write the observed value into the dataset" : "forget the observation");
    observation_review[i]->add_option("dataset", name, "namespace/name")->required();
    observation_review[i]->add_option("field", observed_field,
                                      "description, owners, tags, lifecycle or properties")
        ->required();
    observation_review[i]->add_option("--from", observed_by, "the reporter, serviceaccount:NAME")
        ->required();
  }

  auto* token_cmd = app.add_subcommand("token", "manage API tokens");
  token_cmd->require_subcommand(1);
  std::string principal, description, token_id;
  auto* token_create = token_cmd->add_subcommand("create", "issue a token");
  token_create->add_option("--principal", principal, "e.g. user:alice")
      ->required();
  token_create->add_option("--description", description);
  std::string token_expires;
  std::vector<std::string> token_actions;
  token_create->add_option("--expires", token_expires,
                           "a duration (90d, 12h, 30m) or an RFC 3339 UTC time");
  token_create->add_option("--actions", token_actions,
                           "limit to these actions (read, catalog:read, ... or "
                           "data, catalog, governance)")
      ->delimiter(',');
  add_output(token_create);
  auto* token_list = token_cmd->add_subcommand("list", "list tokens");
  add_output(token_list);
  auto* token_revoke = token_cmd->add_subcommand("revoke", "revoke a token");
  token_revoke->add_option("id", token_id)->required();

  auto* policy_cmd = app.add_subcommand("policy", "Cedar policies");
  policy_cmd->require_subcommand(1);
  std::vector<std::string> policy_files;
  std::string policy_description;
  auto* policy_apply = policy_cmd->add_subcommand(
      "apply", "store a new version of the policy set");
  policy_apply->add_option("-f,--filename", policy_files, ".cedar file or directory")
      ->required();
  policy_apply->add_option("--description", policy_description);
  int64_t policy_version = 0;
  auto* policy_get = policy_cmd->add_subcommand("get", "show the policy set");
  policy_get->add_option("--version", policy_version, "a past version (default: current)");
  add_output(policy_get);
  auto* policy_history = policy_cmd->add_subcommand("history", "every policy version");
  add_output(policy_history);
  auto* policy_validate = policy_cmd->add_subcommand(
      "validate", "check policy files offline");
  policy_validate->add_option("files", policy_files)->required();
  std::vector<std::string> test_files;
  auto* policy_test = policy_cmd->add_subcommand(
      "test", "run policy unit tests offline (YAML)");
  policy_test->add_option("files", test_files)->required();
  EvalOptions eval;
  auto* policy_eval = policy_cmd->add_subcommand(
      "eval", "evaluate requests offline, as Cedar's CLI authorize does");
  policy_eval->add_option("--policies", eval.policies, ".cedar file or directory")->required();
  policy_eval->add_option("--entities", eval.entities, "Cedar JSON entities")->required();
  policy_eval->add_option("--schema", eval.schema, ".cedarschema file");
  policy_eval->add_option("--principal", eval.principal, "e.g. User::\"alice\"");
  policy_eval->add_option("--action", eval.action, "e.g. Action::\"read\"");
  policy_eval->add_option("--resource", eval.resource);
  policy_eval->add_option("--context", eval.context, "a JSON object");
  policy_eval->add_option("--requests", eval.requests, "JSON lines, one request each");

  AuthorizeOptions authz;
  std::string columns_csv;
  auto* authorize = app.add_subcommand("authorize", "ask the server for a decision");
  authorize->add_option("--principal", authz.principal, "e.g. User::\"alice\"")->required();
  authorize->add_option("--action", authz.action, "e.g. read or Action::\"read\"");
  authorize->add_option("--resource", authz.resource, "e.g. Dataset::\"ns/name\"")->required();
  authorize->add_option("--context", authz.context, "a JSON object");
  authorize->add_option("--columns", columns_csv, "a,b: decide per column (AuthorizeRead)");
  authorize->add_option("--min-revision", authz.min_revision);
  authorize->add_flag("--explain", authz.explain, "show every policy's part");
  add_output(authorize);

  std::string access_dataset;
  std::vector<std::string> access_actions;
  auto* access = app.add_subcommand("access", "who may read or write a dataset, and why");
  access->add_option("dataset", access_dataset, "namespace/name");
  access->add_option("--action", access_actions, "ask about this action (repeatable; default read and write)");
  add_dataset_flags(access);
  add_output(access);

  auto* lineage_cmd = app.add_subcommand("lineage", "OpenLineage events and lineage graphs");
  lineage_cmd->require_subcommand(1);
  std::vector<std::string> event_files;
  int batch_size = 500;
  auto* lineage_ingest = lineage_cmd->add_subcommand(
      "ingest", "send OpenLineage events (JSON, arrays or JSON lines)");
  lineage_ingest->add_option("files", event_files, "file, directory or - (stdin)")
      ->required();
  lineage_ingest->add_option("--batch", batch_size, "events per request (default 500)");
  LineageShowOptions show;
  auto* lineage_show = lineage_cmd->add_subcommand(
      "show", "lineage of a dataset (ns/name), column (ns/name#field) or job (job:ns/name)");
  lineage_show->add_option("node", show.node)->required();
  lineage_show->add_flag("--upstream", show.upstream, "only where it comes from");
  lineage_show->add_flag("--downstream", show.downstream, "only where it goes");
  lineage_show->add_option("--depth", show.depth, "jobs to follow (default 1)");
  lineage_show->add_flag("--columns", show.columns, "also column edges");
  lineage_show->add_flag("--include-inactive", show.include_inactive,
                         "also edges the latest run no longer reports");
  lineage_show->add_option("--max-nodes", show.max_nodes, "default 10000");
  lineage_show->add_option("-o,--output", output, "table, json or dot (Graphviz)");

  std::string impact_node, impact_columns;
  int impact_depth = 10;
  auto* impact = app.add_subcommand(
      "impact", "everything downstream of a dataset or column, with owners");
  impact->add_option("node", impact_node)->required();
  impact->add_option("--columns", impact_columns, "a,b: only these columns' impact");
  impact->add_option("--depth", impact_depth, "jobs to follow (default 10)");
  impact->add_option("-o,--output", output, "table or json");

  std::string job_namespace, job_name;
  auto* jobs = app.add_subcommand("jobs", "list jobs known from lineage");
  jobs->add_option("--namespace", job_namespace, "only this namespace");
  jobs->add_option("-o,--output", output, "table or json");
  auto* runs = app.add_subcommand("runs", "a job's runs, newest first");
  runs->add_option("job", job_name, "namespace/name or job:namespace/name")->required();
  runs->add_option("-o,--output", output, "table or json");

  QualityOptions quality_options;
  auto* quality = app.add_subcommand(
      "quality", "a dataset's quality results: checks and measurements, newest first");
  quality->add_option("dataset", quality_options.dataset, "namespace/name");
  add_dataset_flags(quality);
  quality->add_option("--since", quality_options.since,
                      "RFC 3339 time, date (2026-11-25) or duration (15m, 2h, 7d)");
  quality->add_option("--column", quality_options.column, "only this column's");
  quality->add_option("--check", quality_options.name, "only the check or measurement so named");
  quality->add_flag("--checks", quality_options.checks, "only checks");
  quality->add_flag("--measurements", quality_options.measurements, "only measurements");
  quality->add_flag("--failed", quality_options.failed, "only failed checks");
  quality->add_option("--limit", quality_options.limit, "results shown at most (default 50)");
  quality->add_option("-o,--output", quality_options.output, "table or json");

  HealthOptions health_options;
  auto* health = app.add_subcommand(
      "health", "a dataset's health: freshness against its contract, checks failing now");
  health->add_option("dataset", health_options.dataset, "namespace/name");
  add_dataset_flags(health);
  health->add_option("-o,--output", health_options.output, "table or json");
  health->add_option("--domain", health_options.domain,
                     "a domain's health instead, rolled up from its datasets' (and below)");
  health->add_option("--max", health_options.max_datasets,
                     "with --domain: unhealthy datasets listed, worst first (default 20)");

  IncidentOptions incident_options;
  auto* incidents = app.add_subcommand(
      "incidents", "what broke datasets' health: list (open ones by default), ack, note, resolve");
  incidents->add_option("--dataset", incident_options.dataset, "only this dataset's (namespace/name)");
  incidents->add_option("--state", incident_options.state, "open (default), acknowledged, resolved or all");
  incidents->add_option("-o,--output", incident_options.output, "table or json");
  auto* incident_ack = incidents->add_subcommand("ack", "acknowledge an incident");
  incident_ack->add_option("id", incident_options.id)->required();
  incident_ack->add_option("--assignee", incident_options.assignee, "who takes it (user:alice)");
  incident_ack->add_option("--note", incident_options.note);
  auto* incident_note = incidents->add_subcommand("note", "add a note to an incident");
  incident_note->add_option("id", incident_options.id)->required();
  incident_note->add_option("text", incident_options.note)->required();
  auto* incident_resolve = incidents->add_subcommand("resolve", "resolve an incident");
  incident_resolve->add_option("id", incident_options.id)->required();
  incident_resolve->add_option("--note", incident_options.note, "why: kept as its resolution");
  for (CLI::App* sub : {incident_ack, incident_note, incident_resolve}) {
    sub->add_option("-o,--output", incident_options.output, "table or json");
  }

  WebhookOptions webhook_options;
  auto* webhooks = app.add_subcommand(
      "webhooks", "signed POSTs of incidents and contract violations: list, add, deliveries, "
                  "resume, delete");
  webhooks->add_option("name", webhook_options.name, "show this one");
  auto* webhook_add = webhooks->add_subcommand("add", "subscribe a URL to a dataset or a domain");
  webhook_add->add_option("name", webhook_options.name)->required();
  webhook_add->add_option("--url", webhook_options.url, "http(s) URL of the receiver")->required();
  webhook_add->add_option("--dataset", webhook_options.dataset, "namespace/name");
  webhook_add->add_option("--domain", webhook_options.domain, "a domain (and those below it)");
  webhook_add->add_option("--event", webhook_options.events,
                          "incident.opened, incident.resolved, contract.violated (default: all)");
  auto* webhook_deliveries = webhooks->add_subcommand("deliveries", "a webhook's deliveries");
  webhook_deliveries->add_option("name", webhook_options.name)->required();
  auto* webhook_resume = webhooks->add_subcommand("resume", "deliver a paused webhook's again");
  webhook_resume->add_option("name", webhook_options.name)->required();
  auto* webhook_delete = webhooks->add_subcommand("delete", "delete a webhook and its deliveries");
  webhook_delete->add_option("name", webhook_options.name)->required();
  for (CLI::App* sub : {webhooks, webhook_add, webhook_deliveries, webhook_resume}) {
    sub->add_option("-o,--output", webhook_options.output, "table or json");
  }

  CostOptions cost_options;
  auto* cost = app.add_subcommand("cost", "what pipelines cost, per job, dataset or domain");
  cost->add_option("--by", cost_options.by, "job (default), dataset or domain");
  cost->add_option("--since", cost_options.since, "runs this long ago or later (default 30d)");
  cost->add_option("--limit", cost_options.limit, "lines (default 100)");
  cost->add_option("-o,--output", cost_options.output, "table or json");

  std::vector<std::string> layers_set;
  int64_t layers_revision = 0;
  std::string layers_output = "table";
  auto* layers = app.add_subcommand("layers", "the catalog's ordered list of layers");
  layers->add_option("-o,--output", layers_output, "table or json");
  auto* layers_set_cmd =
      layers->add_subcommand("set", "set the layers, lowest first (needs governance:write)");
  layers_set_cmd->add_option("layers", layers_set, "bronze silver gold")->required();
  layers_set_cmd->add_option("--revision", layers_revision,
                             "fail unless the layers are at this revision");

  CertifyOptions certify_options;
  auto* certify = app.add_subcommand(
      "certify", "set a dataset's certification (needs catalog:certify)");
  certify->add_option("dataset", certify_options.dataset, "namespace/name")->required();
  certify->add_option("--state", certify_options.state, "none, draft or verified")
      ->required()
      ->check(CLI::IsMember({"none", "draft", "verified"}));
  certify->add_option("--expires", certify_options.expires,
                      "verified until this RFC 3339 time or date (2027-06-30)");

  std::string governance_output = "table", governance_domain, governance_since, rule_name;
  int64_t rule_version = 0;
  auto* governance = app.add_subcommand(
      "governance", "governance rules (written with apply -f, kind: GovernanceRule) and the "
                    "compliance report");
  governance->require_subcommand(1);
  auto* governance_rules = governance->add_subcommand("rules", "the rules in force");
  governance_rules->add_option("-o,--output", governance_output, "table, json or yaml");
  auto* governance_rule = governance->add_subcommand("rule", "every version of a rule");
  governance_rule->add_option("name", rule_name)->required();
  governance_rule->add_option("-o,--output", governance_output, "table or json");
  auto* governance_delete =
      governance->add_subcommand("delete", "delete a rule (needs governance:write)");
  governance_delete->add_option("name", rule_name)->required();
  governance_delete->add_option("--version", rule_version,
                                "fail unless the rule is at this version");
  auto* governance_report = governance->add_subcommand(
      "report", "each rule, the datasets that break it, a score per domain");
  governance_report->add_option("--domain", governance_domain,
                                "only datasets of this domain and beneath it");
  governance_report->add_option("--since", governance_since,
                                "the trend since then: a date, or 30d (the leader's daily "
                                "evaluations)");
  std::string report_rule;
  governance_report->add_option("--rule", report_rule,
                                "with --since: the trend of this rule only");
  governance_report->add_option("-o,--output", governance_output, "table, json or markdown");

  CheckWriteOptions check_write_options;
  auto* check_write = app.add_subcommand(
      "check-write", "may a pipeline write this dataset? (its contract, governance rules; exit 1 "
                     "when not)");
  check_write->add_option("dataset", check_write_options.dataset, "namespace/name")->required();
  check_write->add_option("--input", check_write_options.inputs,
                          "a dataset the write reads (repeatable)");
  check_write->add_option("-o,--output", check_write_options.output, "table or json");

  auto* model_cmd = app.add_subcommand("model", "models' aliases (docs/models.md)");
  model_cmd->require_subcommand(1);
  PromoteOptions promote_options;
  auto* model_promote = model_cmd->add_subcommand(
      "promote", "point an alias (champion, …) at a version (needs model:promote)");
  model_promote->add_option("version", promote_options.ref, "NAME@VERSION")->required();
  model_promote->add_option("--alias", promote_options.alias, "the alias to move")->required();
  model_promote->add_option("--from", promote_options.from,
                            "only if the alias points at this version now (\"\": unset)");
  std::string lineage_ref, model_lineage_output = "table";
  auto* model_lineage = model_cmd->add_subcommand(
      "lineage", "which data, at which revisions, trained a version");
  model_lineage->add_option("version", lineage_ref, "NAME@VERSION or NAME@ALIAS")->required();
  model_lineage->add_option("-o,--output", model_lineage_output, "table or json");
  MetricsOptions metrics_options;
  auto* model_metrics = model_cmd->add_subcommand(
      "metrics", "a version's (or every version's) monitoring metrics over time");
  model_metrics->add_option("model", metrics_options.ref, "NAME, NAME@VERSION or NAME@ALIAS")
      ->required();
  model_metrics->add_option("--since", metrics_options.since,
                            "RFC 3339 time, date, or a duration back (7d)");
  model_metrics->add_option("--name", metrics_options.names, "only this metric (repeatable)");
  model_metrics->add_option("-o,--output", metrics_options.output, "table or json");
  std::string report_ref, report_time;
  std::vector<std::string> report_values;
  auto* model_report = model_cmd->add_subcommand(
      "report", "record monitoring metrics of a version (NAME=VALUE ...)");
  model_report->add_option("version", report_ref, "NAME@VERSION")->required();
  model_report->add_option("values", report_values, "NAME=VALUE, e.g. auc=0.91")->required();
  model_report->add_option("--time", report_time, "when measured (RFC 3339; default now)");
  std::string unalias_model, unalias_alias;
  auto* model_unalias =
      model_cmd->add_subcommand("unalias", "remove an alias (needs model:promote)");
  model_unalias->add_option("model", unalias_model, "NAME")->required();
  model_unalias->add_option("alias", unalias_alias, "the alias")->required();

  auto* app_cmd = app.add_subcommand(
      "application", "AI applications' review and access (docs/models.md#ai-applications)");
  app_cmd->require_subcommand(1);
  std::string app_name, app_note, app_output = "table";
  bool app_approve = false, app_reject = false;
  int64_t app_revision = 0;
  auto* app_review = app_cmd->add_subcommand(
      "review", "approve or reject an application (needs application:review)");
  app_review->add_option("name", app_name, "NAME")->required();
  auto* approve_flag = app_review->add_flag("--approve", app_approve, "approve it");
  auto* reject_flag = app_review->add_flag("--reject", app_reject, "reject it");
  approve_flag->excludes(reject_flag);
  app_review->add_option("--note", app_note, "why");
  app_review->add_option("--revision", app_revision,
                         "only if the application is at this revision (what you read)");
  auto* app_access = app_cmd->add_subcommand(
      "access", "what the application's service account may read and write of its datasets");
  app_access->add_option("name", app_name, "NAME")->required();
  app_access->add_option("-o,--output", app_output, "table or json");

  auto* contract_cmd = app.add_subcommand("contract", "ODCS data contracts");
  contract_cmd->require_subcommand(1);
  std::vector<std::string> contract_files, contract_datasets;
  std::string contract_format = "text", contract_base, contract_id, contract_file,
              contract_version, contract_dataset, contract_output = "yaml";
  bool use_server = false;
  auto add_report_flags = [&](CLI::App* cmd) {
    cmd->add_option("--format", contract_format, "text, json, github or markdown");
  };
  auto* contract_lint = contract_cmd->add_subcommand(
      "lint", "check contracts against ODCS v3 (offline; exit 1 on errors)");
  contract_lint->add_option("files", contract_files, "files or directories")->required();
  contract_lint->add_flag("--server", use_server,
                          "also check against the catalog's datasets");
  add_report_flags(contract_lint);
  auto* contract_diff = contract_cmd->add_subcommand(
      "diff", "changes between versions (exit 1 on a breaking change)");
  contract_diff->add_option("files", contract_files, "OLD NEW, or FILE... with --base")
      ->required();
  contract_diff->add_option("--base", contract_base,
                            "git revision holding the old versions");
  contract_diff->add_flag("--server", use_server,
                          "also check against the catalog's datasets and consumers");
  add_report_flags(contract_diff);
  auto* contract_check = contract_cmd->add_subcommand(
      "check", "lint, diff against the registered version, schemas, consumers");
  contract_check->add_option("files", contract_files)->required();
  add_report_flags(contract_check);
  bool contract_dry_run = false;
  auto* contract_apply = contract_cmd->add_subcommand("apply", "register a contract version");
  contract_apply->add_option("-f,--filename", contract_file, "the contract file")->required();
  contract_apply->add_option("--dataset", contract_datasets,
                             "[OBJECT=]NAMESPACE/NAME the contract describes");
  contract_apply->add_flag("--dry-run", contract_dry_run, "check, register nothing");
  auto* contract_get = contract_cmd->add_subcommand("get", "a contract, or all of them");
  contract_get->add_option("id", contract_id);
  contract_get->add_option("--version", contract_version, "default: the latest");
  contract_get->add_option("--dataset", contract_dataset, "the contract of NAMESPACE/NAME");
  contract_get->add_option("-o,--output", contract_output, "yaml (or table) or json");
  auto* contract_history = contract_cmd->add_subcommand("history", "a contract's versions");
  contract_history->add_option("id", contract_id)->required();
  contract_history->add_option("-o,--output", contract_output, "table or json");

  auto* audit_cmd = app.add_subcommand("audit", "the audit log (audit:read)");
  audit_cmd->require_subcommand(1);
  AuditOptions audit_options;
  int tail_poll_ms = 1000, tail_for_ms = 0;
  std::string audit_head;
  auto add_audit_filters = [&](CLI::App* cmd) {
    cmd->add_option("--principal", audit_options.principal, "e.g. user:alice");
    cmd->add_option("--action", audit_options.action,
                    "e.g. dataset.update, or dataset. for all dataset actions");
    cmd->add_option("--since", audit_options.since,
                    "2026-11-25T10:00:00Z (or a prefix), or 15m, 2h, 7d");
    cmd->add_option("--decision", audit_options.decision, "allow or deny");
    cmd->add_option("--limit", audit_options.limit, "default 100");
    cmd->add_option("-o,--output", audit_options.output, "table or json (lines)");
  };
  auto* audit_list = audit_cmd->add_subcommand("list", "matching events, oldest first");
  add_audit_filters(audit_list);
  auto* audit_tail = audit_cmd->add_subcommand("tail", "the latest events, then new ones");
  add_audit_filters(audit_tail);
  audit_tail->add_option("--poll-ms", tail_poll_ms, "how often to look (default 1000)");
  audit_tail->add_option("--for-ms", tail_for_ms, "stop after this long (default: never)");
  auto* audit_verify = audit_cmd->add_subcommand(
      "verify", "check the hash chain; exit 1 naming the first broken link");
  audit_verify->add_option("--head", audit_head,
                           "SEQ:HASH from an earlier verify, to anchor the end");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  bool lineage_output = lineage_show->parsed() || impact->parsed() ||
                        jobs->parsed() || runs->parsed() || quality->parsed() ||
                        health->parsed() || incidents->parsed() || webhooks->parsed() ||
                        cost->parsed() || layers->parsed() || certify->parsed() ||
                        governance->parsed() || check_write->parsed();
  auto format = ParseFormat(lineage_output ? "table" : output);
  if (!format.ok()) {
    std::cerr << "error: " << format.status().message() << "\n";
    return 2;
  }
  ContractCheckOptions check{.files = contract_files, .base = contract_base};
  if (contract_lint->parsed() || contract_diff->parsed() || contract_check->parsed()) {
    auto report = ParseReportFormat(contract_format);
    if (!report.ok()) return ReportError(std::cerr, report.status()), 2;
    check.format = *report;
  }
  // Offline commands need no server.
  if (!use_server && contract_lint->parsed()) return RunContractLint(std::cout, check);
  if (!use_server && contract_diff->parsed()) {
    return RunContractDiff(std::cout, std::cerr, check);
  }
  if (policy_validate->parsed()) return RunPolicyValidate(std::cout, std::cerr, policy_files);
  if (policy_eval->parsed()) return RunPolicyEval(std::cout, std::cerr, eval);
  if (policy_test->parsed()) return RunPolicyTest(std::cout, std::cerr, test_files);

  auto settings = ResolveSettings(addr, token, config_path, tls);
  if (!settings.ok()) return ReportError(std::cerr, settings.status());
  if (!settings->token.empty() && settings->ca_pem.empty() &&
      !IsLoopbackAddress(settings->addr)) {
    std::cerr << "warning: sending the token from " << settings->token_source << " to "
              << settings->addr
              << " without TLS: anyone on the path can read it (give --ca, or "
                 "CATALOG_CA)\n";
  }
  std::string consistency_token;
  if (!consistency_file.empty()) {
    auto read = catalog::client::ReadConsistencyFile(consistency_file);
    if (!read.ok()) return ReportError(std::cerr, read.status()), 2;
    consistency_token = *read;
  }
  auto client = CatalogClient::Connect({.address = settings->addr,
                                        .token = settings->token,
                                        .ca_pem = settings->ca_pem,
                                        .cert_pem = settings->cert_pem,
                                        .key_pem = settings->key_pem,
                                        .session_consistency = !consistency_file.empty(),
                                        .consistency_token = consistency_token});
  if (!client.ok()) return ReportError(std::cerr, client.status());
  // Whatever the command returns, the newest token its answers carried is
  // kept for the next run.
  struct KeepToken {
    const CatalogClient& client;
    const std::string& file;
    const std::string& before;
    ~KeepToken() {
      std::string now = client.consistency_token();
      if (file.empty() || now.empty() || now == before) return;
      absl::Status written = catalog::client::WriteConsistencyFile(file, now);
      if (!written.ok()) std::cerr << "warning: " << written.message() << "\n";
    }
  } keep_token{**client, consistency_file, consistency_token};
  CommandContext ctx{**client, std::cout, std::cerr};
  ctx.err_is_terminal = ::isatty(STDERR_FILENO) == 1;
  if (!ns.empty() || !short_name.empty()) ctx.dataset_key = catalog::DatasetKey{ns, short_name};

  std::string dataset_name = DatasetName(name, ns, short_name);
  check.server = client->get();
  if (contract_lint->parsed() || contract_check->parsed()) {
    return RunContractLint(std::cout, check);
  }
  if (contract_diff->parsed()) return RunContractDiff(std::cout, std::cerr, check);
  if (quality->parsed()) return RunQuality(ctx, quality_options);
  if (health->parsed()) return RunHealth(ctx, health_options);
  if (incidents->parsed()) {
    if (incident_ack->parsed()) incident_options.action = "ack";
    if (incident_note->parsed()) incident_options.action = "note";
    if (incident_resolve->parsed()) incident_options.action = "resolve";
    return RunIncidents(ctx, incident_options);
  }
  if (cost->parsed()) return RunCost(ctx, cost_options);
  if (layers->parsed()) return RunLayers(ctx, layers_set, layers_revision, layers_output);
  if (certify->parsed()) return RunCertify(ctx, certify_options);
  if (check_write->parsed()) return RunCheckWrite(ctx, check_write_options);
  if (governance_rules->parsed()) return RunRules(ctx, governance_output);
  if (governance_rule->parsed()) return RunRuleHistory(ctx, rule_name, governance_output);
  if (governance_delete->parsed()) return RunDeleteRule(ctx, rule_name, rule_version);
  if (governance_report->parsed()) {
    return RunGovernanceReport(ctx, governance_domain, governance_since, report_rule,
                               governance_output);
  }
  if (webhooks->parsed()) {
    if (webhook_add->parsed()) webhook_options.action = "add";
    if (webhook_deliveries->parsed()) webhook_options.action = "deliveries";
    if (webhook_resume->parsed()) webhook_options.action = "resume";
    if (webhook_delete->parsed()) webhook_options.action = "delete";
    return RunWebhooks(ctx, webhook_options);
  }
  if (audit_list->parsed()) return RunAuditList(ctx, audit_options);
  if (audit_tail->parsed()) {
    return RunAuditTail(ctx, audit_options, tail_poll_ms, tail_for_ms);
  }
  if (audit_verify->parsed()) return RunAuditVerify(ctx, audit_head);
  if (contract_apply->parsed()) {
    return RunContractApply(ctx, contract_file, contract_datasets, contract_dry_run);
  }
  if (contract_get->parsed()) {
    return RunContractGet(ctx, contract_id, contract_version, contract_dataset,
                          contract_output);
  }
  if (contract_history->parsed()) {
    return RunContractHistory(ctx, contract_id, contract_output);
  }
  if (apply->parsed()) return RunApply(ctx, files, dry_run);
  if (import_cmd->parsed()) return RunImport(ctx, import_options);
  if (link->parsed()) return RunTermLink(ctx, link_options);
  if (unlink->parsed()) return RunTermLink(ctx, unlink_options);
  if (model_promote->parsed()) {
    promote_options.from_set = model_promote->count("--from") > 0;
    return RunModelPromote(ctx, promote_options);
  }
  if (model_unalias->parsed()) return RunModelUnalias(ctx, unalias_model, unalias_alias);
  if (model_lineage->parsed()) return RunModelLineage(ctx, lineage_ref, model_lineage_output);
  if (model_metrics->parsed()) return RunModelMetrics(ctx, metrics_options);
  if (model_report->parsed()) return RunModelReport(ctx, report_ref, report_values, report_time);
  if (app_review->parsed()) {
    if (app_approve == app_reject) {
      ctx.err << "error: application review needs --approve or --reject\n";
      return 2;
    }
    return RunApplicationReview(ctx, app_name, app_approve ? "approved" : "rejected", app_note,
                                app_revision);
  }
  if (app_access->parsed()) return RunApplicationAccess(ctx, app_name, app_output);
  if (get->parsed() && IsFeatureViewType(type)) {
    return RunFeatureViewGet(ctx, name, domain, term_search, *format);
  }
  if (describe->parsed() && IsFeatureViewType(type)) return RunFeatureViewDescribe(ctx, name);
  if (history->parsed() && IsFeatureViewType(type)) {
    return RunFeatureViewHistory(ctx, name, *format);
  }
  if (history->parsed() && IsApplicationType(type)) {
    return RunApplicationHistory(ctx, name, *format);
  }
  if (history->parsed() && IsModelType(type)) return RunModelHistory(ctx, name, *format);
  if (del->parsed() && IsFeatureViewType(type)) return RunFeatureViewDelete(ctx, name, revision);
  if (get->parsed() && IsApplicationType(type)) {
    return RunApplicationGet(ctx, name, domain, term_search, *format);
  }
  if (describe->parsed() && IsApplicationType(type)) return RunApplicationDescribe(ctx, name);
  if (del->parsed() && IsApplicationType(type)) return RunApplicationDelete(ctx, name, revision);
  if (get->parsed() && IsModelType(type)) {
    return RunModelGet(ctx, name, domain, term_search, *format);
  }
  if (describe->parsed() && IsModelType(type)) return RunModelDescribe(ctx, name);
  if (del->parsed() && IsModelType(type)) return RunModelDelete(ctx, name, revision);
  if (get->parsed() && IsTermType(type)) {
    return RunTermGet(ctx, name, domain, term_search, *format);
  }
  if (describe->parsed() && IsTermType(type)) return RunTermDescribe(ctx, name);
  if (del->parsed() && IsTermType(type)) return RunTermDelete(ctx, name, revision);
  if (get->parsed() && IsProductType(type)) return RunProductGet(ctx, name, domain, *format);
  if (describe->parsed() && IsProductType(type)) return RunProductDescribe(ctx, name);
  if (del->parsed() && IsProductType(type)) return RunProductDelete(ctx, name, revision);
  if (get->parsed()) return RunGet(ctx, type, dataset_name, *format, domain);
  if (describe->parsed()) return RunDescribe(ctx, type, dataset_name);
  if (del->parsed()) {
    if (type == "job" || type == "jobs") return RunDeleteJob(ctx, name);
    return RunDelete(ctx, type, dataset_name, revision);
  }
  if (lineage_ingest->parsed()) return RunLineageIngest(ctx, event_files, batch_size);
  if (lineage_show->parsed()) return RunLineageShow(ctx, show, output);
  if (impact->parsed()) {
    std::vector<std::string> columns;
    std::stringstream in(impact_columns);
    for (std::string c; std::getline(in, c, ',');) {
      if (!c.empty()) columns.push_back(c);
    }
    return RunImpact(ctx, impact_node, columns, impact_depth, output);
  }
  if (jobs->parsed()) return RunJobs(ctx, job_namespace, output);
  if (runs->parsed()) return RunRuns(ctx, job_name, output);
  if (search->parsed()) return RunSearch(ctx, search_options, *format);
  if (history->parsed()) return RunHistory(ctx, type, dataset_name, *format);
  for (int i = 0; i < 2; ++i) {
    if (observation_review[i]->parsed()) {
      return RunReviewObservation(ctx, name, observed_field, observed_by, i == 0);
    }
  }
  if (token_create->parsed()) {
    return RunTokenCreate(ctx, principal, description, token_expires,
                          token_actions, *format);
  }
  if (token_list->parsed()) return RunTokenList(ctx, *format);
  if (token_revoke->parsed()) return RunTokenRevoke(ctx, token_id);
  if (policy_apply->parsed()) return RunPolicyApply(ctx, policy_files, policy_description);
  if (policy_get->parsed()) return RunPolicyGet(ctx, policy_version, *format);
  if (policy_history->parsed()) return RunPolicyHistory(ctx, *format);
  if (access->parsed()) return RunAccess(ctx, access_dataset, access_actions, *format);
  if (authorize->parsed()) {
    if (authz.action.empty() && columns_csv.empty()) {
      std::cerr << "error: authorize needs --action (or --columns)\n";
      return 2;
    }
    std::stringstream columns(columns_csv);
    for (std::string c; std::getline(columns, c, ',');) {
      if (!c.empty()) authz.columns.push_back(c);
    }
    return RunAuthorize(ctx, authz, *format);
  }
  return 2;
}
