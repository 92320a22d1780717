// product_bench: what reading data products costs (docs/PERFORMANCE.md).
//
//   build/bench/product_bench [--products 100,1000,5000] [--rounds 7]
//
// A SQLite catalog of N data products (ODPS documents of about 1 KB: a
// team of three, an input port on another product's contract, two output
// ports — one on its own contract bound to 2 datasets, one naming 3
// datasets). GetDataProduct, Impact and the compliance report each load
// every product with its ports resolved (products::LoadProductCatalog)
// before they answer; this measures that load, and finding the products
// an impact reaches (products::ImpactedProducts over 1,000 datasets), and
// what catalogd pays once the products are kept (products::ProductCache,
// until a change could move one). Medians of --rounds.
#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "lib/catalog/data_product.h"
#include "lib/util/strings.h"
#include "server/products/product_cache.h"
#include "server/products/product_view.h"
#include "server/store/store.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Micros;
using bench::Millis;
using bench::Percentile;
using nlohmann::json;

DatasetKey Key(int i) { return {"warehouse", StrCat("db.table_", i)}; }

Resource ProductAt(int i) {
  json members = json::array();
  members.push_back({{"username", "alice"}, {"role", "owner"}});
  members.push_back({{"username", "group:platform"}, {"role", "data owner"}});
  members.push_back({{"username", "bob"}, {"role", "engineer"}});
  json named = json::array();
  for (int k = 2; k < 5; ++k) named.push_back(Key(5 * i + k).ToString());
  json datasets = json::object();
  datasets["property"] = "datasets";
  datasets["value"] = named;
  json tables = {{"name", "tables"}, {"version", "v1"}, {"type", "tables"},
                 {"contractId", StrCat("contract-", i)}};
  json extracts = {{"name", "extracts"}, {"version", "v1"}};
  extracts["customProperties"] = json::array({datasets});
  json upstream = {{"name", "upstream"}, {"version", "v1"},
                   {"contractId", StrCat("contract-", (i + 1) % 1000)}};
  json doc = {{"apiVersion", "v1.0.0"},
              {"kind", "DataProduct"},
              {"id", StrCat("product-", i)},
              {"name", StrCat("Product ", i)},
              {"version", "v1.0.0"},
              {"status", "active"}};
  doc["description"] = {{"purpose", "What the domain team publishes for the rest of us"}};
  doc["tags"] = json::array({"bench", StrCat("t", i % 10)});
  doc["team"] = {{"members", members}};
  doc["inputPorts"] = json::array({upstream});
  doc["outputPorts"] = json::array({tables, extracts});
  absl::StatusOr<DataProduct> p = DataProductFromOdps(doc);
  if (!p.ok()) {
    std::cerr << p.status() << "\n";
    std::exit(1);
  }
  return {.kind = Resource::Kind::kDataProduct, .product = *std::move(p)};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"data product reads"};
  std::string sizes = "100,1000,5000";
  int rounds = 7;
  app.add_option("--products", sizes, "catalog sizes, comma-separated");
  app.add_option("--rounds", rounds);
  CLI11_PARSE(app, argc, argv);
  std::cout << "| products | load all, resolved (median) | per product | kept (cache hit) | "
               "products an impact of 1,000 datasets reaches |\n|---|---|---|---|---|\n";
  std::stringstream list(sizes);
  for (std::string item; std::getline(list, item, ',');) {
    const int n = std::stoi(item);
    testing::TempDir dir;
    auto opened = store::Store::Open({.path = (dir.path() / "c.db").string()});
    if (!opened.ok()) {
      std::cerr << opened.status() << "\n";
      return 1;
    }
    store::Store& store = **opened;
    std::vector<Resource> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back(ProductAt(i));
      if (batch.size() == 1000 || i + 1 == n) {
        if (auto r = store.Apply(batch, "user:admin", false, nullptr); !r.ok()) {
          std::cerr << r.status() << "\n";
          return 1;
        }
        batch.clear();
      }
    }
    // Contracts: product i's own, bound to datasets 5i and 5i+1.
    for (int i = 0; i < n; ++i) {
      const std::string id = StrCat("contract-", i);
      store::StoredContract c{.id = id, .version = "1.0.0", .status = "active",
                              .document = StrCat("id: ", id, "\n")};
      auto put = store.PutContract(
          c, {{"a", Key(5 * i)}, {"b", Key(5 * i + 1)}},
          [](const store::StoredContract*) { return absl::OkStatus(); }, "user:admin");
      if (!put.ok()) {
        std::cerr << put.status() << "\n";
        return 1;
      }
    }
    std::vector<double> load_ms, impact_us, hit_us;
    products::ProductCache cache(&store);
    if (!cache.Get().ok()) return 1;
    size_t reached_products = 0;
    for (int r = 0; r < rounds; ++r) {
      Clock::time_point t0 = Clock::now();
      absl::StatusOr<products::ProductCatalog> catalog = products::LoadProductCatalog(store);
      load_ms.push_back(Millis(Clock::now() - t0));
      if (!catalog.ok() || catalog->entries().size() != static_cast<size_t>(n)) {
        std::cerr << "load: " << catalog.status() << "\n";
        return 1;
      }
      t0 = Clock::now();
      if (!cache.Get().ok()) return 1;
      hit_us.push_back(Micros(Clock::now() - t0));
      std::vector<std::pair<DatasetKey, int>> reached;
      for (int i = 0; i < 1000; ++i) reached.push_back({Key(i * 7 % (5 * n)), 1 + i % 5});
      t0 = Clock::now();
      reached_products = products::ImpactedProducts(*catalog, reached).size();
      impact_us.push_back(Micros(Clock::now() - t0));
    }
    const double load = Percentile(load_ms, 50);
    std::cout << "| " << n << " | " << load << " ms | " << 1000.0 * load / n << " µs | "
              << Percentile(hit_us, 50) << " µs | " << Percentile(impact_us, 50) << " µs ("
              << reached_products << " products) |\n";
  }
  return 0;
}
