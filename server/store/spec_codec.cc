#include "server/store/spec_codec.h"

#include <nlohmann/json.hpp>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "catalog/v1/catalog.pb.h"
#include "lib/catalog/json_codec.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::store {

std::string EncodeSpecBinary(const DatasetSpec& spec) {
  v1::DatasetSpec out;
  SpecToProto(spec, &out);
  return out.SerializeAsString();
}

absl::StatusOr<DatasetSpec> ReadSpec(const Statement& s, int json_column, int binary_column,
                                     const DatasetKey& key) {
  if (!s.IsNull(binary_column)) {
    std::string_view bytes = s.BlobView(binary_column);
    v1::DatasetSpec spec;
    if (!spec.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(
          StrCat("dataset ", key.ToString(), ": stored binary spec does not decode"));
    }
    absl::StatusOr<DatasetSpec> out = SpecFromProto(spec);
    if (!out.ok()) {
      return absl::DataLossError(StrCat("dataset ", key.ToString(),
                                        ": stored binary spec: ", MessageOf(out.status())));
    }
    return out;
  }
  return DecodeSpecJson(s.Text(json_column), key);
}

absl::StatusOr<DatasetSpec> DecodeSpecJson(const std::string& text, const DatasetKey& key) {
  nlohmann::json spec = nlohmann::json::parse(text, nullptr, false);
  if (spec.is_discarded()) {
    return absl::DataLossError(StrCat("dataset ", key.ToString(), ": stored spec is not JSON"));
  }
  return DatasetSpecFromJson(spec);
}

}  // namespace catalog::store

namespace catalog::store {

absl::StatusOr<Classification> ReadClassification(const Statement& s, int json_column,
                                                  int binary_column, const DatasetKey& key) {
  if (s.IsNull(binary_column)) {
    ASSIGN_OR_RETURN(DatasetSpec spec, ReadSpec(s, json_column, binary_column, key));
    return spec.classification;
  }
  using google::protobuf::internal::WireFormatLite;
  std::string_view bytes = s.BlobView(binary_column);
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  constexpr int kClassification = v1::DatasetSpec::kClassificationFieldNumber;
  auto classification = v1::CLASSIFICATION_UNSPECIFIED;
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == kClassification &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      uint32_t value = 0;
      if (!in.ReadVarint32(&value)) break;
      classification = static_cast<v1::Classification>(value);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return absl::DataLossError(
          StrCat("dataset ", key.ToString(), ": stored binary spec does not decode"));
    }
  }
  if (!in.ConsumedEntireMessage() && in.CurrentPosition() != static_cast<int>(bytes.size())) {
    return absl::DataLossError(
        StrCat("dataset ", key.ToString(), ": stored binary spec does not decode"));
  }
  absl::StatusOr<Classification> out = FromProto(classification, "spec.classification");
  if (!out.ok()) {
    return absl::DataLossError(StrCat("dataset ", key.ToString(), ": stored binary spec: ",
                                      MessageOf(out.status())));
  }
  return out;
}

}  // namespace catalog::store
