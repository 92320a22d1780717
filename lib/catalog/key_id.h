// The policy identity of a dataset or job key: one string per (namespace,
// name), never the same for two keys (Dataset::"<id>", Job::"<id>",
// Column::"<id>#<field>").
//
// An ordinary key keeps its written form, "namespace/name", the string
// ParseDatasetKey splits back into that key ("postgres://db:5432" +
// "sales.orders" is "postgres://db:5432/sales.orders"). A key whose written
// form would split into another key — "postgres:" + "/hr-db:5432/x" reads
// as "postgres://hr-db:5432" + "x"; "s3://bucket/dir" + "f" as "s3://bucket"
// + "dir/f" — or whose namespace starts with '~', is written
// "~" + the namespace with '%', '/' and '~' percent-encoded + "/" + name,
// which no written form starts with. So no look-alike key can borrow
// another dataset's policies, owners or entity.
#pragma once

#include <string>
#include <string_view>

namespace catalog {

std::string KeyId(std::string_view ns, std::string_view name);

}  // namespace catalog
