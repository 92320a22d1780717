// catalogctl apply -f.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/numbers.h"
#include "client/commands.h"
#include "client/files.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/manifest.h"
#include "lib/util/printable.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

namespace fs = std::filesystem;

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
  v1::ApplyRequest request;
  request.set_dry_run(dry_run);
  std::vector<Origin> origins;
  std::vector<std::vector<ManifestDocument>> parsed;  // owns what origins see
  parsed.reserve(files->size());
  for (const std::string& file : *files) {
    absl::StatusOr<std::string> text = ReadAll(file);
    if (!text.ok()) return ReportError(ctx.err, text.status());
    std::string name = file == "-" ? "<stdin>" : file;
    auto docs = ParseManifest(*text, name);
    if (!docs.ok()) return ReportError(ctx.err, docs.status());
    parsed.push_back(*std::move(docs));
    for (const ManifestDocument& d : parsed.back()) {
      *request.add_resources() = ToProto(d.resource);
      origins.push_back({name, &d});
    }
  }
  if (origins.empty()) {
    ctx.err << "error: the files hold no documents\n";
    return 1;
  }
  auto response = ctx.client.Call(&v1::CatalogService::Stub::Apply,
                                  ctx.client.catalog(), request);
  if (!response.ok()) {
    return ReportError(
        ctx.err, absl::Status(response.status().code(),
                              LocateServerError(MessageOf(response.status()),
                                                origins)));
  }
  for (int i = 0; i < response->results_size(); ++i) {
    const v1::ApplyResult& r = response->results(i);
    std::string kind = r.kind();
    std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
    ctx.out << kind << "/" << r.name() << " " << OutcomeWord(r.outcome())
            << (dry_run ? " (dry run)" : "") << "\n";
    if (dry_run && r.outcome() == v1::APPLY_OUTCOME_CHANGED &&
        i < static_cast<int>(origins.size()) &&
        origins[i].document->resource.kind == Resource::Kind::kDataset) {
      PrintDatasetDiff(ctx, origins[i].document->resource);
    }
  }
  return 0;
}

}  // namespace catalog::client
