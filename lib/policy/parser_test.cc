#include "lib/policy/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/policy/evaluator.h"

namespace catalog::policy {
namespace {

using ::testing::HasSubstr;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST(Parser, NumbersPoliciesInFileOrderAndKeepsAnnotations) {
  auto policies = ParsePolicies(R"(
    @id("analysts-read-finance")
    permit (principal in Group::"analysts", action == Action::"read",
            resource in Domain::"finance")
    unless { resource.tags.contains("pii") };

    forbid (principal, action, resource) when { context.risk > 7 };
  )", "p.cedar");
  ASSERT_TRUE(policies.ok()) << policies.status();
  ASSERT_EQ(policies->size(), 2u);
  EXPECT_EQ((*policies)[0].id, "policy0");
  EXPECT_EQ((*policies)[0].AnnotatedId(), "analysts-read-finance");
  EXPECT_EQ((*policies)[0].principal.op, Scope::Op::kIn);
  EXPECT_EQ((*policies)[0].principal.entity, (EntityUid{"Group", "analysts"}));
  EXPECT_FALSE((*policies)[0].conditions[0].is_when);
  EXPECT_EQ((*policies)[1].id, "policy1");
  EXPECT_EQ((*policies)[1].effect, Effect::kForbid);
}

TEST(Parser, ErrorsCarryFileLineAndColumn) {
  auto r = ParsePolicies("permit (principal, action, resource)\nwhen { 1 + };",
                         "bad.cedar");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Msg(r.status()), HasSubstr("bad.cedar:2:12: expected an expression"));
  r = ParsePolicies("permit (principal, action, resource);\nallow (principal, action, resource);",
                    "two.cedar");
  EXPECT_THAT(Msg(r.status()), HasSubstr("two.cedar:2:1: expected 'permit' or 'forbid'"));
  r = ParsePolicies("permit (principal, action, resource) when { \"open };", "s.cedar");
  EXPECT_THAT(Msg(r.status()), HasSubstr("unterminated string"));
  r = ParsePolicies("permit (principal, action, resource) when { foo(1) };", "f.cedar");
  EXPECT_THAT(Msg(r.status()), HasSubstr("unknown function foo"));
  r = ParsePolicies("permit (principal, action, resource) when { 9223372036854775808 };", "i");
  EXPECT_THAT(Msg(r.status()), HasSubstr("out of range"));
}

TEST(Parser, DeepNestingIsRefusedNotACrash) {
  std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
  auto r = ParseExpression(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(Msg(r.status()), HasSubstr("nests deeper"));
  std::string nots = "permit (principal, action, resource) when { " +
                     std::string(100000, '[') + " };";
  EXPECT_FALSE(ParsePolicies(nots, "n.cedar").ok());
}

// `1 + 1 + ...` with 16,000 terms took 16 s: each operator copied the left
// subtree. Chains are built by moving, and each operator counts as a level.
TEST(Parser, OperatorChainsAreLinearAndBounded) {
  auto chain = [](const std::string& op, int terms) {
    std::string text = "1";
    for (int i = 1; i < terms; ++i) text += " " + op + " 1";
    return text;
  };
  for (const std::string op : {"+", "-", "*", "&&", "||"}) {
    SCOPED_TRACE(op);
    auto r = ParseExpression(chain(op, 16000));
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(Msg(r.status()), HasSubstr("nests deeper than 128"));
    r = ParseExpression(chain(op, 100));
    ASSERT_TRUE(r.ok()) << r.status();
    // Left-associative: the last operator is the root.
    EXPECT_EQ(r->children.size(), 2u);
  }
  // Chains inside parentheses count together.
  EXPECT_TRUE(ParseExpression("(" + chain("+", 50) + ") + (" + chain("+", 50) + ")").ok());
  EXPECT_FALSE(
      ParseExpression(std::string(60, '(') + chain("||", 100) + std::string(60, ')')).ok());
}

TEST(Parser, StringEscapesAndPatterns) {
  auto e = ParseExpression(R"("a\tb\u{1F600}\"" like "a*\*")");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->kind, Expr::Kind::kLike);
  ASSERT_EQ(e->pattern.size(), 3u);
  EXPECT_EQ(e->pattern[0].text, "a");
  EXPECT_TRUE(e->pattern[1].wildcard);
  EXPECT_EQ(e->pattern[2].text, "*");
  EXPECT_FALSE(ParseExpression(R"("\q")").ok());
  EXPECT_FALSE(ParseExpression(R"("\*")").ok());  // \* only in patterns
}

TEST(Parser, MinimumLongLiteral) {
  auto e = ParseExpression("-9223372036854775808");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->value.as_long(), INT64_MIN);
}

TEST(Templates, LinkFillsSlotsAndUnlinkedTemplatesNeverApply) {
  auto policies = ParsePolicies(
      "@id(\"owner-access\")\n"
      "permit (principal == ?principal, action, resource in ?resource);",
      "t.cedar");
  ASSERT_TRUE(policies.ok()) << policies.status();
  const Policy& tmpl = (*policies)[0];
  EXPECT_TRUE(tmpl.is_template);
  Entities entities;
  entities.Add({.uid = {"Dataset", "d1"}, .parents = {{"Domain", "sales"}}});
  entities.Finalize();
  Request request{.principal = {"User", "alice"},
                  .action = {"Action", "read"},
                  .resource = {"Dataset", "d1"}};
  EXPECT_FALSE(Authorize(*policies, request, entities).allow);

  EXPECT_FALSE(LinkTemplate(tmpl, "link0", EntityUid{"User", "alice"},
                            std::nullopt)
                   .ok());
  auto linked = LinkTemplate(tmpl, "link0", EntityUid{"User", "alice"},
                             EntityUid{"Domain", "sales"});
  ASSERT_TRUE(linked.ok()) << linked.status();
  Response r = Authorize({*linked}, request, entities);
  EXPECT_TRUE(r.allow);
  EXPECT_EQ(r.reasons, std::vector<std::string>{"link0"});
  request.principal = {"User", "bob"};
  EXPECT_FALSE(Authorize({*linked}, request, entities).allow);
}

}  // namespace
}  // namespace catalog::policy
