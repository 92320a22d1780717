// A dataset's columns as the authorization snapshot keeps them: every
// column's path and type packed into one string (a column decision must
// know the schema at the snapshot's revision), and tags, a classification
// and glossary terms only for the columns that carry them. About 20 bytes a
// column, where a vector of ColumnInfo took about 100.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/authz/catalog_entities.h"

namespace catalog::authz {

class ColumnTable {
 public:
  explicit ColumnTable(const std::vector<ColumnInfo>& columns);

  size_t size() const { return count_; }
  std::optional<ColumnInfo> Find(std::string_view path) const;
  // The columns nested inside `path` ("path.x", "path.x.y"), in schema order.
  std::vector<ColumnInfo> Inside(std::string_view path) const;
  // Every column, in schema order.
  std::vector<ColumnInfo> All() const;

 private:
  struct Marked {
    uint32_t index = 0;
    Classification classification = Classification::kUnspecified;
    std::vector<std::string> tags;
    std::vector<std::string> terms;
  };
  // Calls fn(index, path, type) for each column until it returns false.
  template <typename Fn>
  void Scan(Fn fn) const;
  ColumnInfo Info(uint32_t index, std::string_view path, std::string_view type) const;

  std::string packed_;          // path and type, length-prefixed, by column
  std::vector<Marked> marked_;  // by index
  uint32_t count_ = 0;
};

}  // namespace catalog::authz
