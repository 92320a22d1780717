#include "lib/lineage/mapping.h"

#include <algorithm>
#include <map>

namespace catalog::lineage {
namespace {

// Whether a field, or one inside it, carries curated tags, classification
// or glossary terms.
bool Curated(const Field& f) {
  if (!f.tags.empty() || f.classification != Classification::kUnspecified || !f.terms.empty()) {
    return true;
  }
  return std::any_of(f.fields.begin(), f.fields.end(), Curated);
}

// The new schema, with what the catalog knew of each same-named field; with
// `keep_curated`, a known field with curated tags or classification that
// the report leaves out is kept (so leaving a column out and reporting it
// again cannot strip its tags, and with them its mask).
std::vector<Field> MergeFields(const std::vector<Field>& reported,
                               const std::vector<Field>& known, bool keep_curated) {
  std::map<std::string_view, const Field*> by_name;
  for (const Field& f : known) by_name.emplace(f.name, &f);
  std::vector<Field> out = reported;
  for (Field& f : out) {
    auto it = by_name.find(f.name);
    if (it == by_name.end()) continue;
    const Field& old = *it->second;
    f.tags = old.tags;
    f.classification = old.classification;
    f.terms = old.terms;
    if (f.description.empty()) f.description = old.description;
    f.fields = MergeFields(f.fields, old.fields, keep_curated);
  }
  if (keep_curated) {
    for (const Field& old : known) {
      bool reported_too = std::any_of(out.begin(), out.end(),
                                      [&](const Field& f) { return f.name == old.name; });
      if (!reported_too && Curated(old)) out.push_back(old);
    }
  }
  return out;
}

template <typename T>
void AddMissing(const std::vector<T>& items, std::vector<T>& into) {
  for (const T& item : items) {
    if (std::find(into.begin(), into.end(), item) == into.end()) {
      into.push_back(item);
    }
  }
}

}  // namespace

void MergeFacts(const DatasetFacts& facts, const std::string& event_time,
                DatasetSpec& spec, bool curate) {
  if (facts.schema) spec.fields = MergeFields(*facts.schema, spec.fields, !curate);
  if (!curate) return;  // the rest is curated metadata
  if (facts.description) spec.description = *facts.description;
  AddMissing(facts.owners, spec.owners);
  AddMissing(facts.tags, spec.tags);
  if (!facts.lifecycle) return;
  const std::string& change = facts.lifecycle->change;
  if (change == "DROP") {
    spec.lifecycle = Lifecycle::kDropped;
  } else if (change == "CREATE" || change == "OVERWRITE" || change == "ALTER") {
    if (spec.lifecycle == Lifecycle::kDropped) spec.lifecycle = Lifecycle::kActive;
  } else if (change == "TRUNCATE") {
    spec.properties["lastTruncatedAt"] = event_time;
  } else if (change == "RENAME" && facts.lifecycle->previous) {
    spec.properties["renamedFrom"] = facts.lifecycle->previous->ToString();
    if (spec.lifecycle == Lifecycle::kDropped) spec.lifecycle = Lifecycle::kActive;
  }
}

void MarkRenamed(const DatasetKey& new_key, DatasetSpec& spec) {
  spec.lifecycle = Lifecycle::kDropped;
  spec.properties["renamedTo"] = new_key.ToString();
}

}  // namespace catalog::lineage
