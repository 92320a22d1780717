// The web UI in a real browser (Debian's Chromium, driven by playwright-core)
// against a real catalogd that tests/ui_browser_test.cc started and seeded.
//
//   CATALOG_UI_BASE=http://127.0.0.1:PORT CATALOG_ADMIN_TOKEN=… CATALOG_BOB_TOKEN=…
//   CATALOG_XSS_NAME=… CATALOG_SCREENSHOTS=DIR node tests/ui/browser_test.mjs
//
// Prints one line per check; exits 1 if any failed. Every page is checked
// for console errors, Content-Security-Policy violations and accessibility
// (axe-core, WCAG 2 A and AA).
import { createRequire } from "node:module";
import { readFileSync, mkdirSync } from "node:fs";

const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.CATALOG_UI_BASE;
const adminToken = process.env.CATALOG_ADMIN_TOKEN;
const bobToken = process.env.CATALOG_BOB_TOKEN;
const xssName = process.env.CATALOG_XSS_NAME;
const shots = process.env.CATALOG_SCREENSHOTS;
if (shots) mkdirSync(shots, { recursive: true });

let failed = 0;
function check(ok, what, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok || !detail ? "" : ": " + detail}`);
  if (!ok) failed++;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// A page that records what must never happen on any page.
async function open(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (m) => { if (m.type() === "error") page.problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => page.problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    window.__csp = [];
    addEventListener("securitypolicyviolation",
                     (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } }));
  const found = result.violations.map(
    (v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
  check(found.length === 0, `${name}: no accessibility violations (axe, WCAG 2 A/AA)`, found.join(", "));
  const csp = await page.evaluate(() => window.__csp);
  check(csp.length === 0, `${name}: no Content-Security-Policy violations`, csp.join("; "));
  check(page.problems.length === 0, `${name}: no console errors`, page.problems.join("; "));
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

const wait = { timeout: 5000 };

// Sign in.
const context = await browser.newContext();
const page = await open(context);
await page.goto(base + "/");
await page.getByLabel("Token").waitFor(wait);
await audit(page, "signin");
await page.getByLabel("Token").fill("tok_0000.wrong");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByRole("alert").waitFor(wait);
check((await page.getByRole("alert").textContent()).includes("invalid"), "a wrong token is refused, saying so");
page.problems = page.problems.filter((p) => !p.includes("401"));  // the refused sign-in
await page.getByLabel("Token").fill(adminToken);
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByTestId("who").waitFor(wait);
check((await page.getByTestId("who").textContent()) === "user:admin", "signed in as user:admin");
const cookies = await context.cookies();
const session = cookies.find((c) => c.name === "catalogd_session");
check(session && session.httpOnly && session.sameSite === "Strict", "the session cookie is HttpOnly and SameSite=Strict");
check(await page.evaluate(() => localStorage.length === 0 && sessionStorage.length === 0),
      "nothing is kept in localStorage or sessionStorage");
check(await page.evaluate(() => document.cookie === ""), "the page cannot read the session cookie");

// Search, and the keyboard.
await page.getByLabel("Search datasets").fill("orders");
// The list before the query (every dataset) may still show: wait for the
// query's answer, then read it (a miss is reported by the check below).
await page.locator(".results .name").filter({ hasText: /^sales\.public\.orders$/ }).first()
  .waitFor(wait).catch(() => {});
const names = await page.locator(".results .name").allTextContents();
check(names.includes("sales.public.orders"), "search finds sales.public.orders", names.join(", "));
await audit(page, "search");
// The hits are drawn without waiting for the counts (which read up to
// 10,000 matches); the counts follow.
{
  let releaseCounts;
  const countsHeld = new Promise((resolve) => { releaseCounts = resolve; });
  const searches = "**/catalog.v1.CatalogService/SearchDatasets";
  await page.route(searches, async (route) => {
    if (JSON.parse(route.request().postData()).facets) await countsHeld;
    await route.continue();
  });
  await page.getByLabel("Search datasets").fill("daily");
  await page.waitForFunction(() => [...document.querySelectorAll(".results .name")]
    .some((n) => n.textContent === "analytics.marts.daily_sales_by_country"), null, wait);
  const before = await page.locator(".facet-count").allTextContents();
  const counted = page.waitForResponse((r) => r.url().endsWith("/SearchDatasets") &&
                                              JSON.parse(r.request().postData()).facets);
  releaseCounts();
  await counted;
  await page.unroute(searches);
  await page.waitForFunction((old) => [...document.querySelectorAll(".facet-count")]
    .map((c) => c.textContent).join() !== old, before.join(), wait);
  check(true, "the hits are drawn before the counts, and the counts follow");
  await page.getByLabel("Search datasets").fill("orders");
  await page.waitForFunction(() => [...document.querySelectorAll(".results .name")]
    .some((n) => n.textContent === "sales.public.orders"), null, wait);
}
// Facets: a count beside each value; a chosen value narrows the results,
// and the URL keeps it.
const confidential = page.getByRole("checkbox", { name: /^confidential/ });
await confidential.waitFor(wait);
await confidential.check();
await page.waitForURL(/classification=confidential/, wait);
await page.waitForFunction(() => {
  const items = [...document.querySelectorAll(".results li")];
  return items.length > 0 && items.every((li) => li.textContent.includes("confidential"));
}, null, wait);
check((await page.locator(".results .name").allTextContents()).includes("sales.public.orders"),
      "a facet value narrows the search to the datasets that have it");
await audit(page, "search-facets");
await page.getByRole("checkbox", { name: /^confidential/ }).uncheck();
await page.waitForURL((u) => !u.href.includes("classification="), wait);
await page.getByLabel("Search datasets").fill("orders");
await page.locator(".results a").first().waitFor(wait);
// A search still in flight when Enter is pressed must not write its URL
// over the dataset's page once it answers: hold the next answer back until
// the dataset's page is shown.
let release;
const held = new Promise((resolve) => { release = resolve; });
const searches = "**/catalog.v1.CatalogService/SearchDatasets";
await page.route(searches, async (route) => { await held; await route.continue(); });
const inFlight = page.waitForRequest((r) => r.url().endsWith("/SearchDatasets"));
await page.getByLabel("Search datasets").fill("orders ");
await inFlight;
await page.getByLabel("Search datasets").press("ArrowDown");
check(await page.evaluate(() => document.activeElement.closest(".results") !== null),
      "ArrowDown moves from the box to the first result");
await page.keyboard.press("Enter");
await page.getByRole("heading", { name: "sales.public.orders" }).waitFor(wait);
const answered = page.waitForResponse((r) => r.url().endsWith("/SearchDatasets"));
release();
await answered;
await page.unroute(searches);
await page.waitForLoadState("networkidle");
check(page.url().includes("#/dataset/"), "Enter on a result opens its page", page.url());
check((await page.locator(".facts").textContent()).includes("user:alice"), "the overview names the owners");
check((await page.locator(".facts").textContent()).includes("bronze"), "the overview names the layer");
await audit(page, "dataset-overview");

// Editing: saved with the revision the form started from.
async function api(method, body) {
  const res = await fetch(`${base}/catalog.v1.CatalogService/${method}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return res.json();
}
const ordersKey = { namespace: "postgres://prod-db:5432", name: "sales.public.orders" };
await page.getByRole("button", { name: "Edit" }).click();
await page.getByLabel("Description (Markdown)").fill("Orders **placed** online");
await page.getByLabel("Tags (comma-separated)").fill("pii, gdpr, gold");
await page.getByRole("button", { name: "Save" }).click();
await page.locator(".description strong").waitFor(wait);
check((await page.locator(".description strong").textContent()) === "placed", "an edit is saved and shown");
const saved = await api("GetDataset", { key: ordersKey });
check(saved.spec.tags.includes("gold") && saved.spec.owners.length === 2,
      "the edit wrote the tags and kept the owners", JSON.stringify(saved.spec.tags));
await audit(page, "dataset-edited");
// Someone else edits while the form is open: shown, not overwritten.
await page.getByRole("button", { name: "Edit" }).click();
await page.getByLabel("Description (Markdown)").fill("My edit");
await api("Apply", { resources: [{ dataset: { key: ordersKey, spec: { description: "Their edit" } },
                                   merge: true, fields: ["description"] }] });
await page.getByRole("button", { name: "Save" }).click();
await page.locator(".conflict").waitFor(wait);
check((await page.locator(".conflict").textContent()).includes("Their edit"),
      "a conflicting edit is shown");
const kept = await api("GetDataset", { key: ordersKey });
check(kept.spec.description === "Their edit", "and was not overwritten", kept.spec.description);
page.problems = page.problems.filter((p) => !p.includes("409"));
await audit(page, "dataset-conflict");
await page.getByRole("button", { name: "Start again from their version" }).click();
check((await page.getByLabel("Description (Markdown)").inputValue()) === "Their edit",
      "the form starts again from their version");
await page.getByRole("button", { name: "Cancel" }).click();

// Schema: filter.
await page.getByRole("tab", { name: "Schema" }).click();
await page.getByLabel("Filter columns").fill("email");
await page.getByText(/1 of \d+ columns/).waitFor(wait);
check(true, "the column filter narrows the schema to one column");
await audit(page, "dataset-schema");
// Lineage: the graph, its depth in the URL, a job's runs, the impact table.
await page.getByRole("tab", { name: "Lineage" }).click();
await page.locator(".graph-frame svg g[data-node]").first().waitFor(wait);
const oneHop = await page.locator(".graph-frame svg g[data-node]").count();
check(oneHop >= 3, "the lineage graph shows the dataset and its neighbours", String(oneHop));
check(await page.locator(`g[data-node="postgres://prod-db:5432/sales.public.orders"] .center`).count() === 1,
      "the dataset is the graph's centre");
// Every node is joined to the graph: as many edges as nodes less one, at least.
const drawn = await page.evaluate(() => ({
  nodes: document.querySelectorAll(".graph-frame svg g[data-node]").length,
  edges: document.querySelectorAll(".graph-frame svg polyline").length,
}));
check(drawn.edges >= drawn.nodes - 1, "the centre is joined to its neighbours by edges", JSON.stringify(drawn));
await audit(page, "dataset-lineage");
await page.getByLabel("Depth (jobs away)").selectOption("3");
await page.waitForFunction(() => location.hash.includes("depth=3"), null, wait);
await page.waitForFunction((n) => document.querySelectorAll(".graph-frame svg g[data-node]").length > n, oneHop, wait);
check(true, "a deeper view is a link (depth in the URL) and shows more");
const deep = page.url();
const jobs = page.locator('a[aria-label^="Job "]');
check(await jobs.count() > 0, "jobs are in the graph");
await jobs.first().click();
await page.locator("aside.panel").waitFor(wait);
await page.locator("aside.panel table, aside.panel p:not(.loading)").first().waitFor(wait);
const panel = await page.locator("aside.panel").textContent();
check(/complete/i.test(panel), "a job's panel lists its runs", panel);
const rows = await page.locator("table.impact-table tbody tr").count();
check(rows > 0, "the impact table lists what the dataset feeds", String(rows));
const [download] = await Promise.all([page.waitForEvent("download"),
                                      page.getByRole("button", { name: "Download as CSV" }).click()]);
const csv = readFileSync(await download.path(), "utf8").split("\n");
check(csv[0] === "dataset,jobs away,owners,classification,contract" && csv.length - 2 === rows,
      "the impact table downloads as CSV, row for row", csv[0]);
await page.goto(base + "/#/search");
await page.goto(deep);
await page.locator(".graph-frame svg g[data-node]").first().waitFor(wait);
check((await page.getByLabel("Depth (jobs away)").inputValue()) === "3", "the link restores the view");
// One hop: "+N" on a dataset whose further edges the view leaves out.
await page.getByLabel("Depth (jobs away)").selectOption("1");
const plus = page.getByRole("button", { name: /^Expand .*staging\.orders: 1 more edge$/ });
await plus.waitFor(wait);
const before = await page.locator(".graph-frame svg g[data-node]").count();
await plus.click();
await page.waitForFunction((n) => document.querySelectorAll(".graph-frame svg g[data-node]").length > n, before, wait);
check(page.url().includes("expand="), "+N expands a dataset one hop, and the URL keeps it");
// Columns: off by default; on, a click highlights a column's path.
check(await page.locator("[data-column]").count() === 0, "columns are off by default");
await page.getByLabel("Columns", { exact: true }).check();
const orderId = page.locator('[data-column="postgres://prod-db:5432/sales.public.orders#order_id"]');
await orderId.waitFor(wait);
await orderId.click();
await page.waitForFunction(() => document.querySelectorAll(".column.highlight").length >= 2, null, wait);
check(await page.locator(".node.on-path").count() >= 1 && page.url().includes("column="),
      "clicking a column highlights its path through the jobs, and the URL keeps it");
await audit(page, "dataset-lineage-columns");

await page.getByRole("tab", { name: "Contract" }).click();
await page.locator("table.diff").waitFor(wait);
const contract = await page.locator(".contract").textContent();
check(contract.includes("sales-orders 2.0.0"), "the contract tab names the version in force");
check((await page.locator("table.versions tbody tr").count()) === 2, "both versions are listed");
check((await page.locator("table.diff").textContent()).includes("breaking"),
      "the change from 1.0.0 to 2.0.0 is shown as breaking");
check((await page.locator(".document").textContent()).includes("apiVersion: v3.1.0"),
      "the ODCS document is shown");
await audit(page, "dataset-contract");
await page.getByRole("tab", { name: "History" }).click();
await page.locator("table.history tbody tr").first().waitFor(wait);
check((await page.locator("table.history").textContent()).includes("create"), "history lists the creation");
await audit(page, "dataset-history");
// Access: who may read or write it, and why; and one question answered.
await page.getByRole("tab", { name: "Access" }).click();
await page.locator(".access table tbody tr").first().waitFor(wait);
const accessText = await page.locator(".access table").textContent();
check(accessText.includes("user:alice") && accessText.includes("owners-manage-their-datasets"),
      "the access tab lists the owner and the policy that lets her", accessText.slice(0, 200));
check(!accessText.includes("user:bob"), "the access tab does not list bob, whom no policy lets");
await page.getByLabel("Principal").fill("user:bob");
await page.getByLabel("Action").selectOption("catalog:read");
await page.getByRole("button", { name: "Ask" }).click();
await page.locator(".may-ask .panel").waitFor(wait);
const asked = await page.locator(".may-ask .panel").textContent();
check(asked.includes("Denied") && asked.includes("forbid"),
      "asking whether bob may read the entry answers Denied, naming the forbid", asked);
await audit(page, "dataset-access");

// Quality: the checks and measurements pipelines reported, newest first
// (sent now, so the lineage checks above saw the graph without them).
const qualityEvents = readFileSync(
  new URL("../../examples/quality/daily_checks.jsonl", import.meta.url), "utf8")
  .split("\n").filter(Boolean);
const ingested = await fetch(`${base}/catalog.v1.LineageService/Ingest`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ events: qualityEvents }),
});
check(ingested.status === 200, "the quality example is ingested", String(ingested.status));
await page.goto(`${base}/#/dataset/bigquery/analytics.staging.orders?tab=quality`);
await page.locator("table.quality-results tbody tr").first().waitFor(wait);
const latest = await page.locator(".quality .latest").textContent();
check(latest.includes("3 checks, 1 failed") && latest.includes("great_expectations/orders_suite"),
      "the quality tab sums up the latest checks", latest);
check((await page.locator("table.quality-results tbody tr").count()) === 24,
      "every check and measurement is listed");
await page.getByLabel("Show").selectOption("failed");
await page.waitForFunction(
  () => document.querySelectorAll("table.quality-results tbody tr").length === 1, null, wait);
const failedRow = await page.locator("table.quality-results tbody tr").textContent();
check(failedRow.includes("order_id_unique") && failedRow.includes("FAIL") &&
      failedRow.includes("12 duplicates"), "failed checks only, with what was found", failedRow);
await audit(page, "dataset-quality");

// Health: the quality tab says why the staged orders are failing; what the
// dbt model builds from them is upstream-degraded, in its header and as a
// search facet.
const verdict = await page.locator(".health-panel .verdict").textContent();
check(verdict.includes("failing") && verdict.includes("order_id_unique"),
      "the quality tab says the staged orders are failing, and why", verdict);
await page.goto(`${base}/#/dataset/bigquery/analytics.marts.daily_sales_by_country`);
await page.locator(".dataset-health .health.upstream-degraded").waitFor(wait);
check(true, "a dataset made from failing data says it is upstream-degraded");
await page.goto(`${base}/#/dataset/bigquery/analytics.marts.daily_sales_by_country?tab=quality`);
await page.locator(".health-panel .upstream a").first().waitFor(wait);
const upstream = await page.locator(".health-panel .upstream").textContent();
check(upstream.includes("bigquery/analytics.staging.orders"),
      "its health panel links the path to the failing dataset", upstream);
await audit(page, "dataset-health");
await page.goto(`${base}/#/search?q=analytics`);
const failingFacet = page.getByRole("checkbox", { name: /^failing/ });
await failingFacet.waitFor(wait);
await failingFacet.check();
await page.waitForFunction(() => {
  const names = [...document.querySelectorAll(".results .name")].map((n) => n.textContent);
  return names.length === 1 && names[0] === "analytics.staging.orders";
}, null, wait);
check(true, "the health facet narrows the search to the failing dataset");
// Incidents: the staged orders' failing check opened one; acknowledging
// it from the page marks it so.
await page.goto(`${base}/#/incidents`);
await page.locator("table.incident-list tbody tr").first().waitFor(wait);
const incidentRows = await page.locator("table.incident-list tbody tr").allTextContents();
check(incidentRows.some((r) => r.includes("order_id_unique") && r.includes("open")),
      "the incidents page lists the failing check's incident", incidentRows.join(" | "));
await audit(page, "incidents");
await page.locator("table.incident-list tbody tr", { hasText: "order_id_unique" })
  .getByRole("button", { name: "Acknowledge" }).click();
await page.waitForFunction(() => [...document.querySelectorAll("table.incident-list tbody tr")]
  .some((r) => r.textContent.includes("order_id_unique") && r.classList.contains("acknowledged")),
  null, wait);
check(true, "an incident is acknowledged from the page");
// Governance: a rule the tier-1 orders break, in the report's page.
const put = await fetch(`${base}/catalog.v1.GovernanceService/PutRule`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ rule: { name: "tier-one-verified", covers: { tiers: [1] },
                                 condition: 'resource.certification == "verified"',
                                 message: "Tier 1 is <b>verified</b>" } }),
});
check(put.ok, "a governance rule is put through the JSON API", String(put.status));
await page.goto(`${base}/#/governance`);
await page.locator("table.rule-list tbody tr").first().waitFor(wait);
const ruleRows = await page.locator("table.rule-list tbody tr").allTextContents();
check(ruleRows.some((r) => r.includes("tier-one-verified") && r.includes("advisory")),
      "the governance page lists the rule", ruleRows.join(" | "));
const breakRows = await page.locator("table.break-list tbody tr").allTextContents();
check(breakRows.some((r) => r.includes("sales.public.orders") && r.includes("Tier 1 is <b>verified</b>")),
      "the governance page lists the dataset breaking it, its message as text",
      breakRows.join(" | "));
check((await page.locator("table.break-list b").count()) === 0, "a rule's message is never markup");
await audit(page, "governance");
// Data products: one publishing the failing staged orders, listed and
// shown with its health and its port's dataset.
const product = await fetch(`${base}/catalog.v1.CatalogService/Apply`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ resources: [{ dataProduct: { document: JSON.stringify({
    apiVersion: "v1.0.0", kind: "DataProduct", id: "staged-orders", name: "Staged <i>orders</i>",
    status: "active", domain: "sales", team: [{ username: "alice", role: "owner" }],
    outputPorts: [{ name: "orders", version: "v1", customProperties: [
      { property: "datasets", value: ["bigquery/analytics.staging.orders"] }] }] }) } }] }),
});
check(product.ok, "a data product is applied through the JSON API", String(product.status));
await page.goto(`${base}/#/products`);
await page.locator("table.product-list tbody tr").first().waitFor(wait);
const productRows = await page.locator("table.product-list tbody tr").allTextContents();
check(productRows.some((r) => r.includes("Staged <i>orders</i>") && r.includes("user:alice")),
      "the products page lists the product, its name as text", productRows.join(" | "));
check((await page.locator("table.product-list i").count()) === 0, "a product's name is never markup");
await audit(page, "products");
await page.getByRole("link", { name: "Staged <i>orders</i>" }).click();
await page.getByTestId("product-health").waitFor(wait);
const productHealth = await page.getByTestId("product-health").textContent();
check(productHealth.startsWith("failing") && productHealth.includes("bigquery/analytics.staging.orders"),
      "the product's page rolls its health up from its output port", productHealth);
const portRows = await page.getByTestId("output-ports").locator("tbody tr").allTextContents();
check(portRows.some((r) => r.includes("analytics.staging.orders") && r.includes("failing")),
      "the product's page lists its port's dataset with its health", portRows.join(" | "));
await audit(page, "product");
// A rule over products: the governance page lists the product breaking it.
const productRule = await fetch(`${base}/catalog.v1.GovernanceService/PutRule`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ rule: { name: "products-say-why", covers: { kind: "DataProduct" },
                                 condition: 'resource.purpose != ""',
                                 message: "A product says what it is for" } }),
});
check(productRule.ok, "a rule over data products is put through the JSON API",
      String(productRule.status));
await page.goto(`${base}/#/governance`);
await page.locator("table.break-list tbody tr").first().waitFor(wait);
const productBreaks = await page.locator("table.break-list tbody tr").allTextContents();
check(productBreaks.some((r) => r.includes("products-say-why") &&
                                r.includes("data product staged-orders")),
      "the governance page lists the data product breaking a rule", productBreaks.join(" | "));
await page.goto(`${base}/#/products/staged-orders`);
await page.getByTestId("product-rules").waitFor(wait);
const productRules = await page.getByTestId("product-rules").textContent();
check(productRules.includes("products-say-why") && productRules.includes("A product says what it is for"),
      "the product's page lists the rule it breaks", productRules);
await audit(page, "product rules");
// The glossary: a term (its name markup-like) linked to the orders as a
// whole, found by a synonym, shown with the dataset that links it; the
// dataset's page links back.
const glossary = await fetch(`${base}/catalog.v1.CatalogService/Apply`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ resources: [
    { glossaryTerm: { id: "customer-email", name: "<i>Customer</i> email",
                      definition: "The address the shop writes to a customer at",
                      synonyms: ["contact address"], termStatus: "approved" } },
    { dataset: { key: { namespace: "postgres://prod-db:5432", name: "sales.public.orders" },
                 spec: { terms: ["customer-email"] } },
      merge: true, fields: ["terms"] }] }),
});
check(glossary.ok, "a glossary term is applied and linked through the JSON API",
      String(glossary.status));
await page.goto(`${base}/#/glossary`);
await page.locator("table.term-list tbody tr").first().waitFor(wait);
check((await page.locator("table.term-list i").count()) === 0, "a term's name is never markup");
await page.getByLabel("Find terms").fill("contact");
await page.getByRole("button", { name: "Find" }).click();
await page.waitForFunction(() => location.hash.includes("q=contact"), null, wait);
await page.locator("table.term-list tbody tr").first().waitFor(wait);
const termRows = await page.locator("table.term-list tbody tr").allTextContents();
check(termRows.length === 1 && termRows[0].includes("<i>Customer</i> email"),
      "the glossary finds a term by its synonym", termRows.join(" | "));
await audit(page, "glossary");
await page.getByRole("link", { name: "<i>Customer</i> email" }).click();
await page.getByTestId("term-links").waitFor(wait);
const linkRows = await page.getByTestId("term-links").locator("tbody tr").allTextContents();
check(linkRows.some((r) => r.includes("sales.public.orders") && r.includes("the dataset")),
      "the term's page lists the dataset that links it", linkRows.join(" | "));
check((await page.getByTestId("term-definition").textContent()).includes("writes to a customer"),
      "the term's page shows its definition");
await audit(page, "term");
await page.goto(`${base}/#/dataset/postgres%3A%2F%2Fprod-db%3A5432/sales.public.orders`);
await page.getByTestId("dataset-terms").waitFor(wait);
check((await page.getByTestId("dataset-terms").textContent()).includes("customer-email"),
      "the dataset's page links its glossary terms");
// Models: one trained by the example's run (its version registered from
// OpenLineage), its description markup-like; its page lists the version,
// the version's page what trained it.
const trainEvents = readFileSync(
  new URL("../../examples/lineage/train_churn.jsonl", import.meta.url), "utf8")
  .split("\n").filter(Boolean);
const modelApplied = await fetch(`${base}/catalog.v1.CatalogService/Apply`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ resources: [
    { model: { name: "churn-predictor", description: "Scores <b>churn</b>", domain: "sales",
               owners: [{ principal: "user:admin" }] } }] }),
});
check(modelApplied.ok, "a model is applied through the JSON API", String(modelApplied.status));
const trained = await fetch(`${base}/catalog.v1.LineageService/Ingest`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ events: trainEvents }),
});
check(trained.status === 200, "the training run is ingested", String(trained.status));
await page.goto(`${base}/#/models`);
await page.locator("table.model-list tbody tr").first().waitFor(wait);
const modelRows = await page.locator("table.model-list tbody tr").allTextContents();
check(modelRows.some((r) => r.includes("churn-predictor") && r.includes("Scores <b>churn</b>")),
      "the models page lists the model, its description as text", modelRows.join(" | "));
check((await page.locator("table.model-list b").count()) === 0, "a model's description is never markup");
await audit(page, "models");
await page.getByRole("link", { name: "churn-predictor" }).click();
await page.getByTestId("model-versions").waitFor(wait);
const versionRows = await page.getByTestId("model-versions").locator("tbody tr").allTextContents();
check(versionRows.some((r) => r.startsWith("3") && r.includes("ready")),
      "the model's page lists the version the run registered", versionRows.join(" | "));
await audit(page, "model");
await page.getByRole("link", { name: "3", exact: true }).click();
await page.getByTestId("training-inputs").waitFor(wait);
const inputRows = await page.getByTestId("training-inputs").locator("tbody tr").allTextContents();
check(inputRows.some((r) => r.includes("sales.public.orders") && r.includes("(masked)")),
      "the version's page shows what trained it, the masked column marked", inputRows.join(" | "));
await audit(page, "model version");
// Revisions: the version's (registered by the run), the model's (changed
// once more here), newest first.
const historyRows = async () => {
  await page.getByTestId("object-history").locator("tbody tr").first().waitFor(wait);
  return page.getByTestId("object-history").locator("tbody tr").allTextContents();
};
const versionHistory = await historyRows();
check(versionHistory.length === 1 && versionHistory[0].includes("create"),
      "the version's page shows its revisions", versionHistory.join(" | "));
const modelChanged = await fetch(`${base}/catalog.v1.CatalogService/Apply`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ resources: [
    { model: { name: "churn-predictor", description: "Scores <b>churn</b>", domain: "sales",
               tags: ["tier1"], owners: [{ principal: "user:admin" }] } }] }),
});
check(modelChanged.ok, "the model is changed through the JSON API", String(modelChanged.status));
await page.goto(`${base}/#/models/churn-predictor`);
const modelHistory = await historyRows();
check(modelHistory.length === 2 && modelHistory[0].startsWith("2") &&
      modelHistory[0].includes("update") && modelHistory[0].includes("spec.tags"),
      "the model's page shows its revisions, newest first, with what changed", modelHistory.join(" | "));
await audit(page, "model history");
// Feature views: one on the orders, listed, shown with its features, its
// source and its revisions.
const viewApplied = await fetch(`${base}/catalog.v1.CatalogService/Apply`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ resources: [
    { featureView: { name: "order_features", description: "Per <em>customer</em>",
                     domain: "sales", owners: [{ principal: "user:admin" }], source: ordersKey,
                     features: [{ name: "last_order", type: "bigint", column: "order_id" }] } }] }),
});
check(viewApplied.ok, "a feature view is applied through the JSON API", String(viewApplied.status));
await page.goto(`${base}/#/featureviews`);
await page.locator("table.feature-view-list tbody tr").first().waitFor(wait);
const viewRows = await page.locator("table.feature-view-list tbody tr").allTextContents();
check(viewRows.some((r) => r.includes("order_features") && r.includes("Per <em>customer</em>") &&
                           r.includes("sales.public.orders") && r.includes("last_order")),
      "the feature views page lists it, its description as text", viewRows.join(" | "));
check((await page.locator("table.feature-view-list em").count()) === 0,
      "a feature view's description is never markup");
await audit(page, "feature views");
await page.getByRole("link", { name: "order_features" }).click();
await page.getByTestId("feature-list").waitFor(wait);
const featureRows = await page.getByTestId("feature-list").locator("tbody tr").allTextContents();
check(featureRows.length === 1 && featureRows[0].includes("last_order") && featureRows[0].includes("order_id"),
      "its page lists its features and their columns", featureRows.join(" | "));
check((await page.getByTestId("feature-view-source").textContent()).includes("sales.public.orders"),
      "its page links its source");
const viewHistory = await historyRows();
check(viewHistory.length === 1 && viewHistory[0].includes("user:admin"),
      "its page shows its revisions", viewHistory.join(" | "));
await audit(page, "feature view");
// AI applications: an agent on that version, reading orders; the list
// shows its review, its page what it uses and what its service account
// may read (nothing yet: denied).
const appApplied = await fetch(`${base}/catalog.v1.CatalogService/Apply`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ resources: [
    { aiApplication: { name: "retention-assistant", type: "agent", description: "Drafts <i>offers</i>",
                       domain: "sales", owners: [{ principal: "user:admin" }],
                       serviceAccount: "retention-agent", models: ["churn-predictor@3"],
                       dataSources: [ordersKey],
                       tools: [{ name: "lookup_orders", reads: [ordersKey] }] } }] }),
});
check(appApplied.ok, "an AI application is applied through the JSON API", String(appApplied.status));
await page.goto(`${base}/#/applications`);
await page.locator("table.application-list tbody tr").first().waitFor(wait);
const appRows = await page.locator("table.application-list tbody tr").allTextContents();
check(appRows.some((r) => r.includes("retention-assistant") && r.includes("unreviewed") &&
                          r.includes("Drafts <i>offers</i>")),
      "the applications page lists it, unreviewed, its description as text", appRows.join(" | "));
check((await page.locator("table.application-list i").count()) === 0,
      "an application's description is never markup");
await audit(page, "applications");
await page.getByRole("link", { name: "retention-assistant" }).click();
await page.getByTestId("application-access").waitFor(wait);
const accessRows = await page.getByTestId("application-access").locator("tbody tr").allTextContents();
check(accessRows.length === 2 && accessRows.every((r) => r.includes("sales.public.orders") && r.includes("deny")),
      "its page shows what its service account may read of each dataset", accessRows.join(" | "));
check((await page.getByTestId("application-sources").textContent()).includes("sales.public.orders"),
      "its page links its data sources");
const appHistory = await historyRows();
check(appHistory.length === 1 && appHistory[0].includes("create"),
      "the application's page shows its revisions", appHistory.join(" | "));
await audit(page, "application");
await page.goto(`${base}/#/dataset/bigquery/analytics.staging.orders?tab=quality`);
await page.locator("table.quality-results tbody tr").first().waitFor(wait);
await page.getByLabel("Show").selectOption("failed");
await page.waitForFunction(
  () => document.querySelectorAll("table.quality-results tbody tr").length === 1, null, wait);

// More than a page: older results load on request; an older page that
// answers after the filter changed is not added to the other list.
const suiteRun = JSON.parse(qualityEvents[0]);
const moreRuns = [];
for (let day = 10; day < 17; ++day) {
  const run = structuredClone(suiteRun);
  run.eventTime = `2026-11-${day}T02:20:00.000Z`;
  run.run.runId = `0193a4c2-7d10-7000-8000-0000000009${day}`;
  moreRuns.push(JSON.stringify(run));
}
const moreIngested = await fetch(`${base}/catalog.v1.LineageService/Ingest`, {
  method: "POST",
  headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
  body: JSON.stringify({ events: moreRuns }),
});
check(moreIngested.status === 200, "seven more days of checks are ingested");
await page.getByLabel("Show").selectOption("all");
await page.getByRole("button", { name: "Older results" }).waitFor(wait);
check((await page.locator("table.quality-results tbody tr").count()) === 100,
      "a page of a hundred results first");
await page.getByRole("button", { name: "Older results" }).click();
await page.waitForFunction(
  () => document.querySelectorAll("table.quality-results tbody tr").length === 108, null, wait);
check(!(await page.getByRole("button", { name: "Older results" }).isVisible()),
      "the older results follow, and no more are offered");
await page.getByLabel("Show").selectOption("measurements");
await page.getByLabel("Show").selectOption("all");
await page.getByRole("button", { name: "Older results" }).waitFor(wait);
let releaseOlder;
const olderHeld = new Promise((resolve) => { releaseOlder = resolve; });
const listQuality = "**/catalog.v1.QualityService/ListQualityResults";
const older = (body) => !body.includes('"pageToken":""');
await page.route(listQuality, async (route) => {
  if (older(route.request().postData())) await olderHeld;
  await route.continue();
});
const olderAsked = page.waitForRequest((r) => r.url().endsWith("/ListQualityResults") &&
                                              older(r.postData()));
await page.getByRole("button", { name: "Older results" }).click();
await olderAsked;
await page.getByLabel("Show").selectOption("failed");
await page.waitForFunction(
  () => document.querySelectorAll("table.quality-results tbody tr").length === 1, null, wait);
const olderAnswered = page.waitForResponse((r) => r.url().endsWith("/ListQualityResults") &&
                                                  older(r.request().postData()));
releaseOlder();
await olderAnswered;
await page.unroute(listQuality);
await page.waitForLoadState("networkidle");
check((await page.locator("table.quality-results tbody tr").count()) === 1,
      "an older page that answers after the filter changed is dropped");

// Jobs and their runs; domains and groups, and a domain's datasets.
await page.getByRole("link", { name: "Jobs" }).click();
await page.getByRole("link", { name: "airflow/daily_sales.stage_orders" }).click();
await page.getByRole("heading", { name: /Runs of airflow\/daily_sales.stage_orders/ }).waitFor(wait);
await page.locator(".runs table, .runs p:not(.loading)").first().waitFor(wait);
check(/COMPLETE/i.test(await page.locator(".runs").textContent()), "a job's runs are listed");
await audit(page, "jobs");
await page.getByRole("link", { name: "Domains and groups" }).click();
await page.getByRole("link", { name: "sales/orders" }).waitFor(wait);
check((await page.locator(".directory").textContent()).includes("alice"), "groups list their members");
await page.locator(".directory .domain-health").first().waitFor(wait);
check(/\d+ datasets/.test(await page.locator(".directory .domain-health").first().textContent()),
      "a top-level domain shows its health rolled up");
await page.getByRole("link", { name: "sales-eng: the datasets it owns" }).click();
await page.waitForURL(/owner=group/, wait);
await page.locator(".results a").first().waitFor(wait);
check((await page.locator(".results .name").allTextContents()).includes("sales.public.orders"),
      "a group's link lists the datasets it owns");
await page.getByRole("link", { name: "Domains and groups" }).click();
await page.getByRole("link", { name: "sales/orders" }).waitFor(wait);
await audit(page, "directory");
await page.getByRole("link", { name: "sales/orders" }).click();
await page.locator(".results a").first().waitFor(wait);
check((await page.locator(".results .name").allTextContents()).includes("sales.public.orders"),
      "a domain's link lists its datasets");

// Policies and the audit log, from the navigation.
await page.getByRole("link", { name: "Policies" }).click();
await page.getByRole("heading", { name: "bob.cedar" }).waitFor(wait);
check((await page.locator(".policies").textContent()).includes("Version 2 is in force"),
      "the policies page shows the version in force");
await audit(page, "policies");
// An earlier version, by its link; and Cedar validated without storing it.
await page.getByRole("link", { name: "1", exact: true }).click();
await page.getByText(/Version 1 was in force/).waitFor(wait);
check(!(await page.locator(".policies").textContent()).includes("bob.cedar"),
      "an earlier version shows its own files");
await page.getByLabel("Cedar", { exact: true }).fill('permit (principal, action == Action::"read", resource);\nforbid (principal');
await page.getByRole("button", { name: "Validate" }).click();
await page.getByText(/Not valid/).waitFor(wait);
check((await page.locator(".validate").textContent()).includes("draft.cedar:2:"),
      "invalid Cedar is refused, naming the file and line");
await page.getByLabel("Cedar", { exact: true }).fill('@id("r") permit (principal, action == Action::"read", resource);');
await page.getByRole("button", { name: "Validate" }).click();
await page.getByText(/Valid: 1 policy/).waitFor(wait);
check((await page.locator(".validate").textContent()).includes("permit r"), "valid Cedar lists its policies");
check((await (await fetch(`${base}/catalog.v1.PolicyService/GetPolicySet`, {
  method: "POST", headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" }, body: "{}",
})).json()).version === "2", "validating stored nothing");
await audit(page, "policies-validate");
await page.getByRole("link", { name: "Audit log" }).click();
await page.getByLabel("Action").fill("contract.put");
await page.getByText("2 events").waitFor(wait);
check((await page.locator("table.events").textContent()).includes("sales-orders@2.0.0"),
      "the audit log filters by action");
await page.getByRole("button", { name: "Verify the chain" }).click();
await page.getByText(/The chain holds/).waitFor(wait);
check(true, "the audit chain verifies from the page");
await audit(page, "audit");

// Hostile text stays text: in the search results and on its page.
await page.goto(base + "/#/search?q=");
await page.locator(".results a").first().waitFor(wait);
await page.goto(`${base}/#/dataset/${encodeURIComponent("pg://hostile")}/${encodeURIComponent(xssName)}`);
await page.locator(".description").waitFor(wait);
const hostile = await page.evaluate(() => ({
  xss: window.__xss === undefined ? null : window.__xss,
  scripts: document.querySelectorAll("main script").length,
  handlers: [...document.querySelectorAll("main *")].filter((e) =>
    [...e.attributes].some((a) => a.name.startsWith("on"))).length,
  jsLinks: [...document.querySelectorAll("main a")].filter((a) =>
    a.getAttribute("href") && a.getAttribute("href").trim().toLowerCase().startsWith("javascript")).length,
  images: document.querySelectorAll("main img").length,
  heading: document.querySelector("h1").textContent,
}));
check(hostile.xss === null, "no injected script ran");
check(hostile.scripts === 0 && hostile.handlers === 0 && hostile.images === 0,
      "no script, event handler or image came from catalog text", JSON.stringify(hostile));
check(hostile.jsLinks === 0, "no javascript: link came from a description");
check(hostile.heading === xssName, "a hostile name is shown as text");
await page.getByRole("tab", { name: "Schema" }).click();
await page.locator("table tbody tr").first().waitFor(wait);
check(await page.evaluate(() => window.__xss === undefined && document.querySelectorAll("main img").length === 0),
      "hostile column names and tags stay text");
await audit(page, "dataset-hostile");

// A 200-column table feeding 300 datasets stays usable: the schema lists
// and filters every column; the lineage draws 25 of the layer and says so,
// and draws them all when asked.
const hub = `${base}/#/dataset/${encodeURIComponent("pg://hub")}/wide`;
await page.goto(`${hub}?tab=schema`);
await page.locator("table tbody tr").nth(199).waitFor(wait);
check(await page.locator("table tbody tr").count() === 200, "a 200-column schema lists every column");
await page.getByLabel("Filter columns").fill("f19");
await page.getByText(/10 of 200 columns/).waitFor(wait);
check(true, "the filter narrows 200 columns");
await page.goto(`${hub}?tab=lineage`);
await page.getByText(/25 of 300 datasets shown/).waitFor({ timeout: 15000 });
check(await page.locator('.graph-frame svg a[aria-label^="Dataset "]').count() === 25,
      "a layer of 300 datasets draws 25, and says so");
await audit(page, "dataset-lineage-hub");
await page.getByRole("button", { name: "Show all 300" }).click();
await page.waitForFunction(() => document.querySelectorAll('.graph-frame svg a[aria-label^="Dataset "]').length === 300,
                           null, { timeout: 15000 });
check(page.url().includes("all=down1"), "the whole layer is drawn when asked, and the URL keeps it");

// A dataset's answer that arrives after the page moved on to another
// dataset is dropped, not shown under the other's name.
const orders = `${base}/#/dataset/${encodeURIComponent("postgres://prod-db:5432")}/sales.public.orders`;
let releaseOrders;
const ordersHeld = new Promise((resolve) => { releaseOrders = resolve; });
const getDataset = "**/catalog.v1.CatalogService/GetDataset";
await page.route(getDataset, async (route) => {
  if (route.request().postData().includes("sales.public.orders")) await ordersHeld;
  await route.continue();
});
const ordersAsked = page.waitForRequest((r) => r.url().endsWith("/GetDataset"));
await page.goto(orders);
await ordersAsked;
await page.goto(hub);
await page.locator(".facts").waitFor(wait);
const ordersAnswered = page.waitForResponse((r) => r.url().endsWith("/GetDataset") &&
                                                   r.request().postData().includes("sales.public.orders"));
releaseOrders();
await ordersAnswered;
await page.unroute(getDataset);
await page.waitForLoadState("networkidle");
const shownAfter = await page.evaluate(() => ({
  heading: document.querySelector("main h1").textContent,
  facts: document.querySelector(".facts").textContent,
}));
check(shownAfter.heading === "wide" && !shownAfter.facts.includes("user:alice"),
      "a late answer for one dataset is not shown on another's page", JSON.stringify(shownAfter));

// Sign out: the session is gone.
await page.getByRole("button", { name: "Sign out" }).click();
await page.getByLabel("Token").waitFor(wait);
const after = await page.evaluate(async () => (await (await fetch("/ui/session")).json()).signedIn);
check(after === false, "after signing out the session is gone", String(after));
page.problems = page.problems.filter((p) => !p.includes("401"));
await context.close();

// Someone who may not read the dataset is told so.
const bobContext = await browser.newContext();
const bob = await open(bobContext);
await bob.goto(base + "/");
await bob.getByLabel("Token").fill(bobToken);
await bob.getByRole("button", { name: "Sign in" }).click();
await bob.getByTestId("who").waitFor(wait);
await bob.goto(`${base}/#/dataset/${encodeURIComponent("postgres://prod-db:5432")}/sales.public.orders`);
await bob.getByRole("alert").waitFor(wait);
// The catalog does not say whether a dataset one may not read exists.
check((await bob.getByRole("alert").textContent()).includes("no dataset here that you may read"),
      "a principal who may not read a dataset is told so, and not whether it exists");
check(!(await bob.locator("main").textContent()).includes("user:alice"),
      "nothing of the dataset is shown to him");
bob.problems = bob.problems.filter((p) => !p.includes("404"));
await audit(bob, "dataset-forbidden");
// A page he may not see at all says so.
await bob.goto(`${base}/#/audit`);
await bob.getByRole("alert").waitFor(wait);
check((await bob.getByRole("alert").textContent()).includes("audit:read"),
      "the audit log refuses him, naming the permission");
bob.problems = bob.problems.filter((p) => !p.includes("403"));
await audit(bob, "audit-forbidden");
await bobContext.close();

await browser.close();
console.log(failed === 0 ? "all browser checks passed" : `${failed} browser check(s) failed`);
process.exit(failed === 0 ? 0 : 1);
