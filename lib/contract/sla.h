// A data contract's freshness agreement (ODCS `slaProperties`: latency,
// frequency, timeOfAvailability, retention) read into durations and
// deadlines, and a dataset's freshness judged from when it was last
// written: fresh, stale or unknown, since when, and when the judgement
// changes next if nothing is written (what a clock waits for). Pure: the
// caller supplies the times.
//
//   ASSIGN_OR_RETURN(Sla sla, SlaOf(contract));
//   Freshness f = JudgeFreshness(sla, last_write_ms, now_ms);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/contract/contract.h"

namespace catalog::contract {

// A daily deadline: timeOfAvailability "09:00-08:00" is 17:00 UTC.
struct DailyDeadline {
  int minute_utc = 0;  // minutes after midnight UTC, 0..1439
  std::string text;    // as written
  std::string driver;  // regulatory, analytics, operational, ...
};

struct Sla {
  std::optional<int64_t> latency_ms;    // data at most this old
  std::optional<int64_t> frequency_ms;  // written at least this often
  std::vector<DailyDeadline> available_by;
  std::optional<int64_t> retention_ms;  // kept this long (reported, not judged)
  bool empty() const { return !latency_ms && !frequency_ms && available_by.empty(); }
};

// The agreement a contract states. INVALID_ARGUMENT naming the entry
// ("slaProperties[2].unit: ...") for a value or unit it cannot read;
// properties other than these four are ignored.
absl::StatusOr<Sla> SlaOf(const Contract& contract);
// The same, from a contract document's root.
absl::StatusOr<Sla> SlaOf(const Node& root);

// An agreement as compact text, kept beside each dataset so a clock can
// judge it again without parsing the contract ("" for an empty one);
// DecodeSla reads it back (an empty Sla for text it cannot read).
std::string EncodeSla(const Sla& sla);
Sla DecodeSla(std::string_view text);

// A duration in a unit as ODCS writes them: minutes (m, min, minute(s)),
// hours (h, hr, hour(s)), days (d, day(s)), weeks (w, week(s)), years (y,
// yr, year(s), 365 days). Nothing for another unit.
std::optional<int64_t> UnitMs(std::string_view unit);

// A duration as the judgements write it: "4 h", "1 d", "90 min".
std::string SpanText(int64_t ms);

enum class FreshnessState { kUnknown, kFresh, kStale };
std::string FreshnessName(FreshnessState s);  // "unknown", "fresh", "stale"
FreshnessState ParseFreshness(std::string_view name);  // unknown for any other

struct Freshness {
  FreshnessState state = FreshnessState::kUnknown;
  int64_t since_ms = 0;   // when it became so (0 when unknown)
  std::string reason;     // which agreement, and by how much
  // When the judgement changes if nothing is written meanwhile (a fresh
  // dataset going stale); 0 when it does not.
  int64_t next_change_ms = 0;
};

// Freshness at `now_ms` of a dataset last written (a successful run that
// wrote it, or its lastUpdated) at `last_write_ms`, never when nothing.
// Stale when any agreement is broken (the earliest breach gives `since`);
// unknown without an agreement or a write.
Freshness JudgeFreshness(const Sla& sla, std::optional<int64_t> last_write_ms, int64_t now_ms);

}  // namespace catalog::contract
