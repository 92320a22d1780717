// Governance (GovernanceService.Report, docs/governance.md#report): each
// rule in force, the datasets breaking it, each domain's score and its
// trend over the last 30 days, over what the signed-in principal may read.
import { call, useAnswer } from "../api.js";
import { datasetHref, href } from "../route.js";

const pct = (score) => `${Number(score || 0).toFixed(1)}%`;

export function GovernancePage({ params }) {
  const domain = params.domain || "";
  const [answer, error] = useAnswer(
    () => call("GovernanceService", "Report", { domain, since: "30d" }), [domain]);
  const rules = answer?.rules || [];
  return (
    <section class="governance">
      <h1>Governance{domain && `: ${domain}`}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (
        <>
          <p>{answer.datasets || 0} datasets judged at catalog revision {answer.catalogRevision || 0}.</p>
          <h2>Rules</h2>
          {rules.length === 0 ? <p>No governance rules are in force.</p> : (
            <table class="rule-list">
              <thead>
                <tr><th scope="col">Rule</th><th scope="col">Mode</th><th scope="col">Severity</th>
                    <th scope="col">Covered</th><th scope="col">Breaking</th>
                    <th scope="col">Waived</th><th scope="col">Condition</th></tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.rule.name}>
                    <td title={r.rule.message}>{r.rule.name}</td>
                    <td>{r.rule.mode}</td>
                    <td>{r.rule.severity}</td>
                    <td>{r.covered || 0}</td>
                    <td>{r.breaking || 0}</td>
                    <td>{r.waived || 0}</td>
                    <td><code>{r.rule.condition}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {rules.some((r) => (r.breaks || []).length > 0) && (
            <>
              <h2>Breaks</h2>
              <table class="break-list">
                <thead>
                  <tr><th scope="col">Rule</th><th scope="col">Dataset or product</th>
                      <th scope="col">Note</th></tr>
                </thead>
                <tbody>
                  {rules.flatMap((r) => (r.breaks || []).map((b) => (
                    <tr key={`${r.rule.name} ${b.product ? `product ${b.product}`
                                                        : `${b.dataset.namespace}/${b.dataset.name}`}`}>
                      <td>{r.rule.name}</td>
                      <td>
                        {b.product
                          ? <a href={href("products", [b.product])}>data product {b.product}</a>
                          : <a href={datasetHref(b.dataset)}>{b.dataset.namespace}/{b.dataset.name}</a>}
                        {(b.columns || []).length > 0 && ` (${b.columns.join(", ")})`}
                      </td>
                      <td>{b.waivedUntil ? `waived until ${b.waivedUntil}: ${b.waiverReason}`
                           : b.error ? `condition error: ${b.error}` : r.rule.message}</td>
                    </tr>
                  )))}
                </tbody>
              </table>
            </>
          )}
          {(answer.domains || []).length > 0 && (
            <>
              <h2>Domains</h2>
              <table class="domain-scores">
                <thead>
                  <tr><th scope="col">Domain</th><th scope="col">Checks</th>
                      <th scope="col">Passed</th><th scope="col">Score</th></tr>
                </thead>
                <tbody>
                  {answer.domains.map((d) => (
                    <tr key={d.domain || "-"}>
                      <td>{d.domain ? <a href={href("governance", [], { domain: d.domain })}>{d.domain}</a>
                           : "(no domain)"}</td>
                      <td>{d.checks || 0}</td><td>{d.passed || 0}</td><td>{pct(d.score)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {(answer.products || []).length > 0 && (
            <>
              <h2>Data products</h2>
              <table class="product-scores">
                <thead>
                  <tr><th scope="col">Data product</th><th scope="col">Checks</th>
                      <th scope="col">Passed</th><th scope="col">Score</th></tr>
                </thead>
                <tbody>
                  {answer.products.map((p) => (
                    <tr key={p.product}>
                      <td><a href={href("products", [p.product])}>{p.name || p.product}</a></td>
                      <td>{p.checks || 0}</td><td>{p.passed || 0}</td><td>{pct(p.score)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {(answer.trend || []).length > 0 && (
            <>
              <h2>Trend (30 days)</h2>
              <table class="trend">
                <thead>
                  <tr><th scope="col">Day</th><th scope="col">Domain</th><th scope="col">Score</th></tr>
                </thead>
                <tbody>
                  {answer.trend.map((t) => (
                    <tr key={`${t.day} ${t.domain}`}>
                      <td>{t.day}</td><td>{t.domain || "(no domain)"}</td><td>{pct(t.score)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
