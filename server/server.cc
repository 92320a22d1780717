#include "server/server.h"

#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <mutex>
#include <atomic>
#include <thread>

#include "absl/strings/numbers.h"
#include "lib/util/pem.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "lib/policy/policy_files.h"
#include "server/auth.h"
#include "server/call.h"
#include "server/connect_bridge.h"
#include "server/consistency.h"
#include "server/ui_http.h"
#include "server/mcp/mcp_http.h"
#include "server/ui_session.h"
#include "server/governance/sweep.h"
#include "server/housekeeping.h"
#include "server/secrets_key.h"
#include "server/webhook_service.h"
#include "server/cost_service.h"
#include "server/governance_service.h"
#include "server/model_service.h"
#include "server/application_service.h"
#include "server/products/product_cache.h"
#include "server/webhooks/dispatcher.h"
#include "server/catalog_service.h"
#include "server/lineage/graph.h"
#include "server/lineage/health_spread.h"
#include "server/data_dir.h"
#include "server/http_body.h"
#include "server/http_encoding.h"
#include "server/lineage_http.h"
#include "server/audit_service.h"
#include "server/incident_service.h"
#include "server/quality_service.h"
#include "server/contract_service.h"
#include "server/observability.h"
#include "server/store/backup.h"
#include "lib/util/metrics.h"
#include "server/lineage_service.h"
#include "server/policy_service.h"
#include "server/store/postgres.h"
#include "server/store/store.h"
#include "server/token_service.h"

namespace catalog::server {
namespace {

namespace fs = std::filesystem;

std::pair<std::string, int> SplitHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  (void)absl::SimpleAtoi(address.substr(colon + 1), &port);
  return {host, port};
}

// Plain, TLS, or mutual TLS (client certificates required and verified).
// gRPC's TLS 1.2 suites (its TLS 1.3 ones are OpenSSL's defaults).
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> CredentialsOf(
    const ServerConfig& config) {
  if (config.tls_cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      config.client_ca.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPemFile("tls-cert", config.tls_cert));
  ASSIGN_OR_RETURN(pair.private_key, ReadPemFile("tls-key", config.tls_key));
  RETURN_IF_ERROR(CheckKeyPair(pair.cert_chain, pair.private_key));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!config.client_ca.empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadPemFile("client-ca", config.client_ca));
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace

class CatalogServer::Impl {
 public:
  // First in, last out: released only after everything else is closed.
  std::unique_ptr<store::DataDirLock> data_lock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<authz::DecisionLog> decisions;  // outlives the authorizer
  // Outlives the authorizer, whose upstream degradation walks it.
  std::unique_ptr<lineage::LineageGraph> graph;
  std::unique_ptr<authz::Authorizer> authorizer;
  std::unique_ptr<products::ProductCache> product_cache;  // follows the store's commits
  std::unique_ptr<Consistency> consistency;  // of store and authorizer
  int graph_hook = 0;
  std::thread graph_loader;
  std::unique_ptr<governance::Sweep> sweep;     // asked by housekeeping
  std::unique_ptr<Housekeeping> housekeeping;  // the leader's work
  std::unique_ptr<webhooks::Dispatcher> dispatcher;  // the leader's deliveries
  std::atomic<bool> stopping{false};
  std::unique_ptr<CatalogServiceImpl> catalog_service;
  std::unique_ptr<LineageServiceImpl> lineage_service;
  std::unique_ptr<ContractServiceImpl> contract_service;
  std::unique_ptr<AuditServiceImpl> audit_service;
  std::unique_ptr<QualityServiceImpl> quality_service;
  std::unique_ptr<IncidentServiceImpl> incident_service;
  std::unique_ptr<WebhookServiceImpl> webhook_service;
  std::unique_ptr<CostServiceImpl> cost_service;
  std::unique_ptr<GovernanceServiceImpl> governance_service;
  std::unique_ptr<ModelServiceImpl> model_service;
  std::unique_ptr<AIApplicationServiceImpl> application_service;
  std::unique_ptr<PolicyServiceImpl> policy_service;
  std::unique_ptr<TokenServiceImpl> token_service;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<UiSessions> sessions;   // serve on http_server: outlive it
  std::unique_ptr<ConnectBridge> bridge;
  std::unique_ptr<mcp::McpHttp> mcp_http;
  std::unique_ptr<httplib::Server> http_server;
  std::thread http_thread;
  int grpc_port = 0;
  int http_port = 0;
  fs::path admin_token_path;
  std::once_flag shutdown_once;

  ~Impl() {
    // The gauges read this server: they go with it.
    for (const char* gauge : {"catalogd_authz_snapshot_revision",
                              "catalogd_authz_snapshot_age_seconds",
                              "catalogd_datasets_failing", "catalogd_datasets_stale",
                              "catalogd_datasets_upstream_degraded", "catalogd_incidents_open",
                              "catalogd_webhook_deliveries_pending", "catalogd_webhooks_paused",
                              "catalogd_calls_in_flight", "catalogd_leader",
                              "catalogd_replica_lag_revisions",
                              "catalogd_store_applied_revision"}) {
      Metrics::Get().SetGauge(gauge, "", nullptr);
    }
    stopping = true;
    housekeeping.reset();
    dispatcher.reset();
    if (graph_loader.joinable()) graph_loader.join();
    // The authorizer outlives the graph its spread walks: no walk after
    // this (one under way holds the hooks' lock, which removing a hook
    // waits for).
    if (authorizer != nullptr) authorizer->SetHealthSpread(nullptr);
    if (graph_hook != 0) store->RemoveCommitHook(graph_hook);
  }

  // The lineage graph follows commits from now on, before the authorizer
  // (whose upstream degradation walks it) sees them.
  void FollowLineage() {
    graph = std::make_unique<lineage::LineageGraph>();
    graph_hook = store->AddCommitHook([this, g = graph.get(), s = store.get()](const store::Change& c) {
      if (!c.reload) return g->OnCommit(c);
      // Read again, as at start (the old graph serves until then).
      if (absl::Status loaded = g->Load(*s); !loaded.ok()) {
        spdlog::error("lineage graph failed to reload: {}", MessageOf(loaded));
      } else if (authorizer != nullptr) {
        authorizer->RespreadHealth();
      }
    });
  }

  // The lineage graph loads in the background; lineage queries answer
  // UNAVAILABLE until it has, and upstream degradation follows it.
  void StartLineageGraph() {
    graph_loader = std::thread([this] {
      auto start = std::chrono::steady_clock::now();
      absl::Status loaded = graph->Load(*store);
      if (loaded.ok()) authorizer->RespreadHealth();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      if (loaded.ok()) {
        spdlog::info("lineage graph loaded: {} edges, {} datasets, {} jobs in "
                     "{} ms",
                     graph->edge_count(), graph->dataset_count(),
                     graph->job_count(), ms);
      } else {
        spdlog::error("lineage graph failed to load: {}", MessageOf(loaded));
      }
    });
  }

  absl::Status EnsureAdminToken() {
    if (fs::exists(admin_token_path)) return absl::OkStatus();
    ASSIGN_OR_RETURN(IssuedToken issued,
                     auth->Issue(kAdminPrincipal, "created at first start",
                                 kAdminPrincipal));
    RETURN_IF_ERROR(WritePrivateFile(admin_token_path.string(), issued.bearer + "\n"));
    spdlog::info("admin token {} written to {} (mode 0600)", issued.record.id,
                 admin_token_path.string());
    return absl::OkStatus();
  }

  absl::Status StartHttp(const ServerConfig& config) {
    const std::string& address = config.http_listen;
    size_t max_body_bytes = static_cast<size_t>(config.max_message_bytes);
    if (config.tls_cert.empty()) {
      http_server = std::make_unique<httplib::Server>();
    } else {
      // The same certificates as gRPC; with client-ca, clients need one too.
      auto tls = std::make_unique<httplib::SSLServer>(
          config.tls_cert.c_str(), config.tls_key.c_str(),
          config.client_ca.empty() ? nullptr : config.client_ca.c_str());
      if (!tls->is_valid()) {
        return absl::InvalidArgumentError(
            "tls-cert, tls-key, client-ca: the HTTP port cannot use them");
      }
      // The same floor as gRPC's: TLS 1.2 or later, forward-secret AEAD
      // suites only (OpenSSL's defaults would take CBC-SHA1 and RSA key
      // exchange, and the library's own minimum is TLS 1.1).
      SSL_CTX* ctx = tls->ssl_context();
      if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
          SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
        return absl::InternalError("the HTTP port cannot restrict its TLS versions and ciphers");
      }
      http_server = std::move(tls);
    }
    http_server->set_payload_max_length(max_body_bytes);
    // httplib's default also sets SO_REUSEPORT, which lets a second catalogd
    // bind the same port and take half the requests: SO_REUSEADDR only.
    http_server->set_socket_options([](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    // Small request/response pairs: do not let Nagle's algorithm meet the
    // client's delayed ACK (40 ms per call).
    http_server->set_tcp_nodelay(true);
    // One thread per connection being served (cpp-httplib): 64 of them, and
    // a peer that stops sending is dropped after 5 s (keep-alive: 5 s idle,
    // 100 requests), so stalled clients hold a thread for seconds at most
    // and fewer than 64 of them hold no one up.
    http_server->new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
    http_server->set_read_timeout(5, 0);
    http_server->set_write_timeout(5, 0);
    http_server->set_keep_alive_timeout(5);
    http_server->set_keep_alive_max_count(100);
    RegisterLineageHttp(*http_server, *auth, *lineage_service, max_body_bytes);
    // The JSON API: the gRPC services, through the in-process channel.
    grpc::ChannelArguments channel_args;
    channel_args.SetMaxReceiveMessageSize(config.max_message_bytes);
    channel_args.SetMaxSendMessageSize(config.max_message_bytes);
    sessions = std::make_unique<UiSessions>(
        *auth, *store,
        UiSessions::Options{.lifetime = *ParseDuration(config.session_lifetime),
                            .idle = *ParseDuration(config.session_idle),
                            .tls = !config.tls_cert.empty()});
    sessions->Register(*http_server);
    bridge = std::make_unique<ConnectBridge>(
        grpc_server->InProcessChannel(channel_args), *auth, sessions.get(),
        std::vector<std::string>{v1::CatalogService::service_full_name(),
                                 v1::TokenService::service_full_name(),
                                 v1::PolicyService::service_full_name(),
                                 v1::LineageService::service_full_name(),
                                 v1::ContractService::service_full_name(),
                                 v1::AuditService::service_full_name(),
                                 v1::QualityService::service_full_name(),
                                 v1::IncidentService::service_full_name(),
                                 v1::WebhookService::service_full_name(),
                                 v1::CostService::service_full_name(),
                                 v1::GovernanceService::service_full_name(),
                                 v1::ModelService::service_full_name(),
                                 v1::AIApplicationService::service_full_name()},
        ConnectBridge::Options{.max_body_bytes = max_body_bytes});
    bridge->Register(*http_server);
    // The MCP server for AI agents: tools made of the same services' calls.
    ASSIGN_OR_RETURN(std::vector<std::string> origins,
                     mcp::McpHttp::ParseOrigins(config.mcp_allowed_origins));
    mcp_http = std::make_unique<mcp::McpHttp>(
        *bridge, mcp::McpHttp::Options{.allowed_origins = std::move(origins),
                                       .server_version = config.version});
    mcp_http->Register(*http_server);
    std::vector<std::string> body_paths = bridge->BodyPaths();
    body_paths.insert(body_paths.end(),
                      {"/api/v1/lineage", "/api/v1/lineage/batch", "/ui/session", mcp::kPath});
    RefuseUnexpectedBodies(*http_server, std::move(body_paths));
    RegisterUi(*http_server, config.ui_dir);
    AddSecurityHeaders(*http_server);
    // A replica whose PostgreSQL is unreachable still decides, from the
    // snapshot it has (writes fail): degraded, not taken out of service.
    // SQLite's catalogd without its database is not ready.
    RegisterObservability(
        *http_server,
        {{"store",
          [this] {
            absl::StatusOr<int64_t> r = store->CatalogRevision();
            if (r.ok()) return std::string();
            return StrCat(store->shared() ? "unreachable; decisions are served from revision " +
                                                std::to_string(store->AppliedRevision()) +
                                                ", writes fail: "
                                          : "",
                          MessageOf(r.status()));
          },
          /*blocks=*/!store->shared()},
         {"authorization", [this] {
            return authorizer->ready() ? std::string()
                                       : std::string("the first snapshot is loading");
          }},
         {"lineage", [this] {
            return graph->loaded() ? std::string()
                                   : std::string("the lineage graph is loading");
          }}},
        [this] {
          // The revision this catalogd has applied, and how far behind the
          // store's head it is (other replicas' writes not yet applied).
          const int64_t applied = store->AppliedRevision();
          nlohmann::json revision = {{"applied", applied}};
          if (absl::StatusOr<int64_t> head = store->CatalogRevision(); head.ok()) {
            revision["head"] = *head;
            revision["lag"] = std::max<int64_t>(0, *head - applied);
          }
          return nlohmann::json{{"revision", revision}, {"leader", store->leader()}};
        });
    Metrics::Get().SetGauge("catalogd_leader",
                            "1 when this catalogd does the work only one replica does",
                            [this] { return store->leader() ? 1.0 : 0.0; });
    Metrics::Get().SetGauge("catalogd_replica_lag_revisions",
                            "Revisions committed to the store this catalogd has not applied yet",
                            [this] {
                              absl::StatusOr<int64_t> head = store->CatalogRevision();
                              return head.ok() ? double(std::max<int64_t>(
                                                     0, *head - store->AppliedRevision()))
                                               : 0.0;
                            });
    Metrics::Get().SetGauge("catalogd_store_applied_revision",
                            "Catalog revision this catalogd has applied (snapshot, lineage, tokens)",
                            [this] { return double(store->AppliedRevision()); });
    Metrics::Get().SetGauge("catalogd_authz_snapshot_revision",
                            "Catalog revision of the authorization snapshot",
                            [this] { return double(authorizer->current()->revision()); });
    Metrics::Get().SetGauge("catalogd_authz_snapshot_age_seconds",
                            "Seconds since the current snapshot was put in place",
                            [this] { return authorizer->SnapshotAgeSeconds(); });
    Metrics::Get().SetGauge("catalogd_datasets_failing",
                            "Datasets failing by themselves (a blocking check, a broken contract)",
                            [this] { return double(authorizer->current()->CountHealth().failing); });
    Metrics::Get().SetGauge("catalogd_datasets_stale",
                            "Datasets not written as their contract promises",
                            [this] { return double(authorizer->current()->CountHealth().stale); });
    Metrics::Get().SetGauge(
        "catalogd_datasets_upstream_degraded",
        "Datasets made from a failing or stale one within health-upstream-hops",
        [this] { return double(authorizer->current()->CountHealth().upstream_degraded); });
    Metrics::Get().SetGauge("catalogd_incidents_open",
                            "Incidents open or acknowledged, not resolved",
                            [this] {
                              absl::StatusOr<int64_t> n = store->CountOpenIncidents();
                              return n.ok() ? double(*n) : 0.0;
                            });
    Metrics::Get().SetGauge("catalogd_webhook_deliveries_pending",
                            "Webhook deliveries not yet delivered (or skipped)", [this] {
                              absl::StatusOr<store::Store::WebhookCounts> n =
                                  store->CountWebhookDeliveries();
                              return n.ok() ? double(n->pending) : 0.0;
                            });
    Metrics::Get().SetGauge("catalogd_webhooks_paused",
                            "Webhooks paused after a delivery's last attempt failed", [this] {
                              absl::StatusOr<store::Store::WebhookCounts> n =
                                  store->CountWebhookDeliveries();
                              return n.ok() ? double(n->paused_webhooks) : 0.0;
                            });
    Metrics::Get().SetGauge("catalogd_calls_in_flight", "RPC and HTTP calls being handled",
                            [] { return double(CallsInFlight()); });
    store::Store* s = store.get();
    http_server->Get("/healthz", [s](const httplib::Request&,
                                     httplib::Response& res) {
      absl::StatusOr<int64_t> revision = s->CatalogRevision();
      if (revision.ok()) {
        SetBody(nullptr, res, StrCat("{\"status\":\"ok\",\"catalog_revision\":", *revision, "}\n"),
                "application/json");
      } else {
        res.status = 503;
        SetBody(nullptr, res, "{\"status\":\"unavailable\"}\n", "application/json");
      }
    });
    auto [host, port] = SplitHostPort(address);
    if (port == 0) {
      http_port = http_server->bind_to_any_port(host);
    } else {
      http_port = http_server->bind_to_port(host, port) ? port : -1;
    }
    if (http_port <= 0) {
      return absl::UnavailableError(
          StrCat("http-listen: cannot bind ", address));
    }
    http_thread = std::thread([this] { http_server->listen_after_bind(); });
    return absl::OkStatus();
  }

  absl::Status StartGrpc(const ServerConfig& config, webhooks::AddressAllowList allow,
                         SecretsKey secrets) {
    product_cache = std::make_unique<products::ProductCache>(store.get());
    catalog_service = std::make_unique<CatalogServiceImpl>(
        store.get(), auth.get(), authorizer.get(), graph.get(), product_cache.get());
    policy_service = std::make_unique<PolicyServiceImpl>(
        store.get(), auth.get(), authorizer.get());
    token_service = std::make_unique<TokenServiceImpl>(store.get(), auth.get(),
                                                       authorizer.get());
    lineage_service = std::make_unique<LineageServiceImpl>(
        store.get(), auth.get(), authorizer.get(), graph.get(), product_cache.get());
    contract_service = std::make_unique<ContractServiceImpl>(
        store.get(), auth.get(), authorizer.get(), graph.get());
    audit_service = std::make_unique<AuditServiceImpl>(store.get(), auth.get(),
                                                       authorizer.get());
    quality_service = std::make_unique<QualityServiceImpl>(store.get(), auth.get(),
                                                           authorizer.get());
    incident_service = std::make_unique<IncidentServiceImpl>(store.get(), auth.get(),
                                                             authorizer.get());
    cost_service = std::make_unique<CostServiceImpl>(store.get(), auth.get(), authorizer.get());
    governance_service =
        std::make_unique<GovernanceServiceImpl>(store.get(), auth.get(), authorizer.get(),
                                                graph.get(), product_cache.get());
    model_service = std::make_unique<ModelServiceImpl>(store.get(), auth.get(), authorizer.get());
    application_service =
        std::make_unique<AIApplicationServiceImpl>(store.get(), auth.get(), authorizer.get());
    webhook_service = std::make_unique<WebhookServiceImpl>(
        store.get(), auth.get(), authorizer.get(), std::move(allow), std::move(secrets));
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(RpcMetricsInterceptor());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                     CredentialsOf(config));
    SetClientCertificates(!config.client_ca.empty(),
                          {.trust_domain = config.trust_domain,
                           .client_namespace = config.client_namespace});
    builder.AddListeningPort(config.listen, credentials,
                             &grpc_port);
    builder.SetMaxReceiveMessageSize(config.max_message_bytes);
    builder.SetMaxSendMessageSize(config.max_message_bytes);
    // gRPC binds with SO_REUSEPORT by default: a second catalogd on the same
    // port would start and share the calls. A port in use refuses to start.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // Hardening: bounded metadata and streams per connection; clients that
    // ping more than once a minute without calls are cut off (ping floods);
    // idle connections are closed after 30 minutes.
    builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, kMaxMetadataBytes);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxStreamsPerConnection);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               60 * 1000);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 60 * 1000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 30 * 60 * 1000);
    // Handlers use the synchronous API (SQLite work blocks): each call in
    // flight runs on its own thread, up to `max-threads`; beyond that gRPC
    // sheds the call with RESOURCE_EXHAUSTED. Threads that finish a call stay
    // and poll for the next one (up to `max-threads`/4 of them) instead of
    // exiting, so a steady load does not create a thread per call.
    grpc::ResourceQuota quota("catalogd");
    quota.SetMaxThreads(config.max_threads);
    builder.SetResourceQuota(quota);
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                                std::max(2, config.max_threads / 4));
    builder.RegisterService(catalog_service.get());
    builder.RegisterService(token_service.get());
    builder.RegisterService(policy_service.get());
    builder.RegisterService(lineage_service.get());
    builder.RegisterService(contract_service.get());
    builder.RegisterService(audit_service.get());
    builder.RegisterService(quality_service.get());
    builder.RegisterService(incident_service.get());
    builder.RegisterService(model_service.get());
    builder.RegisterService(application_service.get());
    builder.RegisterService(webhook_service.get());
    builder.RegisterService(cost_service.get());
    builder.RegisterService(governance_service.get());
    grpc_server = builder.BuildAndStart();
    if (grpc_server == nullptr || grpc_port == 0) {
      return absl::UnavailableError(
          StrCat("listen: cannot bind ", config.listen));
    }
    return absl::OkStatus();
  }
};

CatalogServer::CatalogServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

CatalogServer::~CatalogServer() { Shutdown(std::chrono::seconds(1)); }

absl::StatusOr<std::unique_ptr<CatalogServer>> CatalogServer::Start(
    const ServerConfig& config) {
  RETURN_IF_ERROR(ValidateConfig(config));
  std::error_code ec;
  if (!fs::is_directory(config.policies_dir, ec)) {
    return absl::InvalidArgumentError(
        StrCat("policies: \"", config.policies_dir, "\" is not a directory"));
  }
  absl::StatusOr<std::vector<policy::PolicySource>> sources =
      policy::ReadPolicySources({config.policies_dir});
  if (!sources.ok()) {
    return absl::Status(sources.status().code(),
                        StrCat("policies: ", MessageOf(sources.status())));
  }
  std::vector<store::PolicyFile> policy_files;
  for (policy::PolicySource& s : *sources) {
    policy_files.push_back({std::move(s.name), std::move(s.text)});
  }
  RETURN_IF_ERROR(PrepareDataDir(config.data_dir));

  auto impl = std::make_unique<Impl>();
  // One catalogd per data directory.
  ASSIGN_OR_RETURN(store::DataDirLock lock, store::DataDirLock::Acquire(config.data_dir));
  impl->data_lock = std::make_unique<store::DataDirLock>(std::move(lock));
  fs::path db_path = fs::path(config.data_dir) / "catalog.db";
  // The data directory holds only what is this catalogd's own when the
  // store is PostgreSQL (admin.token, the decisions' spill file).
  const std::string store_name =
      config.store.empty() ? db_path.string() : store::RedactedStoreUrl(config.store);
  // Other replicas' writes are followed once every view that applies them
  // has its hook (below, before serving).
  ASSIGN_OR_RETURN(impl->store, store::Store::Open({.path = db_path.string(),
                                                    .postgres = config.store,
                                                    .follow = false,
                                                    .readers = config.readers}));
  ASSIGN_OR_RETURN(impl->auth, Authenticator::Create(impl->store.get()));
  impl->admin_token_path = fs::path(config.data_dir) / "admin.token";
  ASSIGN_OR_RETURN(authz::DecisionAudit decision_audit,
                   authz::ParseDecisionAudit(config.audit_decisions));
  impl->decisions = std::make_unique<authz::DecisionLog>(
      impl->store.get(),
      authz::DecisionLogOptions{
          .mode = decision_audit,
          .allow_sample = config.audit_allow_sample,
          .max_per_caller = config.audit_decisions_per_caller,
          .spill_path = (fs::path(config.data_dir) / "audit-pending.jsonl").string()});
  bool seeded = false;
  impl->FollowLineage();
  ASSIGN_OR_RETURN(impl->authorizer,
                   authz::Authorizer::Create(impl->store.get(), policy_files, &seeded));
  impl->authorizer->SetHealthSpread(
      [g = impl->graph.get(), hops = config.health_upstream_hops](const auto& sources) {
        return lineage::SpreadHealth(*g, sources, hops);
      });
  // The catalogd that created the catalog writes the admin token to its
  // data directory; with SQLite, also one whose directory lost it.
  if (seeded || !impl->store->shared()) RETURN_IF_ERROR(impl->EnsureAdminToken());
  impl->authorizer->SetDecisionLog(impl->decisions.get());
  impl->authorizer->SetConsistencyWait(std::chrono::milliseconds(config.consistency_wait_ms));
  impl->consistency =
      std::make_unique<Consistency>(impl->store.get(), impl->authorizer.get());
  impl->auth->SetConsistency(impl->consistency.get());
  // Small catalogs load at once; a large one keeps loading in the
  // background while the server answers (denying, and saying why, until
  // it is ready).
  if (impl->authorizer->WaitReady(std::chrono::system_clock::now() +
                                  std::chrono::milliseconds(250))) {
    std::shared_ptr<const authz::Snapshot> snapshot = impl->authorizer->current();
    spdlog::info("policies: version {} with {} polic{} in force (the "
                 "policies directory {} seeds the first version)",
                 snapshot->policy_version(), snapshot->policies().size(),
                 snapshot->policies().size() == 1 ? "y" : "ies",
                 config.policies_dir);
  } else {
    spdlog::info("authorization data is loading in the background; until it "
                 "is ready, calls that need a decision are refused");
  }

  impl->StartLineageGraph();
  RETURN_IF_ERROR(impl->store->StartFollowing());
  impl->sweep = std::make_unique<governance::Sweep>(
      impl->store.get(), impl->authorizer.get(), impl->graph.get(),
      governance::Sweep::Options{.every = std::chrono::milliseconds(
                                     config.governance_sweep_seconds * 1000)});
  impl->housekeeping = std::make_unique<Housekeeping>(
      impl->store.get(),
      Housekeeping::Options{.quality_retention = *ParseDuration(config.quality_retention),
                            .governance = [sweep = impl->sweep.get()] { sweep->MaybeRun(); }});
  ASSIGN_OR_RETURN(webhooks::AddressAllowList allow,
                   webhooks::AddressAllowList::Parse(config.webhook_allow));
  const std::string key_file = config.secrets_key_file.empty()
                                   ? (fs::path(config.data_dir) / "secrets.key").string()
                                   : config.secrets_key_file;
  ASSIGN_OR_RETURN(SecretsKey secrets,
                   LoadSecretsKey(key_file, /*create=*/config.secrets_key_file.empty()));
  impl->dispatcher = std::make_unique<webhooks::Dispatcher>(
      impl->store.get(), impl->authorizer.get(), impl->graph.get(),
      webhooks::Dispatcher::Options{
          .retry = {.max_attempts = config.webhook_max_attempts},
          .allow = allow,
          .post = {.ca_file = config.webhook_ca},
          .key = secrets,
          .hops = config.health_upstream_hops});
  RETURN_IF_ERROR(impl->StartGrpc(config, std::move(allow), std::move(secrets)));
  absl::Status http = impl->StartHttp(config);
  if (!http.ok()) {
    impl->grpc_server->Shutdown();
    return http;
  }
  spdlog::info("catalogd serving gRPC on {} (port {}), HTTP on {} (port {}), "
               "database {}",
               config.listen, impl->grpc_port, config.http_listen,
               impl->http_port, store_name);
  return std::unique_ptr<CatalogServer>(new CatalogServer(std::move(impl)));
}

int CatalogServer::grpc_port() const { return impl_->grpc_port; }
int CatalogServer::http_port() const { return impl_->http_port; }
std::string CatalogServer::admin_token_path() const {
  return impl_->admin_token_path.string();
}

void CatalogServer::Shutdown(std::chrono::milliseconds grace) {
  std::call_once(impl_->shutdown_once, [&] {
    // gRPC's shutdown waits for connected clients to go away until the
    // deadline, even when they are idle; only wait when calls are running.
    auto deadline = std::chrono::system_clock::now();
    if (CallsInFlight() > 0) deadline += grace;
    impl_->grpc_server->Shutdown(deadline);
    impl_->grpc_server->Wait();
    impl_->http_server->stop();
    if (impl_->http_thread.joinable()) impl_->http_thread.join();
  });
}

}  // namespace catalog::server
