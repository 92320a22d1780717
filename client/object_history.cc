#include "client/object_history.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "client/manifest_json.h"
#include "lib/util/printable.h"

namespace catalog::client {
namespace {

using nlohmann::json;

absl::StatusOr<json> ManifestOf(const v1::ObjectRevision& e) {
  switch (e.object_case()) {
    case v1::ObjectRevision::kModel:
      return Manifest(e.model());
    case v1::ObjectRevision::kModelVersion:
      return Manifest(e.model_version());
    case v1::ObjectRevision::kFeatureView:
      return Manifest(e.feature_view());
    case v1::ObjectRevision::kApplication:
      return Manifest(e.application());
    case v1::ObjectRevision::OBJECT_NOT_SET:
      break;
  }
  return json(nullptr);
}

}  // namespace

int PrintObjectHistory(CommandContext& ctx, const v1::ObjectHistoryResponse& history,
                       const std::string& kind, const std::string& name, Format format) {
  if (format == Format::kTable) {
    Table t{.header = {"REVISION", "TIME", "ACTOR", "ACTION", "CHANGES"}};
    for (const v1::ObjectRevision& e : history.entries()) {
      t.rows.push_back({std::to_string(e.revision()), e.time(), Printable(e.actor()), e.action(),
                        e.changes().empty() ? "-" : absl::StrJoin(e.changes(), ",")});
    }
    t.Print(ctx.out);
    return 0;
  }
  json entries = json::array();
  for (const v1::ObjectRevision& e : history.entries()) {
    absl::StatusOr<json> object = ManifestOf(e);
    if (!object.ok()) return ReportError(ctx.err, object.status());
    entries.push_back({{"revision", e.revision()},
                       {"time", e.time()},
                       {"actor", e.actor()},
                       {"action", e.action()},
                       {"changes", std::vector<std::string>(e.changes().begin(), e.changes().end())},
                       {"object", *std::move(object)}});
  }
  PrintDocument(ctx.out, format, {{kind, name}, {"entries", std::move(entries)}});
  return 0;
}

}  // namespace catalog::client
