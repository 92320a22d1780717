#include "tests/in_process.h"

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::testing {

absl::Status InProcessServer::Start(
    const std::function<void(server::ServerConfig&)>& configure) {
  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.http_listen = "127.0.0.1:0";
  config.data_dir = (dir_.path() / "data").string();
  config.policies_dir = (SourceDir() / "policies").string();
  config.max_message_bytes = 8 * 1024 * 1024;
  if (configure) configure(config);
  ASSIGN_OR_RETURN(server_, server::CatalogServer::Start(config));
  std::string token = ReadFile(server_->admin_token_path());
  while (!token.empty() && token.back() == '\n') token.pop_back();
  admin_ = Connect(token);
  return absl::OkStatus();
}

std::unique_ptr<client::CatalogClient> InProcessServer::Connect(
    const std::string& token) const {
  return *client::CatalogClient::Connect(
      {.address = StrCat("127.0.0.1:", server_->grpc_port()), .token = token});
}

absl::StatusOr<std::string> InProcessServer::Issue(const std::string& principal) {
  v1::CreateTokenRequest req;
  req.set_principal(principal);
  ASSIGN_OR_RETURN(v1::CreateTokenResponse r,
                   admin_->Call(&v1::TokenService::Stub::CreateToken,
                                admin_->tokens(), req));
  return r.secret();
}

absl::StatusOr<std::unique_ptr<client::CatalogClient>> InProcessServer::As(
    const std::string& principal) {
  size_t colon = principal.find(':');
  v1::ApplyRequest apply;
  v1::Principal* p = apply.add_resources()->mutable_principal();
  p->set_kind(principal.substr(0, colon) == "serviceaccount"
                  ? v1::PRINCIPAL_KIND_SERVICE_ACCOUNT
                  : v1::PRINCIPAL_KIND_USER);
  p->set_name(principal.substr(colon + 1));
  RETURN_IF_ERROR(
      admin_->Call(&v1::CatalogService::Stub::Apply, admin_->catalog(), apply)
          .status());
  ASSIGN_OR_RETURN(std::string token, Issue(principal));
  return Connect(token);
}

absl::Status AddPolicyFile(client::CatalogClient& admin, const std::string& name,
                           const std::string& text) {
  ASSIGN_OR_RETURN(v1::PolicySet current,
                   admin.Call(&v1::PolicyService::Stub::GetPolicySet, admin.policies(),
                              v1::GetPolicySetRequest()));
  v1::PutPolicySetRequest put;
  for (const v1::PolicyFileProto& f : current.files()) *put.add_files() = f;
  v1::PolicyFileProto* f = put.add_files();
  f->set_name(name);
  f->set_text(text);
  return admin.Call(&v1::PolicyService::Stub::PutPolicySet, admin.policies(), put).status();
}

}  // namespace catalog::testing
