#include "server/catalog_service.h"

#include "lib/catalog/ai_application.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/governance/apply_gate.h"
#include "server/search/faceted_search.h"

namespace catalog::server {
namespace {

absl::StatusOr<DatasetKey> Key(const v1::DatasetKey& key) {
  DatasetKey out = FromProto(key);
  RETURN_IF_ERROR(ValidateDatasetKey(out, "key"));
  return out;
}

v1::ApplyOutcome ToProto(store::ApplyOutcome outcome) {
  switch (outcome) {
    case store::ApplyOutcome::kCreated:
      return v1::APPLY_OUTCOME_CREATED;
    case store::ApplyOutcome::kChanged:
      return v1::APPLY_OUTCOME_CHANGED;
    case store::ApplyOutcome::kUnchanged:
      return v1::APPLY_OUTCOME_UNCHANGED;
  }
  return v1::APPLY_OUTCOME_UNSPECIFIED;
}

absl::Status NonNegative(int64_t revision) {
  return revision < 0 ? absl::InvalidArgumentError(
                            "expected_revision: must not be negative")
                      : absl::OkStatus();
}

// The entity a resource is now, or would be once applied.
policy::Entity ProposedEntity(const Resource& r) {
  switch (r.kind) {
    case Resource::Kind::kDataset:
      return authz::DatasetEntity(r.dataset);
    case Resource::Kind::kDomain:
      return authz::DomainEntity(r.domain);
    case Resource::Kind::kPrincipal:
      return authz::PrincipalEntity(r.principal);
    case Resource::Kind::kJob:
      return authz::JobEntity(r.job);
    case Resource::Kind::kDataProduct:
      return authz::ProductEntity(r.product);
    case Resource::Kind::kGlossaryTerm:
      return authz::TermEntity(r.term);
    case Resource::Kind::kModel:
      return authz::ModelEntity(r.model);
    case Resource::Kind::kModelVersion:
      return authz::ModelVersionEntity(r.model_version);
    case Resource::Kind::kAIApplication:
      return authz::ApplicationEntity(r.application);
    case Resource::Kind::kFeatureView:
      return authz::FeatureViewEntity(r.feature_view);
  }
  return {};
}

}  // namespace

void CatalogServiceImpl::AwaitSnapshot(grpc::ServerContext* context,
                                       int64_t revision) {
  if (!authorizer_->WaitFor(revision, DeadlineOf(*context))) {
    spdlog::warn("authorization snapshot did not reach revision {} before "
                 "the call's deadline",
                 revision);
  }
}

bool CatalogServiceImpl::MayRead(const std::string& caller,
                                 const policy::EntityUid& uid) const {
  return Require(*authorizer_, caller, "catalog:read", uid).ok();
}

absl::Status CatalogServiceImpl::MayName(const std::string& caller, size_t index,
                                         const Resource& r) {
  const AIApplicationSpec& spec = r.application.spec;
  auto absent = [&](std::string_view field, std::string_view what) {
    return absl::NotFoundError(StrCat("resources[", index, "] (AIApplication ",
                                      r.application.name, "): ", field, ": ", what, " not found"));
  };
  auto dataset = [&](const DatasetKey& k, std::string_view field) -> absl::Status {
    if (MayRead(caller, authz::DatasetUid(k))) return absl::OkStatus();
    return absent(field, StrCat("dataset ", k.ToString()));
  };
  for (const NamedDataset& d : DatasetsOf(spec)) RETURN_IF_ERROR(dataset(d.dataset, d.field));
  for (size_t i = 0; i < spec.models.size(); ++i) {
    const std::string model = spec.models[i].substr(0, spec.models[i].find('@'));
    if (!MayRead(caller, authz::ModelUid(model))) {
      return absent(StrCat("spec.models[", i, "]"), StrCat("model ", model));
    }
  }
  return absl::OkStatus();
}


grpc::Status CatalogServiceImpl::Apply(grpc::ServerContext* context,
                                       const v1::ApplyRequest* request,
                                       v1::ApplyResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    if (request->resources_size() == 0) {
      return absl::InvalidArgumentError("resources: must not be empty");
    }
    if (request->resources_size() > kMaxApplyResources) {
      return absl::InvalidArgumentError(
          StrCat("resources: at most ", kMaxApplyResources,
                 " per apply (got ", request->resources_size(), ")"));
    }
    std::vector<Resource> resources;
    resources.reserve(request->resources_size());
    for (int i = 0; i < request->resources_size(); ++i) {
      absl::StatusOr<Resource> r = FromProto(request->resources(i));
      if (!r.ok()) {
        return absl::InvalidArgumentError(
            StrCat("resources[", i, "]: ", MessageOf(r.status())));
      }
      resources.push_back(*std::move(r));
    }
    // Each object is checked as it stands; one not yet in the catalog, as
    // it is proposed (so a pipeline may register the datasets it owns).
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    for (size_t i = 0; i < resources.size(); ++i) {
      policy::Entity proposed = ProposedEntity(resources[i]);
      policy::Entities extra;
      bool known = snapshot->entities().Find(proposed.uid) != nullptr;
      if (!known && resources[i].kind == Resource::Kind::kModelVersion) {
        // A new version of a model this apply makes is judged with the
        // model as proposed (its owners are who may register versions).
        const ModelVersion& v = resources[i].model_version;
        const Model* proposed_model = nullptr;
        if (snapshot->entities().Find(authz::ModelUid(v.model)) == nullptr) {
          for (const Resource& other : resources) {
            if (other.kind == Resource::Kind::kModel && other.model.name == v.model) {
              proposed_model = &other.model;
            }
          }
        }
        extra = authz::ProposedVersion(v, proposed_model, snapshot->entities());
      } else if (!known) {
        extra.Add(authz::Placed(proposed, snapshot->entities()));
      }
      // A dataset's certification alone is the certifier's to write
      // (catalogctl certify): catalog:certify, not catalog:write. Making a
      // dataset stays catalog:write's.
      const Resource& r = resources[i];
      const bool certify_only = known && r.kind == Resource::Kind::kDataset && r.merge &&
                                r.fields == std::vector<std::string>{"certification"};
      absl::Status allowed =
          Require(*authorizer_, caller, certify_only ? "catalog:certify" : "catalog:write",
                  proposed.uid, known ? nullptr : &extra);
      if (!allowed.ok()) {
        return absl::Status(
            allowed.code(),
            StrCat("resources[", i, "] (", resources[i].KindName(), " ",
                   resources[i].DisplayName(), "): ", MessageOf(allowed)));
      }
      if (r.kind == Resource::Kind::kDataProduct) RETURN_IF_ERROR(MayPublish(caller, i, r.product));
      if (r.kind == Resource::Kind::kDataset) RETURN_IF_ERROR(MayLinkTerms(caller, i, r));
      // A model card names only datasets its writer may read (one they may
      // not is absent, as everywhere).
      if (r.kind == Resource::Kind::kModel) {
        const std::vector<DatasetKey>& data = r.model.spec.card.evaluation_data;
        for (size_t d = 0; d < data.size(); ++d) {
          if (!MayRead(caller, authz::DatasetUid(data[d]))) {
            return absl::NotFoundError(
                StrCat("resources[", i, "] (Model ", r.model.name, "): spec.card.evaluationData[",
                       d, "]: dataset ", data[d].ToString(), " not found"));
          }
        }
      }
      // An application names only datasets and models its writer may read.
      if (r.kind == Resource::Kind::kAIApplication) RETURN_IF_ERROR(MayName(caller, i, r));
      // A feature view is derived from a dataset its writer may read.
      if (r.kind == Resource::Kind::kFeatureView &&
          !MayRead(caller, authz::DatasetUid(r.feature_view.spec.source))) {
        return absl::NotFoundError(StrCat("resources[", i, "] (FeatureView ", r.feature_view.name,
                                          "): spec.source: dataset ",
                                          r.feature_view.spec.source.ToString(), " not found"));
      }
    }
    // Certifying (to or from verified) is a permission of its own: an
    // owner who may write a dataset does not vouch for it by that alone.
    // The store asks only when the stored certification changes.
    store::Store::CertifyCheck may_certify = [&](const Dataset& d) -> absl::Status {
      Resource r{.kind = Resource::Kind::kDataset, .dataset = d};
      policy::Entity proposed = ProposedEntity(r);
      policy::Entities extra;
      const bool known = snapshot->entities().Find(proposed.uid) != nullptr;
      if (!known) extra.Add(authz::Placed(proposed, snapshot->entities()));
      absl::Status allowed = Require(*authorizer_, caller, "catalog:certify", proposed.uid,
                                     known ? nullptr : &extra);
      if (allowed.ok()) return allowed;
      return absl::Status(allowed.code(),
                          StrCat("spec.certification: changing a verified certification needs "
                                 "catalog:certify: ", MessageOf(allowed)));
    };
    // The organisation's standards (governance rules) judge each dataset
    // as the write would leave it.
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    // Data products are judged here, against the products as last read
    // (the product cache): refused before anything is written.
    ASSIGN_OR_RETURN(std::vector<std::vector<std::string>> product_warnings,
                     JudgeProducts(*snapshot, resources, now_ms));
    ASSIGN_OR_RETURN(store::ApplyResponse applied,
                     store_->Apply(resources, caller, request->dry_run(), may_certify,
                                   governance::RuleGate(snapshot, graph_, now_ms)));
    if (!request->dry_run()) AwaitSnapshot(context, applied.catalog_revision);
    for (size_t i = 0; i < applied.results.size(); ++i) {
      const store::ApplyResult& r = applied.results[i];
      v1::ApplyResult* out = response->add_results();
      out->set_kind(r.kind);
      out->set_name(r.name);
      out->set_outcome(ToProto(r.outcome));
      out->set_revision(r.revision);
      for (const std::string& w : r.warnings) out->add_warnings(w);
      if (i < product_warnings.size()) {
        for (const std::string& w : product_warnings[i]) out->add_warnings(w);
      }
    }
    response->set_catalog_revision(applied.catalog_revision);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::GetDataset(grpc::ServerContext* context,
                                            const v1::GetDatasetRequest* request,
                                            v1::Dataset* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(DatasetKey key, Key(request->key()));
    std::vector<store::Observation> observations;  // read with the dataset
    absl::StatusOr<Dataset> d = store_->GetDataset(key, &observations);
    if (d.status().code() == absl::StatusCode::kNotFound) {
      // Another name of a dataset (an OpenLineage symlink) names it too.
      absl::StatusOr<DatasetKey> canonical = store_->ResolveDataset(key);
      if (canonical.ok()) d = store_->GetDataset(*canonical, &observations);
    }
    // A dataset the caller may not read is answered as one that does not
    // exist, under the name asked: neither its existence nor (asked by an
    // alias) its real key is told — nor that its stored row is damaged.
    RETURN_IF_ERROR(HiddenAsNotFound(
        Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(d.ok() ? d->key : key)),
        key));
    if (!d.ok() && d.status().code() != absl::StatusCode::kNotFound) return d.status();
    if (!d.ok()) return DatasetNotFound(key);
    *response = ToProto(*d);
    // Upstream degradation is the snapshot's (derived from lineage).
    if (std::optional<health::Health> own = health::ParseHealth(d->health.state)) {
      health::Health h = authorizer_->current()->HealthOf(d->key, *own);
      if (h != *own) {
        response->mutable_health()->set_health(health::HealthName(h));
        response->mutable_health()->clear_since();  // when it became so is not kept
      }
    }
    if (d->contract) {
      ASSIGN_OR_RETURN(std::vector<store::ContractViolationRecord> violations,
                       store_->ContractViolations(d->key, 10));
      for (const store::ContractViolationRecord& v : violations) {
        v1::ContractViolation* out = response->add_contract_violations();
        out->set_contract_id(v.contract_id);
        out->set_version(v.version);
        out->set_source(v.source);
        out->set_violations(v.violations);
        out->set_at(v.at);
      }
    }
    if (request->include_aliases()) {
      ASSIGN_OR_RETURN(std::vector<std::string> aliases, store_->DatasetAliases(d->key));
      for (std::string& a : aliases) response->add_aliases(std::move(a));
    }
    for (const store::Observation& o : observations) {
      v1::Observation* out = response->add_observations();
      out->set_field(o.field);
      out->set_value_json(o.value);
      out->set_reporter(o.reporter);
      // The reporting job, unless the caller may not read it.
      if (!o.job.ns.empty() && MayRead(caller, authz::JobUid(o.job))) {
        out->set_job(o.job.ToString());
      }
      out->set_observed_at(o.observed_at);
    }
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::ReviewObservation(grpc::ServerContext* context,
                                                   const v1::ReviewObservationRequest* request,
                                                   v1::ReviewObservationResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(DatasetKey key, Key(request->key()));
    // An absent dataset, and one the caller may not read, are answered
    // alike; readers who may not change it hear that they may not.
    const policy::EntityUid uid = authz::DatasetUid(key);
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (authorizer_->current()->entities().Find(uid) == nullptr || !MayRead(caller, uid)) {
      return DatasetNotFound(key);
    }
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write", uid));
    if (!store::IsObservedField(request->field())) {
      return absl::InvalidArgumentError(
          StrCat("field: \"", request->field(),
                 "\" is not one events are observed on (description, owners, tags, "
                 "lifecycle, properties)"));
    }
    if (request->reporter().empty()) return absl::InvalidArgumentError("reporter: is required");
    ASSIGN_OR_RETURN(store::ApplyResponse r,
                     store_->ReviewObservation(key, request->field(), request->reporter(),
                                               request->accept(), caller));
    AwaitSnapshot(context, r.catalog_revision);
    response->set_revision(r.results.empty() ? 0 : r.results[0].revision);
    response->set_catalog_revision(r.catalog_revision);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::ListDatasets(
    grpc::ServerContext* context, const v1::ListDatasetsRequest* request,
    v1::ListDatasetsResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    ASSIGN_OR_RETURN(store::Page<Dataset> datasets,
                     store_->ListDatasets(request->domain(), page, request->namespace_()));
    for (const Dataset& d : datasets.items) {
      if (MayRead(caller, authz::DatasetUid(d.key))) {
        *response->add_datasets() = ToProto(d);
      }
    }
    response->set_next_page_token(datasets.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::DeleteDataset(
    grpc::ServerContext* context, const v1::DeleteDatasetRequest* request,
    v1::DeleteResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(DatasetKey key, Key(request->key()));
    RETURN_IF_ERROR(NonNegative(request->expected_revision()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write",
                            authz::DatasetUid(key)));
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeleteDataset(key, request->expected_revision(),
                                           caller));
    AwaitSnapshot(context, revision);
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::SearchDatasets(
    grpc::ServerContext* context, const v1::SearchRequest* request,
    v1::SearchResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    RETURN_IF_ERROR(RequireTokenAllows(caller, "catalog:read"));
    search::Request ask{.query = request->query(), .facets = request->facets(), .page = page};
    const v1::SearchFilter& f = request->filter();
    ask.filters = {.domains = {f.domains().begin(), f.domains().end()},
                   .owners = {f.owners().begin(), f.owners().end()},
                   .tags = {f.tags().begin(), f.tags().end()},
                   .classifications = {f.classifications().begin(), f.classifications().end()},
                   .namespaces = {f.namespaces().begin(), f.namespaces().end()},
                   .healths = {f.healths().begin(), f.healths().end()},
                   .layers = {f.layers().begin(), f.layers().end()},
                   .tiers = {f.tiers().begin(), f.tiers().end()},
                   .certifications = {f.certifications().begin(), f.certifications().end()},
                   .terms = {f.terms().begin(), f.terms().end()}};
    // One snapshot for the whole search; a caller allowed everything is
    // not asked about each dataset. Not recorded per dataset: a search
    // reveals only what the caller may read.
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    absl::StatusOr<policy::EntityUid> principal = authz::PrincipalUid(caller);
    if (!principal.ok()) return absl::PermissionDeniedError(StrCat(caller, " is not a principal"));
    ask.upstream = &snapshot->upstream();
    const bool everything = AllowedOnEverything(*authorizer_, caller, "catalog:read");
    const policy::EntityUid action = authz::ActionUid("catalog:read");
    auto readable = [&](const policy::EntityUid& uid) {
      if (everything) return true;
      return snapshot->Authorize({.principal = *principal, .action = action, .resource = uid},
                                 snapshot->entities())
          .allow;
    };
    ASSIGN_OR_RETURN(search::Result found,
                     search::Search(*store_, snapshot->entities(), readable, ask));
    for (search::Hit& h : found.hits) {
      v1::SearchHit* out = response->add_hits();
      *out->mutable_key() = catalog::ToProto(h.hit.key);
      out->set_description(h.hit.description);
      out->set_domain(h.hit.domain);
      out->set_score(h.hit.score);
      for (std::string& o : h.owners) out->add_owners(std::move(o));
      for (std::string& t : h.tags) out->add_tags(std::move(t));
      out->set_classification(h.classification);
      out->set_health(h.health);
    }
    response->set_next_page_token(found.next_page_token);
    for (const search::Facet& facet : found.facets) {
      v1::Facet* out = response->add_facets();
      out->set_name(facet.name);
      for (const search::FacetValue& v : facet.values) {
        v1::FacetValue* value = out->add_values();
        value->set_value(v.value);
        value->set_count(v.count);
      }
    }
    response->set_facets_scanned(found.facets_scanned);
    response->set_facets_complete(found.facets_complete);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::GetDatasetHistory(
    grpc::ServerContext* context, const v1::GetDatasetHistoryRequest* request,
    v1::GetDatasetHistoryResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(DatasetKey key, Key(request->key()));
    ASSIGN_OR_RETURN(std::vector<store::HistoryEntry> entries,
                     store_->DatasetHistory(key));
    // Decided on the dataset as it is, or, once deleted, as it last was:
    // a deleted dataset's documents stay as guarded as the dataset was.
    policy::Entities as_it_was;
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    if (!entries.empty() && snapshot->entities().Find(authz::DatasetUid(key)) == nullptr) {
      as_it_was.Add(
          authz::Placed(authz::DatasetEntity(entries.back().dataset), snapshot->entities()));
    }
    RETURN_IF_ERROR(HiddenAsNotFound(
        Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(key),
                as_it_was.Find(authz::DatasetUid(key)) ? &as_it_was : nullptr),
        key));
    if (entries.empty()) return DatasetNotFound(key);
    for (const store::HistoryEntry& e : entries) {
      v1::HistoryEntry* out = response->add_entries();
      out->set_revision(e.revision);
      out->set_actor(e.actor);
      out->set_time(e.time);
      out->set_action(e.action);
      for (const std::string& c : e.changes) out->add_changes(c);
      *out->mutable_dataset() = catalog::ToProto(e.dataset);
    }
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::GetDomain(grpc::ServerContext* context,
                                           const v1::GetDomainRequest* request,
                                           v1::Domain* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read",
                            authz::DomainUid(request->path())));
    ASSIGN_OR_RETURN(Domain d, store_->GetDomain(request->path()));
    *response = catalog::ToProto(d);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::ListDomains(grpc::ServerContext* context,
                                             const v1::ListRequest* request,
                                             v1::ListDomainsResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    ASSIGN_OR_RETURN(store::Page<Domain> domains, store_->ListDomains(page));
    for (const Domain& d : domains.items) {
      if (MayRead(caller, authz::DomainUid(d.path))) {
        *response->add_domains() = catalog::ToProto(d);
      }
    }
    response->set_next_page_token(domains.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::DeleteDomain(
    grpc::ServerContext* context, const v1::DeleteDomainRequest* request,
    v1::DeleteResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(NonNegative(request->expected_revision()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write",
                            authz::DomainUid(request->path())));
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeleteDomain(request->path(),
                                          request->expected_revision(),
                                          caller));
    AwaitSnapshot(context, revision);
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::GetPrincipal(
    grpc::ServerContext* context, const v1::GetPrincipalRequest* request,
    v1::Principal* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(PrincipalKind kind, FromProto(request->kind()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read",
                            authz::PrincipalUid({kind, request->name()})));
    ASSIGN_OR_RETURN(Principal p, store_->GetPrincipal(kind, request->name()));
    *response = catalog::ToProto(p);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::ListPrincipals(
    grpc::ServerContext* context, const v1::ListPrincipalsRequest* request,
    v1::ListPrincipalsResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    std::optional<PrincipalKind> kind;
    if (request->kind() != v1::PRINCIPAL_KIND_UNSPECIFIED) {
      ASSIGN_OR_RETURN(kind, FromProto(request->kind()));
    }
    ASSIGN_OR_RETURN(store::Page<Principal> principals,
                     store_->ListPrincipals(kind, page));
    for (const Principal& p : principals.items) {
      if (MayRead(caller, authz::PrincipalUid(p.ref()))) {
        *response->add_principals() = catalog::ToProto(p);
      }
    }
    response->set_next_page_token(principals.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::DeletePrincipal(
    grpc::ServerContext* context, const v1::DeletePrincipalRequest* request,
    v1::DeleteResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(PrincipalKind kind, FromProto(request->kind()));
    RETURN_IF_ERROR(NonNegative(request->expected_revision()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write",
                            authz::PrincipalUid({kind, request->name()})));
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeletePrincipal(kind, request->name(),
                                             request->expected_revision(),
                                             caller));
    AwaitSnapshot(context, revision);
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::Ping(grpc::ServerContext* context,
                                      const v1::PingRequest*,
                                      v1::PingResponse* response) {
  return Serve(*auth_, context,
               [&](const std::string& caller) -> absl::Status {
    response->set_principal(caller);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
