// catalogctl import: a live database's tables and views as datasets.
#include <map>
#include <set>

#include "client/commands.h"
#include "client/import_source.h"
#include "lib/catalog/validate.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

// Resources per Apply call (each call one transaction).
constexpr size_t kImportBatch = 1000;

// What the database says about a table, laid over what the catalog holds:
// the schema is the database's, but a column keeps the description, tags
// and classification people gave it in the catalog (the database has
// none, or an empty comment); owners, tags, domain and classification of
// the dataset are the catalog's. A dropped dataset whose table is back is
// active again.
DatasetSpec Merge(const ImportedTable& table, const DatasetSpec* existing) {
  DatasetSpec spec = existing != nullptr ? *existing : DatasetSpec{};
  std::map<std::string, const Field*> before;
  if (existing != nullptr) {
    for (const Field& f : existing->fields) before[f.name] = &f;
  }
  spec.fields.clear();
  for (const Field& imported : table.fields) {
    Field f = imported;
    if (auto it = before.find(f.name); it != before.end()) {
      if (f.description.empty()) f.description = it->second->description;
      f.tags = it->second->tags;
      f.classification = it->second->classification;
    }
    spec.fields.push_back(std::move(f));
  }
  if (!table.description.empty()) spec.description = table.description;
  spec.properties["table_type"] = table.kind;
  if (table.primary_key.empty()) {
    spec.properties.erase("primary_key");
  } else {
    std::string key;
    for (const std::string& c : table.primary_key) key += (key.empty() ? "" : ",") + c;
    spec.properties["primary_key"] = key;
  }
  if (spec.lifecycle == Lifecycle::kDropped) spec.lifecycle = Lifecycle::kActive;
  return spec;
}

absl::StatusOr<std::map<std::string, Dataset>> ListNamespace(CommandContext& ctx,
                                                             const std::string& ns) {
  std::map<std::string, Dataset> out;
  v1::ListDatasetsRequest request;
  request.set_namespace_(ns);
  request.set_page_size(1000);
  do {
    auto page = ctx.client.Call(&v1::CatalogService::Stub::ListDatasets, ctx.client.catalog(),
                                request);
    if (!page.ok()) return page.status();
    for (const v1::Dataset& d : page->datasets()) {
      absl::StatusOr<Dataset> dataset = FromProto(d);
      if (!dataset.ok()) return dataset.status();
      out.emplace(dataset->key.name, *std::move(dataset));
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return out;
}

}  // namespace

int RunImport(CommandContext& ctx, const ImportOptions& options) {
  absl::StatusOr<ImportedCatalog> source;
  const std::string& from = options.source;
  if (from.rfind("postgres://", 0) == 0 || from.rfind("postgresql://", 0) == 0) {
    source = ReadPostgres(from, options.schemas, options.ns);
  } else if (from.rfind("sqlite:", 0) == 0) {
    if (!options.schemas.empty()) {
      ctx.err << "error: --schema is for PostgreSQL; a SQLite file has one schema\n";
      return 2;
    }
    source = ReadSqlite(from.substr(from.rfind("sqlite://", 0) == 0 ? 9 : 7), options.ns);
  } else {
    ctx.err << "error: import reads postgres://... (or postgresql://...) or sqlite:PATH\n";
    return 2;
  }
  if (!source.ok()) return ReportError(ctx.err, source.status());

  absl::StatusOr<std::map<std::string, Dataset>> existing = ListNamespace(ctx, source->ns);
  if (!existing.ok()) return ReportError(ctx.err, existing.status());

  // What to send: new tables, changed ones, and with --prune the datasets
  // whose tables went away, each against the revision it was read at.
  std::vector<v1::Resource> writes;
  std::set<std::string> seen;
  int unchanged = 0;
  for (const ImportedTable& table : source->tables) {
    seen.insert(table.key.name);
    auto it = existing->find(table.key.name);
    const Dataset* before = it != existing->end() ? &it->second : nullptr;
    Dataset d{.key = table.key, .spec = Merge(table, before ? &before->spec : nullptr)};
    if (absl::Status valid = ValidateDataset(d); !valid.ok()) {
      return ReportError(ctx.err, absl::Status(valid.code(),
                                               StrCat("table ", table.key.name, ": ",
                                                      MessageOf(valid))));
    }
    if (before != nullptr && before->spec == d.spec) {
      ++unchanged;
      continue;
    }
    v1::Resource& r = writes.emplace_back();
    *r.mutable_dataset() = ToProto(d);
    r.set_expected_revision(before != nullptr ? before->status.revision : 0);
  }
  std::vector<std::string> gone;
  for (const auto& [name, d] : *existing) {
    if (seen.count(name) > 0) continue;
    bool covered = false;
    for (const std::string& p : source->prefixes) covered = covered || name.rfind(p, 0) == 0;
    if (!covered) continue;
    gone.push_back(name);
    if (options.prune && d.spec.lifecycle != Lifecycle::kDropped) {
      Dataset dropped = d;
      dropped.spec.lifecycle = Lifecycle::kDropped;
      v1::Resource& r = writes.emplace_back();
      *r.mutable_dataset() = ToProto(dropped);
      r.set_expected_revision(d.status.revision);
    }
  }

  std::map<std::string, int> counts;
  for (size_t start = 0; start < writes.size(); start += kImportBatch) {
    v1::ApplyRequest request;
    request.set_dry_run(options.dry_run);
    for (size_t i = start; i < std::min(writes.size(), start + kImportBatch); ++i) {
      *request.add_resources() = writes[i];
    }
    auto response = ctx.client.Call(&v1::CatalogService::Stub::Apply, ctx.client.catalog(),
                                    request);
    if (!response.ok()) {
      return ReportError(
          ctx.err, absl::Status(response.status().code(),
                                StrCat(MessageOf(response.status()),
                                       start == 0 ? "" : StrCat(" (", start,
                                                               " datasets before this batch "
                                                               "were written)"))));
    }
    for (int i = 0; i < response->results_size(); ++i) {
      const v1::Resource& sent = request.resources(i);
      bool dropped = sent.dataset().spec().lifecycle() == v1::LIFECYCLE_DROPPED &&
                     seen.count(sent.dataset().key().name()) == 0;
      std::string word = dropped ? "dropped"
                         : response->results(i).outcome() == v1::APPLY_OUTCOME_CREATED
                             ? "created"
                             : "changed";
      ++counts[word];
      ctx.out << "dataset/" << sent.dataset().key().name() << " " << word
              << (options.dry_run ? " (dry run)" : "") << "\n";
    }
  }
  for (const std::string& name : gone) {
    if (!options.prune) ctx.out << "dataset/" << name << " gone from the database\n";
  }
  ctx.out << source->tables.size() << " tables and views in " << source->ns << ": "
          << counts["created"] << " created, " << counts["changed"] << " changed, " << unchanged
          << " unchanged";
  if (!gone.empty()) {
    ctx.out << "; " << gone.size() << " gone"
            << (options.prune ? StrCat(" (", counts["dropped"], " marked dropped)")
                              : " (--prune marks them dropped)");
  }
  ctx.out << (options.dry_run ? " (dry run: nothing was written)" : "") << "\n";
  return 0;
}

}  // namespace catalog::client
