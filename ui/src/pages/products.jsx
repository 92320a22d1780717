// Data products (CatalogService.ListDataProducts and GetDataProduct,
// docs/governance.md#data-products): the list, and one product with its
// ports' datasets, its health, the products joined to it and the
// governance rules it breaks (GovernanceService.ProductRules).
import { call, useAnswer } from "../api.js";
import { datasetHref, href } from "../route.js";

function Ports({ title, ports, testid }) {
  return (
    <>
      <h2>{title}</h2>
      {(ports || []).length === 0 ? <p>None.</p> : (
        <table class="port-list" data-testid={testid}>
          <thead>
            <tr><th scope="col">Port</th><th scope="col">Version</th><th scope="col">Contract</th>
                <th scope="col">Dataset</th><th scope="col">Health</th>
                <th scope="col">Freshness</th><th scope="col">Layer</th></tr>
          </thead>
          <tbody>
            {ports.flatMap((p) => {
              const rows = (p.datasets || []).map((d) => (
                <tr key={`${p.name} ${d.key.namespace}/${d.key.name}`}>
                  <td>{p.name}</td><td>{p.version || "-"}</td><td>{p.contractId || "-"}</td>
                  <td><a href={datasetHref(d.key)}>{d.key.namespace}/{d.key.name}</a></td>
                  <td>{d.health || "not in the catalog"}</td><td>{d.freshness || "-"}</td>
                  <td>{d.layer || "-"}</td>
                </tr>
              ));
              if (rows.length === 0) {
                rows.push(<tr key={p.name}><td>{p.name}</td><td>{p.version || "-"}</td>
                  <td>{p.contractId || "-"}</td><td colSpan={4}>-</td></tr>);
              }
              if (p.hiddenDatasets) {
                rows.push(<tr key={`${p.name} hidden`}><td>{p.name}</td><td colSpan={6}>
                  {p.hiddenDatasets} dataset{p.hiddenDatasets === 1 ? "" : "s"} you may not read</td></tr>);
              }
              return rows;
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

function Links({ title, links }) {
  return (
    <>
      <h2>{title}</h2>
      {(links || []).length === 0 ? <p>None.</p> : (
        <ul class="product-links">
          {links.map((l) => (
            <li key={l.id}>
              <a href={href("products", [l.id])}>{l.name || l.id}</a>{" "}
              ({[l.declared && "declared", l.observed && "in lineage"].filter(Boolean).join(", ")})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

// The governance rules the product breaks now (docs/governance.md#rules).
function RulesBroken({ id }) {
  const [answer, error] = useAnswer(
    () => call("GovernanceService", "ProductRules", { product: id }), [id]);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!answer) return null;
  const breaks = answer.breaks || [];
  return (
    <>
      <h2>Rules broken</h2>
      {breaks.length === 0 ? <p data-testid="product-rules">None.</p> : (
        <ul data-testid="product-rules">
          {breaks.map((b) => (
            <li key={b.rule}>
              <a href={href("governance")}>{b.rule}</a>
              {` (${b.mode}, ${b.severity}): ${b.message}`}
              {b.waivedUntil && ` — waived until ${b.waivedUntil}`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Product({ id }) {
  const [p, error] = useAnswer(() => call("CatalogService", "GetDataProduct", { id }), [id]);
  return (
    <section class="product">
      <h1>{p?.name || id}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!p && !error && <p class="loading" role="status">Loading…</p>}
      {p && (
        <>
          <dl class="facts">
            <dt>Id</dt><dd>{p.id}</dd>
            <dt>Status</dt><dd>{p.productStatus}</dd>
            <dt>Domain</dt><dd>{p.domain || "-"}</dd>
            <dt>Owners</dt><dd>{(p.owners || []).map((o) => o.principal).join(", ") || "-"}</dd>
            <dt>Health</dt>
            <dd data-testid="product-health">{p.health}{p.healthReason && ` — ${p.healthReason}`}</dd>
            {p.purpose && (<><dt>Purpose</dt><dd>{p.purpose}</dd></>)}
          </dl>
          <Ports title="Output ports" ports={p.outputPorts} testid="output-ports" />
          <Ports title="Input ports" ports={p.inputPorts} testid="input-ports" />
          <Links title="Upstream products" links={p.upstream} />
          <Links title="Downstream products" links={p.downstream} />
          <RulesBroken id={p.id} />
        </>
      )}
    </section>
  );
}

export function ProductsPage({ parts, params }) {
  if (parts.length === 1) return <Product id={parts[0]} />;
  const domain = params.domain || "";
  const [answer, error] = useAnswer(
    () => call("CatalogService", "ListDataProducts", { domain }), [domain]);
  const products = answer?.products || [];
  return (
    <section class="products">
      <h1>Data products{domain && `: ${domain}`}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (products.length === 0 ? <p>No data products.</p> : (
        <table class="product-list">
          <thead>
            <tr><th scope="col">Product</th><th scope="col">Status</th><th scope="col">Domain</th>
                <th scope="col">Owners</th><th scope="col">Output ports</th></tr>
          </thead>
          <tbody>
            {products.map((p) => (
              <tr key={p.id}>
                <td><a href={href("products", [p.id])}>{p.name || p.id}</a></td>
                <td>{p.productStatus}</td>
                <td>{p.domain ? <a href={href("products", [], { domain: p.domain })}>{p.domain}</a> : "-"}</td>
                <td>{(p.owners || []).map((o) => o.principal).join(", ") || "-"}</td>
                <td>{(p.outputPorts || []).map((o) => o.name).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
