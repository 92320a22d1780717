// The datasets an AI application names (docs/models.md#ai-applications),
// each with the manifest field that names it and how the application uses
// it — one walk for what checks, stores, redacts and decides them.
//
//   for (const NamedDataset& d : DatasetsOf(app.spec)) Check(d.dataset, d.field);
#pragma once

#include <string>
#include <vector>

#include "lib/catalog/model.h"

namespace catalog {

struct NamedDataset {
  DatasetKey dataset;
  std::string field;   // "spec.dataSources[0]", "spec.tools[1].writes[0]"
  std::string use;     // "dataSource", "vectorIndex", "tool:NAME:reads" or "tool:NAME:writes"
  bool write = false;  // a tool's write
};

// Data sources, vector indexes, then each tool's reads and writes, in the
// spec's order.
std::vector<NamedDataset> DatasetsOf(const AIApplicationSpec& spec);

}  // namespace catalog
