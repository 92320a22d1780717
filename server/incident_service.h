// catalog.v1.IncidentService: incidents of datasets' health
// (docs/quality.md#incidents) for those who may catalog:read the dataset;
// acknowledging, resolving and noting one takes incident:write on it.
#pragma once

#include "catalog/v1/incident.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::server {

class IncidentServiceImpl final : public v1::IncidentService::Service {
 public:
  IncidentServiceImpl(store::Store* store, const Authenticator* auth,
                      const authz::Authorizer* authorizer)
      : store_(store), auth_(auth), authorizer_(authorizer) {}

  grpc::Status ListIncidents(grpc::ServerContext* context, const v1::ListIncidentsRequest* request,
                             v1::ListIncidentsResponse* response) override;
  grpc::Status GetIncident(grpc::ServerContext* context, const v1::GetIncidentRequest* request,
                           v1::Incident* response) override;
  grpc::Status AcknowledgeIncident(grpc::ServerContext* context,
                                   const v1::ChangeIncidentRequest* request,
                                   v1::Incident* response) override;
  grpc::Status ResolveIncident(grpc::ServerContext* context,
                               const v1::ChangeIncidentRequest* request,
                               v1::Incident* response) override;
  grpc::Status AddIncidentNote(grpc::ServerContext* context,
                               const v1::ChangeIncidentRequest* request,
                               v1::Incident* response) override;

 private:
  grpc::Status Change(grpc::ServerContext* context, const v1::ChangeIncidentRequest& request,
                      store::IncidentAction action, v1::Incident* response);

  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
};

}  // namespace catalog::server
