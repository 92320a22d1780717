// Quality results: a dataset's time series of checks and measurements,
// one row per event and dataset (its results encoded as a
// catalog.v1.QualityResultList, each result's facet left out when it is
// the one before's), written with lineage (store_lineage.cc), encoded,
// read and pruned here.
#include <google/protobuf/io/coded_stream.h>

#include <cstring>

#include "absl/strings/numbers.h"
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

// A catalog.v1.QualityResult in protobuf's wire format, as its generated
// code writes it (proto3: empty strings, a zero enum and a zero double are
// left out), with protobuf's own varint and fixed-width writers. `facet`
// is what the row keeps of the result's facet: empty when it is the
// previous result's (an event's results come facet by facet, and the
// facet's name was a third of what a row kept).
namespace wire {

using google::protobuf::io::CodedOutputStream;

// A field's tag (one byte: every field number here is below 16).
constexpr uint32_t Tag(int field, int type) { return static_cast<uint32_t>(field << 3 | type); }
constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2;

size_t StringSize(const std::string& s) {
  if (s.empty()) return 0;
  return 1 + CodedOutputStream::VarintSize32(static_cast<uint32_t>(s.size())) + s.size();
}

uint8_t* String(int field, const std::string& s, uint8_t* p) {
  if (s.empty()) return p;
  p = CodedOutputStream::WriteTagToArray(Tag(field, kLengthDelimited), p);
  p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(s.size()), p);
  return CodedOutputStream::WriteStringToArray(s, p);
}

// The value's bits, 0 when it is absent or +0.0 (both left out).
uint64_t ValueBits(const lineage::QualityResult& r) {
  uint64_t bits = 0;
  if (r.value) std::memcpy(&bits, &*r.value, sizeof(bits));
  return bits;
}

uint32_t Kind(const lineage::QualityResult& r) {
  return lineage::IsCheck(r) ? v1::QUALITY_KIND_CHECK : v1::QUALITY_KIND_MEASUREMENT;
}

size_t ResultSize(const lineage::QualityResult& r, const std::string& facet) {
  return StringSize(facet) + StringSize(r.column) + StringSize(r.name) +
         1 + CodedOutputStream::VarintSize32(Kind(r)) + StringSize(r.check_type) +
         StringSize(r.status) + StringSize(r.severity) + StringSize(r.expected) +
         StringSize(r.actual) + (ValueBits(r) != 0 ? 1 + sizeof(uint64_t) : 0) +
         StringSize(r.description);
}

uint8_t* Result(const lineage::QualityResult& r, const std::string& facet, uint8_t* p) {
  p = String(4, facet, p);
  p = String(5, r.column, p);
  p = String(6, r.name, p);
  p = CodedOutputStream::WriteTagToArray(Tag(7, kVarint), p);
  p = CodedOutputStream::WriteVarint32ToArray(Kind(r), p);
  p = String(8, r.check_type, p);
  p = String(9, r.status, p);
  p = String(10, r.severity, p);
  p = String(11, r.expected, p);
  p = String(12, r.actual, p);
  if (const uint64_t bits = ValueBits(r); bits != 0) {
    p = CodedOutputStream::WriteTagToArray(Tag(13, kFixed64), p);
    p = CodedOutputStream::WriteLittleEndian64ToArray(bits, p);
  }
  return String(14, r.description, p);
}

}  // namespace wire

// The facet a row keeps for results[i]: none when the result before had
// the same one.
const std::string& KeptFacet(const std::vector<const lineage::QualityResult*>& results,
                             size_t i) {
  static const std::string kSame;
  return i > 0 && results[i - 1]->facet == results[i]->facet ? kSame : results[i]->facet;
}

}  // namespace

absl::Status DecodeQualityResults(std::string_view bytes, v1::QualityResultList& out) {
  if (!out.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("do not decode");
  }
  // Every result has a facet; rows written before facets were left out
  // have them all.
  for (int i = 1; i < out.results_size(); ++i) {
    if (out.results(i).facet().empty()) {
      out.mutable_results(i)->set_facet(out.results(i - 1).facet());
    }
  }
  return absl::OkStatus();
}

EncodedQuality EncodeQualityResults(const std::vector<const lineage::QualityResult*>& results) {
  // Written straight into a catalog.v1.QualityResultList's wire format
  // (field 1, each result length-delimited): building an event's dozens of
  // small messages first cost more than the rest of keeping them. Tests
  // compare it with protobuf's own serialization.
  using wire::CodedOutputStream;
  EncodedQuality out;
  std::vector<uint32_t> sizes;
  sizes.reserve(results.size());
  size_t total = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const lineage::QualityResult& r = *results[i];
    sizes.push_back(static_cast<uint32_t>(wire::ResultSize(r, KeptFacet(results, i))));
    total += 1 + CodedOutputStream::VarintSize32(sizes.back()) + sizes.back();
    out.checks += lineage::IsCheck(r);
    out.failed += r.status == "fail";
  }
  out.bytes.resize(total);
  uint8_t* p = reinterpret_cast<uint8_t*>(out.bytes.data());
  for (size_t i = 0; i < results.size(); ++i) {
    p = CodedOutputStream::WriteTagToArray(wire::Tag(1, wire::kLengthDelimited), p);
    p = CodedOutputStream::WriteVarint32ToArray(sizes[i], p);
    p = wire::Result(*results[i], KeptFacet(results, i), p);
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
      if (!DecodeQualityResults(s->BlobView(5), list).ok()) {
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
