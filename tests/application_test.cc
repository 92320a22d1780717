// Integration: AI applications through the API and the default policies
// (docs/models.md#ai-applications). Who registers and reviews them, what a
// change does to a review, what a caller who may not read something learns
// of it, what their service account may read (decided as that principal),
// impact reaching them through a dataset or a model version, and what an
// application in use keeps from being deleted.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using client::CatalogClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Stub = v1::AIApplicationService::Stub;

// A run of `job` reading `input` and writing `output_ns`/`output`.
std::string RunEvent(const std::string& job, const std::string& run, const std::string& input,
                     const std::string& output_ns, const std::string& output) {
  nlohmann::json e = {
      {"eventType", "COMPLETE"},
      {"eventTime", "2026-12-04T10:00:00Z"},
      {"producer", "https://example.com/test"},
      {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
      {"run", {{"runId", run}}},
      {"job", {{"namespace", "airflow"}, {"name", job}}},
      {"inputs", {{{"namespace", "pg"}, {"name", input}}}},
      {"outputs", {{{"namespace", output_ns}, {"name", output}}}}};
  return e.dump();
}

class ApplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    ASSERT_TRUE(Apply("admin", R"(
      resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
      resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
      resources { principal { kind: PRINCIPAL_KIND_GROUP name: "ai-reviewers" } }
      resources { principal { kind: PRINCIPAL_KIND_USER name: "rita" spec { groups: "ai-reviewers" } } }
      resources { principal { kind: PRINCIPAL_KIND_SERVICE_ACCOUNT name: "assistant-bot" } }
      resources { domain { path: "ml" } }
      resources { dataset { key { namespace: "pg" name: "raw" } } }
      resources { dataset { key { namespace: "pg" name: "orders" } spec { schema {
        fields { name: "id" type: "bigint" }
        fields { name: "email" type: "string" tags: "pii" } } } } }
      resources { dataset { key { namespace: "pg" name: "docs" } } }
      resources { dataset { key { namespace: "pg" name: "embeddings" } } }
      resources { dataset { key { namespace: "pg" name: "refunds" } } }
      resources { dataset { key { namespace: "pg" name: "secret" } } })")
                    .ok());
    for (const char* who :
         {"user:alice", "user:bob", "user:rita", "serviceaccount:assistant-bot"}) {
      auto token = server_.Issue(who);
      ASSERT_TRUE(token.ok()) << token.status();
      clients_[who] = server_.Connect(*token);
    }
    // orders is made from raw; churn@1 is trained on orders, and is the
    // champion.
    v1::IngestRequest ingest;
    ingest.add_events(
        RunEvent("load_orders", "11111111-1111-4111-8111-111111111111", "raw", "pg", "orders"));
    ingest.add_events(RunEvent("train_churn", "22222222-2222-4222-8222-222222222222", "orders",
                               "models:", "/churn/1"));
    CatalogClient& admin = server_.admin();
    ASSERT_TRUE(admin.Call(&v1::LineageService::Stub::Ingest, admin.lineage(), ingest).ok());
    v1::PromoteModelVersionRequest promote;
    promote.set_model("churn");
    promote.set_version("1");
    promote.set_alias("champion");
    ASSERT_TRUE(
        admin.Call(&v1::ModelService::Stub::PromoteModelVersion, admin.models(), promote).ok());
    // Bob may not read the secret dataset, nor rita; the assistant's
    // service account reads orders with e-mails masked, docs and
    // embeddings, and writes nothing.
    absl::Status policies = testing::AddPolicyFile(admin, "apps.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource == Dataset::"pg/secret");
      forbid (principal == User::"rita", action == Action::"catalog:read",
              resource == Dataset::"pg/secret");
      permit (principal == ServiceAccount::"assistant-bot", action == Action::"read", resource)
      when { resource in [Dataset::"pg/docs", Dataset::"pg/embeddings", Dataset::"pg/secret"] };
      permit (principal == ServiceAccount::"assistant-bot", action == Action::"read",
              resource == Dataset::"pg/orders");
      permit (principal == ServiceAccount::"assistant-bot", action == Action::"read",
              resource == Column::"pg/orders#id");
      @mask("sha256")
      permit (principal == ServiceAccount::"assistant-bot", action == Action::"read",
              resource is Column) when { resource.tags.contains("pii") };)");
    ASSERT_TRUE(policies.ok()) << policies;
  }

  CatalogClient& As(const std::string& who) {
    return who == "admin" ? server_.admin() : *clients_.at(who);
  }

  absl::StatusOr<v1::ApplyResponse> Apply(const std::string& who, const std::string& text) {
    v1::ApplyRequest req;
    if (!google::protobuf::TextFormat::ParseFromString(text, &req)) {
      return absl::InternalError("request does not parse: " + text);
    }
    return As(who).Call(&v1::CatalogService::Stub::Apply, As(who).catalog(), req);
  }

  // The assistant, owned by alice, with `more` fields.
  static std::string Assistant(const std::string& more = "") {
    return R"(resources { ai_application { name: "assistant" type: "rag" domain: "ml"
      owners { principal: "user:alice" } service_account: "assistant-bot"
      models: "churn@champion"
      data_sources { namespace: "pg" name: "docs" }
      data_sources { namespace: "pg" name: "secret" }
      vector_indexes { namespace: "pg" name: "embeddings" }
      tools { name: "lookup_order" reads { namespace: "pg" name: "orders" } }
      tools { name: "refund" writes { namespace: "pg" name: "refunds" } } )" +
           more + " } }";
  }

  absl::StatusOr<v1::AIApplication> Get(const std::string& who) {
    v1::GetAIApplicationRequest req;
    req.set_name("assistant");
    return As(who).Call(&Stub::GetAIApplication, As(who).applications(), req);
  }

  absl::StatusOr<v1::AIApplication> Review(const std::string& who, const std::string& state,
                                           int64_t expected = 0) {
    v1::ReviewAIApplicationRequest req;
    req.set_name("assistant");
    req.set_state(state);
    req.set_note("checked the tools");
    req.set_expected_revision(expected);
    return As(who).Call(&Stub::ReviewAIApplication, As(who).applications(), req);
  }

  absl::StatusOr<v1::AIApplicationAccess> Access(const std::string& who) {
    v1::CheckAIApplicationAccessRequest req;
    req.set_name("assistant");
    return As(who).Call(&Stub::CheckAIApplicationAccess, As(who).applications(), req);
  }

  absl::StatusOr<v1::ImpactResponse> Impact(const std::string& who, const std::string& node) {
    v1::ImpactRequest req;
    req.set_node(node);
    return As(who).Call(&v1::LineageService::Stub::Impact, As(who).lineage(), req);
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(ApplicationTest, ApplyValidatesNamesItsFieldsAndHidesWhatTheWriterMayNotRead) {
  auto bad_type = Apply("user:alice", R"(resources { ai_application { name: "a" type: "robot"
                                          owners { principal: "user:alice" } } })");
  ASSERT_EQ(bad_type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_type.status().message(),
              HasSubstr("spec.type: \"robot\" is not one of rag, agent, chatbot, copilot, other"));
  auto twice = Apply("user:alice", R"(resources { ai_application { name: "a"
      owners { principal: "user:alice" } tools { name: "t" } tools { name: "t" } } })");
  EXPECT_THAT(twice.status().message(), HasSubstr("spec.tools[1].name: \"t\" is listed twice"));
  auto missing = Apply("user:alice", R"(resources { ai_application { name: "a"
      owners { principal: "user:alice" }
      tools { name: "t" reads { namespace: "pg" name: "nope" } } } })");
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("spec.tools[0].reads[0]: dataset \"pg/nope\" does not exist"));
  auto no_model = Apply("user:alice", R"(resources { ai_application { name: "a"
      owners { principal: "user:alice" } models: "fraud@2" } })");
  EXPECT_THAT(no_model.status().message(), HasSubstr("spec.models[0]"));
  // Bob may not read pg/secret: to him it does not exist.
  auto hidden = Apply("user:bob", R"(resources { ai_application { name: "b"
      owners { principal: "user:bob" } data_sources { namespace: "pg" name: "secret" } } })");
  ASSERT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(hidden.status().message(),
              HasSubstr("spec.dataSources[0]: dataset pg/secret not found"));
  // Nobody registers an application for someone else.
  auto for_alice = Apply("user:bob", R"(resources { ai_application { name: "b"
      owners { principal: "user:alice" } } })");
  EXPECT_EQ(for_alice.status().code(), absl::StatusCode::kPermissionDenied);
  // Nothing of the refused applies was written.
  v1::ListAIApplicationsRequest all;
  auto list = server_.admin().Call(&Stub::ListAIApplications, server_.admin().applications(), all);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->applications_size(), 0);
}

TEST_F(ApplicationTest, ReviewsAreTheReviewersAndAChangedApplicationIsUnreviewedAgain) {
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  auto fresh = Get("user:bob");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->review().state(), "unreviewed");
  // Owners do not approve their own applications.
  EXPECT_EQ(Review("user:alice", "approved").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Review("user:rita", "maybe").status().code(), absl::StatusCode::kInvalidArgument);
  auto approved = Review("user:rita", "approved", 1);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->review().state(), "approved");
  EXPECT_EQ(approved->review().by(), "user:rita");
  EXPECT_EQ(approved->review().revision(), 1);
  EXPECT_EQ(approved->review().note(), "checked the tools");
  // The same manifest again changes nothing, the review stays.
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  EXPECT_EQ(Get("user:bob")->review().state(), "approved");
  v1::ListAIApplicationsRequest unreviewed;
  unreviewed.set_review_state("unreviewed");
  CatalogClient& bob = As("user:bob");
  EXPECT_EQ(
      bob.Call(&Stub::ListAIApplications, bob.applications(), unreviewed)->applications_size(), 0);
  // A new tool is not what was reviewed.
  ASSERT_TRUE(Apply("user:alice", Assistant(R"(tools { name: "search" })")).ok());
  auto changed = Get("user:bob");
  EXPECT_EQ(changed->review().state(), "unreviewed");
  EXPECT_EQ(changed->review().by(), "");
  EXPECT_EQ(
      bob.Call(&Stub::ListAIApplications, bob.applications(), unreviewed)->applications_size(), 1);
  // A reviewer approves what they read: revision 1 is gone.
  EXPECT_EQ(Review("user:rita", "approved", 1).status().code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(Review("user:rita", "rejected", 2).ok());
  // Both reviews are in the audit log, by the reviewer.
  v1::ListAuditEventsRequest audit;
  audit.set_action("application.");
  auto events = server_.admin().Call(&v1::AuditService::Stub::ListAuditEvents,
                                     server_.admin().audit(), audit);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> seen;
  for (const auto& e : events->events()) seen.push_back(e.action() + " " + e.actor());
  EXPECT_THAT(seen, ::testing::IsSupersetOf({"application.approve user:rita",
                                             "application.reject user:rita",
                                             "application.create user:alice"}));
}

TEST_F(ApplicationTest, AccessIsDecidedAsItsServiceAccountForItsReviewersOnly) {
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  // The owner may not learn what another principal may read.
  auto owner = Access("user:alice");
  ASSERT_EQ(owner.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(owner.status().message(), HasSubstr("authorize:others"));
  // The service account itself, and a reviewer.
  auto self = Access("serviceaccount:assistant-bot");
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->principal(), "ServiceAccount::\"assistant-bot\"");
  std::map<std::string, const v1::DatasetAccess*> by;
  for (const v1::DatasetAccess& d : self->datasets()) {
    by[d.dataset().name() + " " + d.use()] = &d;
  }
  ASSERT_EQ(by.size(), 5u);
  EXPECT_EQ(by.at("docs dataSource")->decision().decision(), v1::DECISION_ALLOW);
  EXPECT_EQ(by.at("secret dataSource")->decision().decision(), v1::DECISION_ALLOW);
  EXPECT_EQ(by.at("embeddings vectorIndex")->decision().decision(), v1::DECISION_ALLOW);
  const v1::DatasetAccess& orders = *by.at("orders tool:lookup_order");
  EXPECT_EQ(orders.decision().decision(), v1::DECISION_ALLOW);
  ASSERT_EQ(orders.columns_size(), 1);  // id is allowed; only email is listed
  EXPECT_EQ(orders.columns(0).column(), "email");
  EXPECT_EQ(orders.columns(0).access(), v1::COLUMN_ACCESS_MASK);
  EXPECT_EQ(orders.columns(0).mask(), "sha256");
  const v1::DatasetAccess& refunds = *by.at("refunds tool:refund");
  EXPECT_EQ(refunds.action(), "write");
  EXPECT_EQ(refunds.decision().decision(), v1::DECISION_DENY);
  EXPECT_EQ(self->denied(), 1);
  EXPECT_EQ(self->masked(), 1);
  EXPECT_EQ(self->hidden(), 0);
  // Rita reviews it but may not read pg/secret: it is counted, not named.
  auto reviewer = Access("user:rita");
  ASSERT_TRUE(reviewer.ok()) << reviewer.status();
  EXPECT_EQ(reviewer->datasets_size(), 4);
  EXPECT_EQ(reviewer->hidden(), 1);
  for (const v1::DatasetAccess& d : reviewer->datasets()) {
    EXPECT_NE(d.dataset().name(), "secret");
  }
  // The decisions were made as the service account, asked by rita: in the
  // audit log as decisions.
  v1::ListAuditEventsRequest audit;
  audit.set_decision("deny");
  auto events = server_.admin().Call(&v1::AuditService::Stub::ListAuditEvents,
                                     server_.admin().audit(), audit);
  ASSERT_TRUE(events.ok());
  bool found = false;
  for (const auto& e : events->events()) {
    found |= e.target().find("pg/refunds") != std::string::npos;
  }
  EXPECT_TRUE(found) << events->DebugString();
}

TEST_F(ApplicationTest, ReadsLeaveOutWhatTheReaderMayNotReadAndPoliciesSeeTheReview) {
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  auto bob = Get("user:bob");
  ASSERT_TRUE(bob.ok()) << bob.status();
  ASSERT_EQ(bob->data_sources_size(), 1);
  EXPECT_EQ(bob->data_sources(0).name(), "docs");
  EXPECT_EQ(bob->hidden_datasets(), 1);
  EXPECT_EQ(Get("user:alice")->data_sources_size(), 2);
  // An application's facts in a policy: its review, its service account,
  // its domain.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "approved.cedar", R"(
      permit (principal == User::"bob", action == Action::"catalog:write",
              resource is AIApplication)
      when { resource.review == "approved" &&
             resource.service_account == ServiceAccount::"assistant-bot" &&
             resource in Domain::"ml" };)")
                  .ok());
  v1::AuthorizeRequest ask;
  ask.set_principal("User::\"bob\"");
  ask.set_action("catalog:write");
  ask.set_resource("AIApplication::\"assistant\"");
  CatalogClient& admin = server_.admin();
  auto before = admin.Call(&v1::PolicyService::Stub::Authorize, admin.policies(), ask);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->decision(), v1::DECISION_DENY);
  auto approved = Review("user:rita", "approved");
  ASSERT_TRUE(approved.ok()) << approved.status();
  auto after = admin.Call(&v1::PolicyService::Stub::Authorize, admin.policies(), ask);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->decision(), v1::DECISION_ALLOW);
}

TEST_F(ApplicationTest, ImpactReachesItThroughADatasetOrAModelVersion) {
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  // From raw: orders (its tool reads it) and churn@1 (trained on orders;
  // the champion it calls) are one hop down; the tool's use is listed.
  auto impact = Impact("user:alice", "pg/raw");
  ASSERT_TRUE(impact.ok()) << impact.status();
  ASSERT_EQ(impact->applications_size(), 1);
  EXPECT_EQ(impact->applications(0).name(), "assistant");
  EXPECT_EQ(impact->applications(0).review(), "unreviewed");
  EXPECT_EQ(impact->applications(0).uses(), "pg/orders");
  EXPECT_EQ(impact->applications(0).used_as(), "tool:lookup_order:reads");
  EXPECT_EQ(impact->applications(0).depth(), 1);
  // Only through the model: an application calling churn by name.
  ASSERT_TRUE(Apply("user:alice", R"(resources { ai_application { name: "scorer"
      owners { principal: "user:alice" } models: "churn" } })")
                  .ok());
  impact = Impact("user:alice", "pg/raw");
  ASSERT_EQ(impact->applications_size(), 2);
  EXPECT_EQ(impact->applications(1).name(), "scorer");
  EXPECT_EQ(impact->applications(1).uses(), "churn@1");
  EXPECT_EQ(impact->applications(1).used_as(), "churn");
  // The start itself: docs is a data source.
  auto docs = Impact("user:alice", "pg/docs");
  ASSERT_EQ(docs->applications_size(), 1);
  EXPECT_EQ(docs->applications(0).used_as(), "dataSource");
  EXPECT_EQ(docs->applications(0).depth(), 0);
  // An application the caller may not read is counted only.
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource == AIApplication::"assistant");)")
                  .ok());
  auto hidden = Impact("user:bob", "pg/raw");
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  ASSERT_EQ(hidden->applications_size(), 1);
  EXPECT_EQ(hidden->applications(0).name(), "scorer");
  EXPECT_EQ(hidden->hidden_applications(), 1);
  EXPECT_EQ(Get("user:bob").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ApplicationTest, WhatAnApplicationUsesIsNotDeletedUnderIt) {
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  CatalogClient& admin = server_.admin();
  v1::UnsetModelAliasRequest unset;
  unset.set_model("churn");
  unset.set_alias("champion");
  ASSERT_TRUE(admin.Call(&v1::ModelService::Stub::UnsetModelAlias, admin.models(), unset).ok());
  v1::DeleteModelRequest model;
  model.set_name("churn");
  auto refused = admin.Call(&v1::ModelService::Stub::DeleteModel, admin.models(), model);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("AI application(s) assistant call it"));
  v1::DeleteDomainRequest domain;
  domain.set_path("ml");
  auto held = admin.Call(&v1::CatalogService::Stub::DeleteDomain, admin.catalog(), domain);
  ASSERT_EQ(held.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(held.status().message(), HasSubstr("1 AI application(s)"));
  // Nor a dataset it reads, whoever may write it: counted, not named.
  v1::DeleteDatasetRequest dataset;
  dataset.mutable_key()->set_namespace_("pg");
  dataset.mutable_key()->set_name("secret");
  auto used = admin.Call(&v1::CatalogService::Stub::DeleteDataset, admin.catalog(), dataset);
  ASSERT_EQ(used.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(used.status().message(),
            "dataset \"pg/secret\" is in use by 1 AI application(s); change or delete them first "
            "(catalogctl impact lists them)");
  // Its owner deletes it; then the model goes.
  v1::DeleteAIApplicationRequest del;
  del.set_name("assistant");
  EXPECT_EQ(As("user:bob")
                .Call(&Stub::DeleteAIApplication, As("user:bob").applications(), del)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  CatalogClient& alice = As("user:alice");
  ASSERT_TRUE(alice.Call(&Stub::DeleteAIApplication, alice.applications(), del).ok());
  EXPECT_EQ(Get("user:alice").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(admin.Call(&v1::ModelService::Stub::DeleteModel, admin.models(), model).ok());
  EXPECT_TRUE(
      admin.Call(&v1::CatalogService::Stub::DeleteDataset, admin.catalog(), dataset).ok());
}

TEST_F(ApplicationTest, ItsHistoryKeepsEveryRevisionButNotItsReviews) {
  ASSERT_TRUE(Apply("user:alice", Assistant()).ok());
  ASSERT_TRUE(Review("user:rita", "approved").ok());
  ASSERT_TRUE(Apply("user:alice", Assistant(R"(description: "answers order questions")")).ok());
  auto history = [&](const std::string& who, const std::string& name) {
    v1::GetAIApplicationHistoryRequest req;
    req.set_name(name);
    return As(who).Call(&Stub::GetAIApplicationHistory, As(who).applications(), req);
  };
  auto bobs = history("user:bob", "assistant");
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  // A review is not a revision; the change of description is.
  ASSERT_EQ(bobs->entries_size(), 2);
  EXPECT_THAT(bobs->entries(1).changes(), ElementsAre("spec.description"));
  EXPECT_EQ(bobs->entries(1).application().description(), "answers order questions");
  // What bob may not read is left out of every revision.
  for (const v1::ObjectRevision& e : bobs->entries()) {
    ASSERT_EQ(e.application().data_sources_size(), 1);
    EXPECT_EQ(e.application().data_sources(0).name(), "docs");
    EXPECT_EQ(e.application().hidden_datasets(), 1);
  }
  EXPECT_EQ(history("user:alice", "assistant")->entries(0).application().data_sources_size(), 2);
  // Deleted, and hidden from bob: his answer is a name that never was.
  v1::DeleteAIApplicationRequest del;
  del.set_name("assistant");
  ASSERT_TRUE(As("user:alice")
                  .Call(&Stub::DeleteAIApplication, As("user:alice").applications(), del)
                  .ok());
  auto hers = history("user:alice", "assistant");
  ASSERT_TRUE(hers.ok()) << hers.status();
  ASSERT_EQ(hers->entries_size(), 3);
  EXPECT_EQ(hers->entries(2).action(), "delete");
  ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "hide.cedar", R"(
      forbid (principal == User::"bob", action == Action::"catalog:read",
              resource in Domain::"ml");)")
                  .ok());
  EXPECT_EQ(history("user:bob", "assistant").status().message(),
            "AI application \"assistant\" not found");
  EXPECT_EQ(history("user:bob", "other").status().message(), "AI application \"other\" not found");
  EXPECT_TRUE(history("user:alice", "assistant").ok());
}

}  // namespace
}  // namespace catalog
