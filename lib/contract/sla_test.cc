#include "lib/contract/sla.h"

#include <gtest/gtest.h>

#include "lib/lineage/event.h"

namespace catalog::contract {
namespace {

constexpr int64_t kMin = 60 * 1000, kHour = 60 * kMin, kDay = 24 * kHour;

int64_t At(const char* rfc3339) { return *lineage::ParseEventTime(rfc3339); }

class SlaTest : public ::testing::Test {
 protected:
  absl::StatusOr<Sla> Read(const std::string& sla) {
    absl::StatusOr<Document> d = ParseYaml(
        "apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\n"
        "schema:\n  - name: orders\nslaProperties:\n" + sla,
        "c.yaml");
    EXPECT_TRUE(d.ok()) << d.status();
    doc_ = *std::move(d);
    contract_ = FromDocument(doc_);
    return SlaOf(contract_);
  }
  Document doc_;
  Contract contract_;
};

TEST_F(SlaTest, ReadsTheFourAgreementsAsTheSpecsExampleWritesThem) {
  auto sla = Read(R"(  - property: latency
    value: 4
    unit: d
    element: tab1.txn_ref_dt
  - property: generalAvailability
    value: "2022-05-12T09:30:10-08:00"
  - property: retention
    value: 3
    unit: y
  - property: frequency
    value: 1
    valueExt: 1
    unit: d
  - property: timeOfAvailability
    value: 09:00-08:00
    driver: regulatory
  - property: timeOfAvailability
    value: 08:00Z
    driver: analytics
  - property: latency
    value: 90
    unit: minutes
)");
  ASSERT_TRUE(sla.ok()) << sla.status();
  EXPECT_EQ(sla->latency_ms, 90 * kMin);  // the strictest of two
  EXPECT_EQ(sla->frequency_ms, kDay);
  EXPECT_EQ(sla->retention_ms, 3 * 365 * kDay);
  ASSERT_EQ(sla->available_by.size(), 2u);
  EXPECT_EQ(sla->available_by[0].minute_utc, 17 * 60);  // 09:00 at -08:00
  EXPECT_EQ(sla->available_by[0].driver, "regulatory");
  EXPECT_EQ(sla->available_by[1].minute_utc, 8 * 60);
}

TEST_F(SlaTest, RefusesWhatItCannotReadNamingTheEntry) {
  struct Case {
    std::string sla, error;
  };
  std::vector<Case> cases = {
      {"  - property: latency\n    value: 4\n    unit: fortnight\n",
       "slaProperties[0].unit: \"fortnight\" is not a unit"},
      {"  - property: frequency\n    value: often\n    unit: d\n",
       "slaProperties[0].value: the frequency must be a number above 0"},
      {"  - property: retention\n    value: 0\n    unit: d\n", "slaProperties[0].value"},
      {"  - property: latency\n    value: 1\n    unit: h\n  - property: timeOfAvailability\n"
       "    value: 9am\n",
       "slaProperties[1].value: \"9am\" is not a time of day"},
      {"  - property: timeOfAvailability\n    value: \"25:00\"\n", "is not a time of day"},
  };
  for (const Case& c : cases) {
    auto sla = Read(c.sla);
    ASSERT_FALSE(sla.ok()) << c.sla;
    EXPECT_NE(std::string(sla.status().message()).find(c.error), std::string::npos)
        << sla.status() << "\nwanted: " << c.error;
  }
  EXPECT_EQ(UnitMs("Hours"), kHour);
  EXPECT_EQ(UnitMs("yr"), 365 * kDay);
  EXPECT_FALSE(UnitMs("mo").has_value());  // months have no one length
}

TEST(JudgeFreshness, LatencyAndFrequency) {
  Sla sla{.latency_ms = kHour};
  const int64_t w = At("2026-12-01T10:00:00Z");
  Freshness f = JudgeFreshness(sla, w, w + 30 * kMin);
  EXPECT_EQ(f.state, FreshnessState::kFresh);
  EXPECT_EQ(f.since_ms, w);
  EXPECT_EQ(f.next_change_ms, w + kHour);
  f = JudgeFreshness(sla, w, w + 2 * kHour);
  EXPECT_EQ(f.state, FreshnessState::kStale);
  EXPECT_EQ(f.since_ms, w + kHour);
  EXPECT_EQ(f.next_change_ms, 0);
  EXPECT_EQ(f.reason,
            "latency 1 h: last written 2026-12-01T10:00:00.000Z, overdue since "
            "2026-12-01T11:00:00.000Z");
  // The earliest breach speaks.
  sla = {.latency_ms = 2 * kDay, .frequency_ms = kDay};
  f = JudgeFreshness(sla, w, w + 36 * kHour);
  EXPECT_EQ(f.state, FreshnessState::kStale);
  EXPECT_EQ(f.since_ms, w + kDay);
  EXPECT_EQ(f.reason.rfind("frequency 1 d", 0), 0u) << f.reason;
}

TEST(JudgeFreshness, ADailyDeadlineWantsAWriteInTheDayBeforeIt) {
  Sla sla{.available_by = {{.minute_utc = 9 * 60, .text = "09:00Z"}}};
  // Written before the 25th's deadline: it meets that one; the 26th's
  // wants another.
  const int64_t w = At("2026-11-25T08:00:00Z");
  EXPECT_EQ(JudgeFreshness(sla, w, At("2026-11-26T08:59:00Z")).state, FreshnessState::kFresh);
  EXPECT_EQ(JudgeFreshness(sla, w, At("2026-11-26T08:59:00Z")).next_change_ms,
            At("2026-11-26T09:00:00Z"));
  Freshness late = JudgeFreshness(sla, w, At("2026-11-26T09:00:00Z"));
  EXPECT_EQ(late.state, FreshnessState::kStale);
  EXPECT_EQ(late.since_ms, At("2026-11-26T09:00:00Z"));
  EXPECT_NE(late.reason.find("available by 09:00Z each day"), std::string::npos);
  // Written after the 25th's deadline: it meets the 26th's.
  EXPECT_EQ(JudgeFreshness(sla, At("2026-11-25T09:30:00Z"), At("2026-11-26T12:00:00Z")).state,
            FreshnessState::kFresh);
}

TEST(JudgeFreshness, UnknownWithoutAnAgreementOrAWrite) {
  Freshness f = JudgeFreshness(Sla{}, At("2026-12-01T10:00:00Z"), At("2026-12-03T10:00:00Z"));
  EXPECT_EQ(f.state, FreshnessState::kUnknown);
  EXPECT_EQ(f.reason, "the contract states no freshness agreement");
  f = JudgeFreshness(Sla{.latency_ms = kHour}, std::nullopt, At("2026-12-03T10:00:00Z"));
  EXPECT_EQ(f.state, FreshnessState::kUnknown);
  EXPECT_EQ(FreshnessName(f.state), "unknown");
}

TEST_F(SlaTest, EncodedTextReadsBackTheSameAgreement) {
  absl::StatusOr<Sla> sla = Read(
      "  - property: latency\n    value: 4\n    unit: h\n"
      "  - property: frequency\n    value: 1\n    unit: d\n"
      "  - property: retention\n    value: 3\n    unit: y\n"
      "  - property: timeOfAvailability\n    value: 09:00-08:00\n    driver: analytics\n");
  ASSERT_TRUE(sla.ok()) << sla.status();
  Sla back = DecodeSla(EncodeSla(*sla));
  EXPECT_EQ(back.latency_ms, 4 * kHour);
  EXPECT_EQ(back.frequency_ms, kDay);
  EXPECT_EQ(back.retention_ms, 3 * 365 * kDay);
  ASSERT_EQ(back.available_by.size(), 1u);
  EXPECT_EQ(back.available_by[0].minute_utc, 17 * 60);
  EXPECT_EQ(back.available_by[0].text, "09:00-08:00");
  EXPECT_EQ(back.available_by[0].driver, "analytics");
  // The same judgement from either.
  const int64_t w = At("2026-12-01T10:00:00Z"), now = At("2026-12-01T15:00:00Z");
  EXPECT_EQ(JudgeFreshness(back, w, now).reason, JudgeFreshness(*sla, w, now).reason);
}

TEST(FreshnessName, ReadsBack) {
  for (FreshnessState f : {FreshnessState::kUnknown, FreshnessState::kFresh, FreshnessState::kStale}) {
    EXPECT_EQ(ParseFreshness(FreshnessName(f)), f);
  }
  EXPECT_EQ(ParseFreshness("soon"), FreshnessState::kUnknown);
}

TEST(EncodeSla, NothingForNoAgreementAndNothingFromUnreadableText) {
  EXPECT_EQ(EncodeSla(Sla{}), "");
  EXPECT_TRUE(DecodeSla("").empty());
  EXPECT_TRUE(DecodeSla("not json").empty());
  EXPECT_TRUE(DecodeSla(R"({"latency":"4h","availableBy":[{"minute":5000}]})").empty());
}

}  // namespace
}  // namespace catalog::contract
