// catalogctl get/describe/delete term: the business glossary
// (docs/governance.md#glossary), written with apply -f (kind: GlossaryTerm).
#pragma once

#include <cstdint>
#include <string>

#include "client/commands.h"
#include "client/output.h"

namespace catalog::client {

// True for the type names that mean glossary terms: term(s),
// glossaryterm(s).
bool IsTermType(const std::string& type);

// All terms (in `domain` or below, matching every word of `search`, when
// given) as a table, or one term's manifest (-o json|yaml; a list of them
// without `id`).
int RunTermGet(CommandContext& ctx, const std::string& id, const std::string& domain,
               const std::string& search, Format format);
// The term, its definition, synonyms and related terms, and the datasets
// and columns that link it.
int RunTermDescribe(CommandContext& ctx, const std::string& id);
int RunTermDelete(CommandContext& ctx, const std::string& id, int64_t expected_revision);

// catalogctl link|unlink TERM DATASET [--column PATH]: adds the term to
// (or removes it from) the dataset's terms, or its column's ("a.b" for a
// nested one), as one merge write at the revision read (needs
// catalog:write on the dataset).
struct LinkOptions {
  std::string term;
  std::string dataset;
  std::string column;
  bool unlink = false;
};
int RunTermLink(CommandContext& ctx, const LinkOptions& options);

}  // namespace catalog::client
