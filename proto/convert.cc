#include "proto/convert.h"

#include <nlohmann/json.hpp>

#include "lib/catalog/data_product.h"

#include "lib/util/status_macros.h"
#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"

namespace catalog {
namespace {


absl::Status BadEnum(std::string_view field, int value) {
  return absl::InvalidArgumentError(
      StrCat(field, ": unknown enum value ", value));
}

v1::Classification ToProto(Classification c) {
  switch (c) {
    case Classification::kUnspecified:
      return v1::CLASSIFICATION_UNSPECIFIED;
    case Classification::kPublic:
      return v1::CLASSIFICATION_PUBLIC;
    case Classification::kInternal:
      return v1::CLASSIFICATION_INTERNAL;
    case Classification::kConfidential:
      return v1::CLASSIFICATION_CONFIDENTIAL;
    case Classification::kRestricted:
      return v1::CLASSIFICATION_RESTRICTED;
  }
  return v1::CLASSIFICATION_UNSPECIFIED;
}

v1::OwnershipType ToProto(OwnershipType t) {
  switch (t) {
    case OwnershipType::kTechnical:
      return v1::OWNERSHIP_TYPE_TECHNICAL;
    case OwnershipType::kBusiness:
      return v1::OWNERSHIP_TYPE_BUSINESS;
    case OwnershipType::kSteward:
      return v1::OWNERSHIP_TYPE_STEWARD;
  }
  return v1::OWNERSHIP_TYPE_UNSPECIFIED;
}

absl::StatusOr<OwnershipType> FromProto(v1::OwnershipType t,
                                        std::string_view field) {
  switch (t) {
    case v1::OWNERSHIP_TYPE_UNSPECIFIED:  // the manifest default
    case v1::OWNERSHIP_TYPE_TECHNICAL:
      return OwnershipType::kTechnical;
    case v1::OWNERSHIP_TYPE_BUSINESS:
      return OwnershipType::kBusiness;
    case v1::OWNERSHIP_TYPE_STEWARD:
      return OwnershipType::kSteward;
    default:
      return BadEnum(field, t);
  }
}


absl::StatusOr<std::vector<Owner>> OwnersFromProto(
    const google::protobuf::RepeatedPtrField<v1::Owner>& owners,
    std::string_view path) {
  std::vector<Owner> out;
  for (int i = 0; i < owners.size(); ++i) {
    Owner o{.principal = owners[i].principal()};
    ASSIGN_OR_RETURN(o.type, FromProto(owners[i].type(),
                                       StrCat(path, "[", i, "].type")));
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

absl::StatusOr<Classification> FromProto(v1::Classification c,
                                         std::string_view field) {
  switch (c) {
    case v1::CLASSIFICATION_UNSPECIFIED:
      return Classification::kUnspecified;
    case v1::CLASSIFICATION_PUBLIC:
      return Classification::kPublic;
    case v1::CLASSIFICATION_INTERNAL:
      return Classification::kInternal;
    case v1::CLASSIFICATION_CONFIDENTIAL:
      return Classification::kConfidential;
    case v1::CLASSIFICATION_RESTRICTED:
      return Classification::kRestricted;
    default:
      return BadEnum(field, c);
  }
}

void FieldsToProto(const std::vector<Field>& fields,
                   google::protobuf::RepeatedPtrField<v1::Field>* out) {
  for (const Field& f : fields) {
    v1::Field* p = out->Add();
    p->set_name(f.name);
    p->set_type(f.type);
    p->set_nullable(f.nullable);
    p->set_description(f.description);
    for (const auto& t : f.tags) p->add_tags(t);
    p->set_classification(ToProto(f.classification));
    FieldsToProto(f.fields, p->mutable_fields());
    for (const auto& t : f.terms) p->add_terms(t);
  }
}

absl::StatusOr<std::vector<Field>> FieldsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Field>& fields,
    const std::string& path) {
  // Protobuf's parser already bounds message nesting (100 levels).
  std::vector<Field> out;
  out.reserve(fields.size());
  for (int i = 0; i < fields.size(); ++i) {
    const v1::Field& p = fields[i];
    std::string item = StrCat(path, "[", i, "]");
    Field f{.name = p.name(),
            .type = p.type(),
            .nullable = p.nullable(),
            .description = p.description(),
            .tags = {p.tags().begin(), p.tags().end()}};
    ASSIGN_OR_RETURN(f.classification,
                     FromProto(p.classification(),
                               StrCat(item, ".classification")));
    ASSIGN_OR_RETURN(f.fields, FieldsFromProto(p.fields(),
                                               StrCat(item, ".fields")));
    f.terms.assign(p.terms().begin(), p.terms().end());
    out.push_back(std::move(f));
  }
  return out;
}


void OwnersToProto(const std::vector<Owner>& owners,
                   google::protobuf::RepeatedPtrField<v1::Owner>* out) {
  for (const Owner& o : owners) {
    v1::Owner* p = out->Add();
    p->set_principal(o.principal);
    p->set_type(ToProto(o.type));
  }
}

v1::DatasetKey ToProto(const DatasetKey& key) {
  v1::DatasetKey out;
  out.set_namespace_(key.ns);
  out.set_name(key.name);
  return out;
}

DatasetKey FromProto(const v1::DatasetKey& key) {
  return {key.namespace_(), key.name()};
}

v1::ObjectStatus ToProto(const ObjectStatus& s) {
  v1::ObjectStatus out;
  out.set_revision(s.revision);
  out.set_schema_version(s.schema_version);
  out.set_created_at(s.created_at);
  out.set_updated_at(s.updated_at);
  out.set_updated_by(s.updated_by);
  return out;
}

ObjectStatus FromProto(const v1::ObjectStatus& s) {
  return {.revision = s.revision(),
          .schema_version = s.schema_version(),
          .created_at = s.created_at(),
          .updated_at = s.updated_at(),
          .updated_by = s.updated_by()};
}

void SpecToProto(const DatasetSpec& in, v1::DatasetSpec* spec) {
  spec->set_description(in.description);
  spec->set_domain(in.domain);
  spec->set_classification(ToProto(in.classification));
  for (const auto& t : in.tags) spec->add_tags(t);
  OwnersToProto(in.owners, spec->mutable_owners());
  for (const auto& [k, v] : in.properties) {
    (*spec->mutable_properties())[k] = v;
  }
  switch (in.lifecycle) {
    case Lifecycle::kActive: spec->set_lifecycle(v1::LIFECYCLE_ACTIVE); break;
    case Lifecycle::kDeprecated:
      spec->set_lifecycle(v1::LIFECYCLE_DEPRECATED);
      break;
    case Lifecycle::kDropped: spec->set_lifecycle(v1::LIFECYCLE_DROPPED); break;
  }
  FieldsToProto(in.fields, spec->mutable_schema()->mutable_fields());
  spec->set_layer(in.layer);
  spec->set_tier(in.tier);
  if (in.certification != Certification{}) {
    v1::Certification* c = spec->mutable_certification();
    c->set_state(in.certification.state);
    c->set_expires(in.certification.expires);
    c->set_by(in.certification.by);
    c->set_at(in.certification.at);
  }
  for (const auto& t : in.terms) spec->add_terms(t);
}

absl::StatusOr<DatasetSpec> SpecFromProto(const v1::DatasetSpec& spec) {
  DatasetSpec out;
  out.description = spec.description();
  out.domain = spec.domain();
  ASSIGN_OR_RETURN(out.classification,
                   FromProto(spec.classification(), "spec.classification"));
  out.tags.assign(spec.tags().begin(), spec.tags().end());
  ASSIGN_OR_RETURN(out.owners, OwnersFromProto(spec.owners(), "spec.owners"));
  out.properties.insert(spec.properties().begin(), spec.properties().end());
  switch (spec.lifecycle()) {
    case v1::LIFECYCLE_UNSPECIFIED:
    case v1::LIFECYCLE_ACTIVE:
      out.lifecycle = Lifecycle::kActive;
      break;
    case v1::LIFECYCLE_DEPRECATED:
      out.lifecycle = Lifecycle::kDeprecated;
      break;
    case v1::LIFECYCLE_DROPPED:
      out.lifecycle = Lifecycle::kDropped;
      break;
    default:
      return BadEnum("spec.lifecycle", spec.lifecycle());
  }
  ASSIGN_OR_RETURN(out.fields, FieldsFromProto(spec.schema().fields(),
                                               "spec.schema.fields"));
  out.layer = spec.layer();
  out.tier = spec.tier();
  out.certification = {.state = spec.certification().state(),
                       .expires = spec.certification().expires(),
                       .by = spec.certification().by(),
                       .at = spec.certification().at()};
  out.terms.assign(spec.terms().begin(), spec.terms().end());
  return out;
}

v1::Dataset ToProto(const Dataset& d) {
  v1::Dataset out;
  *out.mutable_key() = ToProto(d.key);
  SpecToProto(d.spec, out.mutable_spec());
  *out.mutable_status() = ToProto(d.status);
  if (d.contract) {
    v1::DatasetContract* c = out.mutable_contract();
    c->set_id(d.contract->id);
    c->set_version(d.contract->version);
    c->set_status(d.contract->status);
    c->set_object(d.contract->object);
  }
  v1::DatasetHealthState* h = out.mutable_health();
  h->set_health(d.health.state);
  h->set_since(FormatMs(d.health.since_ms));
  h->set_freshness(d.health.freshness);
  h->set_freshness_since(FormatMs(d.health.freshness_since_ms));
  return out;
}

absl::StatusOr<Dataset> FromProto(const v1::Dataset& p) {
  Dataset d;
  d.key = FromProto(p.key());
  ASSIGN_OR_RETURN(d.spec, SpecFromProto(p.spec()));
  d.status = FromProto(p.status());
  if (p.has_contract()) {
    d.contract = ContractRef{p.contract().id(), p.contract().version(),
                             p.contract().status(), p.contract().object()};
  }
  if (p.has_health()) {
    d.health.state = p.health().health();
    d.health.since_ms = MsOfTime(p.health().since());
    d.health.freshness = p.health().freshness();
    d.health.freshness_since_ms = MsOfTime(p.health().freshness_since());
  }
  return d;
}

v1::Domain ToProto(const Domain& d) {
  v1::Domain out;
  out.set_path(d.path);
  out.mutable_spec()->set_description(d.spec.description);
  OwnersToProto(d.spec.owners, out.mutable_spec()->mutable_owners());
  *out.mutable_status() = ToProto(d.status);
  return out;
}

absl::StatusOr<Domain> FromProto(const v1::Domain& p) {
  Domain d{.path = p.path()};
  d.spec.description = p.spec().description();
  ASSIGN_OR_RETURN(d.spec.owners,
                   OwnersFromProto(p.spec().owners(), "spec.owners"));
  d.status = FromProto(p.status());
  return d;
}

v1::JobOwnership ToProto(const Job& j) {
  v1::JobOwnership out;
  out.set_namespace_(j.key.ns);
  out.set_name(j.key.name);
  OwnersToProto(j.spec.owners, out.mutable_owners());
  *out.mutable_status() = ToProto(j.status);
  return out;
}

absl::StatusOr<Job> FromProto(const v1::JobOwnership& p) {
  Job j{.key = {p.namespace_(), p.name()}};
  ASSIGN_OR_RETURN(j.spec.owners, OwnersFromProto(p.owners(), "owners"));
  j.status = FromProto(p.status());
  return j;
}

v1::PrincipalKind ToProto(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kUser:
      return v1::PRINCIPAL_KIND_USER;
    case PrincipalKind::kServiceAccount:
      return v1::PRINCIPAL_KIND_SERVICE_ACCOUNT;
    case PrincipalKind::kGroup:
      return v1::PRINCIPAL_KIND_GROUP;
  }
  return v1::PRINCIPAL_KIND_UNSPECIFIED;
}

absl::StatusOr<PrincipalKind> FromProto(v1::PrincipalKind kind) {
  switch (kind) {
    case v1::PRINCIPAL_KIND_USER:
      return PrincipalKind::kUser;
    case v1::PRINCIPAL_KIND_SERVICE_ACCOUNT:
      return PrincipalKind::kServiceAccount;
    case v1::PRINCIPAL_KIND_GROUP:
      return PrincipalKind::kGroup;
    default:
      return BadEnum("kind", kind);
  }
}

v1::Principal ToProto(const Principal& p) {
  v1::Principal out;
  out.set_kind(ToProto(p.kind));
  out.set_name(p.name);
  for (const auto& [k, v] : p.spec.attributes) {
    (*out.mutable_spec()->mutable_attributes())[k] = v;
  }
  for (const auto& g : p.spec.groups) out.mutable_spec()->add_groups(g);
  *out.mutable_status() = ToProto(p.status);
  return out;
}

absl::StatusOr<Principal> FromProto(const v1::Principal& p) {
  Principal out{.name = p.name()};
  ASSIGN_OR_RETURN(out.kind, FromProto(p.kind()));
  out.spec.attributes.insert(p.spec().attributes().begin(),
                             p.spec().attributes().end());
  out.spec.groups.assign(p.spec().groups().begin(), p.spec().groups().end());
  out.status = FromProto(p.status());
  return out;
}

v1::DataProduct ToProto(const DataProduct& p) {
  v1::DataProduct out;
  out.set_id(p.id);
  out.set_document(p.spec.document);
  *out.mutable_status() = ToProto(p.status);
  out.set_name(p.spec.name);
  out.set_version(p.spec.version);
  out.set_product_status(p.spec.status);
  out.set_domain(p.spec.domain);
  OwnersToProto(p.spec.owners, out.mutable_owners());
  for (const std::string& t : p.spec.tags) out.add_tags(t);
  out.set_purpose(p.spec.purpose);
  auto ports = [](const std::vector<ProductPort>& in,
                  google::protobuf::RepeatedPtrField<v1::ProductPort>* to) {
    for (const ProductPort& port : in) {
      v1::ProductPort* o = to->Add();
      o->set_name(port.name);
      o->set_version(port.version);
      o->set_description(port.description);
      o->set_type(port.type);
      o->set_contract_id(port.contract_id);
    }
  };
  ports(p.spec.input_ports, out.mutable_input_ports());
  ports(p.spec.output_ports, out.mutable_output_ports());
  return out;
}

absl::StatusOr<DataProduct> FromProto(const v1::DataProduct& p) {
  if (p.document().empty()) {
    return absl::InvalidArgumentError("document: the ODPS document (JSON) is required");
  }
  nlohmann::json doc = nlohmann::json::parse(p.document(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("document: is not JSON");
  ASSIGN_OR_RETURN(DataProduct out, DataProductFromOdps(doc));
  if (!p.id().empty() && p.id() != out.id) {
    return absl::InvalidArgumentError(
        StrCat("id: \"", p.id(), "\" is not the document's id \"", out.id, "\""));
  }
  out.status = FromProto(p.status());
  return out;
}

v1::GlossaryTerm ToProto(const GlossaryTerm& t) {
  v1::GlossaryTerm out;
  out.set_id(t.id);
  out.set_name(t.spec.name);
  out.set_definition(t.spec.definition);
  for (const std::string& s : t.spec.synonyms) out.add_synonyms(s);
  for (const std::string& r : t.spec.related) out.add_related(r);
  OwnersToProto(t.spec.owners, out.mutable_owners());
  out.set_domain(t.spec.domain);
  out.set_term_status(t.spec.status);
  *out.mutable_status() = ToProto(t.status);
  return out;
}

absl::StatusOr<GlossaryTerm> FromProto(const v1::GlossaryTerm& p) {
  GlossaryTerm out{.id = p.id()};
  out.spec.name = p.name();
  out.spec.definition = p.definition();
  out.spec.synonyms.assign(p.synonyms().begin(), p.synonyms().end());
  out.spec.related.assign(p.related().begin(), p.related().end());
  ASSIGN_OR_RETURN(out.spec.owners, OwnersFromProto(p.owners(), "owners"));
  out.spec.domain = p.domain();
  if (!p.term_status().empty()) out.spec.status = p.term_status();
  out.status = FromProto(p.status());
  return out;
}

v1::Model ToProto(const Model& m) {
  v1::Model out;
  out.set_name(m.name);
  out.set_description(m.spec.description);
  out.set_domain(m.spec.domain);
  OwnersToProto(m.spec.owners, out.mutable_owners());
  for (const std::string& t : m.spec.tags) out.add_tags(t);
  v1::ModelCard* card = out.mutable_card();
  card->set_intended_use(m.spec.card.intended_use);
  card->set_limitations(m.spec.card.limitations);
  card->set_ethical_considerations(m.spec.card.ethical_considerations);
  for (const DatasetKey& k : m.spec.card.evaluation_data) {
    *card->add_evaluation_data() = ToProto(k);
  }
  *out.mutable_status() = ToProto(m.status);
  return out;
}

absl::StatusOr<Model> FromProto(const v1::Model& p) {
  Model out{.name = p.name()};
  out.spec.description = p.description();
  out.spec.domain = p.domain();
  ASSIGN_OR_RETURN(out.spec.owners, OwnersFromProto(p.owners(), "owners"));
  out.spec.tags.assign(p.tags().begin(), p.tags().end());
  out.spec.card.intended_use = p.card().intended_use();
  out.spec.card.limitations = p.card().limitations();
  out.spec.card.ethical_considerations = p.card().ethical_considerations();
  for (const v1::DatasetKey& k : p.card().evaluation_data()) {
    out.spec.card.evaluation_data.push_back(FromProto(k));
  }
  out.status = FromProto(p.status());
  return out;
}

v1::ModelVersion ToProto(const ModelVersion& v) {
  v1::ModelVersion out;
  out.set_model(v.model);
  out.set_version(v.version);
  out.set_description(v.spec.description);
  out.set_source(v.spec.source);
  out.set_framework(v.spec.framework);
  out.mutable_run()->set_namespace_(v.spec.run.ns);
  out.mutable_run()->set_job(v.spec.run.job);
  out.mutable_run()->set_run_id(v.spec.run.run_id);
  for (const auto& [name, value] : v.spec.metrics) (*out.mutable_metrics())[name] = value;
  out.set_version_status(v.spec.status);
  FieldsToProto(v.spec.inputs, out.mutable_inputs()->mutable_fields());
  FieldsToProto(v.spec.outputs, out.mutable_outputs()->mutable_fields());
  *out.mutable_status() = ToProto(v.status);
  return out;
}

absl::StatusOr<ModelVersion> FromProto(const v1::ModelVersion& p) {
  ModelVersion out{.model = p.model(), .version = p.version()};
  out.spec.description = p.description();
  out.spec.source = p.source();
  out.spec.framework = p.framework();
  out.spec.run = {.ns = p.run().namespace_(), .job = p.run().job(), .run_id = p.run().run_id()};
  for (const auto& [name, value] : p.metrics()) out.spec.metrics[name] = value;
  if (!p.version_status().empty()) out.spec.status = p.version_status();
  ASSIGN_OR_RETURN(out.spec.inputs, FieldsFromProto(p.inputs().fields(), "inputs.fields"));
  ASSIGN_OR_RETURN(out.spec.outputs, FieldsFromProto(p.outputs().fields(), "outputs.fields"));
  out.status = FromProto(p.status());
  return out;
}

static void KeysToProto(const std::vector<DatasetKey>& keys,
                 google::protobuf::RepeatedPtrField<v1::DatasetKey>* out) {
  for (const DatasetKey& k : keys) *out->Add() = ToProto(k);
}

static std::vector<DatasetKey> KeysFromProto(
    const google::protobuf::RepeatedPtrField<v1::DatasetKey>& in) {
  std::vector<DatasetKey> out;
  for (const v1::DatasetKey& k : in) out.push_back(FromProto(k));
  return out;
}

v1::FeatureView ToProto(const FeatureView& v) {
  v1::FeatureView out;
  out.set_name(v.name);
  out.set_description(v.spec.description);
  out.set_domain(v.spec.domain);
  OwnersToProto(v.spec.owners, out.mutable_owners());
  for (const std::string& t : v.spec.tags) out.add_tags(t);
  *out.mutable_source() = ToProto(v.spec.source);
  for (const std::string& e : v.spec.entities) out.add_entities(e);
  for (const Feature& f : v.spec.features) {
    v1::Feature* p = out.add_features();
    p->set_name(f.name);
    p->set_type(f.type);
    p->set_column(f.column);
    p->set_description(f.description);
  }
  *out.mutable_status() = ToProto(v.status);
  return out;
}

absl::StatusOr<FeatureView> FromProto(const v1::FeatureView& p) {
  FeatureView out{.name = p.name()};
  out.spec.description = p.description();
  out.spec.domain = p.domain();
  ASSIGN_OR_RETURN(out.spec.owners, OwnersFromProto(p.owners(), "owners"));
  out.spec.tags.assign(p.tags().begin(), p.tags().end());
  out.spec.source = FromProto(p.source());
  out.spec.entities.assign(p.entities().begin(), p.entities().end());
  for (const v1::Feature& f : p.features()) {
    out.spec.features.push_back(
        {.name = f.name(), .type = f.type(), .column = f.column(), .description = f.description()});
  }
  out.status = FromProto(p.status());
  return out;
}

v1::AIApplication ToProto(const AIApplication& a) {
  v1::AIApplication out;
  out.set_name(a.name);
  out.set_type(a.spec.type);
  out.set_description(a.spec.description);
  out.set_domain(a.spec.domain);
  OwnersToProto(a.spec.owners, out.mutable_owners());
  for (const std::string& t : a.spec.tags) out.add_tags(t);
  out.set_service_account(a.spec.service_account);
  for (const std::string& m : a.spec.models) out.add_models(m);
  KeysToProto(a.spec.data_sources, out.mutable_data_sources());
  KeysToProto(a.spec.vector_indexes, out.mutable_vector_indexes());
  for (const AIApplicationTool& t : a.spec.tools) {
    v1::AIApplicationTool* tool = out.add_tools();
    tool->set_name(t.name);
    tool->set_description(t.description);
    KeysToProto(t.reads, tool->mutable_reads());
    KeysToProto(t.writes, tool->mutable_writes());
  }
  v1::ApplicationReview* review = out.mutable_review();
  review->set_state(a.review.state);
  review->set_by(a.review.by);
  review->set_at(a.review.at);
  review->set_note(a.review.note);
  review->set_revision(a.review.revision);
  *out.mutable_status() = ToProto(a.status);
  return out;
}

absl::StatusOr<AIApplication> FromProto(const v1::AIApplication& p) {
  AIApplication out{.name = p.name()};
  if (!p.type().empty()) out.spec.type = p.type();
  out.spec.description = p.description();
  out.spec.domain = p.domain();
  ASSIGN_OR_RETURN(out.spec.owners, OwnersFromProto(p.owners(), "owners"));
  out.spec.tags.assign(p.tags().begin(), p.tags().end());
  out.spec.service_account = p.service_account();
  out.spec.models.assign(p.models().begin(), p.models().end());
  out.spec.data_sources = KeysFromProto(p.data_sources());
  out.spec.vector_indexes = KeysFromProto(p.vector_indexes());
  for (const v1::AIApplicationTool& t : p.tools()) {
    out.spec.tools.push_back({.name = t.name(),
                              .description = t.description(),
                              .reads = KeysFromProto(t.reads()),
                              .writes = KeysFromProto(t.writes())});
  }
  if (!p.review().state().empty()) out.review.state = p.review().state();
  out.review.by = p.review().by();
  out.review.at = p.review().at();
  out.review.note = p.review().note();
  out.review.revision = p.review().revision();
  out.status = FromProto(p.status());
  return out;
}

v1::Resource ToProto(const Resource& r) {
  v1::Resource out;
  switch (r.kind) {
    case Resource::Kind::kDataset:
      *out.mutable_dataset() = ToProto(r.dataset);
      break;
    case Resource::Kind::kDomain:
      *out.mutable_domain() = ToProto(r.domain);
      break;
    case Resource::Kind::kPrincipal:
      *out.mutable_principal() = ToProto(r.principal);
      break;
    case Resource::Kind::kJob:
      *out.mutable_job() = ToProto(r.job);
      break;
    case Resource::Kind::kDataProduct:
      *out.mutable_data_product() = ToProto(r.product);
      break;
    case Resource::Kind::kGlossaryTerm:
      *out.mutable_glossary_term() = ToProto(r.term);
      break;
    case Resource::Kind::kModel:
      *out.mutable_model() = ToProto(r.model);
      break;
    case Resource::Kind::kModelVersion:
      *out.mutable_model_version() = ToProto(r.model_version);
      break;
    case Resource::Kind::kAIApplication:
      *out.mutable_ai_application() = ToProto(r.application);
      break;
    case Resource::Kind::kFeatureView:
      *out.mutable_feature_view() = ToProto(r.feature_view);
      break;
  }
  out.set_expected_revision(r.expected_revision);
  out.set_merge(r.merge);
  for (const std::string& f : r.fields) out.add_fields(f);
  return out;
}

absl::StatusOr<Resource> FromProto(const v1::Resource& p) {
  Resource r;
  r.expected_revision = p.expected_revision();
  r.merge = p.merge();
  r.fields.assign(p.fields().begin(), p.fields().end());
  switch (p.kind_case()) {
    case v1::Resource::kDataset: {
      r.kind = Resource::Kind::kDataset;
      ASSIGN_OR_RETURN(r.dataset, FromProto(p.dataset()));
      break;
    }
    case v1::Resource::kDomain: {
      r.kind = Resource::Kind::kDomain;
      ASSIGN_OR_RETURN(r.domain, FromProto(p.domain()));
      break;
    }
    case v1::Resource::kPrincipal: {
      r.kind = Resource::Kind::kPrincipal;
      ASSIGN_OR_RETURN(r.principal, FromProto(p.principal()));
      break;
    }
    case v1::Resource::kJob: {
      r.kind = Resource::Kind::kJob;
      ASSIGN_OR_RETURN(r.job, FromProto(p.job()));
      break;
    }
    case v1::Resource::kDataProduct: {
      r.kind = Resource::Kind::kDataProduct;
      ASSIGN_OR_RETURN(r.product, FromProto(p.data_product()));
      break;
    }
    case v1::Resource::kGlossaryTerm: {
      r.kind = Resource::Kind::kGlossaryTerm;
      ASSIGN_OR_RETURN(r.term, FromProto(p.glossary_term()));
      break;
    }
    case v1::Resource::kModel: {
      r.kind = Resource::Kind::kModel;
      ASSIGN_OR_RETURN(r.model, FromProto(p.model()));
      break;
    }
    case v1::Resource::kModelVersion: {
      r.kind = Resource::Kind::kModelVersion;
      ASSIGN_OR_RETURN(r.model_version, FromProto(p.model_version()));
      break;
    }
    case v1::Resource::kFeatureView: {
      r.kind = Resource::Kind::kFeatureView;
      ASSIGN_OR_RETURN(r.feature_view, FromProto(p.feature_view()));
      break;
    }
    case v1::Resource::kAiApplication: {
      r.kind = Resource::Kind::kAIApplication;
      ASSIGN_OR_RETURN(r.application, FromProto(p.ai_application()));
      break;
    }
    default:
      return absl::InvalidArgumentError(
          "kind: a resource must hold a dataset, a domain, a principal, a job, a data "
          "product, a glossary term, a model, a model version, a feature view or an AI "
          "application");
  }
  return r;
}

int64_t MsOfTime(const std::string& text) {
  if (text.empty()) return 0;
  absl::StatusOr<int64_t> ms = lineage::ParseEventTime(text);
  return ms.ok() ? *ms : 0;
}

}  // namespace catalog
