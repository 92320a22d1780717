#include "lib/lineage/event.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "lib/catalog/validate.h"
#include "lib/lineage/json_read.h"
#include "lib/lineage/quality.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"

namespace catalog::lineage {
namespace {

using json = nlohmann::json;

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The spec asks for UUIDs, which are compared lower-case; producers do send
// other ids ("run_id" in a captured event), which are kept as they are.
std::string RunId(std::string id) {
  return IsUuid(id) ? Lower(std::move(id)) : id;
}

absl::StatusOr<DatasetKey> KeyAt(const json& object, std::string_view path) {
  ASSIGN_OR_RETURN(std::string ns, StringAt(object, "namespace", path, true));
  ASSIGN_OR_RETURN(std::string name, StringAt(object, "name", path, true));
  RETURN_IF_ERROR(ValidateName(StrCat(path, ".namespace"), ns));
  RETURN_IF_ERROR(ValidateName(StrCat(path, ".name"), name));
  return DatasetKey{std::move(ns), std::move(name)};
}

absl::StatusOr<std::vector<Field>> SchemaFields(const json& fields,
                                                std::string_view path,
                                                int depth) {
  if (depth > kMaxFieldDepth) {
    return Bad(path, StrCat("nests deeper than ", kMaxFieldDepth, " levels"));
  }
  std::vector<Field> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string item = StrCat(path, "[", i, "]");
    if (!fields[i].is_object()) return Bad(item, "must be an object");
    Field f;
    ASSIGN_OR_RETURN(f.name, StringAt(fields[i], "name", item, true));
    RETURN_IF_ERROR(ValidateName(StrCat(item, ".name"), f.name, kMaxShortNameBytes));
    ASSIGN_OR_RETURN(f.type, StringAt(fields[i], "type", item, false));
    if (f.type.empty()) f.type = "unknown";
    RETURN_IF_ERROR(ValidateName(StrCat(item, ".type"), f.type, kMaxShortNameBytes));
    ASSIGN_OR_RETURN(f.description,
                     StringAt(fields[i], "description", item, false));
    RETURN_IF_ERROR(ValidateText(StrCat(item, ".description"), f.description));
    ASSIGN_OR_RETURN(const json* nested, ArrayAt(fields[i], "fields", item));
    if (nested != nullptr) {
      ASSIGN_OR_RETURN(f.fields,
                       SchemaFields(*nested, StrCat(item, ".fields"), depth + 1));
    }
    // Engines do emit duplicate column names (a join's output); the
    // catalog keeps the first.
    if (seen.insert(f.name).second) out.push_back(std::move(f));
  }
  return out;
}

// OpenLineage owner names are URN-like ("user:jdoe", "team:data",
// "application:etl"); the catalog's principals are user:, group: and
// serviceaccount:. Names that map to none are kept only in the facet.
std::optional<Owner> MapOwner(std::string_view name, std::string_view type) {
  std::string ref;
  size_t colon = name.find(':');
  std::string_view kind = colon == std::string_view::npos ? "user" : name.substr(0, colon);
  std::string_view rest = colon == std::string_view::npos ? name : name.substr(colon + 1);
  std::string k = Lower(std::string(kind));
  if (k == "user") {
    ref = StrCat("user:", rest);
  } else if (k == "team" || k == "group") {
    ref = StrCat("group:", rest);
  } else if (k == "application" || k == "serviceaccount" || k == "service") {
    ref = StrCat("serviceaccount:", rest);
  } else {
    return std::nullopt;
  }
  if (!ParsePrincipalRef("owner", ref).ok()) return std::nullopt;
  std::string t = Lower(std::string(type));
  OwnershipType ownership = OwnershipType::kTechnical;
  if (t.find("business") != std::string::npos) {
    ownership = OwnershipType::kBusiness;
  } else if (t.find("steward") != std::string::npos) {
    ownership = OwnershipType::kSteward;
  }
  return Owner{ref, ownership};
}

absl::Status ReadColumnLineage(const json& facet, std::string_view path,
                               DatasetFacts& d) {
  auto read_inputs = [&](const json& list, std::string_view list_path,
                         ColumnLineage& out) -> absl::Status {
    if (!list.is_array()) return Bad(list_path, "must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string item = StrCat(list_path, "[", i, "]");
      if (!list[i].is_object()) return Bad(item, "must be an object");
      InputField in;
      ASSIGN_OR_RETURN(in.dataset, KeyAt(list[i], item));
      ASSIGN_OR_RETURN(in.field, StringAt(list[i], "field", item, true));
      RETURN_IF_ERROR(ValidateName(StrCat(item, ".field"), in.field,
                                   kMaxShortNameBytes));
      ASSIGN_OR_RETURN(const json* ts, ArrayAt(list[i], "transformations", item));
      if (ts != nullptr) {
        for (size_t t = 0; t < ts->size(); ++t) {
          std::string tp = StrCat(item, ".transformations[", t, "]");
          const json& tj = (*ts)[t];
          if (!tj.is_object()) return Bad(tp, "must be an object");
          Transformation x;
          ASSIGN_OR_RETURN(x.type, StringAt(tj, "type", tp, true));
          ASSIGN_OR_RETURN(x.subtype, StringAt(tj, "subtype", tp, false));
          ASSIGN_OR_RETURN(x.description, StringAt(tj, "description", tp, false));
          auto m = tj.find("masking");
          if (m != tj.end() && !m->is_null()) {
            if (!m->is_boolean()) return Bad(StrCat(tp, ".masking"), "must be a boolean");
            x.masking = m->get<bool>();
          }
          in.transformations.push_back(std::move(x));
        }
      }
      out.inputs.push_back(std::move(in));
    }
    return absl::OkStatus();
  };
  size_t edges = 0;
  ASSIGN_OR_RETURN(const json* fields, ObjectAt(facet, "fields", path, true));
  for (const auto& [name, spec] : fields->items()) {
    std::string item = StrCat(path, ".fields.", name);
    RETURN_IF_ERROR(ValidateName(item, name, kMaxShortNameBytes));
    if (!spec.is_object()) return Bad(item, "must be an object");
    auto inputs = spec.find("inputFields");
    if (inputs == spec.end()) return Bad(StrCat(item, ".inputFields"), "is required");
    ColumnLineage cl{.output_field = name};
    RETURN_IF_ERROR(read_inputs(*inputs, StrCat(item, ".inputFields"), cl));
    // The deprecated per-field transformationType, when no input says more.
    ASSIGN_OR_RETURN(std::string legacy, StringAt(spec, "transformationType", item, false));
    if (!legacy.empty()) {
      for (InputField& in : cl.inputs) {
        if (in.transformations.empty()) {
          in.transformations.push_back(
              {.type = "DIRECT",
               .subtype = legacy,
               .masking = legacy == "MASKED"});
        }
      }
    }
    edges += cl.inputs.size();
    d.column_lineage.push_back(std::move(cl));
  }
  auto whole = facet.find("dataset");
  if (whole != facet.end() && !whole->is_null()) {
    ColumnLineage cl;
    RETURN_IF_ERROR(read_inputs(*whole, StrCat(path, ".dataset"), cl));
    edges += cl.inputs.size();
    if (!cl.inputs.empty()) d.column_lineage.push_back(std::move(cl));
  }
  if (edges > kMaxColumnEdgesPerDataset) {
    return Bad(path, StrCat("at most ", kMaxColumnEdgesPerDataset,
                            " column dependencies per dataset"));
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetFacts> ReadDataset(const json& j, std::string_view path,
                                         const char* io_key) {
  if (!j.is_object()) return Bad(path, "must be an object");
  DatasetFacts d;
  ASSIGN_OR_RETURN(d.key, KeyAt(j, path));
  static const json kNone = json::object();
  const json* io = &kNone;
  if (io_key != nullptr) {
    ASSIGN_OR_RETURN(const json* sent, ObjectAt(j, io_key, path, false));
    if (sent != nullptr) io = sent;
  }
  // Quality facets are kept as results, not again as facets (quality.h).
  for (const auto& [name, facet] : io->items()) {
    if (!IsQualityDatasetFacet(name)) d.io_facets[name] = facet;
  }
  ASSIGN_OR_RETURN(const json* facets, ObjectAt(j, "facets", path, false));
  ASSIGN_OR_RETURN(d.quality,
                   DatasetQuality(facets ? *facets : kNone, *io, path, io_key ? io_key : ""));
  if (facets == nullptr) return d;
  std::string fp = StrCat(path, ".facets");
  for (const auto& [name, facet] : facets->items()) {
    std::string item = StrCat(fp, ".", name);
    if (!facet.is_object()) return Bad(item, "must be an object");
    if (Withdrawn(facet) || IsQualityDatasetFacet(name)) continue;
    d.facets[name] = facet;
    if (name == "schema") {
      ASSIGN_OR_RETURN(const json* fields, ArrayAt(facet, "fields", item));
      if (fields != nullptr) {
        ASSIGN_OR_RETURN(d.schema, SchemaFields(*fields, StrCat(item, ".fields"), 1));
      } else {
        d.schema.emplace();
      }
    } else if (name == "documentation") {
      ASSIGN_OR_RETURN(std::string text, StringAt(facet, "description", item, true));
      RETURN_IF_ERROR(ValidateText(StrCat(item, ".description"), text));
      d.description = std::move(text);
    } else if (name == "ownership") {
      ASSIGN_OR_RETURN(const json* owners, ArrayAt(facet, "owners", item));
      if (owners == nullptr) continue;
      std::set<std::pair<std::string, OwnershipType>> seen;
      for (size_t i = 0; i < owners->size(); ++i) {
        std::string op = StrCat(item, ".owners[", i, "]");
        if (!(*owners)[i].is_object()) return Bad(op, "must be an object");
        ASSIGN_OR_RETURN(std::string owner, StringAt((*owners)[i], "name", op, true));
        ASSIGN_OR_RETURN(std::string type, StringAt((*owners)[i], "type", op, false));
        std::optional<Owner> mapped = MapOwner(owner, type);
        if (mapped && seen.insert({mapped->principal, mapped->type}).second) {
          d.owners.push_back(*mapped);
        }
      }
    } else if (name == "tags") {
      ASSIGN_OR_RETURN(const json* tags, ArrayAt(facet, "tags", item));
      if (tags == nullptr) continue;
      for (size_t i = 0; i < tags->size(); ++i) {
        std::string tp = StrCat(item, ".tags[", i, "]");
        if (!(*tags)[i].is_object()) return Bad(tp, "must be an object");
        ASSIGN_OR_RETURN(std::string key, StringAt((*tags)[i], "key", tp, true));
        ASSIGN_OR_RETURN(std::string value, StringAt((*tags)[i], "value", tp, false));
        ASSIGN_OR_RETURN(std::string field, StringAt((*tags)[i], "field", tp, false));
        std::string tag = value.empty() || value == "true" ? key : StrCat(key, ":", value);
        if (!field.empty() || !ValidateName("tag", tag, kMaxShortNameBytes).ok()) {
          continue;  // column tags and unusable names stay in the facet
        }
        d.tags.push_back(std::move(tag));
      }
    } else if (name == "symlinks") {
      ASSIGN_OR_RETURN(const json* ids, ArrayAt(facet, "identifiers", item));
      if (ids == nullptr) continue;
      for (size_t i = 0; i < ids->size(); ++i) {
        std::string sp = StrCat(item, ".identifiers[", i, "]");
        if (!(*ids)[i].is_object()) return Bad(sp, "must be an object");
        Symlink s;
        ASSIGN_OR_RETURN(s.key, KeyAt((*ids)[i], sp));
        ASSIGN_OR_RETURN(s.type, StringAt((*ids)[i], "type", sp, false));
        if (s.key != d.key) d.symlinks.push_back(std::move(s));
      }
    } else if (name == "lifecycleStateChange") {
      LifecycleChange lc;
      ASSIGN_OR_RETURN(lc.change, StringAt(facet, "lifecycleStateChange", item, true));
      static const std::set<std::string> kChanges = {
          "ALTER", "CREATE", "DROP", "OVERWRITE", "RENAME", "TRUNCATE"};
      if (!kChanges.count(lc.change)) {
        return Bad(StrCat(item, ".lifecycleStateChange"),
                   "must be one of ALTER, CREATE, DROP, OVERWRITE, RENAME, "
                   "TRUNCATE");
      }
      ASSIGN_OR_RETURN(const json* prev, ObjectAt(facet, "previousIdentifier", item, false));
      if (prev != nullptr) {
        ASSIGN_OR_RETURN(lc.previous, KeyAt(*prev, StrCat(item, ".previousIdentifier")));
      }
      d.lifecycle = std::move(lc);
    } else if (name == "columnLineage") {
      RETURN_IF_ERROR(ReadColumnLineage(facet, item, d));
    }
  }
  return d;
}

absl::Status ReadDatasets(const json& event, const char* key,
                          const char* io_key, std::vector<DatasetFacts>& out) {
  ASSIGN_OR_RETURN(const json* list, ArrayAt(event, key, ""));
  if (list == nullptr) return absl::OkStatus();
  if (list->size() > kMaxDatasetsPerEvent) {
    return Bad(key, StrCat("at most ", kMaxDatasetsPerEvent, " datasets"));
  }
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(DatasetFacts d,
                     ReadDataset((*list)[i], StrCat(key, "[", i, "]"), io_key));
    out.push_back(std::move(d));
  }
  return absl::OkStatus();
}

absl::StatusOr<JobKey> ReadJobKey(const json& job, std::string_view path) {
  JobKey key;
  ASSIGN_OR_RETURN(key.ns, StringAt(job, "namespace", path, true));
  ASSIGN_OR_RETURN(key.name, StringAt(job, "name", path, true));
  RETURN_IF_ERROR(ValidateName(StrCat(path, ".namespace"), key.ns));
  RETURN_IF_ERROR(ValidateName(StrCat(path, ".name"), key.name));
  return key;
}

absl::Status ReadJob(const json& event, Event& e) {
  ASSIGN_OR_RETURN(const json* job, ObjectAt(event, "job", "", true));
  ASSIGN_OR_RETURN(e.job, ReadJobKey(*job, "job"));
  ASSIGN_OR_RETURN(const json* facets, ObjectAt(*job, "facets", "job", false));
  if (facets == nullptr) return absl::OkStatus();
  for (const auto& [name, facet] : facets->items()) {
    std::string item = StrCat("job.facets.", name);
    if (!facet.is_object()) return Bad(item, "must be an object");
    if (Withdrawn(facet)) continue;
    e.job_facets[name] = facet;
    if (name == "jobType") {
      ASSIGN_OR_RETURN(std::string processing, StringAt(facet, "processingType", item, false));
      ASSIGN_OR_RETURN(std::string integration, StringAt(facet, "integration", item, false));
      ASSIGN_OR_RETURN(std::string type, StringAt(facet, "jobType", item, false));
      e.job_type = StrCat(processing, "/", integration, type.empty() ? "" : "/", type);
    } else if (name == "sql") {
      ASSIGN_OR_RETURN(e.sql, StringAt(facet, "query", item, true));
    } else if (name == "documentation") {
      ASSIGN_OR_RETURN(e.job_description, StringAt(facet, "description", item, true));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadRun(const json& event, Event& e) {
  ASSIGN_OR_RETURN(const json* run, ObjectAt(event, "run", "", true));
  ASSIGN_OR_RETURN(std::string id, StringAt(*run, "runId", "run", true));
  e.run_id = RunId(std::move(id));
  RETURN_IF_ERROR(ValidateName("run.runId", e.run_id, kMaxShortNameBytes));
  ASSIGN_OR_RETURN(const json* facets, ObjectAt(*run, "facets", "run", false));
  if (facets == nullptr) return absl::OkStatus();
  for (const auto& [name, facet] : facets->items()) {
    std::string item = StrCat("run.facets.", name);
    if (!facet.is_object()) return Bad(item, "must be an object");
    if (Withdrawn(facet)) continue;
    if (name != "test") e.run_facets[name] = facet;  // tests are kept as results
    if (name == "parent") {
      ParentRun p;
      ASSIGN_OR_RETURN(const json* prun, ObjectAt(facet, "run", item, true));
      ASSIGN_OR_RETURN(std::string pid, StringAt(*prun, "runId", StrCat(item, ".run"), true));
      p.run_id = RunId(std::move(pid));
      RETURN_IF_ERROR(ValidateName(StrCat(item, ".run.runId"), p.run_id,
                                   kMaxShortNameBytes));
      ASSIGN_OR_RETURN(const json* pjob, ObjectAt(facet, "job", item, true));
      ASSIGN_OR_RETURN(p.job, ReadJobKey(*pjob, StrCat(item, ".job")));
      e.parent = std::move(p);
    } else if (name == "errorMessage") {
      ASSIGN_OR_RETURN(e.error_message, StringAt(facet, "message", item, true));
    } else if (name == "test") {
      ASSIGN_OR_RETURN(e.tests, RunTests(facet, item));
    }
  }
  ASSIGN_OR_RETURN(e.cost, ReadRunCost(e.run_facets));
  ASSIGN_OR_RETURN(e.model_metrics, ReadRunModelMetrics(e.run_facets, e.event_time_ms));
  return absl::OkStatus();
}

int TwoDigits(std::string_view s, size_t at) {
  if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
      !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
    return -1;
  }
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Calls fn(i, c) for each character of JSON `text` outside strings (a
// string's opening quote included) until fn returns false. Whether the
// text ends outside a string.
template <typename Fn>
bool ForEachOutsideStrings(std::string_view text, Fn fn) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    in_string = c == '"';
    if (!fn(i, c)) break;
  }
  return !in_string;
}

// Refuses an event whose quality results, a test counted once for each
// dataset it is kept for, are more than the store takes from one event.
absl::Status CheckQualityCount(const Event& e) {
  size_t attributed = e.outputs.empty() ? e.inputs.size() : e.outputs.size();
  size_t count = e.tests.size() * attributed;
  for (const auto* list : {&e.inputs, &e.outputs}) {
    for (const DatasetFacts& d : *list) count += d.quality.size();
  }
  if (count > kMaxQualityResultsPerEvent) {
    return Bad("facets", StrCat("at most ", kMaxQualityResultsPerEvent,
                                " quality results (checks and measurements) in one event; "
                                "this one holds ", count));
  }
  return absl::OkStatus();
}

}  // namespace

std::string RunStateName(RunState s) {
  switch (s) {
    case RunState::kNone: return "";
    case RunState::kStart: return "START";
    case RunState::kRunning: return "RUNNING";
    case RunState::kComplete: return "COMPLETE";
    case RunState::kAbort: return "ABORT";
    case RunState::kFail: return "FAIL";
    case RunState::kOther: return "OTHER";
  }
  return "";
}

std::optional<RunState> ParseRunState(std::string_view s) {
  for (RunState r : {RunState::kStart, RunState::kRunning, RunState::kComplete,
                     RunState::kAbort, RunState::kFail, RunState::kOther}) {
    if (RunStateName(r) == s) return r;
  }
  return std::nullopt;
}

bool IsTerminal(RunState s) {
  return s == RunState::kComplete || s == RunState::kAbort ||
         s == RunState::kFail;
}

absl::StatusOr<int64_t> ParseEventTime(std::string_view s) {
  auto bad = [&] {
    return Bad("eventTime", StrCat("\"", s, "\" is not an RFC 3339 date-time"));
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' ||
      s[16] != ':' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return bad();
  }
  int y1 = TwoDigits(s, 0), y2 = TwoDigits(s, 2), mo = TwoDigits(s, 5),
      d = TwoDigits(s, 8), h = TwoDigits(s, 11), mi = TwoDigits(s, 14),
      se = TwoDigits(s, 17);
  if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) {
    return bad();
  }
  // Times are kept as system_clock time points (nanoseconds: 1678..2261).
  if (int year = y1 * 100 + y2; year < 1900 || year > 2200) {
    return Bad("eventTime", StrCat("\"", s, "\": the year must be between 1900 and 2200"));
  }
  size_t i = 19;
  int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (digits < 3) ms = ms * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return bad();
    for (int k = digits; k < 3; ++k) ms *= 10;
  }
  int64_t offset_min = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = TwoDigits(s, i + 1);
      if (i + 3 >= s.size() || s[i + 3] != ':') return bad();
      int om = TwoDigits(s, i + 4);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return bad();
      offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
      i += 6;
    } else {
      return bad();
    }
  }
  // Producers written in Java may add a zone name: "...+01:00[Europe/Paris]".
  if (i < s.size() && s[i] == '[' && s.back() == ']') i = s.size();
  if (i != s.size()) return bad();
  int64_t days = DaysFromCivil(y1 * 100 + y2, static_cast<unsigned>(mo),
                               static_cast<unsigned>(d));
  int64_t seconds = days * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
  return seconds * 1000 + ms;
}

int JsonDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  ForEachOutsideStrings(text, [&](size_t, char c) {
    if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
    if (c == '}' || c == ']') --depth;
    return true;
  });
  return deepest;
}

absl::StatusOr<Event> ParseEvent(std::string_view text) {
  if (text.size() > kMaxEventBytes) {
    return Bad("event", StrCat("must be at most ", kMaxEventBytes,
                               " bytes (got ", text.size(), ")"));
  }
  if (JsonDepth(text) > kMaxEventDepth) {
    return Bad("event", StrCat("nests deeper than ", kMaxEventDepth, " levels"));
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("event", "is not valid JSON");
  return ParseEventJson(j);
}

absl::StatusOr<Event> ParseEventJson(const json& j) {
  if (!j.is_object()) return Bad("event", "must be a JSON object");
  Event e;
  ASSIGN_OR_RETURN(std::string time, StringAt(j, "eventTime", "", true));
  ASSIGN_OR_RETURN(e.event_time_ms, ParseEventTime(time));
  e.event_time = FormatRfc3339(std::chrono::system_clock::time_point(
      std::chrono::milliseconds(e.event_time_ms)));
  ASSIGN_OR_RETURN(e.producer, StringAt(j, "producer", "", true));
  // schemaURL is required by the spec; it names the version the producer
  // wrote, which the mapping does not need, so an event is not refused
  // for it being unknown, only for it being absent.
  ASSIGN_OR_RETURN(std::string schema_url, StringAt(j, "schemaURL", "", true));
  RETURN_IF_ERROR(ValidateText("producer", e.producer));

  if (j.contains("dataset")) {
    if (j.contains("run") || j.contains("job")) {
      return Bad("dataset", "a DatasetEvent has no run or job");
    }
    e.kind = EventKind::kDataset;
    ASSIGN_OR_RETURN(DatasetFacts d, ReadDataset(j["dataset"], "dataset", nullptr));
    e.outputs.push_back(std::move(d));
    RETURN_IF_ERROR(CheckQualityCount(e));
    return e;
  }
  if (!j.contains("run")) {
    if (!j.contains("job")) {
      return Bad("run.runId", "is required (an event is a RunEvent with run "
                              "and job, a JobEvent with job, or a "
                              "DatasetEvent with dataset)");
    }
    e.kind = EventKind::kJob;
  } else {
    e.kind = EventKind::kRun;
    RETURN_IF_ERROR(ReadRun(j, e));
    ASSIGN_OR_RETURN(std::string type, StringAt(j, "eventType", "", false));
    if (type.empty()) {
      e.state = RunState::kOther;
    } else {
      std::optional<RunState> state = ParseRunState(type);
      if (!state) {
        return Bad("eventType", StrCat("\"", type, "\" is not one of START, "
                                       "RUNNING, COMPLETE, ABORT, FAIL, OTHER"));
      }
      e.state = *state;
    }
  }
  RETURN_IF_ERROR(ReadJob(j, e));
  RETURN_IF_ERROR(ReadDatasets(j, "inputs", "inputFacets", e.inputs));
  RETURN_IF_ERROR(ReadDatasets(j, "outputs", "outputFacets", e.outputs));
  RETURN_IF_ERROR(CheckQualityCount(e));
  return e;
}

absl::StatusOr<std::vector<std::string>> SplitEvents(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Bad("body", "holds no event");
  std::vector<std::string> out;
  if (text[start] == '[') {
    if (JsonDepth(text) > kMaxEventDepth + 1) {
      return Bad("body", StrCat("nests deeper than ", kMaxEventDepth, " levels"));
    }
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return Bad("body", "is not valid JSON");
    for (size_t i = 0; i < j.size(); ++i) out.push_back(j[i].dump());
    if (out.empty()) return Bad("body", "holds no event");
    return out;
  }
  // One object, or JSON lines: split where a top-level object ends.
  int depth = 0;
  size_t begin = 0;
  absl::Status error;
  bool closed = ForEachOutsideStrings(text, [&](size_t i, char c) {
    if (c == '{' || c == '[') {
      if (depth++ == 0) begin = i;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) out.emplace_back(text.substr(begin, i + 1 - begin));
      if (depth < 0) error = Bad("body", "is not valid JSON (unbalanced brackets)");
    } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      error = Bad("body", StrCat("is not JSON, a JSON array or JSON lines "
                                 "(unexpected '", c, "' between events)"));
    }
    return error.ok();
  });
  if (!error.ok()) return error;
  if (depth != 0 || !closed) return Bad("body", "ends inside an event");
  return out;
}

}  // namespace catalog::lineage
