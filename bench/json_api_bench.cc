// The JSON API (the Connect bridge on the HTTP port) and the MCP server's
// tools against the same calls over gRPC, in the same run on the same
// catalogd: one client at a time
// making calls back to back on a kept-alive connection, so each figure is a
// call's whole cost (client, transport, server). Rounds alternate the two
// doors; medians of the rounds.
//
//   json_api_bench [--seconds 3] [--rounds 3]
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "client/client.h"
#include "tests/daemon.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

using bench::Clock;
using bench::Micros;
using bench::Percentile;
using client::CatalogClient;

struct Figures {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// Calls `call` back to back for `seconds`.
template <typename Fn>
Figures Measure(double seconds, Fn&& call) {
  std::vector<double> latencies;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < end) {
    auto t0 = Clock::now();
    if (!call()) {
      std::cerr << "a call failed\n";
      std::exit(1);
    }
    latencies.push_back(Micros(Clock::now() - t0));
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return {latencies.size() / elapsed, Percentile(latencies, 0.5), Percentile(latencies, 0.99)};
}

int Main(int argc, char** argv) {
  CLI::App app{"the JSON API against gRPC, same calls, same run"};
  double seconds = 3;
  int rounds = 3;
  app.add_option("--seconds", seconds, "seconds per door per round");
  app.add_option("--rounds", rounds, "rounds (the two doors alternate)");
  CLI11_PARSE(app, argc, argv);

  testing::TempDir dir;
  testing::Daemon daemon(dir.path() / "data", dir.path() / "catalogd.log");
  if (!daemon.Start()) {
    std::cerr << daemon.log();
    return 1;
  }
  std::string token = testing::ReadFile(daemon.data_dir() / "admin.token");
  while (!token.empty() && token.back() == '\n') token.pop_back();
  auto grpc = CatalogClient::Connect({.address = daemon.addr(), .token = token});
  if (!grpc.ok()) return 1;
  CatalogClient& g = **grpc;

  // A dataset with 20 columns and an owner, as in the quickstart.
  v1::ApplyRequest apply;
  v1::Dataset* d = apply.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_("postgres://prod-db:5432");
  d->mutable_key()->set_name("sales.public.orders");
  d->mutable_spec()->set_description("Orders placed in the web shop");
  d->mutable_spec()->add_owners()->set_principal("user:admin");
  for (int i = 0; i < 20; ++i) {
    v1::Field* f = d->mutable_spec()->mutable_schema()->add_fields();
    f->set_name("column_" + std::to_string(i));
    f->set_type("varchar");
  }
  if (auto applied = g.Call(&v1::CatalogService::Stub::Apply, g.catalog(), apply); !applied.ok()) {
    std::cerr << "apply: " << applied.status() << "\n";
    return 1;
  }

  httplib::Client http("127.0.0.1", daemon.http_port());
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);  // as browsers and curl do
  httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  v1::GetDatasetRequest get;
  *get.mutable_key() = d->key();
  const std::string get_json =
      R"({"key": {"namespace": "postgres://prod-db:5432", "name": "sales.public.orders"}})";
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"admin\"");
  ask.set_action("read");
  ask.set_resource("Dataset::\"postgres://prod-db:5432/sales.public.orders\"");
  const std::string ask_json = nlohmann::json{
      {"principal", ask.principal()},
      {"action", ask.action()},
      {"resource", ask.resource()}}.dump();

  // The MCP server's tools (docs/mcp.md), as an agent calls them: one
  // JSON-RPC tools/call a request, the answer as structured content.
  auto mcp = [&](const std::string& tool, const nlohmann::json& arguments) {
    const std::string body = nlohmann::json{{"jsonrpc", "2.0"},
                                            {"id", 1},
                                            {"method", "tools/call"},
                                            {"params", {{"name", tool}, {"arguments", arguments}}}}
                                 .dump();
    return [&http, &auth, body] {
      auto r = http.Post("/mcp", auth, body, "application/json");
      return r && r->status == 200 && r->body.find("\"isError\":false") != std::string::npos;
    };
  };
  v1::AuthorizeReadRequest read;
  read.set_principal("User::\"admin\"");
  *read.mutable_dataset() = d->key();
  nlohmann::json columns = nlohmann::json::array();
  for (const v1::Field& f : d->spec().schema().fields()) {
    read.add_columns(f.name());
    columns.push_back(f.name());
  }

  struct Door {
    std::string name;
    std::function<bool()> call;
    std::vector<Figures> rounds;
  };
  std::vector<Door> doors = {
      {"GetDataset gRPC",
       [&] { return g.Call(&v1::CatalogService::Stub::GetDataset, g.catalog(), get).ok(); }},
      {"GetDataset JSON",
       [&] {
         auto r =
             http.Post("/catalog.v1.CatalogService/GetDataset", auth, get_json, "application/json");
         return r && r->status == 200;
       }},
      {"GetDataset MCP",
       mcp("get_dataset", {{"dataset", "postgres://prod-db:5432/sales.public.orders"}})},
      {"AuthorizeRead gRPC",
       [&] { return g.Call(&v1::PolicyService::Stub::AuthorizeRead, g.policies(), read).ok(); }},
      {"AuthorizeRead MCP",
       mcp("check_access",
           {{"dataset", "postgres://prod-db:5432/sales.public.orders"}, {"columns", columns}})},
      {"Authorize gRPC",
       [&] { return g.Call(&v1::PolicyService::Stub::Authorize, g.policies(), ask).ok(); }},
      {"Authorize JSON",
       [&] {
         auto r =
             http.Post("/catalog.v1.PolicyService/Authorize", auth, ask_json, "application/json");
         return r && r->status == 200;
       }},
      {"Ping gRPC",
       [&] {
         return g.Call(&v1::CatalogService::Stub::Ping, g.catalog(), v1::PingRequest()).ok();
       }},
      {"Ping JSON",
       [&] {
         auto r = http.Post("/catalog.v1.CatalogService/Ping", auth, "{}", "application/json");
         return r && r->status == 200;
       }},
  };
  for (Door& door : doors) Measure(0.5, door.call);  // warm up both doors
  for (int r = 0; r < rounds; ++r) {
    for (Door& door : doors) door.rounds.push_back(Measure(seconds, door.call));
  }
  auto median = [](std::vector<Figures> v, double Figures::*field) {
    std::vector<double> x;
    for (const Figures& f : v) x.push_back(f.*field);
    return Percentile(x, 0.5);
  };
  std::cout << "| call | door | calls/s | p50 µs | p99 µs |\n|---|---|---|---|---|\n";
  for (size_t i = 0; i < doors.size(); ++i) {
    const Door& door = doors[i];
    std::cout << "| " << door.name.substr(0, door.name.find(' ')) << " | "
              << door.name.substr(door.name.find(' ') + 1) << " | "
              << static_cast<int>(median(door.rounds, &Figures::per_second)) << " | "
              << static_cast<int>(median(door.rounds, &Figures::p50_us)) << " | "
              << static_cast<int>(median(door.rounds, &Figures::p99_us)) << " |\n";
  }
  // Each other door of a call against its gRPC door, same run.
  const Door* grpc_door = nullptr;
  for (const Door& door : doors) {
    const std::string call = door.name.substr(0, door.name.find(' '));
    const std::string via = door.name.substr(door.name.find(' ') + 1);
    if (via == "gRPC") {
      grpc_door = &door;
      continue;
    }
    std::cout << call << ": " << via << " at "
              << static_cast<int>(100 * median(door.rounds, &Figures::per_second) /
                                  median(grpc_door->rounds, &Figures::per_second))
              << "% of gRPC's calls/s\n";
  }
  return 0;
}

}  // namespace
}  // namespace catalog

int main(int argc, char** argv) { return catalog::Main(argc, argv); }
