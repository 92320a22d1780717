// Evaluates scenarios with the real Cedar engine (@cedar-policy/cedar-wasm),
// for tests/cedar_differential_test.cc. Reads a JSON array of
//   {"policies": "<cedar text>", "entities": [...], "requests": [...]}
// from the file named by argv[2], prints one line per request:
//   {"decision": "allow"|"deny", "reason": [ids], "errors": [ids]}
// (or {"failure": "..."} when Cedar refuses the input).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cedar = require(process.env.CEDAR_WASM ?? "@cedar-policy/cedar-wasm/nodejs");

const scenarios = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = [];
for (const s of scenarios) {
  for (const r of s.requests) {
    const answer = cedar.isAuthorized({
      principal: r.principal,
      action: r.action,
      resource: r.resource,
      context: r.context ?? {},
      policies: { staticPolicies: s.policies },
      entities: s.entities,
    });
    if (answer.type !== "success") {
      out.push(JSON.stringify({ failure: answer.errors.map((e) => e.message).join("; ") }));
      continue;
    }
    const d = answer.response.diagnostics;
    out.push(JSON.stringify({
      decision: answer.response.decision,
      reason: [...d.reason].sort(),
      errors: d.errors.map((e) => e.policyId).sort(),
    }));
  }
}
process.stdout.write(out.join("\n") + "\n");
