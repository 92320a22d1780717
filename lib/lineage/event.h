// OpenLineage events (spec 2-0-2) as plain values: what a RunEvent,
// DatasetEvent or JobEvent says, with the standard facets catalogd maps
// already read out of it and every facet, known or not, kept as JSON.
//
//   ASSIGN_OR_RETURN(std::vector<std::string> texts, SplitEvents(body));
//   ASSIGN_OR_RETURN(Event e, ParseEvent(texts[0]));
//
// Errors are INVALID_ARGUMENT naming the JSON path and the rule
// ("run.runId: is required"). No I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/lineage/cost.h"
#include "lib/lineage/model_metrics.h"
#include "lib/lineage/quality.h"

namespace catalog::lineage {

// Limits on what one event may hold; larger events are refused whole.
inline constexpr size_t kMaxEventBytes = 4 * 1024 * 1024;
inline constexpr int kMaxEventDepth = 64;
inline constexpr size_t kMaxDatasetsPerEvent = 10000;
inline constexpr size_t kMaxColumnEdgesPerDataset = 100000;

enum class EventKind { kRun, kDataset, kJob };

// A run's state transitions; kNone for DatasetEvent and JobEvent.
enum class RunState { kNone, kStart, kRunning, kComplete, kAbort, kFail, kOther };
// "START", "COMPLETE", ...; "" for kNone.
std::string RunStateName(RunState s);
std::optional<RunState> ParseRunState(std::string_view s);
// COMPLETE, ABORT and FAIL end a run.
bool IsTerminal(RunState s);

struct Transformation {
  std::string type;     // DIRECT, INDIRECT
  std::string subtype;  // IDENTITY, TRANSFORMATION, AGGREGATION, FILTER, ...
  std::string description;
  bool masking = false;
  bool operator==(const Transformation&) const = default;
};

// One input field an output field (or the whole output) depends on.
struct InputField {
  DatasetKey dataset;
  std::string field;
  std::vector<Transformation> transformations;
};

// From the columnLineage facet: `output_field` empty means the dependency
// is the whole dataset's (the facet's "dataset" list: filters, joins...).
struct ColumnLineage {
  std::string output_field;
  std::vector<InputField> inputs;
};

struct Symlink {
  DatasetKey key;
  std::string type;
};

// The lifecycleStateChange facet.
struct LifecycleChange {
  std::string change;  // ALTER, CREATE, DROP, OVERWRITE, RENAME, TRUNCATE
  std::optional<DatasetKey> previous;
};

// A dataset as one event describes it. Optional parts are those the event
// said nothing about, which leave the catalog's value alone.
struct DatasetFacts {
  DatasetKey key;
  std::optional<std::vector<Field>> schema;
  std::optional<std::string> description;
  std::vector<Owner> owners;
  std::vector<std::string> tags;
  std::vector<Symlink> symlinks;
  std::optional<LifecycleChange> lifecycle;
  std::vector<ColumnLineage> column_lineage;
  nlohmann::json facets = nlohmann::json::object();     // every facet sent
  nlohmann::json io_facets = nlohmann::json::object();  // input/outputFacets
  std::vector<QualityResult> quality;  // checks and measurements (quality.h)
};

struct ParentRun {
  std::string run_id;
  JobKey job;
};

struct Event {
  EventKind kind = EventKind::kRun;
  RunState state = RunState::kNone;  // no eventType on a RunEvent: kOther
  std::string event_time;            // normalized: RFC 3339 UTC, ms
  int64_t event_time_ms = 0;
  std::string producer;
  std::string run_id;  // a UUID in lower case, or as sent; empty unless kRun
  JobKey job;          // empty for kDataset
  std::optional<ParentRun> parent;
  std::string error_message;
  std::string job_type;  // "BATCH/SPARK/SQL_JOB" from the jobType facet
  std::string job_description;
  std::string sql;
  nlohmann::json run_facets = nlohmann::json::object();
  // The test run facet's tests, attributed to no dataset by the event.
  std::vector<QualityResult> tests;
  std::optional<RunCost> cost;  // the cost and bigQueryJob run facets (cost.h)
  // The modelMetrics run facet (model_metrics.h).
  std::optional<RunModelMetrics> model_metrics;
  nlohmann::json job_facets = nlohmann::json::object();
  std::vector<DatasetFacts> inputs;
  std::vector<DatasetFacts> outputs;  // the dataset of a DatasetEvent too
};

// One event from its JSON text. Refuses text over kMaxEventBytes or nested
// deeper than kMaxEventDepth before parsing it.
absl::StatusOr<Event> ParseEvent(std::string_view text);
absl::StatusOr<Event> ParseEventJson(const nlohmann::json& event);

// The events in a body: one JSON object, a JSON array of objects, or JSON
// lines (one object per line). Each returned text is one event's JSON.
absl::StatusOr<std::vector<std::string>> SplitEvents(std::string_view text);

// RFC 3339 date-time to milliseconds since the epoch; a time without an
// offset is taken as UTC, fractions beyond milliseconds are dropped.
absl::StatusOr<int64_t> ParseEventTime(std::string_view text);

// The deepest nesting of arrays and objects in JSON text (strings skipped),
// without parsing it.
int JsonDepth(std::string_view text);

}  // namespace catalog::lineage
