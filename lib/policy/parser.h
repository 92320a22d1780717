// The Cedar policy language parser.
//
//   ASSIGN_OR_RETURN(std::vector<Policy> policies,
//                    ParsePolicies(text, "policies.cedar"));
//
// Policies are numbered "policy0", "policy1", ... in file order, as Cedar's
// tools number them. Errors are INVALID_ARGUMENT "FILE:LINE:COL: message".
// Nesting deeper than kMaxNesting is refused with an error, never a stack
// overflow. Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/policy/ast.h"

namespace catalog::policy {

inline constexpr int kMaxNesting = 128;

absl::StatusOr<std::vector<Policy>> ParsePolicies(std::string_view text,
                                                  std::string_view filename);

struct PolicySource {
  std::string name;  // a file name, for errors and Policy::file
  std::string text;
};

// Parses several files as one policy set, numbering policy0, policy1, ...
// across them in the order given.
absl::StatusOr<std::vector<Policy>> ParsePolicyFiles(
    const std::vector<PolicySource>& files);

// The position of a policy numbered as ParsePolicies and ParsePolicyFiles
// number them ("policy7" -> 7); nullopt for any other id (a template link).
std::optional<size_t> PolicyIndex(std::string_view id);

// One expression, e.g. for a test or a context written in Cedar syntax.
absl::StatusOr<Expr> ParseExpression(std::string_view text);

// Parses an entity reference written `Type::"id"` (namespaces allowed).
absl::StatusOr<EntityUid> ParseEntityUid(std::string_view text);

// Makes a static policy from a template by filling its slots. Fails when a
// slot the template uses is not given.
absl::StatusOr<Policy> LinkTemplate(const Policy& tmpl, std::string link_id,
                                    const std::optional<EntityUid>& principal,
                                    const std::optional<EntityUid>& resource);

}  // namespace catalog::policy
