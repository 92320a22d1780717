// Side by side with the real Cedar engine (npm @cedar-policy/cedar-wasm).
//
//   node bench/cedar_wasm_compare.mjs OUT_DIR
//   build/client/catalogctl policy eval --policies OUT_DIR/policies.cedar \
//       --entities OUT_DIR/entities.json --requests OUT_DIR/requests.jsonl
//
// Writes a catalog-shaped workload (1,000 policies of policy_bench's mix,
// 2,000 entities, 10,000 requests) and times cedar-wasm's isAuthorized on
// it. Caveat: isAuthorized takes the policy set and the entities as JSON on
// every call and parses them each time, so its per-call time includes
// parsing the whole workload; it is not the cost of one decision in Cedar's
// Rust core. The decisions of both engines are compared line by line.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";

const require = createRequire(import.meta.url);
const cedar = require(process.env.CEDAR_WASM ??
  new URL("../tests/cedar_diff/node_modules/@cedar-policy/cedar-wasm/nodejs/cedar_wasm.js",
          import.meta.url).pathname);

const out = process.argv[2] ?? "/tmp/cedar-compare";
mkdirSync(out, { recursive: true });
let seed = 7;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const USERS = 500, GROUPS = 50, DOMAINS = 40, DATASETS = 1400;
const uid = (type, id) => ({ type, id });

const entities = [];
for (let g = 0; g < GROUPS; g++) {
  entities.push({ uid: uid("Group", `g${g}`), attrs: {},
                  parents: g >= 10 ? [uid("Group", `g${g % 10}`)] : [] });
}
const depts = ["sales", "finance", "hr", "eng", "ops"];
for (let u = 0; u < USERS; u++) {
  entities.push({ uid: uid("User", `u${u}`), attrs: { department: depts[u % 5], clearance: u % 4 },
                  parents: [0, 1, 2].map(() => uid("Group", `g${rand(GROUPS)}`)) });
}
for (let d = 0; d < DOMAINS; d++) {
  entities.push({ uid: uid("Domain", `d${d}`), attrs: {},
                  parents: d >= 8 ? [uid("Domain", `d${d % 8}`)] : [] });
}
for (let i = 0; i < DATASETS; i++) {
  entities.push({ uid: uid("Dataset", `ds${i}`),
                  attrs: { owners: [{ __entity: uid("User", `u${rand(USERS)}`) },
                                    { __entity: uid("Group", `g${rand(GROUPS)}`) }],
                           tags: [i % 3 ? "internal" : "pii"], classificationLevel: i % 4,
                           properties: { dept: depts[i % 5] } },
                  parents: [uid("Domain", `d${rand(DOMAINS)}`)] });
}
for (const a of ["read", "write", "catalog:read"]) {
  entities.push({ uid: uid("Action", a), attrs: {}, parents: [] });
}

const group = () => `Group::"g${rand(GROUPS)}"`;
const domain = () => `Domain::"d${rand(DOMAINS)}"`;
let policies = "";
for (let i = 0; i < 700; i++) {
  policies += `permit (principal in ${group()}, action in [Action::"read", Action::"catalog:read"], resource in ${domain()});\n`;
}
for (let i = 0; i < 150; i++) {
  policies += `permit (principal in ${group()}, action == Action::"read", resource in ${domain()}) when { principal.department == resource.properties.dept };\n`;
}
for (let i = 0; i < 100; i++) {
  policies += `permit (principal, action == Action::"write", resource in ${domain()}) when { principal in resource.owners };\n`;
}
for (let i = 0; i < 50; i++) {
  policies += `forbid (principal, action == Action::"read", resource in ${domain()}) when { resource.classificationLevel > principal.clearance } unless { principal in ${group()} };\n`;
}
const actions = ["read", "write", "catalog:read"];
const requests = [];
for (let i = 0; i < 10000; i++) {
  requests.push({ principal: uid("User", `u${rand(USERS)}`), action: uid("Action", actions[rand(3)]),
                  resource: uid("Dataset", `ds${rand(DATASETS)}`), context: {} });
}
writeFileSync(`${out}/policies.cedar`, policies);
writeFileSync(`${out}/entities.json`, JSON.stringify(entities));
writeFileSync(`${out}/requests.jsonl`, requests.map((r) => JSON.stringify(r)).join("\n") + "\n");

const calls = 200;
const answers = [];
const t0 = process.hrtime.bigint();
for (let i = 0; i < calls; i++) {
  const r = requests[i];
  const a = cedar.isAuthorized({ ...r, policies: { staticPolicies: policies }, entities });
  if (a.type !== "success") throw new Error(JSON.stringify(a.errors));
  answers.push(a.response.decision);
}
const perCall = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
console.log(`cedar-wasm isAuthorized: ${perCall.toFixed(0)} us per call ` +
            `(${calls} calls, each parsing 1,000 policies and ${entities.length} entities)`);

const ctl = process.env.CATALOGCTL ?? new URL("../build/client/catalogctl", import.meta.url).pathname;
const args = ["policy", "eval", "--policies", `${out}/policies.cedar`,
              "--entities", `${out}/entities.json`, "--requests", `${out}/requests.jsonl`];
const t1 = process.hrtime.bigint();
const ours = execFileSync(ctl, args, { maxBuffer: 1 << 26 }).toString().trim().split("\n");
const total = Number(process.hrtime.bigint() - t1) / 1e3;
writeFileSync(`${out}/one.jsonl`, JSON.stringify(requests[0]) + "\n");
const t2 = process.hrtime.bigint();
execFileSync(ctl, [...args.slice(0, -1), `${out}/one.jsonl`]);
const startup = Number(process.hrtime.bigint() - t2) / 1e3;
const differ = answers.filter((d, i) => JSON.parse(ours[i]).decision !== d).length;
console.log(`catalogctl policy eval: ${((total - startup) / requests.length).toFixed(1)} us per ` +
            `request (${requests.length} requests in one process, after ${(startup / 1e3).toFixed(0)} ms ` +
            `to load the same policies and entities); decisions differing from cedar-wasm: ` +
            `${differ} of ${calls}`);
