// libFuzzer: the names users give — dataset keys, principals, lineage node
// references, domain paths, glossary term ids, webhook URLs and address
// allow-lists.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/catalog/validate.h"
#include "lib/lineage/node.h"
#include "server/webhooks/destination.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t cut = text.find('/');
  catalog::DatasetKey key{text.substr(0, cut == std::string::npos ? 0 : cut),
                          cut == std::string::npos ? text : text.substr(cut + 1)};
  (void)catalog::ValidateDatasetKey(key);
  (void)catalog::ParsePrincipalRef("principal", text);
  (void)catalog::ValidateDomainPath("domain", text);
  (void)catalog::ValidateTermId("term", text);
  (void)catalog::lineage::ParseNodeRef("node", text);
  if (auto url = catalog::server::webhooks::ParseWebhookUrl(text); url.ok()) (void)url->Origin();
  if (auto a = catalog::server::webhooks::IpAddress::Parse(text); a.ok()) {
    (void)catalog::server::webhooks::SpecialUse(*a);
    (void)a->ToString();
  }
  (void)catalog::server::webhooks::AddressAllowList::Parse(text);
  return 0;
}
