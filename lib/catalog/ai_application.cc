#include "lib/catalog/ai_application.h"

#include "lib/util/strings.h"

namespace catalog {

std::vector<NamedDataset> DatasetsOf(const AIApplicationSpec& spec) {
  std::vector<NamedDataset> out;
  for (size_t i = 0; i < spec.data_sources.size(); ++i) {
    out.push_back({spec.data_sources[i], StrCat("spec.dataSources[", i, "]"), "dataSource"});
  }
  for (size_t i = 0; i < spec.vector_indexes.size(); ++i) {
    out.push_back({spec.vector_indexes[i], StrCat("spec.vectorIndexes[", i, "]"), "vectorIndex"});
  }
  for (size_t t = 0; t < spec.tools.size(); ++t) {
    const AIApplicationTool& tool = spec.tools[t];
    for (size_t i = 0; i < tool.reads.size(); ++i) {
      out.push_back({tool.reads[i], StrCat("spec.tools[", t, "].reads[", i, "]"),
                     StrCat("tool:", tool.name, ":reads")});
    }
    for (size_t i = 0; i < tool.writes.size(); ++i) {
      out.push_back({tool.writes[i], StrCat("spec.tools[", t, "].writes[", i, "]"),
                     StrCat("tool:", tool.name, ":writes"), true});
    }
  }
  return out;
}

}  // namespace catalog
