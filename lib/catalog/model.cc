#include "lib/catalog/model.h"

namespace catalog {

std::string PrincipalRef::ToString() const {
  return PrincipalKindPrefix(kind) + ":" + name;
}

std::string Resource::KindName() const {
  switch (kind) {
    case Kind::kDataset:
      return "Dataset";
    case Kind::kDomain:
      return "Domain";
    case Kind::kPrincipal:
      return PrincipalKindName(principal.kind);
    case Kind::kJob:
      return "Job";
    case Kind::kDataProduct:
      return "DataProduct";
    case Kind::kGlossaryTerm:
      return "GlossaryTerm";
    case Kind::kModel:
      return "Model";
    case Kind::kModelVersion:
      return "ModelVersion";
    case Kind::kAIApplication:
      return "AIApplication";
    case Kind::kFeatureView:
      return "FeatureView";
  }
  return "";
}

std::string Resource::DisplayName() const {
  switch (kind) {
    case Kind::kDataset:
      return dataset.key.ToString();
    case Kind::kDomain:
      return domain.path;
    case Kind::kPrincipal:
      return principal.name;
    case Kind::kJob:
      return job.key.ToString();
    case Kind::kDataProduct:
      return product.id;
    case Kind::kGlossaryTerm:
      return term.id;
    case Kind::kModel:
      return model.name;
    case Kind::kModelVersion:
      return model_version.Ref();
    case Kind::kAIApplication:
      return application.name;
    case Kind::kFeatureView:
      return feature_view.name;
  }
  return "";
}

std::string ClassificationName(Classification c) {
  switch (c) {
    case Classification::kUnspecified:
      return "";
    case Classification::kPublic:
      return "public";
    case Classification::kInternal:
      return "internal";
    case Classification::kConfidential:
      return "confidential";
    case Classification::kRestricted:
      return "restricted";
  }
  return "";
}

std::optional<Classification> ParseClassification(std::string_view s) {
  for (auto c : {Classification::kPublic, Classification::kInternal,
                 Classification::kConfidential, Classification::kRestricted}) {
    if (s == ClassificationName(c)) return c;
  }
  return std::nullopt;
}

std::string OwnershipTypeName(OwnershipType t) {
  switch (t) {
    case OwnershipType::kTechnical:
      return "technical";
    case OwnershipType::kBusiness:
      return "business";
    case OwnershipType::kSteward:
      return "steward";
  }
  return "";
}

std::optional<OwnershipType> ParseOwnershipType(std::string_view s) {
  for (auto t : {OwnershipType::kTechnical, OwnershipType::kBusiness,
                 OwnershipType::kSteward}) {
    if (s == OwnershipTypeName(t)) return t;
  }
  return std::nullopt;
}

std::string LifecycleName(Lifecycle l) {
  switch (l) {
    case Lifecycle::kActive: return "active";
    case Lifecycle::kDeprecated: return "deprecated";
    case Lifecycle::kDropped: return "dropped";
  }
  return "active";
}

std::optional<Lifecycle> ParseLifecycle(std::string_view s) {
  if (s == "active") return Lifecycle::kActive;
  if (s == "deprecated") return Lifecycle::kDeprecated;
  if (s == "dropped") return Lifecycle::kDropped;
  return std::nullopt;
}

std::string PrincipalKindPrefix(PrincipalKind k) {
  switch (k) {
    case PrincipalKind::kUser:
      return "user";
    case PrincipalKind::kServiceAccount:
      return "serviceaccount";
    case PrincipalKind::kGroup:
      return "group";
  }
  return "";
}

std::string PrincipalKindName(PrincipalKind k) {
  switch (k) {
    case PrincipalKind::kUser:
      return "User";
    case PrincipalKind::kServiceAccount:
      return "ServiceAccount";
    case PrincipalKind::kGroup:
      return "Group";
  }
  return "";
}

DatasetSpec MergeDatasetSpec(DatasetSpec stored, const DatasetSpec& given,
                             const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (f == "description") stored.description = given.description;
    if (f == "domain") stored.domain = given.domain;
    if (f == "classification") stored.classification = given.classification;
    if (f == "tags") stored.tags = given.tags;
    if (f == "owners") stored.owners = given.owners;
    if (f == "properties") stored.properties = given.properties;
    if (f == "lifecycle") stored.lifecycle = given.lifecycle;
    if (f == "schema") stored.fields = given.fields;
    if (f == "layer") stored.layer = given.layer;
    if (f == "tier") stored.tier = given.tier;
    if (f == "certification") stored.certification = given.certification;
    if (f == "terms") stored.terms = given.terms;
  }
  return stored;
}

}  // namespace catalog
