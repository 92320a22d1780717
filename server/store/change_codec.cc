#include "server/store/change_codec.h"

#include <nlohmann/json.hpp>

#include "catalog/v1/catalog.pb.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::store {
namespace {

using nlohmann::json;

json Key(const std::string& ns, const std::string& name) { return json::array({ns, name}); }

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(StrCat("change feed: malformed change (", what, ")"));
}

}  // namespace

std::string EncodeChange(const Change& c) {
  json upserted = json::array();
  for (const Resource& r : c.upserted) {
    std::string bytes;
    ToProto(r).SerializeToString(&bytes);
    upserted.push_back(json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end())));
  }
  json deleted_datasets = json::array(), deleted_domains = json::array(),
       deleted_principals = json::array(), edges = json::array(), deleted_jobs = json::array();
  for (const DatasetKey& k : c.deleted_datasets) deleted_datasets.push_back(Key(k.ns, k.name));
  for (const std::string& d : c.deleted_domains) deleted_domains.push_back(d);
  json deleted_products = c.deleted_products;
  json deleted_terms = c.deleted_terms;
  for (const PrincipalRef& p : c.deleted_principals) {
    deleted_principals.push_back(json::array({static_cast<int>(p.kind), p.name}));
  }
  for (const LineageEdge& e : c.lineage_edges) {
    edges.push_back(json::array({e.job.ns, e.job.name, e.dataset.ns, e.dataset.name, e.output,
                                 e.active, e.run_id, e.first_seen_ms, e.last_seen_ms}));
  }
  for (const JobKey& k : c.deleted_jobs) deleted_jobs.push_back(Key(k.ns, k.name));
  json doc = {{"r", c.catalog_revision},  {"u", std::move(upserted)},
              {"dd", deleted_datasets},    {"dm", deleted_domains},
              {"dp", deleted_principals},  {"p", c.policies_changed},
              {"e", std::move(edges)},     {"dj", deleted_jobs},
              {"t", c.tokens},             {"g", c.rules_changed},
              {"pr", std::move(deleted_products)}, {"gt", std::move(deleted_terms)},
              {"mo", c.deleted_models},    {"mv", c.deleted_model_versions},
              {"ap", c.deleted_applications}, {"fv", c.deleted_feature_views}};
  std::vector<uint8_t> packed = json::to_msgpack(doc);
  return std::string(packed.begin(), packed.end());
}

absl::StatusOr<Change> DecodeChange(std::string_view bytes) {
  json doc = json::from_msgpack(bytes.begin(), bytes.end(), /*strict=*/true,
                                /*allow_exceptions=*/false);
  if (!doc.is_object()) return Malformed("not a document");
  Change c;
  try {
    c.catalog_revision = doc.at("r").get<int64_t>();
    for (const json& u : doc.at("u")) {
      if (!u.is_binary()) return Malformed("an object is not bytes");
      const auto& b = u.get_binary();
      v1::Resource proto;
      if (!proto.ParseFromArray(b.data(), static_cast<int>(b.size()))) {
        return Malformed("an object does not parse");
      }
      absl::StatusOr<Resource> r = FromProto(proto);
      if (!r.ok()) return Malformed(MessageOf(r.status()));
      c.upserted.push_back(*std::move(r));
    }
    for (const json& k : doc.at("dd")) c.deleted_datasets.push_back({k.at(0), k.at(1)});
    for (const json& d : doc.at("dm")) c.deleted_domains.push_back(d);
    for (const json& p : doc.at("dp")) {
      int kind = p.at(0).get<int>();
      if (kind < 0 || kind > static_cast<int>(PrincipalKind::kGroup)) {
        return Malformed("principal kind");
      }
      c.deleted_principals.push_back({static_cast<PrincipalKind>(kind), p.at(1)});
    }
    c.policies_changed = doc.at("p").get<bool>();
    // Changes written before governance rules existed have no "g".
    if (auto g = doc.find("g"); g != doc.end()) c.rules_changed = g->get<bool>();
    // ... and before data products, no "pr".
    if (auto pr = doc.find("pr"); pr != doc.end()) {
      c.deleted_products = pr->get<std::vector<std::string>>();
    }
    // ... and before the glossary, no "gt".
    if (auto gt = doc.find("gt"); gt != doc.end()) {
      c.deleted_terms = gt->get<std::vector<std::string>>();
    }
    // ... and before models, no "mo" or "mv".
    if (auto mo = doc.find("mo"); mo != doc.end()) {
      c.deleted_models = mo->get<std::vector<std::string>>();
    }
    if (auto mv = doc.find("mv"); mv != doc.end()) {
      c.deleted_model_versions = mv->get<std::vector<std::string>>();
    }
    // ... and before AI applications, no "ap".
    if (auto ap = doc.find("ap"); ap != doc.end()) {
      c.deleted_applications = ap->get<std::vector<std::string>>();
    }
    if (auto fv = doc.find("fv"); fv != doc.end()) {
      c.deleted_feature_views = fv->get<std::vector<std::string>>();
    }
    for (const json& e : doc.at("e")) {
      c.lineage_edges.push_back({.job = {e.at(0), e.at(1)},
                                 .dataset = {e.at(2), e.at(3)},
                                 .output = e.at(4).get<bool>(),
                                 .active = e.at(5).get<bool>(),
                                 .run_id = e.at(6),
                                 .first_seen_ms = e.at(7).get<int64_t>(),
                                 .last_seen_ms = e.at(8).get<int64_t>()});
    }
    for (const json& k : doc.at("dj")) c.deleted_jobs.push_back({k.at(0), k.at(1)});
    c.tokens = doc.at("t").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return Malformed(e.what());
  }
  return c;
}

}  // namespace catalog::store
