// The web UI's measurements in Debian's Chromium (playwright-core), against
// the catalogd bench/ui_bench.cc started and seeded. Prints one line per
// figure; medians and percentiles over the runs said.
import { createRequire } from "node:module";

const require = createRequire(new URL("../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const base = process.env.CATALOG_UI_BASE;
const token = process.env.CATALOG_ADMIN_TOKEN;
const hub = process.env.CATALOG_HUB;
const contexts = Number(process.env.CATALOG_CONTEXTS || 6);
const wait = { timeout: 60000 };
const words = ["customers", "payments", "inventory", "shipments", "campaigns"];

function pct(values, p) {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))] : 0;
}
const ms = (x) => `${x.toFixed(1)} ms`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

// 1. First load, cold cache: a new context each time.
const loads = [];
let bytes = 0;
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sizes = [];
  page.on("requestfinished", async (r) => {
    const s = await r.sizes().catch(() => null);
    if (s) sizes.push(s.responseBodySize + s.responseHeadersSize);
  });
  await page.goto(base + "/");
  await page.getByLabel("Token").waitFor(wait);
  // Since the navigation began, as the page's own clock says.
  loads.push(await page.evaluate(() => performance.now()));
  await page.waitForLoadState("networkidle");
  bytes = sizes.reduce((a, b) => a + b, 0);
  await context.close();
}
console.log(`first load, cold cache, to the sign-in form: median ${ms(pct(loads, 0.5))} (5 loads); ` +
            `${(bytes / 1024).toFixed(1)} KiB on the wire`);

async function signedIn(context) {
  const page = await context.newPage();
  await page.goto(base + "/");
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").waitFor(wait);
  return page;
}

// 2. Search as you type.
const context = await browser.newContext();
const page = await signedIn(context);
// Each keystroke asks twice, at once: the 50 hits, and the facets' counts.
const answers = [], counted = [], keystrokes = [], countsDrawn = [];
const box = page.getByLabel("Search datasets");
const asked = (r, prefix, facets) => {
  const body = JSON.parse(r.request().postData() || "{}");
  return r.url().endsWith("/SearchDatasets") && body.query === prefix && Boolean(body.facets) === facets;
};
const drawn = () => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
for (let round = 0; round < 2; round++) {
  for (const word of words) {
    await box.fill("");
    for (let n = 1; n <= word.length; n++) {
      const prefix = word.slice(0, n);
      const t0 = performance.now();
      const hits = page.waitForResponse((r) => asked(r, prefix, false), wait);
      const counts = page.waitForResponse((r) => asked(r, prefix, true), wait);
      await box.fill(prefix);
      const h = await hits;
      await h.finished();
      await drawn();
      keystrokes.push(performance.now() - t0);
      answers.push(h.request().timing().responseEnd);
      const c = await counts;
      await c.finished();
      await drawn();
      countsDrawn.push(performance.now() - t0);
      counted.push(c.request().timing().responseEnd);
    }
  }
}
console.log(`search as you type (SearchDatasets, 50 hits; beside it the facets' counts): hits request to answer ` +
            `p50 ${ms(pct(answers, 0.5))}, p99 ${ms(pct(answers, 0.99))}; keystroke to hits drawn ` +
            `p50 ${ms(pct(keystrokes, 0.5))}, p99 ${ms(pct(keystrokes, 0.99))}, of which 60 ms is the page's ` +
            `pause for more keys; counts request to answer p50 ${ms(pct(counted, 0.5))}, p99 ${ms(pct(counted, 0.99))}; ` +
            `keystroke to counts drawn p50 ${ms(pct(countsDrawn, 0.5))}, p99 ${ms(pct(countsDrawn, 0.99))} ` +
            `(${answers.length} keystrokes)`);

// 3. The hub's lineage.
const hubUrl = `${base}/#/dataset/${encodeURIComponent(hub.split("/").slice(0, 3).join("/"))}/` +
               `${encodeURIComponent(hub.split("/").slice(3).join("/"))}?tab=lineage`;
const oneHop = [], deep = [];
let drawn1 = 0, drawn3 = 0;
for (let i = 0; i < 5; i++) {
  await page.goto(base + "/#/search");
  const t0 = performance.now();
  await page.goto(hubUrl);
  await page.waitForFunction(() => document.querySelectorAll(".graph-frame svg g[data-node]").length > 1, null, wait)
    .catch(async (e) => {
      console.log(`the hub's lineage did not draw: ${await page.locator("main").textContent()}`);
      throw e;
    });
  oneHop.push(performance.now() - t0);
  drawn1 = await page.locator(".graph-frame svg g[data-node]").count();
  const t1 = performance.now();
  const answered = Promise.all(["UPSTREAM", "DOWNSTREAM"].map((way) => page.waitForResponse((r) =>
    r.url().endsWith("/GetLineage") && (r.request().postData() || "").includes(`"depth":3`) &&
    (r.request().postData() || "").includes(way), wait)));
  await page.getByLabel("Depth (jobs away)").selectOption("3");
  await answered;
  await page.waitForFunction(() => !document.querySelector(".lineage .loading"), null, wait);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
  deep.push(performance.now() - t1);
  drawn3 = await page.locator(".graph-frame svg g[data-node]").count();
}
console.log(`hub lineage (${hub}): one hop drawn in median ${ms(pct(oneHop, 0.5))} (${drawn1} nodes drawn); ` +
            `three jobs deep in median ${ms(pct(deep, 0.5))} (${drawn3} nodes drawn)`);
await context.close();

// 4. The HTTP port with several browser contexts searching at once, beside
// an OpenLineage client posting events.
async function searching(n, seconds) {
  const ctxs = await Promise.all(Array.from({ length: n }, () => browser.newContext()));
  const pages = await Promise.all(ctxs.map(signedIn));
  const latencies = [];
  let stop = false;
  let posted = 0;
  const poster = (async () => {
    for (let i = 0; !stop; i++) {
      const res = await fetch(`${base}/api/v1/lineage`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          eventType: "COMPLETE", eventTime: new Date().toISOString(),
          producer: "https://example.com/ui-bench", schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json",
          run: { runId: `44444444-4444-4444-8444-${String(i).padStart(12, "0")}` },
          job: { namespace: "bench", name: "poster" },
          inputs: [{ namespace: "pg://bench", name: "hub.dim_date" }], outputs: [],
        }),
      });
      if (res.ok) posted++;
    }
  })();
  const until = performance.now() + seconds * 1000;
  await Promise.all(pages.map(async (p, k) => {
    const b = p.getByLabel("Search datasets");
    for (let i = 0; performance.now() < until; i++) {
      const word = words[(i + k) % words.length];
      const prefix = word.slice(0, 2 + (i % (word.length - 1)));
      const answered = p.waitForResponse((r) =>
        r.url().endsWith("/SearchDatasets") && JSON.parse(r.request().postData() || "{}").query === prefix, wait);
      await b.fill(prefix);
      const r = await answered;
      await r.finished();
      latencies.push(r.request().timing().responseEnd);
    }
  }));
  stop = true;
  await poster;
  await Promise.all(ctxs.map((c) => c.close()));
  return { latencies, posted, seconds };
}
const alone = await searching(1, 10);
const many = await searching(contexts, 10);
console.log(`HTTP port, one context: ${alone.latencies.length} searches in ${alone.seconds} s, ` +
            `answer p50 ${ms(pct(alone.latencies, 0.5))}, p99 ${ms(pct(alone.latencies, 0.99))}; ` +
            `${alone.posted} OpenLineage posts beside`);
console.log(`HTTP port, ${contexts} contexts: ${many.latencies.length} searches in ${many.seconds} s, ` +
            `answer p50 ${ms(pct(many.latencies, 0.5))}, p99 ${ms(pct(many.latencies, 0.99))}; ` +
            `${many.posted} OpenLineage posts beside`);
await browser.close();
