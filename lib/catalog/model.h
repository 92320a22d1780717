// The catalog's data model: datasets, domains and principals, as plain
// values. No I/O here; see json_codec.h for the wire shape and validate.h for
// the rules every object must satisfy before it is stored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace catalog {

// Ordered by sensitivity; the numeric value is the level policies see.
enum class Classification {
  kUnspecified = -1,
  kPublic = 0,
  kInternal = 1,
  kConfidential = 2,
  kRestricted = 3,
};

enum class OwnershipType { kTechnical, kBusiness, kSteward };

// kDropped: the data is gone (an OpenLineage DROP or RENAME said so); the
// entry stays for its history and lineage.
enum class Lifecycle { kActive, kDeprecated, kDropped };

enum class PrincipalKind { kUser, kServiceAccount, kGroup };

// A reference to a principal, written "user:alice", "serviceaccount:etl" or
// "group:sales-eng".
struct PrincipalRef {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string name;

  std::string ToString() const;
  bool operator==(const PrincipalRef&) const = default;
  auto operator<=>(const PrincipalRef&) const = default;
};

struct Owner {
  std::string principal;  // a PrincipalRef in its string form
  OwnershipType type = OwnershipType::kTechnical;
  bool operator==(const Owner&) const = default;
};

struct Field {
  std::string name;
  std::string type;
  bool nullable = true;
  std::string description;
  std::vector<std::string> tags;
  Classification classification = Classification::kUnspecified;
  std::vector<Field> fields;  // nested fields
  std::vector<std::string> terms;  // glossary terms' ids (docs/governance.md#glossary)
  bool operator==(const Field&) const = default;
};

// Whether a dataset is vouched for (docs/governance.md#certification):
// none (""), draft (under review) or verified, until `expires` when set.
// Who set the state and when are stamped by catalogd at the write that
// changed the state or the expiry; what a manifest says of them is not
// taken. Deprecation is the lifecycle's, not the certification's.
struct Certification {
  std::string state;    // "", "draft" or "verified"
  std::string expires;  // RFC 3339; "" for never (verified only)
  std::string by;       // server-stamped: "user:alice"
  std::string at;       // server-stamped: RFC 3339
  bool operator==(const Certification&) const = default;
};

struct DatasetSpec {
  std::string description;
  std::string domain;
  Classification classification = Classification::kUnspecified;
  std::vector<std::string> tags;
  std::vector<Owner> owners;
  std::map<std::string, std::string> properties;
  Lifecycle lifecycle = Lifecycle::kActive;
  std::vector<Field> fields;  // the schema
  // Governance (docs/governance.md): the medallion layer, one of the
  // catalog's layers ("" for none); the business criticality, 1 (most
  // critical) to 5 (0 for none); the certification.
  std::string layer;
  int tier = 0;
  Certification certification;
  // The glossary terms (their ids) the dataset as a whole stands for;
  // its columns link their own (Field::terms).
  std::vector<std::string> terms;
  bool operator==(const DatasetSpec&) const = default;
};

// Datasets are keyed as OpenLineage keys them.
struct DatasetKey {
  std::string ns;
  std::string name;

  // "namespace/name".
  std::string ToString() const { return ns + "/" + name; }
  bool operator==(const DatasetKey&) const = default;
  auto operator<=>(const DatasetKey&) const = default;
};

// Jobs (pipelines' tasks, from lineage) are keyed the same way.
struct JobKey {
  std::string ns;
  std::string name;

  std::string ToString() const { return ns + "/" + name; }
  bool operator==(const JobKey&) const = default;
  auto operator<=>(const JobKey&) const = default;
};

// Facts the server maintains; empty on objects that are not stored yet.
struct ObjectStatus {
  int64_t revision = 0;
  int64_t schema_version = 0;
  std::string created_at;
  std::string updated_at;
  std::string updated_by;
};

// The data contract bound to a dataset (its latest version), as the server
// keeps it; see docs/contracts-in-ci.md.
struct ContractRef {
  std::string id;
  std::string version;
  std::string status;  // the contract's own status: "active", "draft", ...
  std::string object;  // the contract's schema object describing the dataset
  bool operator==(const ContractRef&) const = default;
};

// What catalogd judges of a dataset's data now (docs/quality.md#health):
// its own health and its freshness against its contract, each since when
// (milliseconds since the epoch; 0 when never judged). Server-maintained,
// not in manifests; a change is a catalog revision, not a dataset's.
struct DatasetHealth {
  std::string state = "ok";  // ok, warning, stale, failing
  int64_t since_ms = 0;
  std::string freshness = "unknown";  // unknown, fresh, stale
  int64_t freshness_since_ms = 0;
  bool operator==(const DatasetHealth&) const = default;
};

struct Dataset {
  DatasetKey key;
  DatasetSpec spec;
  ObjectStatus status;
  std::optional<ContractRef> contract;  // server-maintained, not in manifests
  DatasetHealth health;                 // server-maintained, not in manifests
};

struct DomainSpec {
  std::string description;
  std::vector<Owner> owners;
  bool operator==(const DomainSpec&) const = default;
};

struct Domain {
  std::string path;  // "finance/payments"
  DomainSpec spec;
  ObjectStatus status;
};

struct PrincipalSpec {
  std::map<std::string, std::string> attributes;
  std::vector<std::string> groups;  // direct parent groups, by name
  bool operator==(const PrincipalSpec&) const = default;
};

// A user, service account or group.
struct Principal {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string name;
  PrincipalSpec spec;
  ObjectStatus status;

  PrincipalRef ref() const { return {kind, name}; }
};

// Who a lineage job (a pipeline's task, named by its OpenLineage events)
// belongs to: its owners may report its runs (lineage:write on Job). A job
// belongs to the first principal that reports it; Apply reassigns it.
struct JobSpec {
  std::vector<Owner> owners;
  bool operator==(const JobSpec&) const = default;
};

struct Job {
  JobKey key;
  JobSpec spec;
  ObjectStatus status;
};

// A port of a data product (docs/governance.md#data-products): what it
// publishes (an output port) or consumes (an input port), after the Open
// Data Product Standard. A port stands for datasets: those its contract
// is bound to, and those it names (customProperties `datasets`).
struct ProductPort {
  std::string name;
  std::string version;
  std::string description;  // output ports
  std::string type;         // output ports: "tables", "api", ...
  std::string contract_id;  // the ODCS contract it promises or expects
  std::vector<DatasetKey> datasets;
  bool operator==(const ProductPort&) const = default;
};

// A data product: one domain, its owners (team members whose role is
// owner), a status, and its ports, read out of its ODPS `document` (kept
// whole, as canonical JSON, so a product reads back as it was written,
// members catalogd does not read included).
struct DataProductSpec {
  std::string name;
  std::string version;
  std::string status;  // proposed, draft, active, deprecated, retired
  std::string domain;
  std::string tenant;
  std::string purpose;
  std::string limitations;
  std::string usage;
  std::vector<std::string> tags;
  std::vector<Owner> owners;
  std::vector<ProductPort> input_ports;
  std::vector<ProductPort> output_ports;
  std::string document;  // the ODPS document, canonical JSON
  bool operator==(const DataProductSpec&) const = default;
};

struct DataProduct {
  std::string id;  // ODPS `id`: "customer-360", a UUID, ...
  DataProductSpec spec;
  ObjectStatus status;
};

// A business glossary term (docs/governance.md#glossary): a word of the
// organisation's vocabulary with its definition, which datasets and
// columns link (DatasetSpec::terms, Field::terms).
struct GlossaryTermSpec {
  std::string name;  // as people write it: "Customer email"
  std::string definition;
  std::vector<std::string> synonyms;
  std::vector<std::string> related;  // other terms' ids
  std::vector<Owner> owners;         // whom to ask
  std::string domain;                // "" for the whole organisation
  std::string status = "draft";      // draft, approved, deprecated
  bool operator==(const GlossaryTermSpec&) const = default;
};

struct GlossaryTerm {
  std::string id;  // "customer-email"
  GlossaryTermSpec spec;
  ObjectStatus status;
};

// A registered machine-learning model (docs/models.md): what it is for and
// whom to ask; its versions are ModelVersions, and aliases ("champion")
// point at them.
struct ModelCard {
  std::string intended_use;
  std::string limitations;
  std::string ethical_considerations;
  std::vector<DatasetKey> evaluation_data;  // datasets it was evaluated on
  bool operator==(const ModelCard&) const = default;
};

struct ModelSpec {
  std::string description;
  std::string domain;  // "" for none
  std::vector<Owner> owners;
  std::vector<std::string> tags;
  ModelCard card;
  bool operator==(const ModelSpec&) const = default;
};

struct Model {
  std::string name;  // "churn-predictor", "ml.prod.churn"
  ModelSpec spec;
  ObjectStatus status;
};

// The OpenLineage run that trained a version (its job and run id).
struct TrainingRun {
  std::string ns;
  std::string job;
  std::string run_id;
  bool operator==(const TrainingRun&) const = default;
};

struct ModelVersionSpec {
  std::string description;
  std::string source;     // where its artifact is: "s3://…/model.pkl", "runs:/…"
  std::string framework;  // "sklearn", "pytorch", …
  TrainingRun run;
  std::map<std::string, double> metrics;  // at registration: {"auc": 0.91}
  std::string status = "ready";           // pending, ready, failed, archived
  std::vector<Field> inputs;              // its signature
  std::vector<Field> outputs;
  bool operator==(const ModelVersionSpec&) const = default;
};

struct ModelVersion {
  std::string model;    // its model's name
  std::string version;  // "3", "2026-12-04.1", a hash
  ModelVersionSpec spec;
  ObjectStatus status;
  // "churn-predictor@3".
  std::string Ref() const { return model + "@" + version; }
};

// A feature view (docs/models.md#feature-views): features for models,
// each derived from a column of one source dataset, keyed by its entity
// columns (customer_id, …).
struct Feature {
  std::string name;    // "orders_90d"
  std::string type;    // "int", "double", "string", …
  std::string column;  // the source's column it is derived from ("a.b" nested)
  std::string description;
  bool operator==(const Feature&) const = default;
};

struct FeatureViewSpec {
  std::string description;
  std::string domain;  // "" for none
  std::vector<Owner> owners;
  std::vector<std::string> tags;
  DatasetKey source;
  std::vector<std::string> entities;  // the source's key columns
  std::vector<Feature> features;
  bool operator==(const FeatureViewSpec&) const = default;
};

struct FeatureView {
  std::string name;  // "customer_features"
  FeatureViewSpec spec;
  ObjectStatus status;
};

// An AI application (docs/models.md#ai-applications): a RAG pipeline, an
// agent, a chatbot, … — the models, vector indexes, data sources and tools
// it uses, and the principal it runs as.
struct AIApplicationTool {
  std::string name;  // "lookup_order"
  std::string description;
  std::vector<DatasetKey> reads;   // datasets the tool reads
  std::vector<DatasetKey> writes;  // and writes
  bool operator==(const AIApplicationTool&) const = default;
};

struct AIApplicationSpec {
  std::string type = "agent";  // rag, agent, chatbot, copilot, other
  std::string description;
  std::string domain;  // "" for none
  std::vector<Owner> owners;
  std::vector<std::string> tags;
  // The service account it runs as: its reads go through Authorize and
  // AuthorizeRead like any pipeline's.
  std::string service_account;
  // Models it calls: "name" (whichever version), "name@version" or
  // "name@alias" (the version the alias points at).
  std::vector<std::string> models;
  std::vector<DatasetKey> data_sources;    // datasets it retrieves from or reads
  std::vector<DatasetKey> vector_indexes;  // its embeddings' stores, as datasets
  std::vector<AIApplicationTool> tools;
  bool operator==(const AIApplicationSpec&) const = default;
};

// Whether an application was reviewed for use, and by whom. Not part of
// its spec: set by a reviewer (application:review), and back to
// unreviewed whenever the spec changes (what was reviewed is gone).
struct ApplicationReview {
  std::string state = "unreviewed";  // unreviewed, approved, rejected
  std::string by;                    // "user:rita"
  std::string at;                    // RFC 3339
  std::string note;
  int64_t revision = 0;  // the application's revision it reviewed
  bool operator==(const ApplicationReview&) const = default;
};

struct AIApplication {
  std::string name;  // "support-assistant"
  AIApplicationSpec spec;
  ApplicationReview review;
  ObjectStatus status;
};

// One document of a manifest, or one item of an Apply request.
struct Resource {
  enum class Kind {
    kDataset,
    kDomain,
    kPrincipal,
    kJob,
    kDataProduct,
    kGlossaryTerm,
    kModel,
    kModelVersion,
    kAIApplication,
    kFeatureView
  };
  Kind kind = Kind::kDataset;
  Dataset dataset;      // when kind == kDataset
  Domain domain;        // when kind == kDomain
  Principal principal;  // when kind == kPrincipal
  Job job;              // when kind == kJob
  DataProduct product;  // when kind == kDataProduct
  GlossaryTerm term;    // when kind == kGlossaryTerm
  Model model;          // when kind == kModel
  ModelVersion model_version;  // when kind == kModelVersion
  AIApplication application;   // when kind == kAIApplication
  FeatureView feature_view;    // when kind == kFeatureView
  int64_t expected_revision = 0;
  // Datasets: with `merge`, only the spec fields named in `fields`
  // (kDatasetSpecFields) are written; the others keep their stored values.
  // Without it the whole spec is replaced. A manifest sets the fields it
  // holds (an explicit empty value clears one).
  bool merge = false;
  std::vector<std::string> fields;

  // "Dataset", "Domain", "User", "ServiceAccount", "Group", "Job" or
  // "DataProduct".
  std::string KindName() const;
  // The object's name as users write it ("namespace/name" for datasets
  // and jobs).
  std::string DisplayName() const;
};

// The spec fields of a dataset as manifests name them.
inline constexpr const char* kDatasetSpecFields[] = {
    "description", "domain",    "classification", "tags", "owners",       "properties",
    "lifecycle",   "schema",    "layer",          "tier", "certification", "terms"};

// `stored` with the `fields` of `given` written over it.
DatasetSpec MergeDatasetSpec(DatasetSpec stored, const DatasetSpec& given,
                             const std::vector<std::string>& fields);

// String forms used in manifests, JSON and the database.
std::string ClassificationName(Classification c);  // "" for kUnspecified
std::optional<Classification> ParseClassification(std::string_view s);
std::string OwnershipTypeName(OwnershipType t);
std::optional<OwnershipType> ParseOwnershipType(std::string_view s);
std::string LifecycleName(Lifecycle l);
std::optional<Lifecycle> ParseLifecycle(std::string_view s);
// "user", "serviceaccount", "group".
std::string PrincipalKindPrefix(PrincipalKind k);
// "User", "ServiceAccount", "Group" (the manifest kinds and Cedar types).
std::string PrincipalKindName(PrincipalKind k);

}  // namespace catalog
