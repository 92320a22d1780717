// Validates JSON documents (one per line on stdin) against the official ODCS
// JSON schema with ajv (draft 2019-09, formats on) and prints one line per
// document: {"valid": true|false, "errors": [...]}. Used by
// tests/odcs_differential_test.cc; scripts/setup installs ajv and ajv-formats.
//   node validate.mjs SCHEMA.json < docs.jsonl
import fs from "node:fs";
import readline from "node:readline";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2019 = require("ajv/dist/2019").default;
const addFormats = require("ajv-formats").default;

const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === "") continue;
  const valid = validate(JSON.parse(line));
  const errors = valid ? [] : validate.errors.slice(0, 3).map(
      (e) => `${e.instancePath} ${e.message}`);
  process.stdout.write(JSON.stringify({ valid, errors }) + "\n");
}
