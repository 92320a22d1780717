// Conversions between the catalog model (lib/catalog) and its Protobuf API
// messages: at the edges (the gRPC handlers and catalogctl), and for the
// binary form in which the store keeps dataset specs.
//
// FromProto functions reject unknown enum values with INVALID_ARGUMENT naming
// the field; they do not apply the rules of lib/catalog/validate.h.
#pragma once

#include "absl/status/statusor.h"
#include "catalog/v1/catalog.pb.h"
#include "lib/catalog/model.h"

namespace catalog {

v1::DatasetKey ToProto(const DatasetKey& key);
// `field` names the value in the error.
absl::StatusOr<Classification> FromProto(v1::Classification c, std::string_view field);
void OwnersToProto(const std::vector<Owner>& owners,
                   google::protobuf::RepeatedPtrField<v1::Owner>* out);
DatasetKey FromProto(const v1::DatasetKey& key);

// A schema's fields; errors name `path` ("fields[2].classification").
void FieldsToProto(const std::vector<Field>& fields,
                   google::protobuf::RepeatedPtrField<v1::Field>* out);
absl::StatusOr<std::vector<Field>> FieldsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Field>& fields,
    const std::string& path);

v1::ObjectStatus ToProto(const ObjectStatus& status);
ObjectStatus FromProto(const v1::ObjectStatus& status);

// A dataset's spec; errors name "spec.<field>". The store keeps specs in
// this form too (server/store/spec_codec.h).
void SpecToProto(const DatasetSpec& spec, v1::DatasetSpec* out);
absl::StatusOr<DatasetSpec> SpecFromProto(const v1::DatasetSpec& spec);

v1::Dataset ToProto(const Dataset& dataset);
absl::StatusOr<Dataset> FromProto(const v1::Dataset& dataset);

v1::Domain ToProto(const Domain& domain);
absl::StatusOr<Domain> FromProto(const v1::Domain& domain);

v1::Principal ToProto(const Principal& principal);
absl::StatusOr<Principal> FromProto(const v1::Principal& principal);

v1::JobOwnership ToProto(const Job& job);
absl::StatusOr<Job> FromProto(const v1::JobOwnership& job);

// A data product: its document and what is read out of it (ports without
// their datasets, no health: GetDataProduct adds those). From the API only
// the document (and status) is read: it is parsed again, and an `id` that
// differs from the document's is INVALID_ARGUMENT.
v1::DataProduct ToProto(const DataProduct& product);
absl::StatusOr<DataProduct> FromProto(const v1::DataProduct& product);

// A glossary term, without its links (GetGlossaryTerm adds those).
v1::GlossaryTerm ToProto(const GlossaryTerm& term);
absl::StatusOr<GlossaryTerm> FromProto(const v1::GlossaryTerm& term);
// Models (docs/models.md), without aliases and counts (ModelService adds
// those).
v1::Model ToProto(const Model& model);
absl::StatusOr<Model> FromProto(const v1::Model& model);
v1::ModelVersion ToProto(const ModelVersion& version);
absl::StatusOr<ModelVersion> FromProto(const v1::ModelVersion& version);
v1::FeatureView ToProto(const FeatureView& view);
absl::StatusOr<FeatureView> FromProto(const v1::FeatureView& view);
v1::AIApplication ToProto(const AIApplication& app);
absl::StatusOr<AIApplication> FromProto(const v1::AIApplication& app);

v1::Resource ToProto(const Resource& resource);
absl::StatusOr<Resource> FromProto(const v1::Resource& resource);

v1::PrincipalKind ToProto(PrincipalKind kind);
absl::StatusOr<PrincipalKind> FromProto(v1::PrincipalKind kind);

// A time as FormatMs (lib/util/time.h) writes it, in milliseconds since
// the epoch; 0 for "" or anything else.
int64_t MsOfTime(const std::string& text);

}  // namespace catalog
