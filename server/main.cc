// catalogd: the catalog server.
//
//   catalogd [--config FILE] [--listen HOST:PORT] [--http-listen HOST:PORT]
//            [--data-dir DIR] [--policies DIR] [--log-format text|json]
//   catalogd migrate [--dry-run] [--data-dir DIR]
//   catalogd backup FILE [--data-dir DIR]     (online, while catalogd runs)
//   catalogd restore FILE [--data-dir DIR]    (catalogd stopped)
//   catalogd copy --from DIR|postgres://… --to DIR|postgres://…
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "lib/util/version.h"
#include "server/config.h"
#include "server/logging.h"
#include "server/data_dir.h"
#include "server/server.h"
#include "server/store/backup.h"
#include "server/store/copy.h"
#include "server/store/store.h"
#include "server/store/dialect.h"
#include "server/store/migrations.h"
#include "server/store/postgres.h"
#include "server/store/sqlite.h"

namespace {

using catalog::server::ServerConfig;

// Applies (or, dry, lists) the migrations `db`'s engine lacks, and says so;
// `name` is what the database is called in the report.
int MigrateAndReport(catalog::store::Connection& db, const std::string& name, bool dry_run) {
  namespace store = catalog::store;
  auto current = store::CurrentSchemaVersion(db);
  auto pending = store::Migrate(db, db.dialect().migrations(), dry_run);
  if (!pending.ok()) {
    std::cerr << "catalogd: " << pending.status().message() << "\n";
    return 1;
  }
  std::cout << "database " << name << " is at schema version " << (current.ok() ? *current : 0)
            << "\n";
  if (pending->empty()) std::cout << "up to date\n";
  for (const auto& m : *pending) {
    std::cout << (dry_run ? "would apply " : "applied ") << m.name << "\n";
  }
  return 0;
}

int Migrate(const ServerConfig& config, bool dry_run) {
  namespace store = catalog::store;
  if (!config.store.empty()) {
    // Under the lock every migrating catalogd takes (TxnMode::kSchema).
    auto db = store::PgConnection::Open(config.store, {});
    if (!db.ok()) {
      std::cerr << "catalogd: " << db.status().message() << "\n";
      return 1;
    }
    return MigrateAndReport(**db, store::RedactedStoreUrl(config.store), dry_run);
  }
  std::filesystem::path path =
      std::filesystem::path(config.data_dir) / "catalog.db";
  if (dry_run && !std::filesystem::exists(path)) {
    std::cout << "no database at " << path.string()
              << "; these migrations would create it:\n";
    for (const auto& m : store::EmbeddedMigrations()) {
      std::cout << "  " << m.name << "\n";
    }
    return 0;
  }
  if (absl::Status dir = catalog::server::PrepareDataDir(config.data_dir); !dir.ok()) {
    std::cerr << "catalogd: " << dir.message() << "\n";
    return 1;
  }
  auto lock = store::DataDirLock::Acquire(config.data_dir);
  if (!lock.ok() && !dry_run) {
    std::cerr << "catalogd: " << lock.status().message() << "\n";
    return 1;
  }
  auto db = store::SqliteConnection::Open(path.string(), false, 5000);
  if (!db.ok()) {
    std::cerr << "catalogd: " << db.status().message() << "\n";
    return 1;
  }
  return MigrateAndReport(**db, path.string(), dry_run);
}

void PrintInfo(const catalog::store::BackupInfo& info) {
  std::cout << "  " << info.bytes << " bytes, schema version "
            << info.schema_version << ", catalog revision "
            << info.catalog_revision << ", " << info.audit_events
            << " audit events\n";
}

int Backup(const ServerConfig& config, const std::string& to, bool force) {
  std::string db = (std::filesystem::path(config.data_dir) / "catalog.db").string();
  auto info = catalog::store::BackupDatabase(db, to, force);
  if (!info.ok()) {
    std::cerr << "catalogd: backup: " << info.status().message() << "\n";
    return 1;
  }
  std::cout << "backed up " << db << " to " << to << " (integrity ok)\n";
  PrintInfo(*info);
  return 0;
}

int Restore(const ServerConfig& config, const std::string& from) {
  auto lock = catalog::store::DataDirLock::Acquire(config.data_dir);
  if (!lock.ok()) {
    std::cerr << "catalogd: restore: " << lock.status().message()
              << "; stop catalogd first\n";
    return 1;
  }
  std::string db = (std::filesystem::path(config.data_dir) / "catalog.db").string();
  auto info = catalog::store::RestoreDatabase(from, db);
  if (!info.ok()) {
    std::cerr << "catalogd: restore: " << info.status().message() << "\n";
    return 1;
  }
  std::cout << "restored " << db << " from " << from << " (integrity ok)\n";
  PrintInfo(*info);
  return 0;
}

// `catalogd copy --from A --to B`: A and B are each a data directory
// (SQLite; its catalogd stopped) or a postgres:// URL.
int Copy(const std::string& from, const std::string& to) {
  namespace store = catalog::store;
  auto located = [](const std::string& where) {
    bool pg = where.rfind("postgres://", 0) == 0 || where.rfind("postgresql://", 0) == 0;
    return pg ? store::StoreLocation{.postgres_url = where}
              : store::StoreLocation{
                    .sqlite_path = (std::filesystem::path(where) / "catalog.db").string()};
  };
  store::StoreLocation source = located(from), destination = located(to);
  std::vector<store::DataDirLock> locks;
  for (const auto& [dir, at] : {std::pair{from, source}, std::pair{to, destination}}) {
    if (!at.postgres_url.empty()) {
      if (absl::Status url = store::CheckStoreUrl(at.postgres_url); !url.ok()) {
        std::cerr << "catalogd: copy: " << url.message() << "\n";
        return 2;
      }
      continue;
    }
    if (&at == &source && !std::filesystem::exists(at.sqlite_path)) {
      std::cerr << "catalogd: copy: no catalog at " << at.sqlite_path << "\n";
      return 2;
    }
    if (absl::Status d = catalog::server::PrepareDataDir(dir); !d.ok()) {
      std::cerr << "catalogd: copy: " << d.message() << "\n";
      return 1;
    }
    auto lock = store::DataDirLock::Acquire(dir);
    if (!lock.ok()) {
      std::cerr << "catalogd: copy: " << lock.status().message() << "\n";
      return 1;
    }
    locks.push_back(*std::move(lock));
  }
  auto report = store::CopyStore(source, destination);
  if (!report.ok()) {
    std::cerr << "catalogd: copy: " << report.status().message() << "\n";
    return 1;
  }
  int64_t rows = 0;
  for (const auto& [table, n] : report->rows) rows += n;
  std::cout << "copied " << rows << " rows (catalog revision " << report->catalog_revision
            << ", schema version " << report->schema_version << ") from " << source.ToString()
            << " to " << destination.ToString() << "\n";
  for (const auto& [table, n] : report->rows) std::cout << "  " << table << ": " << n << "\n";
  // The audit chain, checked on the other side.
  auto opened = store::Store::Open(
      {.path = destination.sqlite_path, .postgres = destination.postgres_url});
  if (!opened.ok()) {
    std::cerr << "catalogd: copy: " << opened.status().message() << "\n";
    return 1;
  }
  auto verified = (*opened)->VerifyAudit();
  if (!verified.ok() || !verified->ok) {
    std::cerr << "catalogd: copy: the audit chain does not verify at "
              << destination.ToString() << ": "
              << (verified.ok() ? verified->problem : std::string(verified.status().message()))
              << "\n";
    return 1;
  }
  std::cout << "audit chain verified: " << verified->events << " events, head " << verified->head_seq
            << " " << verified->head_hash << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The allocator is jemalloc (server/CMakeLists.txt), which keeps freed
  // pages for reuse for a while: large answers (a lineage graph of 10,000
  // nodes is megabytes) do not fault their memory in on every call, as they
  // did with glibc's defaults.
  // Debian's Abseil checks every absl::Mutex gRPC takes for lock-order
  // cycles (a debugging aid): about 2% of catalogd's CPU under load.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{"catalogd: the data catalog and governance server"};
  app.set_version_flag("--version", "catalogd " + catalog::VersionLine());
  app.fallthrough();  // `catalogd migrate --data-dir DIR` works too
  ServerConfig flags;
  std::string config_file;
  app.add_option("--config", config_file, "YAML config file");
  auto* listen = app.add_option("--listen", flags.listen,
                                "gRPC address HOST:PORT (port 0 picks one)");
  auto* http = app.add_option("--http-listen", flags.http_listen,
                              "HTTP address HOST:PORT for /healthz");
  auto* data = app.add_option("--data-dir", flags.data_dir,
                              "directory for catalog.db and admin.token");
  auto* store_url = app.add_option(
      "--store", flags.store,
      "postgres://USER@HOST:PORT/DB: share the catalog with other catalogd replicas "
      "(default: SQLite in --data-dir; also CATALOGD_STORE)");
  auto* consistency_wait = app.add_option(
      "--consistency-wait-ms", flags.consistency_wait_ms,
      "how long a call waits for the revision its consistency token names (default 2000)");
  auto* policies = app.add_option("--policies", flags.policies_dir,
                                  "directory of *.cedar policy files");
  auto* log_format = app.add_option("--log-format", flags.log_format,
                                    "text or json");
  auto* log_level = app.add_option("--log-level", flags.log_level,
                                   "debug, info, warn or error");
  auto* tls_cert = app.add_option("--tls-cert", flags.tls_cert,
                                  "PEM certificate chain: serve TLS on both ports");
  auto* tls_key = app.add_option("--tls-key", flags.tls_key, "PEM private key of --tls-cert");
  auto* client_ca = app.add_option("--client-ca", flags.client_ca,
                                   "PEM CA bundle: require client certificates (mTLS)");
  auto* trust_domain = app.add_option(
      "--trust-domain", flags.trust_domain,
      "SPIFFE trust domain client certificates' URI SANs must be in (mTLS)");
  auto* client_namespace = app.add_option(
      "--client-namespace", flags.client_namespace,
      "the NS of spiffe://TD/ns/NS/sa/NAME certificates accepted (mTLS)");
  auto* audit_decisions = app.add_option(
      "--audit-decisions", flags.audit_decisions,
      "authorization decisions written to the audit log: off, denies (default) or all");
  auto* audit_per_caller = app.add_option(
      "--audit-decisions-per-caller", flags.audit_decisions_per_caller,
      "at most this many decision events per caller a minute (0: no cap)");
  auto* audit_allow_sample = app.add_option(
      "--audit-allow-sample", flags.audit_allow_sample,
      "with --audit-decisions denies: also this fraction (0..1) of allows");
  auto* ui_dir = app.add_option("--ui-dir", flags.ui_dir,
                                "serve the web UI from this directory (ui/build.mjs's output) "
                                "instead of the files built in");
  auto* migrate = app.add_subcommand(
      "migrate", "apply pending schema migrations and exit");
  bool dry_run = false;
  migrate->add_flag("--dry-run", dry_run, "list what would be applied");
  std::string backup_file;
  auto* backup = app.add_subcommand(
      "backup", "copy the database, consistently, while catalogd runs");
  backup->add_option("file", backup_file, "where to write the copy")->required();
  bool force_backup = false;
  backup->add_flag("--force", force_backup, "replace the file if it exists");
  auto* restore = app.add_subcommand(
      "restore", "replace the database with a backup (catalogd stopped)");
  restore->add_option("file", backup_file, "a file written by catalogd backup")
      ->required();
  std::string copy_from, copy_to;
  auto* copy = app.add_subcommand(
      "copy", "copy the whole catalog between stores (SQLite data directories and PostgreSQL)");
  copy->add_option("--from", copy_from, "a data directory (catalogd stopped) or postgres:// URL")
      ->required();
  copy->add_option("--to", copy_to, "a data directory or postgres:// URL holding no catalog yet")
      ->required();
  CLI11_PARSE(app, argc, argv);

  // Defaults, then the config file, then flags given on the command line.
  ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = catalog::server::LoadConfigFile(config_file, config);
    if (!loaded.ok()) {
      std::cerr << "catalogd: " << loaded.status().message() << "\n";
      return 2;
    }
    config = *loaded;
  }
  config.version = catalog::Version();
  if (listen->count()) config.listen = flags.listen;
  if (http->count()) config.http_listen = flags.http_listen;
  if (data->count()) config.data_dir = flags.data_dir;
  // The store's URL: the config file, then the environment, then the flag.
  if (const char* env = std::getenv("CATALOGD_STORE"); env != nullptr && *env != '\0') {
    config.store = env;
  }
  if (store_url->count()) config.store = flags.store;
  if (consistency_wait->count()) config.consistency_wait_ms = flags.consistency_wait_ms;
  if (policies->count()) config.policies_dir = flags.policies_dir;
  if (log_format->count()) config.log_format = flags.log_format;
  if (log_level->count()) config.log_level = flags.log_level;
  if (tls_cert->count()) config.tls_cert = flags.tls_cert;
  if (tls_key->count()) config.tls_key = flags.tls_key;
  if (client_ca->count()) config.client_ca = flags.client_ca;
  if (trust_domain->count()) config.trust_domain = flags.trust_domain;
  if (client_namespace->count()) config.client_namespace = flags.client_namespace;
  if (audit_decisions->count()) config.audit_decisions = flags.audit_decisions;
  if (audit_allow_sample->count()) config.audit_allow_sample = flags.audit_allow_sample;
  if (audit_per_caller->count()) {
    config.audit_decisions_per_caller = flags.audit_decisions_per_caller;
  }
  if (ui_dir->count()) config.ui_dir = flags.ui_dir;
  if (absl::Status valid = catalog::server::ValidateConfig(config);
      !valid.ok()) {
    std::cerr << "catalogd: " << valid.message() << "\n";
    return 2;
  }
  if (copy->parsed()) return Copy(copy_from, copy_to);
  if (migrate->parsed()) return Migrate(config, dry_run);
  if ((backup->parsed() || restore->parsed()) && !config.store.empty()) {
    std::cerr << "catalogd: backup and restore are for the SQLite store; back up a "
                 "PostgreSQL store with pg_dump or the server's point-in-time recovery "
                 "(docs/operations.md)\n";
    return 2;
  }
  if (backup->parsed()) return Backup(config, backup_file, force_backup);
  if (restore->parsed()) return Restore(config, backup_file);

  catalog::server::ConfigureLogging(config.log_format, config.log_level);
  // Block the stop signals before any thread starts, then wait for one here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto server = catalog::server::CatalogServer::Start(config);
  if (!server.ok()) {
    spdlog::error("catalogd cannot start: {}",
                  std::string(server.status().message()));
    return 1;
  }
  int signal_number = 0;
  // SIGHUP (a log rotation, a terminal closing) must not stop the server:
  // there is nothing to reload, since settings and certificates are read
  // at start.
  while (sigwait(&stop_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    spdlog::info("received SIGHUP; ignored (settings and certificates are read at start: "
                 "restart catalogd to change them)");
  }
  spdlog::info("received {}; finishing in-flight calls",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown(std::chrono::seconds(10));
  spdlog::info("catalogd stopped");
  return 0;
}
