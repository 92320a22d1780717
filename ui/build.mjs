// Builds the web UI into static files catalogd embeds (server/ui_assets):
//   node build.mjs [--out DIR]        (default: dist/)
// DIR/index.html names DIR/assets/app-HASH.js and app-HASH.css, whose names
// change with their content, so catalogd serves them as immutable; each
// asset also gets a gzip twin (.gz). Nothing is inline: the pages run under
// a Content-Security-Policy without 'unsafe-inline'.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(here, "dist");

const built = await esbuild.build({
  entryPoints: [join(here, "src/main.jsx"), join(here, "src/style.css")],
  bundle: true,
  minify: true,
  write: false,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  outdir: "out",
  logLevel: "warning",
});

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });
const names = {};
for (const file of built.outputFiles) {
  const ext = file.path.endsWith(".css") ? "css" : "js";
  const hash = createHash("sha256").update(file.contents).digest("hex").slice(0, 16);
  const name = `assets/app-${hash}.${ext}`;
  names[ext] = name;
  writeFileSync(join(out, name), file.contents);
}
const index = readFileSync(join(here, "src/index.html"), "utf8")
  .replace("%APP_JS%", "/" + names.js)
  .replace("%APP_CSS%", "/" + names.css);
writeFileSync(join(out, "index.html"), index);
writeFileSync(join(out, "favicon.svg"), readFileSync(join(here, "src/favicon.svg")));
// gzip twins, for clients that take them.
for (const dir of [out, join(out, "assets")]) {
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    if (!f.isFile() || f.name.endsWith(".gz")) continue;
    const path = join(dir, f.name);
    writeFileSync(path + ".gz", gzipSync(readFileSync(path), { level: 9 }));
  }
}
console.log(`ui: ${names.js}, ${names.css} in ${out}`);
