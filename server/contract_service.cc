#include "server/contract_service.h"

#include <algorithm>
#include <chrono>

#include "lib/catalog/validate.h"
#include "lib/contract/diff.h"
#include "lib/contract/lint.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/contract_convert.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/governance/judge.h"
#include "proto/rule_convert.h"

namespace catalog::server {
namespace {

using contract::Contract;
using contract::Document;

// How far downstream CheckContract looks for consumers.
constexpr int kConsumerDepth = 10;
constexpr int kMaxConsumers = 1000;

// A parsed document that passed lint (INVALID_ARGUMENT naming the first
// error and how many there are otherwise), with its findings.
struct Parsed {
  std::unique_ptr<Document> doc;
  Contract contract;
  std::vector<contract::Finding> findings;
};

absl::StatusOr<Parsed> ParseDocument(const std::string& text,
                                     std::string_view file, bool must_lint) {
  std::string name = file.empty() ? "contract.yaml" : std::string(file);
  ASSIGN_OR_RETURN(Document doc, contract::ParseYaml(text, name));
  Parsed out;
  out.doc = std::make_unique<Document>(std::move(doc));
  out.findings = contract::Lint(*out.doc);
  if (must_lint) {
    int errors = 0;
    const contract::Finding* first = nullptr;
    for (const contract::Finding& f : out.findings) {
      if (f.severity != contract::Severity::kError) continue;
      if (first == nullptr) first = &f;
      ++errors;
    }
    if (first != nullptr) {
      return absl::InvalidArgumentError(StrCat(
          name, ":", first->pos.line, ":", first->pos.column, ": ",
          first->rule, ": ", first->message,
          errors > 1 ? StrCat(" (and ", errors - 1, " more errors; run "
                                                    "catalogctl contract lint)")
                     : ""));
    }
  }
  out.contract = contract::FromDocument(*out.doc);
  return out;
}

absl::StatusOr<Parsed> ParseStored(const store::StoredContract& c) {
  return ParseDocument(c.document, StrCat(c.id, "@", c.version), false);
}

// The request's bindings, checked; else the documented default rule.
absl::StatusOr<std::vector<store::ContractBinding>> BindingsOf(
    const google::protobuf::RepeatedPtrField<v1::ContractBinding>& requested,
    const Contract& c) {
  std::vector<store::ContractBinding> out;
  for (int i = 0; i < requested.size(); ++i) {
    const v1::ContractBinding& b = requested[i];
    std::string object = b.object();
    if (object.empty() && c.objects.size() == 1) object = c.objects[0].name;
    if (c.FindObject(object) == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("bindings[", i, "].object: the contract has no schema object \"",
                 object, "\""));
    }
    DatasetKey key = FromProto(b.dataset());
    if (absl::Status valid = ValidateDatasetKey(key); !valid.ok()) {
      return absl::InvalidArgumentError(
          StrCat("bindings[", i, "].dataset: ", MessageOf(valid)));
    }
    for (const store::ContractBinding& seen : out) {
      if (seen.dataset == key) {
        return absl::InvalidArgumentError(
            StrCat("bindings[", i, "].dataset: \"", key.ToString(),
                   "\" is bound twice; a dataset has one contract object"));
      }
    }
    out.push_back({object, key});
  }
  if (!out.empty()) return out;
  for (const contract::Object& o : c.objects) {
    if (std::optional<DatasetKey> key = contract::DefaultDataset(c, o)) {
      if (ValidateDatasetKey(*key).ok()) out.push_back({o.name, *key});
    }
  }
  return out;
}

void ContractToProto(const store::StoredContract& c,
                     const std::vector<store::ContractBinding>& bindings,
                     bool with_document, v1::Contract& out) {
  out.set_id(c.id);
  out.set_version(c.version);
  out.set_status(c.status);
  if (with_document) out.set_document(c.document);
  out.set_file(c.file);
  out.set_seq(c.seq);
  out.set_created_at(c.created_at);
  out.set_created_by(c.created_by);
  for (const store::ContractBinding& b : bindings) {
    v1::ContractBinding* p = out.add_bindings();
    p->set_object(b.object);
    *p->mutable_dataset() = ToProto(b.dataset);
  }
}

void ViolationsToProto(
    const std::vector<contract::Violation>& violations,
    google::protobuf::RepeatedPtrField<v1::SchemaViolation>* out) {
  for (const contract::Violation& v : violations) {
    v1::SchemaViolation* p = out->Add();
    p->set_property(v.property);
    p->set_rule(v.rule);
    p->set_message(v.message);
  }
}

// A breaking change to an active contract needs a new major version; a
// version is never lower than the registered one.
absl::Status GuardVersion(const Contract& before, const Contract& after,
                          std::string_view before_status,
                          const contract::DiffResult& diff) {
  std::optional<contract::Bump> bump =
      contract::BumpBetween(before.version, after.version);
  if (!bump) {
    return absl::FailedPreconditionError(
        StrCat("version: ", after.version, " is not newer than the registered ",
               before.version));
  }
  if (before_status == "active" && diff.Breaking() &&
      *bump != contract::Bump::kMajor) {
    std::string changes;
    int n = 0;
    for (const contract::Change& c : diff.changes) {
      if (c.impact != contract::Impact::kBreaking) continue;
      if (n++ < 3) changes += StrCat(n > 1 ? "; " : "", c.message);
    }
    return absl::FailedPreconditionError(StrCat(
        "version: ", after.version, " breaks the active contract \"", after.id,
        "\" ", before.version, " (", changes, n > 3 ? "; ..." : "",
        ") and needs a new major version"));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status ContractServiceImpl::PutContract(
    grpc::ServerContext* context, const v1::PutContractRequest* request,
    v1::PutContractResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // Parsing costs; a token that can never write a contract is refused first.
    RETURN_IF_ERROR(RequireTokenAllows(caller, "contract:write"));
    ASSIGN_OR_RETURN(Parsed parsed,
                     ParseDocument(request->document(), request->file(), true));
    const Contract& c = parsed.contract;
    ASSIGN_OR_RETURN(std::vector<store::ContractBinding> bindings,
                     BindingsOf(request->bindings(), c));
    if (bindings.empty()) {
      RETURN_IF_ERROR(
          Require(*authorizer_, caller, "contract:write", CatalogRoot()));
    }
    for (const store::ContractBinding& b : bindings) {
      RETURN_IF_ERROR(Require(*authorizer_, caller, "contract:write",
                              authz::DatasetUid(b.dataset)));
    }
    store::StoredContract stored{.id = c.id,
                                 .version = c.version,
                                 .status = c.status,
                                 .document = request->document(),
                                 .file = parsed.doc->file};
    std::optional<v1::ContractDiff> diff;
    ASSIGN_OR_RETURN(
        store::PutContractResult result,
        store_->PutContract(
            stored, bindings,
            [&](const store::StoredContract* latest) -> absl::Status {
              if (latest == nullptr) return absl::OkStatus();
              // A new version unbinds what the latest bound and it does not:
              // that takes contract:write on those datasets too (else any
              // owner could take another's contract away). Checked here,
              // under the write lock, against the bindings in force.
              ASSIGN_OR_RETURN(std::vector<store::ContractBinding> bound,
                               store_->ContractBindings(c.id));
              for (const store::ContractBinding& old : bound) {
                bool kept = std::any_of(
                    bindings.begin(), bindings.end(),
                    [&](const store::ContractBinding& b) { return b.dataset == old.dataset; });
                if (!kept) {
                  RETURN_IF_ERROR(Require(*authorizer_, caller, "contract:write",
                                          authz::DatasetUid(old.dataset)));
                }
              }
              ASSIGN_OR_RETURN(Parsed before, ParseStored(*latest));
              contract::DiffResult d = contract::Diff(before.contract, c);
              diff = ToProto(d, before.contract, c);
              return GuardVersion(before.contract, c, latest->status, d);
            },
            caller, request->dry_run()));
    ContractToProto(result.contract, result.bindings, false,
                    *response->mutable_contract());
    response->set_created(result.created);
    ToProto(parsed.findings, response->mutable_findings());
    if (diff) *response->mutable_diff() = *diff;
    response->set_catalog_revision(result.catalog_revision);
    if (result.created && !request->dry_run()) {
      authorizer_->WaitFor(result.catalog_revision, DeadlineOf(*context));
    }
    return absl::OkStatus();
  });
}

grpc::Status ContractServiceImpl::GetContract(
    grpc::ServerContext* context, const v1::GetContractRequest* request,
    v1::Contract* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (request->has_dataset()) {
      DatasetKey key = FromProto(request->dataset());
      if (absl::Status valid = ValidateDatasetKey(key); !valid.ok()) {
        return absl::InvalidArgumentError(StrCat("dataset: ", MessageOf(valid)));
      }
      ASSIGN_OR_RETURN(key, store_->ResolveDataset(key));
      RETURN_IF_ERROR(
          Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(key)));
      ASSIGN_OR_RETURN(auto found, store_->ContractOfDataset(key));
      if (!found) {
        return absl::NotFoundError(
            StrCat("dataset \"", key.ToString(), "\" has no contract"));
      }
      ASSIGN_OR_RETURN(auto bindings, store_->ContractBindings(found->first.id));
      ContractToProto(found->first, bindings, true, *response);
      return absl::OkStatus();
    }
    if (request->id().empty()) {
      return absl::InvalidArgumentError("id: give a contract id or a dataset");
    }
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(store::StoredContract c,
                     store_->GetContract(request->id(), request->version()));
    ASSIGN_OR_RETURN(auto bindings, store_->ContractBindings(c.id));
    ContractToProto(c, bindings, true, *response);
    return absl::OkStatus();
  });
}

grpc::Status ContractServiceImpl::ListContracts(
    grpc::ServerContext* context, const v1::ListContractsRequest* request,
    v1::ListContractsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(std::vector<store::StoredContract> all,
                     store_->ListContracts());
    for (const store::StoredContract& c : all) {
      ASSIGN_OR_RETURN(auto bindings, store_->ContractBindings(c.id));
      ContractToProto(c, bindings, false, *response->add_contracts());
    }
    return absl::OkStatus();
  });
}

grpc::Status ContractServiceImpl::ListContractVersions(
    grpc::ServerContext* context, const v1::ListContractVersionsRequest* request,
    v1::ListContractVersionsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (request->id().empty()) return absl::InvalidArgumentError("id: is required");
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(std::vector<store::StoredContract> versions,
                     store_->ListContractVersions(request->id()));
    for (const store::StoredContract& c : versions) {
      ContractToProto(c, {}, false, *response->add_versions());
    }
    return absl::OkStatus();
  });
}

grpc::Status ContractServiceImpl::DiffContracts(
    grpc::ServerContext* context, const v1::DiffContractsRequest* request,
    v1::DiffContractsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (request->id().empty()) return absl::InvalidArgumentError("id: is required");
    if (request->to_version().empty() && request->document().empty()) {
      return absl::InvalidArgumentError(
          "to_version: give a registered version or a document");
    }
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(store::StoredContract from,
                     store_->GetContract(request->id(), request->from_version()));
    ASSIGN_OR_RETURN(Parsed before, ParseStored(from));
    Parsed after;
    if (!request->to_version().empty()) {
      ASSIGN_OR_RETURN(store::StoredContract to,
                       store_->GetContract(request->id(), request->to_version()));
      ASSIGN_OR_RETURN(after, ParseStored(to));
    } else {
      ASSIGN_OR_RETURN(after, ParseDocument(request->document(), request->file(), true));
    }
    contract::DiffResult d = contract::Diff(before.contract, after.contract);
    *response->mutable_diff() = ToProto(d, before.contract, after.contract);
    return absl::OkStatus();
  });
}

grpc::Status ContractServiceImpl::CheckContract(
    grpc::ServerContext* context, const v1::CheckContractRequest* request,
    v1::CheckContractResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(Parsed parsed,
                     ParseDocument(request->document(), request->file(), false));
    ToProto(parsed.findings, response->mutable_findings());
    if (contract::HasErrors(parsed.findings)) return absl::OkStatus();
    const Contract& c = parsed.contract;
    bool breaking = false;
    absl::StatusOr<store::StoredContract> latest = store_->GetContract(c.id, "");
    std::vector<store::ContractBinding> bindings;
    if (latest.ok()) {
      response->set_registered(true);
      ASSIGN_OR_RETURN(Parsed before, ParseStored(*latest));
      contract::DiffResult d = contract::Diff(before.contract, c);
      breaking = d.Breaking();
      *response->mutable_diff() = ToProto(d, before.contract, c);
      ASSIGN_OR_RETURN(bindings, store_->ContractBindings(c.id));
    } else if (latest.status().code() != absl::StatusCode::kNotFound) {
      return latest.status();
    }
    if (!request->bindings().empty() || bindings.empty()) {
      ASSIGN_OR_RETURN(bindings, BindingsOf(request->bindings(), c));
    }
    for (const store::ContractBinding& b : bindings) {
      v1::DatasetCheck* check = response->add_datasets();
      check->mutable_binding()->set_object(b.object);
      *check->mutable_binding()->mutable_dataset() = ToProto(b.dataset);
      if (!Require(*authorizer_, caller, "catalog:read",
                   authz::DatasetUid(b.dataset)).ok()) {
        continue;  // as if unregistered: nothing about it is shown
      }
      absl::StatusOr<Dataset> d = store_->GetDataset(b.dataset);
      if (!d.ok()) {
        if (d.status().code() == absl::StatusCode::kNotFound) continue;
        return d.status();
      }
      check->set_registered(true);
      ViolationsToProto(contract::CheckFields(*c.FindObject(b.object),
                                              d->spec.fields),
                        check->mutable_violations());
      if (!breaking) continue;
      // Who a breaking change reaches: every dataset downstream.
      absl::StatusOr<lineage::Traversal> t = graph_->Traverse(
          {.start = {.kind = lineage::NodeRef::Kind::kDataset, .dataset = b.dataset},
           .direction = lineage::Direction::kDownstream,
           .depth = kConsumerDepth,
           .max_nodes = kMaxConsumers});
      if (!t.ok()) return t.status();
      check->set_consumers_truncated(t->truncated);
      std::vector<DatasetKey> keys;
      std::vector<int> depths;
      for (const lineage::Traversal::Node& n : t->nodes) {
        if (n.is_job || n.dataset == b.dataset) continue;
        if (!Require(*authorizer_, caller, "catalog:read",
                     authz::DatasetUid(n.dataset)).ok()) {
          check->set_hidden_consumers(check->hidden_consumers() + 1);
          continue;
        }
        keys.push_back(n.dataset);
        depths.push_back(n.depth);
      }
      ASSIGN_OR_RETURN(auto summaries, store_->DatasetSummaries(keys));
      for (size_t i = 0; i < keys.size(); ++i) {
        v1::Consumer* consumer = check->add_consumers();
        *consumer->mutable_dataset() = ToProto(keys[i]);
        consumer->set_distance(depths[i]);
        if (summaries[i]) {
          OwnersToProto(summaries[i]->owners, consumer->mutable_owners());
        }
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status ContractServiceImpl::CheckWrite(
    grpc::ServerContext* context, const v1::CheckWriteRequest* request,
    v1::CheckWriteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    DatasetKey key = FromProto(request->dataset());
    if (absl::Status valid = ValidateDatasetKey(key); !valid.ok()) {
      return absl::InvalidArgumentError(StrCat("dataset: ", MessageOf(valid)));
    }
    ASSIGN_OR_RETURN(std::vector<Field> fields,
                     FieldsFromProto(request->fields(), "fields"));
    if (request->inputs_size() > static_cast<int>(kMaxListItems)) {
      return absl::InvalidArgumentError(
          StrCat("inputs: at most ", kMaxListItems, " (got ", request->inputs_size(), ")"));
    }
    std::vector<DatasetKey> inputs;
    for (int i = 0; i < request->inputs_size(); ++i) {
      DatasetKey input = FromProto(request->inputs(i));
      if (absl::Status valid = ValidateDatasetKey(input); !valid.ok()) {
        return absl::InvalidArgumentError(StrCat("inputs[", i, "]: ", MessageOf(valid)));
      }
      inputs.push_back(std::move(input));
    }
    ASSIGN_OR_RETURN(key, store_->ResolveDataset(key));
    RETURN_IF_ERROR(
        Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(key)));
    // What a write reads is judged by its layer: an input the caller may
    // not read is answered as absent, so no layer is learned through it.
    for (size_t i = 0; i < inputs.size(); ++i) {
      absl::Status readable = HiddenAsNotFound(
          Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(inputs[i])), inputs[i]);
      if (!readable.ok()) {
        return absl::Status(readable.code(), StrCat("inputs[", i, "]: ", MessageOf(readable)));
      }
    }
    response->set_allowed(true);
    ASSIGN_OR_RETURN(auto found, store_->ContractOfDataset(key));
    if (found) {
      response->set_contract_id(found->first.id);
      response->set_contract_version(found->first.version);
      response->set_contract_status(found->first.status);
    }
    if (found && found->first.status == "active") {
      ASSIGN_OR_RETURN(Parsed parsed, ParseStored(found->first));
      if (const contract::Object* object = parsed.contract.FindObject(found->second.object)) {
        std::vector<contract::Violation> violations = contract::CheckFields(*object, fields);
        response->set_allowed(violations.empty());
        ViolationsToProto(violations, response->mutable_violations());
      }
    }
    return JudgeRules(key, std::move(fields), inputs, response);
  });
}

absl::Status ContractServiceImpl::JudgeRules(const DatasetKey& key, std::vector<Field> fields,
                                             const std::vector<DatasetKey>& inputs,
                                             v1::CheckWriteResponse* response) {
  std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
  if (snapshot->rules().empty()) return absl::OkStatus();
  // The dataset as the write leaves it: its schema, when one is given,
  // and what it is written from. A write is judged strictly: a dataset
  // that breaks a blocking rule is not written until it is fixed or
  // waived (docs/governance.md#rules).
  absl::StatusOr<Dataset> stored = store_->GetDataset(key);
  if (!stored.ok() && stored.status().code() != absl::StatusCode::kNotFound) {
    return stored.status();
  }
  Dataset after = stored.ok() ? *std::move(stored) : Dataset{.key = key};
  if (!fields.empty()) after.spec.fields = std::move(fields);
  const governance::Facts facts =
      inputs.empty() ? governance::FactsFor(snapshot->rules(), graph_, snapshot->entities(), after)
                     : governance::FactsOfInputs(snapshot->entities(), inputs);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (const governance::Break& b :
       governance::Breaks(snapshot->rules(), after, facts, snapshot->entities(), now_ms)) {
    if (b.rule->mode == governance::Mode::kAdvisory) continue;
    *response->add_rule_breaks() = RuleBreakToProto(*b.rule, b.verdict, b.waiver, key);
    if (b.rule->mode == governance::Mode::kBlocking && b.waiver == nullptr) {
      response->set_allowed(false);
    }
  }
  return absl::OkStatus();
}

}  // namespace catalog::server
