#include "lib/util/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace catalog {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, RendersCountersHistogramsAndGaugesInPrometheusText) {
  Metrics& m = Metrics::Get();
  Counter& c = m.GetCounter("test_calls_total", "Calls", {{"method", "a\"b"}});
  c.Add();
  c.Add(2);
  EXPECT_EQ(&c, &m.GetCounter("test_calls_total", "Calls", {{"method", "a\"b"}}));
  Histogram& h = m.GetHistogram("test_seconds", "Time");
  h.Observe(0.0002);
  h.Observe(0.3);
  h.Observe(100);
  m.SetGauge("test_gauge", "A gauge", [] { return 42.5; });
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE test_calls_total counter\n"));
  EXPECT_THAT(text, HasSubstr("test_calls_total{method=\"a\\\"b\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"0.00025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"0.5\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_count 3\n"));
  EXPECT_THAT(text, HasSubstr("test_gauge 42.5\n"));
  m.SetGauge("test_gauge", "A gauge", nullptr);
  EXPECT_THAT(m.Render(), ::testing::Not(HasSubstr("test_gauge")));
}

}  // namespace
}  // namespace catalog
