// Process-wide counters and histograms, printed in Prometheus' text format
// (`/metrics` on catalogd's HTTP port). Cheap on the hot path: a metric is
// looked up once (keep the reference) and updated with relaxed atomics.
//
//   static Counter& denies = Metrics::Get().GetCounter(
//       "catalogd_authz_decisions_total", "Decisions by outcome", {{"decision", "deny"}});
//   denies.Add();
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace catalog {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(double n = 1) {
    // Stored in micro-units so fractional seconds add up exactly enough.
    value_.fetch_add(static_cast<int64_t>(n * 1e6), std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed) / 1e6; }

 private:
  std::atomic<int64_t> value_{0};
};

// Buckets in seconds, cumulative in the output as Prometheus wants.
class Histogram {
 public:
  static const std::vector<double>& LatencyBuckets();
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);

 private:
  friend class Metrics;
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> counts_;  // bounds_.size() + 1
  Counter sum_;
  std::atomic<int64_t> count_{0};
};

class Metrics {
 public:
  static Metrics& Get();

  // The same name and labels always give the same metric.
  Counter& GetCounter(const std::string& name, const std::string& help,
                      const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const Labels& labels = {});
  // A value computed when /metrics is read; a null `read` removes it.
  void SetGauge(const std::string& name, const std::string& help,
                std::function<double()> read);

  std::string Render() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // counter, histogram, gauge
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by labels text
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::function<double()> gauge;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace catalog
