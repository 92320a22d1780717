// Governance attributes of datasets (docs/governance.md): the catalog's
// ordered list of layers, certification stamps and their lapse.
#include <set>

#include "absl/strings/str_join.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

constexpr char kLayersSetting[] = "layers";
constexpr size_t kMaxLayers = 20;

const std::vector<std::string>& DefaultLayers() {
  static const std::vector<std::string> layers = {"bronze", "silver", "gold"};
  return layers;
}

absl::StatusOr<LayerSettings> ReadLayers(Connection& db) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT value, revision, updated_at, updated_by FROM "
                              "catalog_settings WHERE name = ?"));
  s->Bind(1, kLayersSetting);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return LayerSettings{.layers = DefaultLayers()};
  LayerSettings out{.revision = s->Int(1), .updated_at = s->Text(2), .updated_by = s->Text(3)};
  const std::string value = s->Text(0);
  s->Reset();
  json list = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) return absl::DataLossError("catalog_settings.layers is not a JSON list");
  for (const json& l : list) {
    if (!l.is_string()) return absl::DataLossError("catalog_settings.layers holds a non-string");
    out.layers.push_back(l.get<std::string>());
  }
  return out;
}

absl::Status ValidateLayers(const std::vector<std::string>& layers) {
  if (layers.empty()) return absl::InvalidArgumentError("layers: must name at least one layer");
  if (layers.size() > kMaxLayers) {
    return absl::InvalidArgumentError(
        StrCat("layers: at most ", kMaxLayers, " layers (got ", layers.size(), ")"));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < layers.size(); ++i) {
    RETURN_IF_ERROR(ValidateLayerName(StrCat("layers[", i, "]"), layers[i]));
    if (!seen.insert(layers[i]).second) {
      return absl::InvalidArgumentError(
          StrCat("layers[", i, "]: \"", layers[i], "\" appears twice"));
    }
  }
  return absl::OkStatus();
}

bool Verified(const Certification& c) { return c.state == "verified"; }

}  // namespace

int64_t CertifiedUntilMs(const DatasetSpec& spec) {
  if (!Verified(spec.certification) || spec.certification.expires.empty()) return 0;
  absl::StatusOr<int64_t> ms =
      ParseCertificationExpiry("spec.certification.expires", spec.certification.expires);
  return ms.ok() ? *ms : 0;
}

absl::Status SettleGovernance(WriteContext& ctx, const DatasetSpec* before, Dataset& d) {
  static const Certification kNone;
  const Certification& old = before != nullptr ? before->certification : kNone;
  Certification& now = d.spec.certification;
  if (now.state == old.state && now.expires == old.expires) {
    // Unchanged: the stamp is the one catalogd wrote, not the caller's.
    now.by = old.by;
    now.at = old.at;
  } else {
    if ((Verified(old) || Verified(now)) && ctx.may_certify != nullptr && *ctx.may_certify) {
      RETURN_IF_ERROR((*ctx.may_certify)(d));
    }
    now.by = ctx.actor;
    now.at = ctx.now;
  }
  const std::string& old_layer = before != nullptr ? before->layer : kNone.state;
  if (d.spec.layer.empty() || d.spec.layer == old_layer) return absl::OkStatus();
  ASSIGN_OR_RETURN(LayerSettings settings, ReadLayers(ctx.db));
  for (const std::string& l : settings.layers) {
    if (l == d.spec.layer) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(StrCat("spec.layer: \"", d.spec.layer,
                                           "\" is not one of the catalog's layers (",
                                           absl::StrJoin(settings.layers, ", "), ")"));
}

absl::StatusOr<LayerSettings> Store::GetLayers() {
  return impl_->Read([&](Connection& db) { return ReadLayers(db); });
}

absl::StatusOr<LayerSettings> Store::SetLayers(const std::vector<std::string>& layers,
                                               std::string_view actor,
                                               int64_t expected_revision) {
  RETURN_IF_ERROR(ValidateLayers(layers));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<LayerSettings> {
    ASSIGN_OR_RETURN(LayerSettings stored, ReadLayers(ctx.db));
    if (expected_revision != 0 && expected_revision != stored.revision) {
      return absl::AbortedError(StrCat("stale revision: the request expected revision ",
                                       expected_revision, " but the layers are at revision ",
                                       stored.revision));
    }
    if (stored.revision != 0 && stored.layers == layers) return stored;
    // A layer still some dataset's stays: the datasets move first.
    const std::set<std::string> kept(layers.begin(), layers.end());
    ASSIGN_OR_RETURN(Statement * used,
                     ctx.db.Prepare("SELECT count(*) FROM datasets WHERE layer = ?"));
    for (const std::string& l : stored.layers) {
      if (kept.count(l) != 0) continue;
      used->Bind(1, l);
      ASSIGN_OR_RETURN(bool row, used->Step());
      const int64_t n = row ? used->Int(0) : 0;
      used->Reset();
      if (n > 0) {
        return absl::FailedPreconditionError(
            StrCat("layers: \"", l, "\" is the layer of ", n, n == 1 ? " dataset" : " datasets",
                   "; move them to another layer before removing it"));
      }
    }
    LayerSettings out{.layers = layers,
                      .revision = stored.revision + 1,
                      .updated_at = ctx.now,
                      .updated_by = ctx.actor};
    ASSIGN_OR_RETURN(
        Statement * put,
        ctx.db.Prepare("INSERT INTO catalog_settings(name, value, revision, updated_at, "
                       "updated_by) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE "
                       "SET value = ?2, revision = ?3, updated_at = ?4, updated_by = ?5"));
    put->Bind(1, kLayersSetting);
    put->Bind(2, json(layers).dump());
    put->Bind(3, out.revision);
    put->Bind(4, out.updated_at);
    put->Bind(5, out.updated_by);
    RETURN_IF_ERROR(put->Run());
    RETURN_IF_ERROR(ctx.Audit("settings.layers", "Settings", kLayersSetting, stored.revision,
                              out.revision));
    return out;
  });
}

absl::StatusOr<int> Store::LapseCertifications(int limit) {
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::StatusOr<int> {
    ASSIGN_OR_RETURN(Statement * due,
                     ctx.db.Prepare("SELECT namespace, name FROM datasets WHERE "
                                    "certified_until_ms > 0 AND certified_until_ms <= ? "
                                    "ORDER BY certified_until_ms LIMIT ?"));
    due->Bind(1, ctx.now_ms);
    due->Bind(2, static_cast<int64_t>(limit));
    std::vector<DatasetKey> keys;
    while (true) {
      ASSIGN_OR_RETURN(bool row, due->Step());
      if (!row) break;
      keys.push_back({due->Text(0), due->Text(1)});
    }
    due->Reset();
    for (const DatasetKey& key : keys) {
      ASSIGN_OR_RETURN(auto found, FindDataset(ctx.db, key));
      if (!found) continue;
      Dataset d = found->second;
      d.spec.certification = {};
      ASSIGN_OR_RETURN(ApplyResult applied, ApplyDataset(ctx, d, 0));
      RETURN_IF_ERROR(ctx.Audit("dataset.certification.lapse", "Dataset", key.ToString(),
                                applied.revision - 1, applied.revision));
    }
    return static_cast<int>(keys.size());
  });
}

}  // namespace catalog::store
