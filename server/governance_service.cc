#include "server/governance_service.h"

#include "lib/util/status_macros.h"
#include "server/call.h"

namespace catalog::server {
namespace {

void ToProto(const store::LayerSettings& in, v1::Layers* out) {
  for (const std::string& l : in.layers) out->add_layers(l);
  out->set_revision(in.revision);
  out->set_updated_at(in.updated_at);
  out->set_updated_by(in.updated_by);
}

}  // namespace

grpc::Status GovernanceServiceImpl::GetLayers(grpc::ServerContext* context,
                                              const v1::GetLayersRequest*,
                                              v1::Layers* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // The list names no object: whoever may read the catalog reads it.
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(store::LayerSettings layers, store_->GetLayers());
    ToProto(layers, response);
    return absl::OkStatus();
  });
}

grpc::Status GovernanceServiceImpl::SetLayers(grpc::ServerContext* context,
                                              const v1::SetLayersRequest* request,
                                              v1::Layers* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "governance:write", CatalogRoot()));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(store::LayerSettings layers,
                     store_->SetLayers({request->layers().begin(), request->layers().end()},
                                       caller, request->expected_revision()));
    ToProto(layers, response);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
