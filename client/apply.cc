// catalogctl apply -f.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "client/commands.h"
#include "client/files.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/manifest.h"
#include "lib/util/printable.h"
#include "lib/util/strings.h"
#include "lib/governance/rule.h"
#include "proto/convert.h"
#include "proto/rule_convert.h"

namespace catalog::client {
namespace {

namespace fs = std::filesystem;

// Reads and parses `files` (YAML parsing is most of a large apply's time)
// on up to one thread per core, each file whole on one thread; results in
// the files' order, so the first error reported is the first file's.
std::vector<absl::StatusOr<std::vector<ManifestDocument>>> ParseFiles(
    const std::vector<std::string>& files) {
  std::vector<absl::StatusOr<std::vector<ManifestDocument>>> out(
      files.size(), absl::UnknownError("not parsed"));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t f = next++; f < files.size(); f = next++) {
      absl::StatusOr<std::string> text = ReadAll(files[f]);
      if (!text.ok()) {
        out[f] = text.status();
        continue;
      }
      out[f] = ParseManifest(*text, files[f] == "-" ? "<stdin>" : files[f]);
    }
  };
  size_t threads = std::min<size_t>(files.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return out;
}

struct Origin {
  std::string file;
  const ManifestDocument* document;
};


// The server names a failing item "resources[i] (...)"; say where it came
// from instead.
std::string LocateServerError(std::string_view message,
                              const std::vector<Origin>& origins) {
  constexpr std::string_view kPrefix = "resources[";
  if (message.substr(0, kPrefix.size()) != kPrefix) return std::string(message);
  size_t close = message.find(']');
  size_t index = 0;
  if (close == std::string_view::npos ||
      !absl::SimpleAtoi(std::string(message.substr(kPrefix.size(),
                                                   close - kPrefix.size())),
                        &index) ||
      index >= origins.size()) {
    return std::string(message);
  }
  const Origin& o = origins[index];
  std::string rest(message.substr(close + 1));
  // Point at the document for "also resources[j]" too.
  size_t also = rest.find("also resources[");
  if (also != std::string::npos) {
    size_t end = rest.find(']', also);
    size_t other = 0;
    if (end != std::string::npos &&
        absl::SimpleAtoi(rest.substr(also + 15, end - also - 15), &other) &&
        other < origins.size()) {
      rest.replace(also, end - also + 1,
                   StrCat("also ", origins[other].file, ":",
                          origins[other].document->line, " document ",
                          origins[other].document->index));
    }
  }
  // rest is " (Kind name): <field path>: <rule>".
  size_t field = rest.find("): ");
  int line = o.document->line;
  if (field != std::string::npos) {
    std::string_view after = std::string_view(rest).substr(field + 3);
    size_t colon = after.find(": ");
    if (colon != std::string_view::npos) {
      line = o.document->LineOf(std::string(after.substr(0, colon)));
    }
  }
  return StrCat(o.file, ":", line, ": document ", o.document->index, rest);
}

std::string OutcomeWord(v1::ApplyOutcome outcome) {
  switch (outcome) {
    case v1::APPLY_OUTCOME_CREATED:
      return "created";
    case v1::APPLY_OUTCOME_CHANGED:
      return "changed";
    default:
      return "unchanged";
  }
}

// What a dataset manifest would change, field by field: "  ~ tags: [...] -> [...]".
void PrintDatasetDiff(CommandContext& ctx, const Resource& given) {
  v1::GetDatasetRequest get;
  *get.mutable_key() = ToProto(given.dataset.key);
  auto stored = ctx.client.Call(&v1::CatalogService::Stub::GetDataset, ctx.client.catalog(), get);
  if (!stored.ok()) return;
  absl::StatusOr<Dataset> before = FromProto(*stored);
  if (!before.ok()) return;
  DatasetSpec after = given.merge ? MergeDatasetSpec(before->spec, given.dataset.spec, given.fields)
                                  : given.dataset.spec;
  nlohmann::json old_json = DatasetSpecToJson(before->spec);
  nlohmann::json new_json = DatasetSpecToJson(after);
  auto shown = [](const nlohmann::json* v) {
    if (v == nullptr) return std::string("(none)");
    std::string s = v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return s.size() > 120 ? s.substr(0, 117) + "..." : s;
  };
  for (const char* field : kDatasetSpecFields) {
    const nlohmann::json* a = old_json.contains(field) ? &old_json[field] : nullptr;
    const nlohmann::json* b = new_json.contains(field) ? &new_json[field] : nullptr;
    if ((a == nullptr) != (b == nullptr) || (a != nullptr && *a != *b)) {
      ctx.out << Printable(StrCat("  ~ ", field, ": ", shown(a), " -> ", shown(b))) << "\n";
    }
  }
}

// An Apply call's share of a load: `items` (indices into the load), of
// which the first `context` are resent only so the batch's references
// resolve in a dry run (nothing earlier is committed then).
struct ApplyBatch {
  std::vector<size_t> items;
  int context = 0;
};

// At most this many resources, and about this many bytes, per Apply call:
// a load of any size goes through, each batch one transaction.
constexpr size_t kBatchResources = 1000;
constexpr size_t kBatchBytes = 4 << 20;

// When a load is split, what others refer to goes first: groups, domains
// (parents before children), other principals and glossary terms; then
// datasets and jobs; then models, then their versions; then AI
// applications.
int Rank(const Resource& r) {
  switch (r.kind) {
    case Resource::Kind::kPrincipal:
      return r.principal.kind == PrincipalKind::kGroup ? 0 : 2;
    case Resource::Kind::kDomain:
      return 1;
    case Resource::Kind::kGlossaryTerm:
      return 2;  // datasets link terms
    case Resource::Kind::kModel:
      return 4;  // after the datasets its card names
    case Resource::Kind::kModelVersion:
      return 5;  // after its model
    case Resource::Kind::kFeatureView:
      return 4;  // after its source dataset
    case Resource::Kind::kAIApplication:
      return 6;  // after the datasets and models it names
    default:
      return 3;
  }
}

// One batch in file order when the load fits, as one transaction (all or
// nothing); else batches in Rank order, each all or nothing.
std::vector<ApplyBatch> PlanBatches(const std::vector<Origin>& origins,
                                    const std::vector<v1::Resource>& resources) {
  std::vector<size_t> sizes;
  size_t bytes = 0;
  for (const v1::Resource& r : resources) bytes += sizes.emplace_back(r.ByteSizeLong());
  std::vector<size_t> order(origins.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (order.size() <= kBatchResources && bytes <= kBatchBytes) return {{.items = order}};
  auto depth = [&](size_t i) {
    const Resource& r = origins[i].document->resource;
    return r.kind == Resource::Kind::kDomain ? std::count(r.domain.path.begin(),
                                                          r.domain.path.end(), '/')
                                             : 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    int ra = Rank(origins[a].document->resource), rb = Rank(origins[b].document->resource);
    return ra != rb ? ra < rb : depth(a) < depth(b);
  });
  std::vector<ApplyBatch> out;
  size_t batch_bytes = 0;
  for (size_t i : order) {
    if (out.empty() || out.back().items.size() >= kBatchResources ||
        batch_bytes + sizes[i] > kBatchBytes) {
      out.push_back({});
      batch_bytes = 0;
    }
    out.back().items.push_back(i);
    batch_bytes += sizes[i];
  }
  return out;
}

// For a dry run, each batch after the first carries the resources others
// refer to (ranks below datasets') ahead of its own, so its references
// resolve though nothing before it was committed.
void AddDryRunContext(const std::vector<Origin>& origins, std::vector<ApplyBatch>& batches) {
  if (batches.size() < 2) return;
  std::vector<size_t> referred;
  for (const ApplyBatch& b : batches) {
    for (size_t i : b.items) {
      if (Rank(origins[i].document->resource) < 3) referred.push_back(i);
    }
  }
  std::vector<bool> own(origins.size());
  for (ApplyBatch& b : batches) {
    for (size_t i : b.items) own[i] = true;
    std::vector<size_t> items;
    for (size_t i : referred) {
      if (!own[i]) items.push_back(i);
    }
    for (size_t i : b.items) own[i] = false;
    b.context = static_cast<int>(items.size());
    items.insert(items.end(), b.items.begin(), b.items.end());
    b.items = std::move(items);
  }
}

// A GovernanceRule document, validated here so its errors point at lines.
struct RuleDocument {
  std::string file;
  const ManifestDocument* document;
  governance::Rule rule;
};

absl::StatusOr<governance::Rule> ReadRule(const std::string& file, const ManifestDocument& d) {
  absl::StatusOr<governance::Rule> rule =
      governance::ParseRule(d.rule_name, nlohmann::json::parse(d.rule_spec));
  if (rule.ok()) return rule;
  std::string_view message = MessageOf(rule.status());
  const size_t colon = message.find(": ");
  const int line = colon == std::string_view::npos
                       ? d.line
                       : d.LineOf(std::string(message.substr(0, colon)));
  return absl::InvalidArgumentError(StrCat(file, ":", line, ": document ", d.index,
                                           " (GovernanceRule ", d.rule_name, "): ", message));
}

// Puts each rule (after the resources, which rules may judge); a dry run
// says what each would report.
int ApplyRules(CommandContext& ctx, const std::vector<RuleDocument>& rules, bool dry_run) {
  for (const RuleDocument& r : rules) {
    v1::PutRuleRequest request;
    *request.mutable_rule() = RuleToProto(r.rule);
    request.set_dry_run(dry_run);
    auto response = ctx.client.Call(&v1::GovernanceService::Stub::PutRule,
                                    ctx.client.governance(), request);
    if (!response.ok()) {
      return ReportError(
          ctx.err, absl::Status(response.status().code(),
                                StrCat(r.file, ":", r.document->line, ": document ",
                                       r.document->index, " (GovernanceRule ", r.rule.name,
                                       "): ", MessageOf(response.status()))));
    }
    if (dry_run) {
      ctx.out << "governancerule/" << r.rule.name << " (dry run): covers "
              << response->covered() << (response->covered() == 1 ? " dataset, " : " datasets, ")
              << response->breaks_size() << " break it\n";
      for (const v1::RuleBreak& b : response->breaks()) {
        ctx.out << "  "
                << Printable(StrCat(
                       FromProto(b.dataset()).ToString(),
                       b.waived_until().empty() ? "" : StrCat(" (waived until ", b.waived_until(), ")"),
                       b.error().empty() ? "" : StrCat(" [condition error: ", b.error(), "]")))
                << "\n";
      }
      continue;
    }
    const char* word = !response->changed() ? "unchanged"
                       : response->rule().version() == 1 ? "created"
                                                          : "configured";
    ctx.out << "governancerule/" << r.rule.name << " " << word << " (version "
            << response->rule().version() << ")\n";
  }
  return 0;
}

}  // namespace

int RunApply(CommandContext& ctx, const std::vector<std::string>& paths,
             bool dry_run) {
  if (paths.empty()) {
    ctx.err << "error: apply needs -f FILE|DIR\n";
    return 2;
  }
  absl::StatusOr<std::vector<std::string>> files = ExpandPaths(paths, {".yaml", ".yml", ".json"});
  if (!files.ok()) return ReportError(ctx.err, files.status());
  if (files->empty()) {
    ctx.err << "error: no .yaml, .yml or .json files found\n";
    return 1;
  }
  // Validate every file before sending anything: one bad document anywhere
  // means nothing is applied.
  std::vector<Origin> origins;
  std::vector<v1::Resource> resources;
  std::vector<RuleDocument> rules;
  std::vector<absl::StatusOr<std::vector<ManifestDocument>>> parsed =
      ParseFiles(*files);  // owns what origins see
  for (size_t f = 0; f < files->size(); ++f) {
    if (!parsed[f].ok()) return ReportError(ctx.err, parsed[f].status());
    std::string name = (*files)[f] == "-" ? "<stdin>" : (*files)[f];
    for (const ManifestDocument& d : *parsed[f]) {
      if (d.IsRule()) {
        absl::StatusOr<governance::Rule> rule = ReadRule(name, d);
        if (!rule.ok()) return ReportError(ctx.err, rule.status());
        rules.push_back({name, &d, *std::move(rule)});
        continue;
      }
      resources.push_back(ToProto(d.resource));
      origins.push_back({name, &d});
    }
  }
  if (origins.empty() && rules.empty()) {
    ctx.err << "error: the files hold no documents\n";
    return 1;
  }
  if (origins.empty()) return ApplyRules(ctx, rules, dry_run);
  std::vector<ApplyBatch> batches = PlanBatches(origins, resources);
  if (dry_run) AddDryRunContext(origins, batches);
  const bool progress = batches.size() > 1 && ctx.err_is_terminal;
  size_t applied = 0;
  for (size_t b = 0; b < batches.size(); ++b) {
    const ApplyBatch& batch = batches[b];
    v1::ApplyRequest request;
    request.set_dry_run(dry_run);
    std::vector<Origin> sent;  // request position -> where it came from
    for (size_t i : batch.items) {
      *request.add_resources() = resources[i];
      sent.push_back(origins[i]);
    }
    auto response = ctx.client.Call(&v1::CatalogService::Stub::Apply, ctx.client.catalog(),
                                    request);
    if (!response.ok()) {
      if (progress) ctx.err << "\n";
      std::string message = LocateServerError(MessageOf(response.status()), sent);
      if (batches.size() > 1) {
        message += StrCat(" (batch ", b + 1, " of ", batches.size(), "; ",
                          dry_run ? "nothing is applied in a dry run"
                          : b == 0 ? "nothing was applied"
                                   : StrCat("the ", applied, " resources of ",
                                            b == 1 ? "batch 1" : StrCat("batches 1-", b),
                                            " were applied; this batch and the later "
                                            "ones were not"),
                          ")");
      }
      return ReportError(ctx.err, absl::Status(response.status().code(), message));
    }
    for (int i = batch.context; i < response->results_size(); ++i) {
      const v1::ApplyResult& r = response->results(i);
      std::string kind = r.kind();
      std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
      ctx.out << kind << "/" << r.name() << " " << OutcomeWord(r.outcome())
              << (dry_run ? " (dry run)" : "") << "\n";
      for (const std::string& w : r.warnings()) ctx.out << "  warning: " << Printable(w) << "\n";
      if (dry_run && r.outcome() == v1::APPLY_OUTCOME_CHANGED &&
          i < static_cast<int>(sent.size()) &&
          sent[i].document->resource.kind == Resource::Kind::kDataset) {
        PrintDatasetDiff(ctx, sent[i].document->resource);
      }
    }
    applied += batch.items.size() - static_cast<size_t>(batch.context);
    if (progress) {
      ctx.err << "\rapplied " << applied << " of " << origins.size() << " resources (batch "
              << b + 1 << " of " << batches.size() << ")" << std::flush;
    }
  }
  if (progress) ctx.err << "\n";
  if (batches.size() > 1) {
    ctx.out << applied << " resources " << (dry_run ? "checked" : "applied") << " in "
            << batches.size() << " batches\n";
  }
  return ApplyRules(ctx, rules, dry_run);
}

}  // namespace catalog::client
