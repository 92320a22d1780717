// catalogctl's policy commands: offline ones (validate, eval) that need no
// server, and those that manage the server's policy set or ask it for
// decisions. Exit codes as in commands.h.
#pragma once

#include <string>
#include <vector>

#include "client/commands.h"

namespace catalog::client {

// policy validate FILE...: parses every file; prints a summary or the first
// error with file, line and column.
int RunPolicyValidate(std::ostream& out, std::ostream& err,
                      const std::vector<std::string>& files);

struct EvalOptions {
  std::string policies;  // a .cedar file or a directory of them
  std::string entities;  // Cedar JSON entities file
  std::string schema;    // optional .cedarschema
  std::string principal, action, resource, context;  // one request
  std::string requests;  // or a JSON-lines file of requests
};

// policy eval: evaluates offline, one JSON object per request per line:
// {"decision":"allow"|"deny","reason":[ids],"errors":[ids]}.
int RunPolicyEval(std::ostream& out, std::ostream& err, const EvalOptions& options);

// policy test FILE.yaml...: policy unit tests (see policy_test_command.cc
// for the format); prints ok/FAIL per test, exits 1 if any failed.
int RunPolicyTest(std::ostream& out, std::ostream& err,
                  const std::vector<std::string>& files);

int RunPolicyApply(CommandContext& ctx, const std::vector<std::string>& paths,
                   const std::string& description);
int RunPolicyGet(CommandContext& ctx, int64_t version, Format format);
int RunPolicyHistory(CommandContext& ctx, Format format);

struct AuthorizeOptions {
  std::string principal, action, resource, context;
  std::vector<std::string> columns;  // ask AuthorizeRead for these
  bool explain = false;
  int64_t min_revision = 0;
};
// Exits 0 on allow and 3 on deny, so scripts can branch on the answer.
int RunAuthorize(CommandContext& ctx, const AuthorizeOptions& options,
                 Format format);

// access DATASET: who may act on it (ListAccess; `actions`: read and
// write when empty), and the permits that let them.
int RunAccess(CommandContext& ctx, const std::string& dataset,
              const std::vector<std::string>& actions, Format format);

}  // namespace catalog::client
