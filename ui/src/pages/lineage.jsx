// A dataset's lineage: the dataset in the middle, what feeds it on the left,
// what it feeds on the right, jobs between (laid out by dagre). One hop by
// default; the depth, the nodes expanded further and whether inactive edges
// show are kept in the URL, so a view is a link. Under the graph, the
// impact table: every dataset downstream, with owners, classification and
// contract, exportable as CSV.
import { useEffect, useMemo, useState } from "preact/hooks";
import dagre from "@dagrejs/dagre";
import { call } from "../api.js";
import { classification, datasetName } from "../format.js";
import { datasetHref } from "../route.js";

const MAX_NODES = 500;
const NODE_W = 220;
const NODE_H = 34;

function label(node) {
  if (node.redacted) return "(a dataset you may not read)";
  if (node.kind === "NODE_KIND_JOB") return `${node.jobNamespace}/${node.jobName}`;
  return node.dataset ? node.dataset.name : node.id;
}

function short(text, max = 30) {
  return text.length > max ? "…" + text.slice(text.length - max + 1) : text;
}

// The union of several LineageGraphs, nodes by id.
function merge(graphs) {
  const nodes = new Map();
  const edges = new Map();
  for (const g of graphs) {
    const list = g.nodes || [];
    for (const n of list) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of g.edges || []) {
      // Proto JSON leaves out zeros too: an edge from node 0 has no "from".
      const from = list[e.from ?? 0]?.id, to = list[e.to ?? 0]?.id;
      // Proto JSON leaves out false: an edge without "active" is inactive.
      if (from && to) edges.set(`${from}->${to}`, { from, to, active: e.active === true });
    }
  }
  return { nodes, edges: [...edges.values()] };
}

function layout(graph, showInactive) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  const edges = graph.edges.filter((e) => showInactive || e.active);
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const [id, n] of graph.nodes) {
    if (used.has(id) || graph.center === id) g.setNode(id, { width: NODE_W, height: NODE_H, node: n });
  }
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, { active: e.active });
  dagre.layout(g);
  return g;
}

export function LineageTab({ dataset, params, setParams }) {
  const center = datasetName(dataset.key);
  const depth = Math.min(Math.max(Number(params.depth) || 1, 1), 5);
  const expanded = (params.expand || "").split(",").filter(Boolean);
  const showInactive = params.inactive === "1";
  const [graphs, setGraphs] = useState(null);
  const [error, setError] = useState("");
  const [job, setJob] = useState(null);

  useEffect(() => {
    let stale = false;
    const ask = (node, d) => call("LineageService", "GetLineage", {
      node, direction: "LINEAGE_DIRECTION_BOTH", depth: d, includeInactive: true, maxNodes: MAX_NODES,
    });
    Promise.all([ask(center, depth), ...expanded.map((n) => ask(n, 1))]).then(
      (all) => { if (!stale) { setGraphs(all); setError(""); } },
      (e) => { if (!stale) setError(e.message); });
    return () => { stale = true; };
  }, [center, depth, params.expand]);

  const graph = useMemo(() => {
    if (!graphs) return null;
    const m = merge(graphs);
    m.center = center;
    m.truncated = graphs.some((g) => g.truncated);
    return m;
  }, [graphs]);
  const laid = useMemo(() => (graph ? layout(graph, showInactive) : null), [graph, showInactive]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!laid) return <p class="loading" role="status">Loading…</p>;

  // Frontier: nodes with edges this view does not show yet are at the
  // depth's end; they can be expanded.
  const frontier = (id) => {
    const n = graph.nodes.get(id);
    return n && n.kind === "NODE_KIND_DATASET" && !n.redacted && id !== center &&
           Math.abs(n.depth || 0) >= depth && !expanded.includes(id);
  };
  const size = laid.graph();
  const shownNodes = laid.nodes().length;
  const datasets = laid.nodes().filter((id) => graph.nodes.get(id)?.kind === "NODE_KIND_DATASET").length;

  return (
    <div class="lineage">
      <div class="filters">
        <div>
          <label for="lineage-depth">Depth (jobs away)</label>
          <select id="lineage-depth" value={depth}
                  onChange={(e) => setParams({ depth: e.currentTarget.value, expand: "" })}>
            {[1, 2, 3, 4, 5].map((d) => <option value={d}>{d}</option>)}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" checked={showInactive}
                 onChange={(e) => setParams({ inactive: e.currentTarget.checked ? "1" : "" })} />
          Show edges the latest runs no longer report
        </label>
      </div>
      <p class="count" role="status">
        {shownNodes} nodes ({datasets} datasets){graph.truncated ? `; the graph was cut at ${MAX_NODES} nodes` : ""}
        {expanded.length ? `; ${expanded.length} expanded` : ""}
      </p>
      <div class="graph-frame" tabIndex={0} aria-label="Lineage graph (the impact table below lists the same downstream datasets)">
        <svg width={size.width} height={size.height} role="group" aria-label={`Lineage of ${center}`}>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"
                    orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
            </marker>
          </defs>
          {laid.edges().map((e) => {
            const d = laid.edge(e);
            const points = d.points.map((p) => `${p.x},${p.y}`).join(" ");
            return <polyline key={`${e.v}->${e.w}`} points={points} marker-end="url(#arrow)"
                             class={d.active ? "edge" : "edge inactive"} />;
          })}
          {laid.nodes().map((id) => {
            const box = laid.node(id);
            const n = box.node;
            const x = box.x - NODE_W / 2, y = box.y - NODE_H / 2;
            const kind = n.kind === "NODE_KIND_JOB" ? "job" : "dataset";
            const text = short(label(n));
            const inner = (
              <>
                <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={kind === "job" ? 16 : 4}
                      class={`node ${kind}${id === center ? " center" : ""}${n.redacted ? " redacted" : ""}`} />
                <text x={box.x} y={box.y + 5} text-anchor="middle">{text}</text>
              </>
            );
            return (
              <g key={id} data-node={id}>
                {kind === "dataset" && !n.redacted && id !== center ? (
                  <a href={datasetHref(n.dataset, { tab: "lineage" })} aria-label={`Dataset ${label(n)}`}>{inner}</a>
                ) : kind === "job" ? (
                  <a href="#" role="button" aria-label={`Job ${label(n)}: details`}
                     onClick={(ev) => { ev.preventDefault(); setJob(n); }}>{inner}</a>
                ) : <g aria-label={id === center ? `This dataset, ${label(n)}` : label(n)}>{inner}</g>}
                {frontier(id) && (
                  <a href="#" role="button" aria-label={`Expand ${label(n)}`} class="expand"
                     onClick={(ev) => { ev.preventDefault(); setParams({ expand: [...expanded, id].join(",") }); }}>
                    <circle cx={x + NODE_W} cy={box.y} r={10} />
                    <text x={x + NODE_W} y={box.y + 4} text-anchor="middle">+</text>
                  </a>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      {job && <JobPanel job={job} onClose={() => setJob(null)} />}
      <ImpactTable node={center} />
    </div>
  );
}

function JobPanel({ job, onClose }) {
  const [runs, setRuns] = useState(null);
  const name = `${job.jobNamespace}/${job.jobName}`;
  useEffect(() => {
    call("LineageService", "ListRuns", { job: name, pageSize: 10 })
      .then((a) => setRuns(a.runs || []), () => setRuns([]));
  }, [name]);
  return (
    <aside class="panel" aria-label={`Job ${name}`}>
      <h2>Job {name}</h2>
      <button type="button" class="link" onClick={onClose}>Close</button>
      {runs === null ? <p class="loading" role="status">Loading…</p> : runs.length === 0 ? <p>No runs recorded.</p> : (
        <table>
          <thead><tr><th scope="col">Run</th><th scope="col">State</th><th scope="col">Ended</th></tr></thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.runId}><td><code>{r.runId}</code></td><td>{r.state}</td>
                  <td>{r.endedAt || ""}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}

function csvCell(v) {
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function ImpactTable({ node }) {
  const [impact, setImpact] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    call("LineageService", "Impact", { node, depth: 10 }).then(setImpact, (e) => setError(e.message));
  }, [node]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!impact) return null;
  const rows = (impact.datasets || []).map((d) => ({
    name: d.node.redacted ? "(a dataset you may not read)" : datasetName(d.node.dataset),
    key: d.node.dataset,
    redacted: d.node.redacted,
    distance: d.node.depth,
    owners: (d.owners || []).map((o) => o.principal).join(" "),
    classification: classification(d.classification) || d.classification || "",
    contract: d.activeContract || "",
  }));
  const download = () => {
    const header = ["dataset", "jobs away", "owners", "classification", "contract"];
    const lines = [header, ...rows.map((r) => [r.name, r.distance, r.owners, r.classification, r.contract])]
      .map((cells) => cells.map(csvCell).join(","));
    const url = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "impact.csv";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section class="impact">
      <h2>Impact: what this dataset feeds</h2>
      <p class="count" role="status">
        {rows.length} downstream dataset{rows.length === 1 ? "" : "s"}{impact.truncated ? " (cut short)" : ""}
      </p>
      {rows.length > 0 && (
        <>
          <button type="button" onClick={download}>Download as CSV</button>
          <table class="impact-table">
            <thead><tr><th scope="col">Dataset</th><th scope="col">Jobs away</th><th scope="col">Owners</th>
                       <th scope="col">Classification</th><th scope="col">Contract</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name}>
                  <td>{r.redacted ? r.name : <a href={datasetHref(r.key)}>{r.name}</a>}</td>
                  <td>{r.distance}</td><td>{r.owners}</td><td>{r.classification}</td><td>{r.contract}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
