// Data products (docs/governance.md#data-products): each product's ODPS
// document, keyed by its id, in one row; written by Apply with its audit
// event and a change row like every catalog object.
#include <nlohmann/json.hpp>

#include "lib/catalog/data_product.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

constexpr char kSelectProduct[] =
    "SELECT id, spec, revision, created_at, updated_at, updated_by FROM data_products ";

absl::StatusOr<DataProduct> ReadProduct(const Statement& s) {
  ASSIGN_OR_RETURN(DataProduct p, StoredProduct(s.Text(0), s.Text(1)));
  p.status = ReadObjectStatus(s, 2);
  return p;
}

absl::StatusOr<std::optional<DataProduct>> FindProduct(Connection& db, std::string_view id) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectProduct, "WHERE id = ?")));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(DataProduct p, ReadProduct(*s));
  s->Reset();
  return p;
}

absl::Status ProductNotFound(std::string_view id) {
  return absl::NotFoundError(StrCat("data product \"", id, "\" not found"));
}

}  // namespace

absl::StatusOr<DataProduct> StoredProduct(const std::string& id, const std::string& document) {
  absl::StatusOr<DataProduct> p =
      DataProductFromOdps(nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false));
  if (!p.ok()) {
    return absl::DataLossError(StrCat("data product \"", id, "\": stored document unreadable: ",
                                      MessageOf(p.status())));
  }
  return p;
}

absl::StatusOr<ApplyResult> ApplyDataProduct(WriteContext& ctx, const DataProduct& p,
                                             int64_t expected_revision) {
  ASSIGN_OR_RETURN(std::optional<DataProduct> old, FindProduct(ctx.db, p.id));
  DataProduct now = p;
  ASSIGN_OR_RETURN(ApplyResult result,
                   WriteSpecRow(ctx,
                                {.table = "data_products",
                                 .key_column = "id",
                                 .kind = "DataProduct",
                                 .audit = "dataproduct",
                                 .key = p.id,
                                 .domain = p.spec.domain,
                                 .spec = p.spec.document},
                                old ? &old->status : nullptr, old && old->spec == p.spec,
                                expected_revision, &now.status));
  if (result.outcome != ApplyOutcome::kUnchanged) {
    ctx.change.upserted.push_back({.kind = Resource::Kind::kDataProduct, .product = std::move(now)});
  }
  return result;
}

absl::Status CheckProductReferences(Connection& db, const DataProduct& p) {
  return CheckDomainExists(db, "domain", p.spec.domain);
}

absl::StatusOr<DataProduct> Store::GetDataProduct(std::string_view id) {
  RETURN_IF_ERROR(ValidateProductId("id", id));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<DataProduct> {
    ASSIGN_OR_RETURN(std::optional<DataProduct> p, FindProduct(db, id));
    if (!p) return ProductNotFound(id);
    return *std::move(p);
  });
}

absl::StatusOr<std::vector<DataProduct>> Store::ListDataProducts() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<DataProduct>> {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectProduct, "ORDER BY id")));
    std::vector<DataProduct> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ASSIGN_OR_RETURN(DataProduct p, ReadProduct(*s));
      out.push_back(std::move(p));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteDataProduct(std::string_view id, int64_t expected_revision,
                                                 std::string_view actor) {
  RETURN_IF_ERROR(ValidateProductId("id", id));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<DataProduct> p, FindProduct(ctx.db, id));
    if (!p) return ProductNotFound(id);
    RETURN_IF_ERROR(CheckExpected(expected_revision, p->status.revision, true));
    RETURN_IF_ERROR(WriteDeletionHistory(ctx, "data_products", "id", "DataProduct", id,
                                         p->status.revision + 1));
    ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare("DELETE FROM data_products WHERE id = ?"));
    s->Bind(1, id);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(ctx.Audit("dataproduct.delete", "DataProduct", id, p->status.revision,
                              p->status.revision + 1));
    ctx.change.deleted_products.push_back(std::string(id));
    return ctx.catalog_revision;
  });
}

absl::StatusOr<std::map<std::string, std::vector<DatasetKey>>> Store::DatasetsOfContracts(
    const std::set<std::string>& ids) {
  using Result = std::map<std::string, std::vector<DatasetKey>>;
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Result> {
    Result out;
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(std::vector<ContractBinding> bindings, ReadBindings(db, id));
      std::vector<DatasetKey>& keys = out[id];
      for (ContractBinding& b : bindings) keys.push_back(std::move(b.dataset));
    }
    return out;
  });
}

}  // namespace catalog::store
