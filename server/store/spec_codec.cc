#include "server/store/spec_codec.h"

#include <nlohmann/json.hpp>

#include "catalog/v1/catalog.pb.h"
#include "lib/catalog/json_codec.h"
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
