#include "lib/health/health.h"

#include <gtest/gtest.h>

#include "lib/util/strings.h"

namespace catalog::health {
namespace {

using contract::FreshnessState;
using lineage::QualityResult;

QualityResult Check(std::string name, std::string status, std::string severity = "error",
                    std::string column = "") {
  return {.facet = "dataQualityAssertions",
          .column = std::move(column),
          .name = std::move(name),
          .status = std::move(status),
          .severity = std::move(severity)};
}

const JobKey kEtl{"ns", "etl"};

std::vector<const QualityResult*> Ptrs(const std::vector<QualityResult>& v) {
  std::vector<const QualityResult*> out;
  for (const QualityResult& r : v) out.push_back(&r);
  return out;
}

TEST(Health, NamesReadBackAndOrderByHowBad) {
  for (Health h : {Health::kOk, Health::kWarning, Health::kUpstreamDegraded, Health::kStale,
                   Health::kFailing}) {
    EXPECT_EQ(ParseHealth(HealthName(h)), h);
  }
  EXPECT_EQ(HealthName(Health::kUpstreamDegraded), "upstream-degraded");
  EXPECT_FALSE(ParseHealth("bad").has_value());
  EXPECT_LT(Health::kWarning, Health::kUpstreamDegraded);
  EXPECT_LT(Health::kStale, Health::kFailing);
}

TEST(ApplyResults, AFailureStaysUntilTheCheckPassesAgain) {
  std::vector<FailingCheck> failing;
  std::vector<QualityResult> first = {Check("not_null", "fail", "error", "id"),
                                      Check("unique", "pass", "error", "id")};
  EXPECT_TRUE(ApplyResults(failing, Ptrs(first), 1000, kEtl, "r1"));
  ASSERT_EQ(failing.size(), 1u);
  EXPECT_EQ(failing[0].check.name, "not_null");
  EXPECT_EQ(failing[0].job, kEtl);
  // Failing again: still one entry, failing since the first.
  EXPECT_TRUE(ApplyResults(failing, Ptrs(first), 2000, kEtl, "r2"));
  ASSERT_EQ(failing.size(), 1u);
  EXPECT_EQ(failing[0].since_ms, 1000);
  EXPECT_EQ(failing[0].last_ms, 2000);
  EXPECT_EQ(failing[0].run_id, "r2");
  // Another run says nothing of it: it is still failing.
  std::vector<QualityResult> other = {Check("row_count", "pass")};
  EXPECT_FALSE(ApplyResults(failing, Ptrs(other), 3000, kEtl, "r3"));
  EXPECT_EQ(failing.size(), 1u);
  // Skipped: unchanged. The same name on another column is another check.
  std::vector<QualityResult> skipped = {Check("not_null", "skip", "error", "id"),
                                        Check("not_null", "pass", "error", "email")};
  EXPECT_FALSE(ApplyResults(failing, Ptrs(skipped), 4000, kEtl, "r4"));
  EXPECT_EQ(failing.size(), 1u);
  std::vector<QualityResult> passed = {Check("not_null", "pass", "error", "id")};
  EXPECT_TRUE(ApplyResults(failing, Ptrs(passed), 5000, kEtl, "r5"));
  EXPECT_TRUE(failing.empty());
}

TEST(ApplyResults, ALatePassDoesNotClearANewerFailure) {
  std::vector<FailingCheck> failing;
  std::vector<QualityResult> fail = {Check("unique", "fail")};
  std::vector<QualityResult> pass = {Check("unique", "pass")};
  ApplyResults(failing, Ptrs(fail), 5000, {}, "");
  EXPECT_FALSE(ApplyResults(failing, Ptrs(pass), 4000, {}, ""));
  ASSERT_EQ(failing.size(), 1u);
  // A late failure moves its start back, not its latest.
  EXPECT_TRUE(ApplyResults(failing, Ptrs(fail), 3000, {}, ""));
  EXPECT_EQ(failing[0].since_ms, 3000);
  EXPECT_EQ(failing[0].last_ms, 5000);
}

TEST(ApplyResults, KeepsTheMostRecentlyFailedWhenThereAreTooMany) {
  std::vector<FailingCheck> failing;
  std::vector<QualityResult> many;
  for (size_t i = 0; i < kMaxFailingChecks + 5; ++i) many.push_back(Check(StrCat("c", i), "fail"));
  ApplyResults(failing, Ptrs(many), 1000, {}, "");
  std::vector<QualityResult> newest = {Check("newest", "fail")};
  ApplyResults(failing, Ptrs(newest), 2000, {}, "");
  EXPECT_EQ(failing.size(), kMaxFailingChecks);
  EXPECT_EQ(failing.front().check.name, "newest");
}

TEST(JudgeOwnHealth, WorstOfChecksContractAndFreshness) {
  std::vector<FailingCheck> none;
  EXPECT_EQ(JudgeOwnHealth(none, FreshnessState::kFresh, false).state, Health::kOk);
  EXPECT_EQ(JudgeOwnHealth(none, FreshnessState::kUnknown, false).state, Health::kOk);
  EXPECT_EQ(JudgeOwnHealth(none, FreshnessState::kStale, false).state, Health::kStale);
  OwnHealth broken = JudgeOwnHealth(none, FreshnessState::kStale, true);
  EXPECT_EQ(broken.state, Health::kFailing);
  EXPECT_EQ(broken.reason, "its last write broke its contract's schema");

  std::vector<FailingCheck> warns;
  std::vector<QualityResult> w = {Check("freshness_lag", "fail", "warn")};
  ApplyResults(warns, Ptrs(w), 1, {}, "");
  OwnHealth warning = JudgeOwnHealth(warns, FreshnessState::kFresh, false);
  EXPECT_EQ(warning.state, Health::kWarning);
  EXPECT_EQ(warning.reason, "check freshness_lag fails (warns)");
  EXPECT_EQ(JudgeOwnHealth(warns, FreshnessState::kStale, false).state, Health::kStale);

  std::vector<QualityResult> b = {Check("not_null", "fail", "error", "id"),
                                  Check("unique", "fail", "", "id")};
  ApplyResults(warns, Ptrs(b), 2, {}, "");
  OwnHealth failing = JudgeOwnHealth(warns, FreshnessState::kFresh, false);
  EXPECT_EQ(failing.state, Health::kFailing);
  EXPECT_EQ(failing.reason, "check id: not_null fails (and 1 more)");
}

}  // namespace
}  // namespace catalog::health
