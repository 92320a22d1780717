// The rules every catalog object satisfies before it is stored.
//
// Every failure is absl::InvalidArgumentError with a message of the form
// "<field path>: <rule>", e.g.
//   "spec.schema.fields[2].name: duplicate field name \"email\"".
// The path is the one the object's manifest uses, so tools can map it back to
// a line of the file. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/catalog/model.h"

namespace catalog {

inline constexpr size_t kMaxNameBytes = 1024;
inline constexpr size_t kMaxShortNameBytes = 256;
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr size_t kMaxListItems = 1000;
inline constexpr size_t kMaxFields = 10000;
inline constexpr int kMaxFieldDepth = 32;
// Glossary (docs/governance.md#glossary): the terms one dataset, column or
// term links, and a definition's length.
inline constexpr size_t kMaxTermLinks = 50;
inline constexpr size_t kMaxDefinitionBytes = 8 * 1024;
// Models (docs/models.md).
inline constexpr size_t kMaxModelNameBytes = 128;
inline constexpr size_t kMaxModelVersionBytes = 64;
inline constexpr size_t kMaxModelMetrics = 100;

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// A name: non-empty, at most `max_bytes`, valid UTF-8, no control characters.
absl::Status ValidateName(std::string_view path, std::string_view value,
                          size_t max_bytes = kMaxNameBytes);

// Free text: at most `max_bytes`, valid UTF-8, no control characters other
// than tab and newline. May be empty.
absl::Status ValidateText(std::string_view path, std::string_view value,
                          size_t max_bytes = kMaxTextBytes);

// "finance/payments": '/'-separated segments of letters, digits, '-', '_'
// and '.'.
absl::Status ValidateDomainPath(std::string_view path, std::string_view value);

// A layer's name (docs/governance.md#layers): 1 to 32 lowercase letters,
// digits, '-' and '_', starting with a letter.
absl::Status ValidateLayerName(std::string_view path, std::string_view value);

// A certification's expiry: an RFC 3339 date-time ("2027-06-30T00:00:00Z")
// or a date ("2027-06-30", midnight UTC), as milliseconds since the epoch.
absl::StatusOr<int64_t> ParseCertificationExpiry(std::string_view path, std::string_view value);

// Parses "user:alice", "serviceaccount:etl" or "group:x".
absl::StatusOr<PrincipalRef> ParsePrincipalRef(std::string_view path,
                                               std::string_view value);

// Splits "namespace/name" the OpenLineage way: the namespace runs to the
// first '/' after its "scheme://" (or to the first '/' when it has no
// scheme). "postgres://db:5432/sales.orders" -> {"postgres://db:5432",
// "sales.orders"}.
absl::StatusOr<DatasetKey> ParseDatasetKey(std::string_view value);

// The parent of a domain path: "a/b/c" -> "a/b", "a" -> "".
std::string DomainParent(std::string_view path);

// Whether `path` is `domain` or a domain beneath it ("sales/eu" is in
// "sales"; "salesforce" is not). Every path is in "".
bool InDomain(std::string_view path, std::string_view domain);

// A dataset key; errors name "`path`.namespace" or "`path`.name" (a
// manifest's "metadata", a request's "key").
absl::Status ValidateDatasetKey(const DatasetKey& key, std::string_view path = "metadata");
absl::Status ValidateDataset(const Dataset& dataset);
absl::Status ValidateDomain(const Domain& domain);
absl::Status ValidateJob(const Job& job);
absl::Status ValidatePrincipal(const Principal& principal);
// A glossary term's id: 1 to 63 lowercase letters, digits and '-',
// starting with a letter ("customer-email").
absl::Status ValidateTermId(std::string_view path, std::string_view id);
absl::Status ValidateGlossaryTerm(const GlossaryTerm& term);
// A model's name: 1 to 128 letters, digits, '.', '_' and '-', starting
// with a letter or digit ("churn-predictor", "ml.prod.churn").
absl::Status ValidateModelName(std::string_view path, std::string_view name);
// A version: as a name, at most 64 ("3", "2026-12-04.1").
absl::Status ValidateModelVersionId(std::string_view path, std::string_view version);
// An alias: 1 to 63 lowercase letters, digits, '-' and '_', starting with
// a letter ("champion").
absl::Status ValidateModelAlias(std::string_view path, std::string_view alias);
absl::Status ValidateModel(const Model& model);
absl::Status ValidateModelVersion(const ModelVersion& version);
// "name", "name@version" or "name@alias".
absl::Status ValidateModelRef(std::string_view path, std::string_view ref);
// AI applications (docs/models.md#ai-applications): at most this many
// models, tools, and datasets in each list.
inline constexpr size_t kMaxApplicationItems = 100;
absl::Status ValidateAIApplication(const AIApplication& app);
// Feature views (docs/models.md#feature-views): at least one feature, at
// most this many.
inline constexpr size_t kMaxFeatures = 1000;
absl::Status ValidateFeatureView(const FeatureView& view);
absl::Status ValidateResource(const Resource& resource);

}  // namespace catalog
