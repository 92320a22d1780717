// Quality results: a dataset's time series of checks and measurements,
// one row per event and dataset (its results encoded as a
// catalog.v1.QualityResultList), written with lineage (store_lineage.cc),
// encoded, read and pruned here.
#include "absl/strings/numbers.h"
#include <cstring>

#include "catalog/v1/quality.pb.h"
#include "lib/lineage/quality.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

// An event's results for one dataset, at most (lib/lineage/quality.h).
constexpr int64_t kMaxQualityResultsPerRow = lineage::kMaxQualityResultsPerEvent;

bool Matches(const v1::QualityResult& r, const QualityFilter& f) {
  const bool check = r.kind() == v1::QUALITY_KIND_CHECK;
  if (f.column && r.column() != *f.column) return false;
  if (!f.name.empty() && r.name() != f.name) return false;
  if (f.kind == QualityFilter::Kind::kChecks && !check) return false;
  if (f.kind == QualityFilter::Kind::kMeasurements && check) return false;
  if (!f.status.empty() && r.status() != f.status) return false;
  return true;
}

// The protobuf wire format of a catalog.v1.QualityResult, as its
// generated code would write it (proto3: empty strings, a zero enum and a
// zero double are left out).
namespace wire {

constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void Varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Field numbers below 16: a one-byte tag.
void Tag(std::string& out, int field, int type) {
  out.push_back(static_cast<char>((field << 3) | type));
}

size_t StringSize(const std::string& s) {
  return s.empty() ? 0 : 1 + VarintSize(s.size()) + s.size();
}

void String(std::string& out, int field, const std::string& s) {
  if (s.empty()) return;
  Tag(out, field, kLengthDelimited);
  Varint(out, s.size());
  out.append(s);
}

uint64_t DoubleBits(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

v1::QualityKind KindOf(const lineage::QualityResult& r) {
  return lineage::IsCheck(r) ? v1::QUALITY_KIND_CHECK : v1::QUALITY_KIND_MEASUREMENT;
}

size_t ResultSize(const lineage::QualityResult& r) {
  size_t n = StringSize(r.facet) + StringSize(r.column) + StringSize(r.name) + 2 /* kind */ +
             StringSize(r.check_type) + StringSize(r.status) + StringSize(r.severity) +
             StringSize(r.expected) + StringSize(r.actual) + StringSize(r.description);
  if (r.value && DoubleBits(*r.value) != 0) n += 1 + 8;
  return n;
}

void WriteResult(std::string& out, const lineage::QualityResult& r) {
  String(out, 4, r.facet);
  String(out, 5, r.column);
  String(out, 6, r.name);
  Tag(out, 7, kVarint);
  Varint(out, static_cast<uint64_t>(KindOf(r)));
  String(out, 8, r.check_type);
  String(out, 9, r.status);
  String(out, 10, r.severity);
  String(out, 11, r.expected);
  String(out, 12, r.actual);
  if (r.value && DoubleBits(*r.value) != 0) {
    Tag(out, 13, kFixed64);
    uint64_t bits = DoubleBits(*r.value);
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((bits >> (8 * b)) & 0xff));
  }
  String(out, 14, r.description);
}

}  // namespace wire

}  // namespace

EncodedQuality EncodeQualityResults(const std::vector<const lineage::QualityResult*>& results) {
  // Written straight into the wire format of a catalog.v1.QualityResultList
  // (its field numbers below), as protobuf would write it: an event's
  // results are dozens of small messages, and building them first cost
  // more than the rest of keeping them (tests decode it with protobuf).
  EncodedQuality out;
  size_t total = 0;
  std::vector<size_t> sizes;
  sizes.reserve(results.size());
  for (const lineage::QualityResult* r : results) {
    const size_t size = wire::ResultSize(*r);
    sizes.push_back(size);
    total += 1 + wire::VarintSize(size) + size;
  }
  out.bytes.reserve(total);
  for (size_t i = 0; i < results.size(); ++i) {
    const lineage::QualityResult& r = *results[i];
    wire::Tag(out.bytes, 1, wire::kLengthDelimited);  // QualityResultList.results
    wire::Varint(out.bytes, sizes[i]);
    wire::WriteResult(out.bytes, r);
    const bool check = lineage::IsCheck(r);
    out.checks += check;
    out.failed += r.status == "fail";
  }
  return out;
}

absl::StatusOr<Page<QualityRecord>> Store::ListQualityResults(const DatasetKey& dataset,
                                                              const QualityFilter& filter,
                                                              const PageRequest& page) {
  // The token: the last result returned, as its row's key and its place in
  // the row.
  // Tokens come back from callers: its numbers are checked before use.
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 6));
  int64_t after_ms = 0, after_part = 0, after_index = -1;
  if (!after[0].empty() &&
      (!absl::SimpleAtoi(after[0], &after_ms) || !absl::SimpleAtoi(after[4], &after_part) ||
       !absl::SimpleAtoi(after[5], &after_index) || after_part < 0 || after_index < 0 ||
       after_index > kMaxQualityResultsPerRow)) {
    return absl::InvalidArgumentError("page_token: not one this call gave");
  }
  const size_t limit = static_cast<size_t>(EffectivePageSize(page));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<QualityRecord>> {
    ASSIGN_OR_RETURN(Statement * find,
                     db.Prepare("SELECT id FROM datasets WHERE namespace = ? AND name = ?"));
    find->Bind(1, dataset.ns);
    find->Bind(2, dataset.name);
    ASSIGN_OR_RETURN(bool found, find->Step());
    if (!found) {
      return absl::NotFoundError(StrCat("dataset \"", dataset.ToString(), "\" not found"));
    }
    int64_t id = find->Int(0);
    find->Reset();
    // Newest event first; rows without a failed check (or without checks)
    // are skipped in SQL when only those are asked for.
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare("SELECT event_ms, job_namespace, job_name, run_id, part, results, reporter "
                   "FROM quality_results WHERE dataset_id = ?1 AND event_ms >= ?2 AND (?3 = 0 OR "
                   "failed > 0) AND (?4 = 0 OR checks > 0) AND (?5 = '' OR (event_ms, "
                   "job_namespace, job_name, run_id, part) <= (CAST(?5 AS BIGINT), ?6, ?7, ?8, "
                   "CAST(?9 AS BIGINT))) ORDER BY event_ms DESC, job_namespace DESC, job_name "
                   "DESC, run_id DESC, part DESC"));
    s->Bind(1, id);
    s->Bind(2, filter.since_ms);
    s->Bind(3, int64_t{filter.status == "fail"});
    s->Bind(4, int64_t{filter.kind == QualityFilter::Kind::kChecks || !filter.status.empty()});
    for (int i = 0; i < 4; ++i) s->Bind(5 + i, after[static_cast<size_t>(i)]);
    // Only ever read as a number (PostgreSQL types the parameter so).
    s->Bind(9, after[4].empty() ? "0" : after[4]);
    Page<QualityRecord> out;
    std::vector<std::string> last_key;  // of the row the last result came from
    int64_t last_index = 0;
    v1::QualityResultList list;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      std::vector<std::string> key = {std::to_string(s->Int(0)), s->Text(1), s->Text(2),
                                      s->Text(3), std::to_string(s->Int(4))};
      const bool token_row = !after[0].empty() &&
                             std::equal(key.begin(), key.end(), after.begin());
      if (!list.ParseFromString(std::string(s->BlobView(5)))) {
        s->Reset();
        return absl::DataLossError(
            StrCat("quality results of ", dataset.ToString(), " at ", key[0], " do not decode"));
      }
      for (int64_t i = token_row ? after_index + 1 : 0; i < list.results_size(); ++i) {
        const v1::QualityResult& r = list.results(static_cast<int>(i));
        if (!Matches(r, filter)) continue;
        if (out.items.size() == limit) {
          last_key.push_back(std::to_string(last_index));
          out.next_page_token = EncodeKeyToken(last_key);
          s->Reset();
          return out;
        }
        out.items.push_back(QualityRecord{
            .event_ms = s->Int(0),
            .job = {s->Text(1), s->Text(2)},
            .run_id = s->Text(3),
            .facet = r.facet(),
            .column = r.column(),
            .name = r.name(),
            .check_type = r.check_type(),
            .status = r.status(),
            .severity = r.severity(),
            .expected = r.expected(),
            .actual = r.actual().empty() && r.kind() == v1::QUALITY_KIND_MEASUREMENT
                          ? lineage::NumberText(r.value())
                          : r.actual(),
            .value = r.kind() == v1::QUALITY_KIND_MEASUREMENT ? std::optional(r.value())
                                                               : std::nullopt,
            .description = r.description(),
            .reporter = s->Text(6)});
        last_key = key;
        last_index = i;
      }
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::PruneQualityResults(int64_t before_ms) {
  constexpr int64_t kHourMs = 3600 * 1000;
  // No revision and no audit event: retention is not a change to the catalog.
  // The time series share one retention: quality results, model metrics.
  return impl_->Write("", [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    int64_t forgot = 0;
    for (const char* table : {"quality_results", "model_metrics"}) {
      ASSIGN_OR_RETURN(Statement * oldest,
                       ctx.db.Prepare(StrCat("SELECT min(retained_from_ms) FROM ", table)));
      ASSIGN_OR_RETURN(bool row, oldest->Step());
      if (!row || oldest->IsNull(0)) continue;
      int64_t from = oldest->Int(0);
      oldest->Reset();
      if (from >= before_ms) continue;
      ASSIGN_OR_RETURN(Statement * s,
                       ctx.db.Prepare(StrCat("DELETE FROM ", table, " WHERE retained_from_ms < ?")));
      s->Bind(1, std::min(before_ms, from + kHourMs));
      RETURN_IF_ERROR(s->Run());
      forgot += ctx.db.Changes();
    }
    return forgot;
  });
}

}  // namespace catalog::store
