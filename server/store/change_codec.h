// A committed write's Change (store.h) as bytes, as the PostgreSQL engine
// keeps it in its change table for other replicas to apply: MessagePack of
// the Change's fields, each upserted object as catalog.v1.Resource bytes.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace catalog::store {

std::string EncodeChange(const Change& change);
// DATA_LOSS when `bytes` is not an encoded Change.
absl::StatusOr<Change> DecodeChange(std::string_view bytes);

}  // namespace catalog::store
