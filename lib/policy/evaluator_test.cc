#include "lib/policy/evaluator.h"

#include <gtest/gtest.h>

#include "lib/policy/parser.h"

namespace catalog::policy {
namespace {

// Evaluates `text` against a small catalog-like entity store.
class EvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    entities_.Add({.uid = {"User", "alice"},
                   .attrs = {{"department", Value::String("sales")}},
                   .parents = {{"Group", "analysts"}}});
    entities_.Add({.uid = {"Group", "analysts"}, .parents = {{"Group", "everyone"}}});
    entities_.Add({.uid = {"Dataset", "orders"},
                   .attrs = {{"tags", Value::Set({Value::String("pii")})},
                             {"classificationLevel", Value::Long(2)}},
                   .tags = {{"owner", Value::String("alice")}},
                   .parents = {{"Domain", "sales"}}});
    entities_.Finalize();
    request_ = {.principal = {"User", "alice"},
                .action = {"Action", "read"},
                .resource = {"Dataset", "orders"},
                .context = Value::Record({{"hour", Value::Long(9)}})};
  }

  std::optional<Value> Eval(const std::string& text, std::string* error = nullptr) {
    auto e = ParseExpression(text);
    EXPECT_TRUE(e.ok()) << e.status();
    std::string ignored;
    return Evaluate(*e, request_, entities_, error ? error : &ignored);
  }

  bool True(const std::string& text) {
    auto v = Eval(text);
    return v && v->is(Value::Kind::kBool) && v->as_bool();
  }

  Entities entities_;
  Request request_;
};

TEST_F(EvaluatorTest, MembershipIsTransitive) {
  EXPECT_TRUE(True("principal in Group::\"everyone\""));
  EXPECT_TRUE(True("principal in [Group::\"nobody\", Group::\"analysts\"]"));
  EXPECT_FALSE(True("principal in Group::\"nobody\""));
  EXPECT_TRUE(True("resource is Dataset in Domain::\"sales\""));
}

TEST_F(EvaluatorTest, AttributesTagsAndSets) {
  EXPECT_TRUE(True("resource.tags.contains(\"pii\")"));
  EXPECT_TRUE(True("resource has classificationLevel && resource.classificationLevel >= 2"));
  EXPECT_TRUE(True("resource.hasTag(\"owner\") && resource.getTag(\"owner\") == \"alice\""));
  EXPECT_TRUE(True("[1, 2, 2] == [2, 1]"));
  EXPECT_TRUE(True("{a: 1, b: [true]} == {b: [true], a: 1}"));
  EXPECT_TRUE(True("context.hour < 10 && !(context has minute)"));
  EXPECT_TRUE(True("\"data_set.csv\" like \"*.csv\""));
}

TEST_F(EvaluatorTest, ErrorsAreErrorsNotFalse) {
  std::string error;
  EXPECT_FALSE(Eval("resource.nosuch", &error).has_value());
  EXPECT_NE(error.find("does not exist"), std::string::npos);
  EXPECT_FALSE(Eval("9223372036854775807 + 1", &error).has_value());
  EXPECT_NE(error.find("overflow"), std::string::npos);
  EXPECT_FALSE(Eval("1 && true", &error).has_value());
  EXPECT_FALSE(Eval("User::\"ghost\".name", &error).has_value());
  // Short-circuiting: the erroring right side is never evaluated.
  EXPECT_TRUE(Eval("false && (1 + \"a\")").has_value());
  // `has` on a missing entity is false, not an error.
  EXPECT_TRUE(Eval("!(User::\"ghost\" has name)").has_value());
}

TEST_F(EvaluatorTest, Extensions) {
  EXPECT_TRUE(True("ip(\"10.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))"));
  EXPECT_TRUE(True("ip(\"127.0.0.1\").isLoopback() && ip(\"::1\").isIpv6()"));
  EXPECT_TRUE(True("decimal(\"1.25\").lessThan(decimal(\"1.3\"))"));
  EXPECT_TRUE(True("datetime(\"2024-01-01T00:00:00Z\") < datetime(\"2024-01-01T00:00:00-0100\")"));
  EXPECT_TRUE(True("datetime(\"2024-03-01\").offset(duration(\"-1d\")) == datetime(\"2024-02-29\")"));
  EXPECT_TRUE(True("duration(\"1h30m\").toMinutes() == 90"));
  EXPECT_TRUE(True("datetime(\"1969-12-31T23:00:00Z\").toTime() == duration(\"23h\")"));
  std::string error;
  EXPECT_FALSE(Eval("ip(\"010.0.0.1\")", &error).has_value());
  EXPECT_FALSE(Eval("decimal(\"1.23456\")", &error).has_value());
  EXPECT_FALSE(Eval("datetime(\"2023-02-29\")", &error).has_value());
  EXPECT_FALSE(Eval("duration(\"1m1h\")", &error).has_value());
}

TEST_F(EvaluatorTest, ForbidOverridesPermitAndErrorsAreReported) {
  auto policies = ParsePolicies(R"(
    permit (principal in Group::"analysts", action, resource);
    forbid (principal, action, resource) when { resource.tags.contains("pii") };
    permit (principal, action, resource) when { resource.nosuch };
  )", "p.cedar");
  ASSERT_TRUE(policies.ok()) << policies.status();
  Response r = Authorize(*policies, request_, entities_);
  EXPECT_FALSE(r.allow);
  EXPECT_EQ(r.reasons, std::vector<std::string>{"policy1"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].policy_id, "policy2");
  // Without the forbid, the permit allows; the erring policy is still listed.
  std::vector<Policy> no_forbid = {(*policies)[0], (*policies)[2]};
  r = Authorize(no_forbid, request_, entities_);
  EXPECT_TRUE(r.allow);
  EXPECT_EQ(r.reasons, std::vector<std::string>{"policy0"});
  EXPECT_EQ(r.errors.size(), 1u);
  // No policy at all: default deny.
  EXPECT_FALSE(Authorize({}, request_, entities_).allow);
}

}  // namespace
}  // namespace catalog::policy
