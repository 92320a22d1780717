// catalogctl layers and certify: the catalog's ordered list of layers and
// a dataset's certification (docs/governance.md).
#pragma once

#include <string>
#include <vector>

#include "client/commands.h"

namespace catalog::client {

// Prints the layers; with `set`, sets them first (lowest first).
int RunLayers(CommandContext& ctx, const std::vector<std::string>& set, int64_t expected_revision,
              const std::string& output);

struct CertifyOptions {
  std::string dataset;  // "namespace/name"
  std::string state;    // none, draft or verified
  std::string expires;  // RFC 3339 or a date; verified only
};
// Writes only the dataset's certification (catalog:certify).
int RunCertify(CommandContext& ctx, const CertifyOptions& options);

}  // namespace catalog::client
