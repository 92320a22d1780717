#include "client/contract_commands.h"

#include <stdio.h>
#include <sys/wait.h>

#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "client/files.h"
#include "client/output.h"
#include "lib/contract/diff.h"
#include "lib/contract/lint.h"
#include "lib/lineage/node.h"
#include "lib/util/strings.h"
#include "proto/contract_convert.h"
#include "proto/convert.h"

namespace catalog::client {
namespace {

namespace fs = std::filesystem;
using Stub = v1::ContractService::Stub;

const std::vector<std::string> kContractExtensions = {".yaml", ".yml"};

// A contract file read and parsed: either `doc` or `report.bad_input`.
struct Loaded {
  FileReport report;
  std::unique_ptr<contract::Document> doc;
  std::string text;
};

Loaded Load(const std::string& path, std::string text) {
  Loaded l;
  l.report.file = path;
  l.text = std::move(text);
  absl::StatusOr<contract::Document> doc = contract::ParseYaml(l.text, path);
  if (!doc.ok()) {
    l.report.bad_input = std::string(MessageOf(doc.status()));
    return l;
  }
  l.doc = std::make_unique<contract::Document>(*std::move(doc));
  for (const contract::Finding& f : contract::Lint(*l.doc)) {
    l.report.findings.push_back(ToProto(f));
  }
  return l;
}

Loaded LoadFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadAll(path);
  if (!text.ok()) {
    Loaded l;
    l.report.file = path;
    l.report.bad_input = std::string(MessageOf(text.status()));
    return l;
  }
  return Load(path, *std::move(text));
}

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs a command; its stdout (and stderr, with `with_errors`) and whether
// it exited 0.
std::pair<std::string, bool> Capture(const std::string& command, bool with_errors = false) {
  std::string out;
  FILE* pipe = popen((command + (with_errors ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (pipe == nullptr) return {"", false};
  std::array<char, 65536> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  int status = pclose(pipe);
  return {out, WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

// The file as it is at git revision `ref`: nullopt when it is not there
// (a new contract); an error when `ref` is not a revision of this repository.
absl::StatusOr<std::optional<std::string>> AtRevision(const std::string& ref,
                                                      const std::string& path) {
  if (!Capture(StrCat("git rev-parse --verify --quiet ",
                      ShellQuote(ref + "^{commit}")))
           .second) {
    // Not a repository git will read (none, or one another user owns, as
    // in a CI container): git's own words say why and what to do.
    auto [why, readable] = Capture("git rev-parse --git-dir", /*with_errors=*/true);
    if (!readable) {
      std::string text = why;
      for (char& c : text) c = c == '\n' ? ' ' : c;
      while (!text.empty() && text.back() == ' ') text.pop_back();
      return absl::InvalidArgumentError(
          StrCat("--base: git cannot read a repository here: ", text));
    }
    return absl::InvalidArgumentError(
        StrCat("--base: \"", ref,
               "\" is not a git revision here (in CI, fetch it first: "
               "actions/checkout with fetch-depth: 0)"));
  }
  fs::path file = fs::path(path);
  fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::string object = StrCat(ref, ":./", file.filename().string());
  std::string in_dir = StrCat("git -C ", ShellQuote(dir.string()), " ");
  if (!Capture(in_dir + "cat-file -e " + ShellQuote(object)).second) {
    return std::nullopt;
  }
  auto [text, ok] = Capture(in_dir + "show " + ShellQuote(object));
  if (!ok) {
    return absl::InternalError(StrCat("git show ", object, " failed"));
  }
  return text;
}

void DiffInto(Loaded& before, Loaded& after) {
  contract::Contract a = contract::FromDocument(*before.doc);
  contract::Contract b = contract::FromDocument(*after.doc);
  after.report.old_file = before.report.file;
  after.report.diff = ToProto(contract::Diff(a, b), a, b);
}

// With a server: the candidate as the catalog sees it.
void CheckOnServer(CatalogClient& server, Loaded& l) {
  if (l.doc == nullptr) return;
  v1::CheckContractRequest req;
  req.set_document(l.text);
  req.set_file(l.report.file);
  absl::StatusOr<v1::CheckContractResponse> r =
      server.Call(&Stub::CheckContract, server.contracts(), req);
  if (!r.ok()) {
    l.report.bad_input = StrCat(l.report.file, ": --server: ",
                                absl::StatusCodeToString(r.status().code()),
                                ": ", MessageOf(r.status()));
    return;
  }
  for (const v1::DatasetCheck& d : r->datasets()) l.report.datasets.push_back(d);
  if (r->has_diff() && !l.report.diff) {
    l.report.old_file = "the catalog's registered version";
    l.report.diff = r->diff();
  }
}

std::vector<std::string> Expand(const std::vector<std::string>& paths,
                                std::vector<FileReport>& bad) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    absl::StatusOr<std::vector<std::string>> files =
        ExpandPaths({p}, kContractExtensions, /*recursive=*/true);
    if (!files.ok()) {
      FileReport r;
      r.file = p;
      r.bad_input = std::string(MessageOf(files.status()));
      bad.push_back(std::move(r));
      continue;
    }
    out.insert(out.end(), files->begin(), files->end());
  }
  return out;
}

int Finish(std::ostream& out, ReportFormat format,
           std::vector<FileReport> reports) {
  PrintReport(out, format, reports);
  return ExitCode(reports);
}

}  // namespace

int RunContractLint(std::ostream& out, const ContractCheckOptions& options) {
  std::vector<FileReport> reports;
  for (const std::string& path : Expand(options.files, reports)) {
    Loaded l = LoadFile(path);
    if (options.server != nullptr) CheckOnServer(*options.server, l);
    reports.push_back(std::move(l.report));
  }
  return Finish(out, options.format, std::move(reports));
}

int RunContractDiff(std::ostream& out, std::ostream& err,
                    const ContractCheckOptions& options) {
  std::vector<FileReport> reports;
  if (options.base.empty()) {
    if (options.files.size() != 2) {
      err << "error: contract diff takes OLD NEW, or --base REF FILE...\n";
      return 2;
    }
    Loaded before = LoadFile(options.files[0]);
    Loaded after = LoadFile(options.files[1]);
    if (!before.report.bad_input.empty()) {
      reports.push_back(std::move(before.report));
    } else if (after.doc != nullptr) {
      DiffInto(before, after);
    }
    if (options.server != nullptr) CheckOnServer(*options.server, after);
    reports.push_back(std::move(after.report));
    return Finish(out, options.format, std::move(reports));
  }
  for (const std::string& path : Expand(options.files, reports)) {
    Loaded after = LoadFile(path);
    absl::StatusOr<std::optional<std::string>> old = AtRevision(options.base, path);
    if (!old.ok()) {
      after.report.bad_input = StrCat(path, ": ", MessageOf(old.status()));
    } else if (!old->has_value()) {
      after.report.new_contract = true;
    } else if (after.doc != nullptr) {
      Loaded before = Load(StrCat(options.base, ":", path), **old);
      if (before.doc == nullptr) {
        after.report.bad_input = before.report.bad_input;
      } else {
        DiffInto(before, after);
      }
    }
    if (options.server != nullptr) CheckOnServer(*options.server, after);
    reports.push_back(std::move(after.report));
  }
  return Finish(out, options.format, std::move(reports));
}

int RunContractApply(CommandContext& ctx, const std::string& file,
                     const std::vector<std::string>& datasets, bool dry_run) {
  absl::StatusOr<std::string> text = ReadAll(file);
  if (!text.ok()) return ReportError(ctx.err, text.status());
  v1::PutContractRequest req;
  req.set_document(*text);
  req.set_file(file);
  req.set_dry_run(dry_run);
  for (const std::string& d : datasets) {
    // [OBJECT=]NAMESPACE/NAME; a namespace may hold '=' only after "://".
    size_t eq = d.find('=');
    size_t scheme = d.find("://");
    std::string object, name = d;
    if (eq != std::string::npos && (scheme == std::string::npos || eq < scheme)) {
      object = d.substr(0, eq);
      name = d.substr(eq + 1);
    }
    absl::StatusOr<lineage::NodeRef> ref = lineage::ParseNodeRef("--dataset", name);
    if (!ref.ok() || ref->kind != lineage::NodeRef::Kind::kDataset) {
      ctx.err << "error: --dataset: \"" << d
              << "\" is not [OBJECT=]NAMESPACE/NAME\n";
      return 2;
    }
    v1::ContractBinding* b = req.add_bindings();
    b->set_object(object);
    *b->mutable_dataset() = ToProto(ref->dataset);
  }
  auto r = ctx.client.Call(&Stub::PutContract, ctx.client.contracts(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  for (const v1::LintFinding& f : r->findings()) {
    ctx.err << file << ":" << f.line() << ":" << f.column() << ": "
            << (f.severity() == v1::FINDING_SEVERITY_WARNING ? "warning" : "info")
            << " [" << f.rule() << "] " << f.message() << "\n";
  }
  const v1::Contract& c = r->contract();
  ctx.out << "contract " << c.id() << " " << c.version() << " ("
          << c.status() << ") "
          << (dry_run ? "checked, not registered (dry run)"
              : r->created() ? "registered"
                             : "unchanged")
          << "\n";
  if (r->has_diff()) {
    ctx.out << "  from " << r->diff().from_version() << ": "
            << r->diff().changes_size() << " changes, "
            << (r->diff().breaking() ? "breaking" : "not breaking") << "\n";
  }
  for (const v1::ContractBinding& b : c.bindings()) {
    ctx.out << "  " << b.object() << " -> " << b.dataset().namespace_() << "/"
            << b.dataset().name() << "\n";
  }
  if (c.bindings().empty()) ctx.out << "  bound to no dataset\n";
  return 0;
}

int RunContractGet(CommandContext& ctx, const std::string& id,
                   const std::string& version, const std::string& dataset,
                   const std::string& output) {
  if (id.empty() && dataset.empty()) {
    auto r = ctx.client.Call(&Stub::ListContracts, ctx.client.contracts(),
                             v1::ListContractsRequest());
    if (!r.ok()) return ReportError(ctx.err, r.status());
    if (output == "json") {
      nlohmann::json list = nlohmann::json::array();
      for (const v1::Contract& c : r->contracts()) {
        list.push_back({{"id", c.id()}, {"version", c.version()},
                        {"status", c.status()}, {"createdAt", c.created_at()}});
      }
      ctx.out << list.dump(2) << "\n";
      return 0;
    }
    Table t{.header = {"ID", "VERSION", "STATUS", "DATASETS", "REGISTERED"}};
    for (const v1::Contract& c : r->contracts()) {
      std::string bound;
      for (const v1::ContractBinding& b : c.bindings()) {
        bound += StrCat(bound.empty() ? "" : ", ", b.dataset().namespace_(),
                        "/", b.dataset().name());
      }
      t.rows.push_back({c.id(), c.version(), c.status(),
                        bound.empty() ? "-" : bound, c.created_at()});
    }
    t.Print(ctx.out);
    return 0;
  }
  v1::GetContractRequest req;
  req.set_id(id);
  req.set_version(version);
  if (!dataset.empty()) {
    absl::StatusOr<lineage::NodeRef> ref = lineage::ParseNodeRef("--dataset", dataset);
    if (!ref.ok()) return ReportError(ctx.err, ref.status());
    *req.mutable_dataset() = ToProto(ref->dataset);
  }
  auto r = ctx.client.Call(&Stub::GetContract, ctx.client.contracts(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  if (output == "json") {
    nlohmann::json bindings = nlohmann::json::array();
    for (const v1::ContractBinding& b : r->bindings()) {
      bindings.push_back({{"object", b.object()},
                          {"dataset", StrCat(b.dataset().namespace_(), "/",
                                             b.dataset().name())}});
    }
    ctx.out << nlohmann::json{{"id", r->id()},
                              {"version", r->version()},
                              {"status", r->status()},
                              {"seq", r->seq()},
                              {"createdAt", r->created_at()},
                              {"createdBy", r->created_by()},
                              {"bindings", bindings},
                              {"document", r->document()}}
                   .dump(2)
            << "\n";
    return 0;
  }
  ctx.out << r->document();
  if (!r->document().empty() && r->document().back() != '\n') ctx.out << "\n";
  return 0;
}

int RunContractHistory(CommandContext& ctx, const std::string& id,
                       const std::string& output) {
  v1::ListContractVersionsRequest req;
  req.set_id(id);
  auto r = ctx.client.Call(&Stub::ListContractVersions, ctx.client.contracts(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  if (output == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const v1::Contract& c : r->versions()) {
      list.push_back({{"seq", c.seq()}, {"version", c.version()},
                      {"status", c.status()}, {"createdAt", c.created_at()},
                      {"createdBy", c.created_by()}, {"file", c.file()}});
    }
    ctx.out << list.dump(2) << "\n";
    return 0;
  }
  Table t{.header = {"SEQ", "VERSION", "STATUS", "REGISTERED", "BY", "FILE"}};
  for (const v1::Contract& c : r->versions()) {
    t.rows.push_back({StrCat(c.seq()), c.version(), c.status(), c.created_at(),
                      c.created_by(), c.file()});
  }
  t.Print(ctx.out);
  return 0;
}

}  // namespace catalog::client
