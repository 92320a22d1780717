#include "lib/util/metrics.h"

#include <cmath>
#include <cstdio>

namespace catalog {
namespace {

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string LabelText(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += (out.empty() ? "" : ",") + k + "=\"" + Escape(v) + "\"";
  }
  return out;
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string Braced(const std::string& labels, const std::string& extra = "") {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? "" : "{" + all + "}";
}

}  // namespace

const std::vector<double>& Histogram::LatencyBuckets() {
  static const std::vector<double> b = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                        0.005,  0.01,    0.025,  0.05,  0.1,
                                        0.25,   0.5,     1,      2.5,   5};
  return b;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<int64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.Add(seconds);
}

Metrics& Metrics::Get() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

Counter& Metrics::GetCounter(const std::string& name, const std::string& help,
                             const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.type = "counter";
  auto& slot = f.counters[LabelText(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Metrics::GetHistogram(const std::string& name,
                                 const std::string& help,
                                 const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.type = "histogram";
  auto& slot = f.histograms[LabelText(labels)];
  if (!slot) slot = std::make_unique<Histogram>(Histogram::LatencyBuckets());
  return *slot;
}

void Metrics::SetGauge(const std::string& name, const std::string& help,
                       std::function<double()> read) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.type = "gauge";
  f.gauge = std::move(read);
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.type == "gauge" && !f.gauge) continue;
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    if (f.gauge) out += name + " " + Number(f.gauge()) + "\n";
    for (const auto& [labels, c] : f.counters) {
      out += name + Braced(labels) + " " + Number(c->Value()) + "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      int64_t cumulative = 0;
      for (size_t i = 0; i <= h->bounds_.size(); ++i) {
        cumulative += h->counts_[i].load(std::memory_order_relaxed);
        std::string le = i < h->bounds_.size() ? Number(h->bounds_[i]) : "+Inf";
        out += name + "_bucket" + Braced(labels, "le=\"" + le + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_sum" + Braced(labels) + " " + Number(h->sum_.Value()) + "\n";
      out += name + "_count" + Braced(labels) + " " +
             std::to_string(h->count_.load(std::memory_order_relaxed)) + "\n";
    }
  }
  return out;
}

}  // namespace catalog
