// A list's "find by words" query: a thing matches when each word of the
// query (case-insensitive, split at white space) is in its text.
//
//   WordQuery q("Customer  mail");
//   q.Matches("customer-email\nCustomer email");  // true
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace catalog {

class WordQuery {
 public:
  explicit WordQuery(std::string_view query) {
    std::string lower(query);
    absl::AsciiStrToLower(&lower);
    words_ = absl::StrSplit(lower, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  }

  bool empty() const { return words_.empty(); }

  // `text` holds every word (it is lowered here).
  bool Matches(std::string_view text) const {
    if (words_.empty()) return true;
    std::string lower(text);
    absl::AsciiStrToLower(&lower);
    for (const std::string& w : words_) {
      if (lower.find(w) == std::string::npos) return false;
    }
    return true;
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace catalog
