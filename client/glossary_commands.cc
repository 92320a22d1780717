#include "client/glossary_commands.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "lib/util/printable.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

using nlohmann::json;
using Stub = v1::CatalogService::Stub;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return items.empty() ? "-" : absl::StrJoin(items, ", ");
}

std::string OwnersOf(const v1::GlossaryTerm& t) {
  std::vector<std::string> owners;
  for (const v1::Owner& o : t.owners()) owners.push_back(o.principal());
  return owners.empty() ? "-" : absl::StrJoin(owners, ", ");
}

// The term as a manifest (apply -f takes it back).
absl::StatusOr<json> Manifest(const v1::GlossaryTerm& t) {
  ASSIGN_OR_RETURN(GlossaryTerm term, FromProto(t));
  Resource r{.kind = Resource::Kind::kGlossaryTerm};
  r.term = std::move(term);
  return ResourceToJson(r, true);
}

// The field at `path` ("a.b") in `fields`, or nullptr.
Field* FieldAt(std::vector<Field>& fields, std::string_view path) {
  const size_t dot = path.find('.');
  const std::string_view head = path.substr(0, dot);
  for (Field& f : fields) {
    if (f.name != head) continue;
    return dot == std::string_view::npos ? &f : FieldAt(f.fields, path.substr(dot + 1));
  }
  return nullptr;
}

}  // namespace

bool IsTermType(const std::string& type) {
  return type == "term" || type == "terms" || type == "glossaryterm" || type == "glossaryterms";
}

int RunTermGet(CommandContext& ctx, const std::string& id, const std::string& domain,
               const std::string& search, Format format) {
  std::vector<v1::GlossaryTerm> terms;
  if (!id.empty()) {
    v1::GetGlossaryTermRequest req;
    req.set_id(id);
    absl::StatusOr<v1::GlossaryTerm> t =
        ctx.client.Call(&Stub::GetGlossaryTerm, ctx.client.catalog(), req);
    if (!t.ok()) return ReportError(ctx.err, t.status());
    terms.push_back(*std::move(t));
  } else {
    v1::ListGlossaryTermsRequest req;
    req.set_domain(domain);
    req.set_query(search);
    absl::StatusOr<v1::ListGlossaryTermsResponse> list =
        ctx.client.Call(&Stub::ListGlossaryTerms, ctx.client.catalog(), req);
    if (!list.ok()) return ReportError(ctx.err, list.status());
    terms.assign(list->terms().begin(), list->terms().end());
  }
  if (format == Format::kTable) {
    Table t{.header = {"ID", "NAME", "STATUS", "DOMAIN", "SYNONYMS", "OWNERS", "REVISION"}};
    for (const v1::GlossaryTerm& term : terms) {
      t.rows.push_back({term.id(), term.name(), term.term_status(), Or(term.domain()),
                        Joined(term.synonyms()), OwnersOf(term),
                        std::to_string(term.status().revision())});
    }
    t.Print(ctx.out);
    return 0;
  }
  std::vector<json> docs;
  for (const v1::GlossaryTerm& term : terms) {
    absl::StatusOr<json> doc = Manifest(term);
    if (!doc.ok()) return ReportError(ctx.err, doc.status());
    docs.push_back(*std::move(doc));
  }
  PrintDocument(ctx.out, format, id.empty() ? ListDocument(std::move(docs)) : docs.front());
  return 0;
}

int RunTermDescribe(CommandContext& ctx, const std::string& id) {
  if (id.empty()) {
    ctx.err << "error: describe term needs an ID\n";
    return 2;
  }
  v1::GetGlossaryTermRequest req;
  req.set_id(id);
  absl::StatusOr<v1::GlossaryTerm> t =
      ctx.client.Call(&Stub::GetGlossaryTerm, ctx.client.catalog(), req);
  if (!t.ok()) return ReportError(ctx.err, t.status());
  Table head;
  head.rows = {{"GlossaryTerm:", StrCat(t->id(), " (", t->name(), ")")},
               {"Status:", t->term_status()},
               {"Domain:", Or(t->domain())},
               {"Owners:", OwnersOf(*t)},
               {"Synonyms:", Joined(t->synonyms())},
               {"Related:", Joined(t->related())},
               {"Revision:", std::to_string(t->status().revision())}};
  head.Print(ctx.out);
  ctx.out << "Definition:\n  " << PrintableLines(t->definition()) << "\n";
  ctx.out << "Linked by:\n";
  if (t->links().empty() && t->hidden_links() == 0) {
    ctx.out << "  (none)\n";
    return 0;
  }
  Table links{.header = {"  DATASET", "COLUMN"}};
  for (const v1::TermLink& l : t->links()) {
    links.rows.push_back({StrCat("  ", l.dataset().namespace_(), "/", l.dataset().name()),
                          l.column().empty() ? "(the dataset)" : l.column()});
  }
  if (t->hidden_links() > 0) {
    links.rows.push_back({StrCat("  (", t->hidden_links(), " you may not read)"), ""});
  }
  links.Print(ctx.out);
  return 0;
}

int RunTermDelete(CommandContext& ctx, const std::string& id, int64_t expected_revision) {
  if (id.empty()) {
    ctx.err << "error: delete term needs an ID\n";
    return 2;
  }
  v1::DeleteGlossaryTermRequest req;
  req.set_id(id);
  req.set_expected_revision(expected_revision);
  absl::Status status =
      ctx.client.Call(&Stub::DeleteGlossaryTerm, ctx.client.catalog(), req).status();
  if (!status.ok()) return ReportError(ctx.err, status);
  ctx.out << "glossaryterm/" << id << " deleted\n";
  return 0;
}

int RunTermLink(CommandContext& ctx, const LinkOptions& o) {
  absl::StatusOr<DatasetKey> key = ParseDatasetKey(o.dataset);
  if (!key.ok()) {
    ctx.err << "error: dataset: " << key.status().message() << "\n";
    return 2;
  }
  v1::GetDatasetRequest get;
  *get.mutable_key() = ToProto(*key);
  absl::StatusOr<v1::Dataset> stored =
      ctx.client.Call(&Stub::GetDataset, ctx.client.catalog(), get);
  if (!stored.ok()) return ReportError(ctx.err, stored.status());
  absl::StatusOr<Dataset> d = FromProto(*stored);
  if (!d.ok()) return ReportError(ctx.err, d.status());
  std::vector<std::string>* terms = &d->spec.terms;
  if (!o.column.empty()) {
    Field* f = FieldAt(d->spec.fields, o.column);
    if (f == nullptr) {
      ctx.err << "error: --column: dataset " << o.dataset << " has no column \"" << o.column
              << "\"\n";
      return 2;
    }
    terms = &f->terms;
  }
  auto it = std::find(terms->begin(), terms->end(), o.term);
  const bool linked = it != terms->end();
  const std::string what = StrCat(o.dataset, o.column.empty() ? "" : StrCat(" column ", o.column));
  if (linked != o.unlink) {
    ctx.out << Printable(StrCat(what, o.unlink ? " does not link " : " already links ", o.term))
            << "\n";
    return 0;
  }
  if (o.unlink) {
    terms->erase(it);
  } else {
    terms->push_back(o.term);
  }
  v1::ApplyRequest req;
  v1::Resource* r = req.add_resources();
  *r->mutable_dataset() = ToProto(*d);
  r->set_merge(true);
  r->add_fields(o.column.empty() ? "terms" : "schema");
  r->set_expected_revision(d->status.revision);
  auto applied = ctx.client.Call(&Stub::Apply, ctx.client.catalog(), req);
  if (!applied.ok()) return ReportError(ctx.err, applied.status());
  ctx.out << Printable(StrCat(what, o.unlink ? " unlinked from " : " linked to ", o.term,
                              " (revision ", applied->results(0).revision(), ")"))
          << "\n";
  for (const std::string& w : applied->results(0).warnings()) {
    ctx.out << "  warning: " << Printable(w) << "\n";
  }
  return 0;
}

}  // namespace catalog::client
