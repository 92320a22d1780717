#include "lib/catalog/key_id.h"

#include <utility>

namespace catalog {
namespace {

// How ParseDatasetKey splits a written key: the namespace runs to the first
// '/' after its "scheme://", or to the first '/'.
std::pair<std::string_view, std::string_view> SplitWritten(std::string_view written) {
  size_t from = 0;
  size_t scheme = written.find("://");
  if (scheme != std::string_view::npos) from = scheme + 3;
  size_t slash = written.find('/', from);
  if (slash == std::string_view::npos) return {written, {}};
  return {written.substr(0, slash), written.substr(slash + 1)};
}

}  // namespace

std::string KeyId(std::string_view ns, std::string_view name) {
  std::string written;
  written.reserve(ns.size() + 1 + name.size());
  written.append(ns).append("/").append(name);
  auto [split_ns, split_name] = SplitWritten(written);
  if ((ns.empty() || ns.front() != '~') && split_ns == ns && split_name == name) {
    return written;
  }
  std::string escaped = "~";
  for (char c : ns) {
    if (c == '%') {
      escaped += "%25";
    } else if (c == '/') {
      escaped += "%2F";
    } else if (c == '~') {
      escaped += "%7E";
    } else {
      escaped += c;
    }
  }
  return escaped.append("/").append(name);
}

}  // namespace catalog
