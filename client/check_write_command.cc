#include "client/check_write_command.h"

#include <nlohmann/json.hpp>

#include "client/output.h"
#include "lib/catalog/validate.h"
#include "lib/util/printable.h"
#include "lib/util/strings.h"
#include "proto/convert.h"

namespace catalog::client {

int RunCheckWrite(CommandContext& ctx, const CheckWriteOptions& o) {
  if (o.output != "table" && o.output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  v1::CheckWriteRequest req;
  absl::StatusOr<DatasetKey> key = ParseDatasetKey(o.dataset);
  if (!key.ok()) {
    ctx.err << "error: dataset: " << Printable(std::string(key.status().message())) << "\n";
    return 2;
  }
  *req.mutable_dataset() = ToProto(*key);
  for (size_t i = 0; i < o.inputs.size(); ++i) {
    absl::StatusOr<DatasetKey> input = ParseDatasetKey(o.inputs[i]);
    if (!input.ok()) {
      ctx.err << "error: --input " << Printable(o.inputs[i]) << ": "
              << Printable(std::string(input.status().message())) << "\n";
      return 2;
    }
    *req.add_inputs() = ToProto(*input);
  }
  auto checked =
      ctx.client.Call(&v1::ContractService::Stub::CheckWrite, ctx.client.contracts(), req);
  if (!checked.ok()) return ReportError(ctx.err, checked.status());
  if (o.output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*checked));
    return checked->allowed() ? 0 : 1;
  }
  std::string out = StrCat(o.dataset, ": ", checked->allowed() ? "may be written" : "refused",
                           "\n");
  if (!checked->contract_id().empty()) {
    out += StrCat("  contract ", checked->contract_id(), " ", checked->contract_version(), " (",
                  checked->contract_status(), ")",
                  checked->violations().empty() ? ": schema kept" : "", "\n");
  }
  for (const v1::SchemaViolation& v : checked->violations()) {
    out += StrCat("  contract: ", v.property(), ": ", v.message(), "\n");
  }
  for (const v1::RuleBreak& b : checked->rule_breaks()) {
    out += StrCat("  rule ", b.rule(), " (", b.mode(), ", ", b.severity(), "): ", b.message(),
                  b.waived_until().empty() ? "" : StrCat(" [waived until ", b.waived_until(), "]"),
                  "\n");
  }
  ctx.out << PrintableLines(out);
  return checked->allowed() ? 0 : 1;
}

}  // namespace catalog::client
