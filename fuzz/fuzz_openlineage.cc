// libFuzzer: OpenLineage events — splitting a body, parsing and validating
// each event, and merging its facts into a dataset entry.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/lineage/event.h"
#include "lib/lineage/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto events = catalog::lineage::SplitEvents(text);
  if (!events.ok()) return 0;
  for (const std::string& e : *events) {
    auto event = catalog::lineage::ParseEvent(e);
    if (!event.ok()) continue;
    for (const auto& out : event->outputs) {
      catalog::DatasetSpec spec;
      catalog::lineage::MergeFacts(out, event->event_time, spec);
    }
  }
  return 0;
}
