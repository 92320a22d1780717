// The cost report (docs/cost.md): runs' costs summed per job, per dataset
// (the jobs that write it, each once) or per domain (the jobs that write
// any of its datasets, each once), per currency — counting only the jobs
// and datasets `readable` lets through. A plain answer; CostService
// converts it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace catalog::server {

enum class CostBy { kJob, kDataset, kDomain };

struct CostLine {
  std::string key;  // job or dataset "namespace/name", or a domain's path
  std::string currency;
  int64_t amount_micros = 0;
  int64_t runs = 0;
  int64_t billed_bytes = 0;
  int64_t jobs = 0;
};

struct CostReadable {
  std::function<bool(const JobKey&)> job;
  std::function<bool(const DatasetKey&)> dataset;
};

// By currency, then the largest amount (then bytes) first.
absl::StatusOr<std::vector<CostLine>> ReportCosts(store::Store& store, CostBy by,
                                                  int64_t since_ms, const CostReadable& readable);

// Millionths as an exact decimal: 12345678 -> "12.345678", 5000000 -> "5".
std::string MicrosText(int64_t micros);

}  // namespace catalog::server
