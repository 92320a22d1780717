#include "server/authz/column_access.h"

#include <map>

#include "lib/util/strings.h"
#include "server/authz/column_table.h"

namespace catalog::authz {
namespace {

int Openness(ColumnAccess a) {
  switch (a) {
    case ColumnAccess::kDeny: return 0;
    case ColumnAccess::kMask: return 1;
    case ColumnAccess::kAllow: return 2;
  }
  return 0;
}

// One column's own decision, before the rules that tie it to its dataset
// and to the fields inside it.
ColumnDecision Own(const std::shared_ptr<const Snapshot>& s, const policy::Request& request,
                   const DatasetKey& dataset, const policy::Entity& dataset_entity,
                   const ColumnInfo& info) {
  ColumnDecision cd{.column = info.path};
  policy::Entities extra;
  extra.Add(ColumnEntity(dataset, info, &dataset_entity));
  policy::OverlayEntities view(s->entities(), extra);
  policy::Request column_request = request;
  column_request.resource = ColumnUid(dataset, info.path);
  cd.decision = DecisionOf(s->Authorize(column_request, view), s);
  if (!cd.decision.allow) return cd;
  // Masked when every determining permit asks for a mask.
  std::string mask;
  bool all_masked = true;
  for (const std::string& id : cd.decision.reasons) {
    const policy::Policy* p = cd.decision.FindPolicy(id);
    auto m = p != nullptr ? p->annotations.find("mask")
                          : std::map<std::string, std::string>::const_iterator();
    if (p == nullptr || m == p->annotations.end()) {
      all_masked = false;
    } else if (mask.empty()) {
      mask = m->second;
    }
  }
  cd.access = all_masked ? ColumnAccess::kMask : ColumnAccess::kAllow;
  if (all_masked) cd.mask = mask;
  return cd;
}

}  // namespace

std::vector<ColumnDecision> DecideColumns(const std::shared_ptr<const Snapshot>& s,
                                          const policy::Request& request,
                                          const Decision& dataset_decision,
                                          const DatasetKey& dataset,
                                          const std::vector<std::string>& columns) {
  const ColumnTable* known = s->Columns(DatasetUid(dataset).id);
  const policy::Entity* dataset_entity = s->entities().Find(request.resource);
  std::map<std::string, ColumnDecision> own;  // by path, each decided once
  auto decide = [&](const ColumnInfo& info) -> const ColumnDecision& {
    auto it = own.find(info.path);
    if (it == own.end()) {
      it = own.emplace(info.path, Own(s, request, dataset, *dataset_entity, info)).first;
    }
    return it->second;
  };
  std::vector<ColumnDecision> out;
  out.reserve(columns.size());
  for (const std::string& column : columns) {
    std::optional<ColumnInfo> info;
    if (known != nullptr) info = known->Find(column);
    if (!info || dataset_entity == nullptr) {
      out.push_back({.column = column,
                     .decision = Denied(StrCat("column \"", column, "\" is not in the schema of ",
                                               dataset.ToString()),
                                        s->revision())});
      continue;
    }
    if (!dataset_decision.allow) {
      ColumnDecision cd{.column = column, .decision = dataset_decision};
      if (cd.decision.denial.empty() && cd.decision.reasons.empty()) {
        cd.decision.denial = StrCat("the dataset ", dataset.ToString(), " is denied");
      }
      out.push_back(std::move(cd));
      continue;
    }
    ColumnDecision cd = decide(*info);
    cd.column = column;
    for (const ColumnInfo& inner : known->Inside(column)) {
      const ColumnDecision& d = decide(inner);
      if (Openness(d.access) >= Openness(cd.access)) continue;
      cd.access = d.access;
      cd.mask = d.mask;
      if (d.access == ColumnAccess::kDeny) {
        cd.decision = d.decision;
        cd.decision.allow = false;
        cd.decision.denial = StrCat("field \"", inner.path, "\" inside it is denied");
      }
    }
    out.push_back(std::move(cd));
  }
  return out;
}

Decision DecideColumnRequest(const std::shared_ptr<const Snapshot>& s,
                             const policy::Request& request) {
  const std::string& id = request.resource.id;
  size_t hash = id.rfind('#');
  if (hash == std::string::npos) {
    return Denied(StrCat("Column::\"", id, "\" is not <dataset>#<column>"), s->revision());
  }
  policy::Request dataset_request = request;
  dataset_request.resource = policy::EntityUid{"Dataset", id.substr(0, hash)};
  const policy::Entity* entity = s->entities().Find(dataset_request.resource);
  if (entity == nullptr) {
    return Denied(StrCat("dataset \"", id.substr(0, hash), "\" is not in the catalog"),
                  s->revision());
  }
  auto text = [&](const char* attr) {
    auto it = entity->attrs.find(attr);
    return it != entity->attrs.end() && it->second.is(policy::Value::Kind::kString)
               ? it->second.as_string()
               : std::string();
  };
  DatasetKey key{text("namespace"), text("name")};
  Decision dataset_decision = DecisionOf(s->Authorize(dataset_request, s->entities()), s);
  std::vector<ColumnDecision> decided =
      DecideColumns(s, dataset_request, dataset_decision, key, {id.substr(hash + 1)});
  Decision d = std::move(decided[0].decision);
  d.allow = decided[0].access != ColumnAccess::kDeny;
  return d;
}

Decision DecideRequest(const std::shared_ptr<const Snapshot>& s,
                       const policy::Request& request) {
  // Columns are entities only within their dataset's schema.
  if (request.resource.type == "Column") return DecideColumnRequest(s, request);
  return DecisionOf(s->Authorize(request, s->entities()), s);
}

}  // namespace catalog::authz
