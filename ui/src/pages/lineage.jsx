// A dataset's lineage: the dataset in the middle, what feeds it on the left,
// what it feeds on the right, jobs between (laid out by dagre). One hop by
// default; "+N" on a dataset expands it (N: its edges the view leaves out);
// each layer draws at most LAYER_CAP datasets and says how many it has.
// With columns on, a dataset lists its columns that have lineage; clicking
// one highlights its path through columns and jobs. Depth, expansions,
// opened layers, columns and the chosen column are kept in the URL, so a
// view is a link. Under the graph, the
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
const ROW_H = 18;       // a column's row inside its dataset
const MAX_COLUMNS = 12; // columns drawn in one dataset; the rest counted
const LAYER_CAP = 25;   // datasets drawn in one layer unless it is opened

function label(node) {
  if (node.redacted) return "(a dataset you may not read)";
  if (node.kind === "NODE_KIND_JOB") return `${node.jobNamespace}/${node.jobName}`;
  return node.dataset ? node.dataset.name : node.id;
}

function short(text, max = 30) {
  return text.length > max ? "…" + text.slice(text.length - max + 1) : text;
}

// The union of several LineageGraphs, nodes by id. `sides` names each
// graph's direction ("up", "down"; "" for an expansion's both ways): a node
// keeps the side and depth of the first graph that has it. A node's
// hidden edges are the fewest any graph left out.
function merge(graphs, sides) {
  const nodes = new Map();
  const edges = new Map();
  const columnEdges = [];
  graphs.forEach((g, i) => {
    const list = g.nodes || [];
    for (const n of list) {
      const had = nodes.get(n.id);
      const hidden = Number(n.hiddenEdges || 0);
      if (!had) nodes.set(n.id, { ...n, side: sides[i], hidden });
      else had.hidden = Math.min(had.hidden, hidden);
    }
    for (const e of g.edges || []) {
      // Proto JSON leaves out zeros too: an edge from node 0 has no "from".
      const from = list[e.from ?? 0], to = list[e.to ?? 0];
      if (!from || !to) continue;
      if (from.kind === "NODE_KIND_COLUMN" || to.kind === "NODE_KIND_COLUMN") {
        columnEdges.push({ from: from.id, to: to.id, job: e.job || "" });
        continue;
      }
      // Proto JSON leaves out false: an edge without "active" is inactive.
      edges.set(`${from.id}->${to.id}`, { from: from.id, to: to.id, active: e.active === true });
    }
  });
  return { nodes, edges: [...edges.values()], columnEdges };
}

// A dataset's layer: its side and how many jobs away.
function layerOf(n) {
  return `${n.side}${Math.abs(n.depth || 0)}`;
}
function layerName(layer) {
  const side = layer.startsWith("up") ? "Upstream" : "Downstream";
  const depth = Number(layer.replace(/^\D+/, ""));
  return `${side}, ${depth} job${depth === 1 ? "" : "s"} away`;
}

// Which datasets the view draws: in each layer of the centre's graphs at
// most LAYER_CAP (by name) unless that layer is opened in full; every node
// an expansion brought. Jobs are drawn when joined to a drawn dataset.
function visible(graph, opened) {
  const byLayer = new Map();
  for (const n of graph.nodes.values()) {
    if (n.kind !== "NODE_KIND_DATASET" || n.id === graph.center || !n.side) continue;
    const l = layerOf(n);
    if (!byLayer.has(l)) byLayer.set(l, []);
    byLayer.get(l).push(n.id);
  }
  const shown = new Set();
  const layers = [];
  for (const [l, ids] of [...byLayer.entries()].sort()) {
    ids.sort();
    const take = opened.includes(l) ? ids.length : Math.min(ids.length, LAYER_CAP);
    ids.slice(0, take).forEach((id) => shown.add(id));
    layers.push({ layer: l, shown: take, total: ids.length });
  }
  for (const n of graph.nodes.values()) {
    if (n.kind === "NODE_KIND_DATASET" && (!n.side || n.id === graph.center)) shown.add(n.id);
  }
  return { shown, layers };
}

function columnsOf(graph) {
  const byDataset = new Map();
  for (const n of graph.nodes.values()) {
    if (n.kind !== "NODE_KIND_COLUMN" || n.redacted || !n.dataset) continue;
    const d = datasetName(n.dataset);
    if (!byDataset.has(d)) byDataset.set(d, []);
    byDataset.get(d).push(n);
  }
  for (const list of byDataset.values()) list.sort((a, b) => a.field.localeCompare(b.field));
  return byDataset;
}

// The columns and jobs on a column's path, both ways, through the column
// edges the view has.
function columnPath(columnEdges, start) {
  const columns = new Set([start]);
  const jobs = new Set();
  for (const forward of [true, false]) {
    const queue = [start];
    const seen = new Set([start]);
    while (queue.length) {
      const at = queue.shift();
      for (const e of columnEdges) {
        const [here, next] = forward ? [e.from, e.to] : [e.to, e.from];
        if (here !== at || seen.has(next)) continue;
        seen.add(next);
        columns.add(next);
        if (e.job) jobs.add(e.job);
        queue.push(next);
      }
    }
  }
  return { columns, jobs };
}

function layout(graph, showInactive, shown, columns) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  // A job is drawn when a dataset it joins, other than the centre, is drawn
  // (or it joins no other): the jobs of datasets a layer leaves out go too.
  const joins = new Map();
  for (const e of graph.edges) {
    for (const [job, other] of [[e.from, e.to], [e.to, e.from]]) {
      if (graph.nodes.get(job)?.kind !== "NODE_KIND_JOB" || other === graph.center) continue;
      if (!joins.has(job)) joins.set(job, []);
      joins.get(job).push(other);
    }
  }
  const isShown = (id) => {
    const n = graph.nodes.get(id);
    if (!n) return false;
    if (n.kind === "NODE_KIND_DATASET") return shown.has(id);
    const others = joins.get(id) || [];
    return others.length === 0 || others.some((d) => shown.has(d));
  };
  const edges = graph.edges.filter((e) => (showInactive || e.active) && isShown(e.from) && isShown(e.to));
  const joined = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const [id, n] of graph.nodes) {
    if (n.kind === "NODE_KIND_COLUMN") continue;
    if (!(joined.has(id) || graph.center === id)) continue;
    const rows = Math.min((columns.get(id) || []).length, MAX_COLUMNS);
    const more = (columns.get(id) || []).length > MAX_COLUMNS ? 1 : 0;
    g.setNode(id, { width: NODE_W, height: NODE_H + (rows + more) * ROW_H, node: n });
  }
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, { active: e.active });
  dagre.layout(g);
  return g;
}

export function LineageTab({ dataset, params, setParams }) {
  const center = datasetName(dataset.key);
  const depth = Math.min(Math.max(Number(params.depth) || 1, 1), 5);
  const expanded = (params.expand || "").split(",").filter(Boolean);
  const opened = (params.all || "").split(",").filter(Boolean);
  const showInactive = params.inactive === "1";
  const withColumns = params.columns === "1";
  const selected = params.column || "";
  const [graphs, setGraphs] = useState(null);
  const [error, setError] = useState("");
  const [job, setJob] = useState(null);

  useEffect(() => {
    let stale = false;
    const ask = (node, direction, d) => call("LineageService", "GetLineage", {
      node, direction, depth: d, includeInactive: true, maxNodes: MAX_NODES, columns: withColumns,
    });
    Promise.all([
      ask(center, "LINEAGE_DIRECTION_UPSTREAM", depth),
      ask(center, "LINEAGE_DIRECTION_DOWNSTREAM", depth),
      ...expanded.map((n) => ask(n, "LINEAGE_DIRECTION_BOTH", 1)),
    ]).then(
      (all) => { if (!stale) { setGraphs(all); setError(""); } },
      (e) => { if (!stale) setError(e.message); });
    return () => { stale = true; };
  }, [center, depth, params.expand, withColumns]);

  const graph = useMemo(() => {
    if (!graphs) return null;
    const m = merge(graphs, ["up", "down", ...expanded.map(() => "")]);
    m.center = center;
    m.truncated = graphs.some((g) => g.truncated);
    return m;
  }, [graphs]);
  const view = useMemo(() => (graph ? visible(graph, opened) : null), [graph, params.all]);
  const columns = useMemo(() => (graph ? columnsOf(graph) : new Map()), [graph]);
  const laid = useMemo(() => (graph ? layout(graph, showInactive, view.shown, columns) : null),
                       [graph, showInactive, view]);
  const path = useMemo(() => (graph && selected ? columnPath(graph.columnEdges, selected) : null),
                       [graph, selected]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!laid) return <p class="loading" role="status">Loading…</p>;

  const size = laid.graph();
  const shownNodes = laid.nodes().length;
  const datasets = laid.nodes().filter((id) => graph.nodes.get(id)?.kind === "NODE_KIND_DATASET").length;
  const cut = view.layers.filter((l) => l.shown < l.total);

  return (
    <div class="lineage">
      <div class="filters">
        <div>
          <label for="lineage-depth">Depth (jobs away)</label>
          <select id="lineage-depth" value={depth}
                  onChange={(e) => setParams({ depth: e.currentTarget.value, expand: "", all: "" })}>
            {[1, 2, 3, 4, 5].map((d) => <option value={d}>{d}</option>)}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" checked={showInactive}
                 onChange={(e) => setParams({ inactive: e.currentTarget.checked ? "1" : "" })} />
          Show edges the latest runs no longer report
        </label>
        <label class="check">
          <input type="checkbox" checked={withColumns}
                 onChange={(e) => setParams({ columns: e.currentTarget.checked ? "1" : "", column: "" })} />
          Columns
        </label>
      </div>
      <p class="count" role="status">
        {shownNodes} nodes ({datasets} datasets){graph.truncated ? `; the graph was cut at ${MAX_NODES} nodes` : ""}
        {expanded.length ? `; ${expanded.length} expanded` : ""}
      </p>
      {cut.length > 0 && (
        <ul class="layers">
          {cut.map((l) => (
            <li key={l.layer}>
              {layerName(l.layer)}: {l.shown} of {l.total}{graph.truncated ? "+" : ""} datasets shown.{" "}
              <button type="button" class="link"
                      onClick={() => setParams({ all: [...opened, l.layer].join(",") })}>
                Show all {l.total}
              </button>
            </li>
          ))}
        </ul>
      )}
      {path && (
        <p class="column-path" role="status">
          Column <strong>{selected.split("#")[1]}</strong>: its lineage runs through{" "}
          {path.columns.size - 1} other column{path.columns.size === 2 ? "" : "s"} and {path.jobs.size} job
          {path.jobs.size === 1 ? "" : "s"}, highlighted.{" "}
          <button type="button" class="link" onClick={() => setParams({ column: "" })}>Clear</button>
        </p>
      )}
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
            const x = box.x - box.width / 2, y = box.y - box.height / 2;
            const kind = n.kind === "NODE_KIND_JOB" ? "job" : "dataset";
            const text = short(label(n));
            const cols = columns.get(id) || [];
            const onPath = kind === "job" && path?.jobs.has(id);
            const inner = (
              <>
                <rect x={x} y={y} width={NODE_W} height={box.height} rx={kind === "job" ? 16 : 4}
                      class={`node ${kind}${id === center ? " center" : ""}${n.redacted ? " redacted" : ""}${onPath ? " on-path" : ""}`} />
                <text x={box.x} y={y + NODE_H / 2 + 5} text-anchor="middle">{text}</text>
              </>
            );
            const more = n.hidden > 0 && !n.redacted && !expanded.includes(id) && id !== center && kind === "dataset";
            return (
              <g key={id} data-node={id}>
                {kind === "dataset" && !n.redacted && id !== center ? (
                  <a href={datasetHref(n.dataset, { tab: "lineage" })} aria-label={`Dataset ${label(n)}`}>{inner}</a>
                ) : kind === "job" ? (
                  <a href="#" role="button" aria-label={`Job ${label(n)}: details`}
                     onClick={(ev) => { ev.preventDefault(); setJob(n); }}>{inner}</a>
                ) : <g aria-label={id === center ? `This dataset, ${label(n)}` : label(n)}>{inner}</g>}
                {cols.slice(0, MAX_COLUMNS).map((c, i) => (
                  <a key={c.id} href="#" role="button" data-column={c.id}
                     aria-label={`Column ${c.field} of ${label(n)}: highlight its lineage`}
                     aria-pressed={c.id === selected ? "true" : "false"}
                     class={`column${path?.columns.has(c.id) ? " highlight" : ""}`}
                     onClick={(ev) => { ev.preventDefault(); setParams({ column: c.id === selected ? "" : c.id }); }}>
                    <rect x={x + 6} y={y + NODE_H + i * ROW_H} width={NODE_W - 12} height={ROW_H - 2} rx={3} />
                    <text x={x + 12} y={y + NODE_H + i * ROW_H + 12}>{short(c.field, 28)}</text>
                  </a>
                ))}
                {cols.length > MAX_COLUMNS && (
                  <text x={x + 12} y={y + NODE_H + MAX_COLUMNS * ROW_H + 12} class="more-columns">
                    {`+${cols.length - MAX_COLUMNS} more columns`}
                  </text>
                )}
                {more && (
                  <a href="#" role="button" aria-label={`Expand ${label(n)}: ${n.hidden} more edge${n.hidden === 1 ? "" : "s"}`}
                     class="expand"
                     onClick={(ev) => { ev.preventDefault(); setParams({ expand: [...expanded, id].join(",") }); }}>
                    <rect x={x + NODE_W - 14} y={y + NODE_H / 2 - 10} width={28} height={20} rx={10} />
                    <text x={x + NODE_W} y={y + NODE_H / 2 + 4} text-anchor="middle">{`+${n.hidden}`}</text>
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
