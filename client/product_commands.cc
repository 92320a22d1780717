#include "client/product_commands.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "client/rule_commands.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

using nlohmann::json;
using Stub = v1::CatalogService::Stub;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

std::string OwnersOf(const v1::DataProduct& p) {
  std::vector<std::string> owners;
  for (const v1::Owner& o : p.owners()) owners.push_back(o.principal());
  return owners.empty() ? "-" : absl::StrJoin(owners, ", ");
}

json Document(const v1::DataProduct& p) {
  json doc = json::parse(p.document(), nullptr, /*allow_exceptions=*/false);
  return doc.is_object() ? doc : json::object();
}

void PrintPorts(std::ostream& out, const char* title,
                const google::protobuf::RepeatedPtrField<v1::ProductPort>& ports) {
  out << title << ":\n";
  if (ports.empty()) {
    out << "  (none)\n";
    return;
  }
  Table t{.header = {"  PORT", "VERSION", "CONTRACT", "DATASET", "HEALTH", "FRESHNESS", "LAYER"}};
  for (const v1::ProductPort& port : ports) {
    const std::string name = "  " + port.name();
    if (port.datasets().empty()) {
      t.rows.push_back({name, Or(port.version()), Or(port.contract_id()), "-", "-", "-", "-"});
    }
    for (const v1::PortDataset& d : port.datasets()) {
      const std::string key = StrCat(d.key().namespace_(), "/", d.key().name());
      t.rows.push_back({name, Or(port.version()), Or(port.contract_id()), key,
                        d.health().empty() ? "not in the catalog" : d.health(),
                        Or(d.freshness()), Or(d.layer())});
    }
    if (port.hidden_datasets() > 0) {
      t.rows.push_back({name, Or(port.version()), Or(port.contract_id()),
                        StrCat("(", port.hidden_datasets(), " you may not read)"), "", "", ""});
    }
  }
  t.Print(out);
}

void PrintLinks(std::ostream& out, const char* title,
                const google::protobuf::RepeatedPtrField<v1::ProductLink>& links) {
  out << title << ":\n";
  if (links.empty()) {
    out << "  (none)\n";
    return;
  }
  Table t{.header = {"  PRODUCT", "NAME", "SEEN"}};
  for (const v1::ProductLink& l : links) {
    std::vector<std::string> how;
    if (l.declared()) how.push_back("declared");
    if (l.observed()) how.push_back("in lineage");
    t.rows.push_back({"  " + l.id(), Or(l.name()), absl::StrJoin(how, ", ")});
  }
  t.Print(out);
}

}  // namespace

bool IsProductType(const std::string& type) {
  return type == "dataproduct" || type == "dataproducts" || type == "dp";
}

int RunProductGet(CommandContext& ctx, const std::string& id, const std::string& domain,
                  Format format) {
  std::vector<v1::DataProduct> products;
  if (!id.empty()) {
    v1::GetDataProductRequest req;
    req.set_id(id);
    absl::StatusOr<v1::DataProduct> p =
        ctx.client.Call(&Stub::GetDataProduct, ctx.client.catalog(), req);
    if (!p.ok()) return ReportError(ctx.err, p.status());
    products.push_back(*std::move(p));
  } else {
    v1::ListDataProductsRequest req;
    req.set_domain(domain);
    absl::StatusOr<v1::ListDataProductsResponse> list =
        ctx.client.Call(&Stub::ListDataProducts, ctx.client.catalog(), req);
    if (!list.ok()) return ReportError(ctx.err, list.status());
    products.assign(list->products().begin(), list->products().end());
  }
  if (format == Format::kTable) {
    Table t{.header = {"ID", "NAME", "STATUS", "DOMAIN", "OWNERS", "OUTPUT PORTS", "REVISION"}};
    for (const v1::DataProduct& p : products) {
      t.rows.push_back({p.id(), Or(p.name()), p.product_status(), Or(p.domain()), OwnersOf(p),
                        std::to_string(p.output_ports_size()),
                        std::to_string(p.status().revision())});
    }
    t.Print(ctx.out);
    return 0;
  }
  // The ODPS documents, as written: apply -f takes them back.
  if (!id.empty()) {
    PrintDocument(ctx.out, format, Document(products.front()));
  } else {
    std::vector<json> docs;
    for (const v1::DataProduct& p : products) docs.push_back(Document(p));
    PrintDocument(ctx.out, format, ListDocument(std::move(docs)));
  }
  return 0;
}

int RunProductDescribe(CommandContext& ctx, const std::string& id) {
  if (id.empty()) {
    ctx.err << "error: describe dataproduct needs an ID\n";
    return 2;
  }
  v1::GetDataProductRequest req;
  req.set_id(id);
  absl::StatusOr<v1::DataProduct> p =
      ctx.client.Call(&Stub::GetDataProduct, ctx.client.catalog(), req);
  if (!p.ok()) return ReportError(ctx.err, p.status());
  Table head;
  head.rows = {{"DataProduct:", p->name().empty() ? p->id() : StrCat(p->id(), " (", p->name(), ")")},
               {"Version:", Or(p->version())},
               {"Status:", p->product_status()},
               {"Domain:", Or(p->domain())},
               {"Owners:", OwnersOf(*p)},
               {"Tags:", p->tags().empty() ? "-" : absl::StrJoin(p->tags(), ", ")},
               {"Purpose:", Or(p->purpose())},
               {"Health:", p->health_reason().empty()
                               ? p->health()
                               : StrCat(p->health(), " (", p->health_reason(), ")")},
               {"Revision:", std::to_string(p->status().revision())}};
  head.Print(ctx.out);
  PrintPorts(ctx.out, "Output ports", p->output_ports());
  PrintPorts(ctx.out, "Input ports", p->input_ports());
  PrintLinks(ctx.out, "Upstream products", p->upstream());
  PrintLinks(ctx.out, "Downstream products", p->downstream());
  // The governance rules it breaks now (docs/governance.md#rules).
  v1::ProductRulesRequest rules_req;
  rules_req.set_product(p->id());
  auto rules = ctx.client.Call(&v1::GovernanceService::Stub::ProductRules,
                               ctx.client.governance(), rules_req);
  if (rules.ok()) PrintRulesBroken(ctx.out, rules->breaks());
  return 0;
}

int RunProductDelete(CommandContext& ctx, const std::string& id, int64_t expected_revision) {
  if (id.empty()) {
    ctx.err << "error: delete dataproduct needs an ID\n";
    return 2;
  }
  v1::DeleteDataProductRequest req;
  req.set_id(id);
  req.set_expected_revision(expected_revision);
  absl::Status status =
      ctx.client.Call(&Stub::DeleteDataProduct, ctx.client.catalog(), req).status();
  if (!status.ok()) return ReportError(ctx.err, status);
  ctx.out << "dataproduct/" << id << " deleted\n";
  return 0;
}

}  // namespace catalog::client
