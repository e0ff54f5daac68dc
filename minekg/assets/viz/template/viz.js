// The interactive claims network. Data: the JSON blob minekg/viz.py writes into #minekg-data.
// Positions are computed in Python, so nothing here runs a force simulation: sigma draws on demand
// (a filter, a hover, a zoom) and the CPU is idle otherwise.
(function () {
  "use strict";

  const violations = [];
  document.addEventListener("securitypolicyviolation", (e) => violations.push(e.blockedURI || e.violatedDirective));

  const data = JSON.parse(document.getElementById("minekg-data").textContent);
  const palette = data.palette;
  const api = (window.minekgViz = {
    ready: false,
    readyAt: null, // first frame drawn (ms from navigation start)
    interactiveAt: null, // that frame on screen, handlers bound
    empty: false,
    violations,
    expected: { nodes: data.nodes.length, edges: data.aggregate ? data.counts.pairs : data.edges.length },
    drawn: () => ({ nodes: 0, edges: 0 }),
  });

  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  // ---- filters state
  const years = data.years; // [first, last] year of any claim's date bounds, or null
  const state = {
    from: years ? years[0] : null, // at the first year: no lower bound
    to: years ? years[1] : null, // at the last year: no upper bound
    acts: new Set(data.acts),
    colourBy: "kind",
    mutualOnly: false,
    selected: null,
    hoveredNode: null,
  };

  document.title = data.title;
  $("filters-applied").textContent = "Selection: " + data.filters;

  if (!data.nodes.length) {
    showEmpty("No claims match the filters (" + data.filters + "). Nothing to draw.");
    $("counts").textContent = "0 actors, 0 claims";
    for (const input of document.querySelectorAll("#controls input")) input.disabled = true;
    api.empty = true;
    api.ready = true;
    api.readyAt = api.interactiveAt = performance.now();
    return;
  }

  const { Graph, Sigma, EdgeArrowProgram, EdgeCurvedArrowProgram } = window.MinekgGraphLibs;
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));

  function claimVisible(c) {
    if (!state.acts.has(c.act)) return false;
    if (years && state.from > years[0]) {
      if (!c.earliest || c.earliest < state.from + "-01-01") return false;
    }
    if (years && state.to < years[1]) {
      if (!c.latest || c.latest > state.to + "-12-31") return false;
    }
    return true;
  }

  // ---- the graph: one edge per claim, or per ordered pair of actors when the network is large
  const graph = new Graph({ multi: true, type: "directed" });
  for (const n of data.nodes) {
    graph.addNode(n.id, { x: n.x, y: n.y, size: n.size, label: n.label, color: palette.actor[n.kind] || palette.actor.actor });
  }
  const edgeClaims = new Map(); // graph edge -> claims it draws
  if (data.aggregate) {
    const pairs = new Map();
    for (const e of data.edges) {
      const key = e.source + "\u0000" + e.target;
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key).push(e);
    }
    for (const [key, claims] of pairs) {
      const id = "pair:" + key.replace("\u0000", ">");
      graph.addDirectedEdgeWithKey(id, claims[0].source, claims[0].target, { type: "arrow", size: 1 });
      edgeClaims.set(id, claims);
    }
  } else {
    for (const e of data.edges) {
      // A lone edge is straight (a curve of curvature 0 draws nothing); parallel ones fan out.
      graph.addDirectedEdgeWithKey(e.id, e.source, e.target,
        e.curvature ? { type: "curved", curvature: e.curvature, size: 1 } : { type: "arrow", size: 1 });
      edgeClaims.set(e.id, [e]);
    }
  }

  // Visibility, recomputed on each filter change (not in the reducers, which run on every frame).
  const edgeShown = new Map();
  const edgeCount = new Map();
  const nodeShown = new Map();
  function recompute() {
    for (const n of data.nodes) nodeShown.set(n.id, n.unpaired.some(claimVisible));
    const shown = new Set(); // claim ids: a claim with two accused is one claim drawn twice
    graph.forEachEdge((id, attr, source, target) => {
      const visible = edgeClaims.get(id).filter(claimVisible);
      edgeCount.set(id, visible.length);
      edgeShown.set(id, visible.length > 0);
      for (const c of visible) shown.add(c.claim);
      if (visible.length) { nodeShown.set(source, true); nodeShown.set(target, true); }
    });
    for (const n of data.nodes) for (const c of n.unpaired.filter(claimVisible)) shown.add(c.claim);
    const claims = shown.size;
    let nodes = 0;
    nodeShown.forEach((v) => { if (v) nodes += 1; });
    $("counts").textContent = `${nodes} of ${data.nodes.length} actors, ${claims} of ${data.counts.claims} claims shown`
      + (data.aggregate ? ` (edges aggregated by pair: more than ${data.aggregate_above} claims)` : "");
    if (!nodes) showEmpty("No claims match these filters. Widen the time range or tick more acts.");
    else $("empty").hidden = true;
    if (state.selected && !nodeShown.get(state.selected)) closeDetails();
  }

  function edgeColour(claims) {
    const c = claims[0];
    if (state.colourBy === "status") return palette.status[c.status] || "#999";
    return palette.kind[c.kind] || "#999";
  }

  // Labels: each tries the right, left, top and bottom of its node and is drawn only where it overlaps no
  // label drawn before it in this frame (bigger nodes first); a label with no room shows on hover.
  let labelBoxes = [];
  let nodeBoxes = null;
  function drawLabel(context, d, settings) {
    if (!d.label) return;
    const size = settings.labelSize;
    context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    const w = context.measureText(d.label).width;
    const r = d.size;
    const places = [[d.x + r + 3, d.y + size / 3], [d.x - r - 3 - w, d.y + size / 3],
      [d.x - w / 2, d.y - r - 4], [d.x - w / 2, d.y + r + size + 1]];
    const hits = (box, boxes) => boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]);
    const { width, height } = renderer.getDimensions();
    const inside = (b) => b[0] >= 0 && b[2] <= width && b[1] >= 0 && b[3] <= height;
    const boxes = places.map(([x, y]) => [x - 2, y - size, x + w + 2, y + 4]);
    // best: a place on screen clear of labels and of other actors; else one clear of labels
    if (nodeBoxes === null) nodeBoxes = actorBoxes();
    const others = nodeBoxes.filter((b) => b[4] !== d.key);
    let i = boxes.findIndex((box) => inside(box) && !hits(box, labelBoxes) && !hits(box, others));
    if (i < 0) i = boxes.findIndex((box) => inside(box) && !hits(box, labelBoxes));
    if (i >= 0) {
      const box = boxes[i]; const [x, y] = places[i];
      labelBoxes.push(box);
      context.fillStyle = "rgba(255,255,255,0.7)";
      context.fillRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
      context.fillStyle = d.color === faded ? "#aaa" : "#111";
      context.fillText(d.label, x, y);
    }
  }
  const faded = "#e4e4e4";
  const big = data.edges.length > 5000;
  const renderer = new Sigma(graph, $("graph"), {
    renderEdgeLabels: false,
    // Edge hover needs a second drawing of every edge (for picking), and a z-order a sort: both are
    // dropped for big networks, where a click on an actor lists its claims instead.
    enableEdgeEvents: !big,
    defaultEdgeType: data.aggregate ? "arrow" : "curved",
    edgeProgramClasses: { curved: EdgeCurvedArrowProgram, arrow: EdgeArrowProgram },
    labelFont: "system-ui, DejaVu Sans, Arial, sans-serif",
    labelSize: 12,
    defaultDrawNodeLabel: drawLabel,
    labelDensity: data.nodes.length > 200 ? 0.5 : 1,
    labelGridCellSize: data.nodes.length > 200 ? 120 : 60,
    labelRenderedSizeThreshold: data.nodes.length > 200 ? 8 : 0,
    hideEdgesOnMove: big,
    zIndex: !big,
    stagePadding: 40,
    nodeReducer: (node, attr) => {
      const out = { ...attr };
      if (!nodeShown.get(node)) { out.hidden = true; return out; }
      if (state.selected && node !== state.selected && !graph.areNeighbors(node, state.selected)) {
        out.color = faded; out.label = ""; out.zIndex = 0;
      } else if (state.selected === node || state.hoveredNode === node) {
        out.highlighted = true; out.zIndex = 2;
      }
      return out;
    },
    edgeReducer: (edge, attr) => {
      const out = { ...attr };
      if (!edgeShown.get(edge)) { out.hidden = true; return out; }
      const claims = edgeClaims.get(edge).filter(claimVisible);
      const mutual = claims.some((c) => c.mutual);
      out.color = edgeColour(claims);
      out.size = (data.aggregate ? 1 + Math.log2(claims.length) : 1.5) + (mutual ? 2.5 : 0);
      out.zIndex = mutual ? 2 : 1;
      if (state.mutualOnly && !mutual) { out.color = faded; out.zIndex = 0; }
      if (state.selected) {
        const [s, t] = graph.extremities(edge);
        if (s !== state.selected && t !== state.selected) { out.color = faded; out.zIndex = 0; }
      }
      return out;
    },
  });

  // Reset at the start of each frame; the actors' boxes are taken at the first label, once the frame's
  // camera is set (at "beforeRender" it may still be the previous one).
  renderer.on("beforeRender", () => { labelBoxes = []; nodeBoxes = null; });
  function actorBoxes() {
    const boxes = [];
    if (data.nodes.length > 500) return boxes; // labels may cover actors in a big network: checking costs too much
    graph.forEachNode((n) => {
      const d = renderer.getNodeDisplayData(n);
      if (!d || d.hidden) return;
      const p = renderer.framedGraphToViewport(d);
      const r = renderer.scaleSize(d.size);
      boxes.push([p.x - r, p.y - r, p.x + r, p.y + r, n]);
    });
    return boxes;
  }

  api.drawn = () => {
    let nodes = 0; let edges = 0;
    graph.forEachNode((n) => { const d = renderer.getNodeDisplayData(n); if (d && !d.hidden) nodes += 1; });
    graph.forEachEdge((e) => { const d = renderer.getEdgeDisplayData(e); if (d && !d.hidden) edges += 1; });
    return { nodes, edges };
  };
  api.nodeViewport = (id) => {
    const a = graph.getNodeAttributes(id);
    const p = renderer.graphToViewport({ x: a.x, y: a.y });
    const r = $("graph").getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  };
  api.labelBoxes = () => labelBoxes.map((b) => b.slice());
  api.nodeBoxes = () => actorBoxes();
  api.nodePositions = () => graph.mapNodes((n, a) => [n, a.x, a.y]);
  api.selected = () => state.selected;
  api.renderer = renderer;

  // ---- controls
  function setupTime() {
    const from = $("time-from"); const to = $("time-to");
    if (!years) {
      from.disabled = to.disabled = true;
      $("time-from-value").textContent = $("time-to-value").textContent = "–";
      return;
    }
    for (const input of [from, to]) { input.min = years[0]; input.max = years[1]; input.step = 1; }
    from.value = years[0]; to.value = years[1];
    const show = () => {
      $("time-from-value").textContent = state.from > years[0] ? state.from : "any";
      $("time-to-value").textContent = state.to < years[1] ? state.to : "any";
    };
    const change = () => {
      state.from = Math.min(+from.value, +to.value);
      state.to = Math.max(+from.value, +to.value);
      show(); recompute(); renderer.refresh();
    };
    from.addEventListener("input", change); to.addEventListener("input", change);
    show();
  }

  function setupActs() {
    const box = $("acts");
    for (const act of data.acts) {
      const label = document.createElement("label");
      const n = data.edges.filter((e) => e.act === act).length + data.nodes.reduce(
        (k, node) => k + node.unpaired.filter((c) => c.act === act).length, 0);
      label.innerHTML = `<input type="checkbox" value="${esc(act)}" checked> ${esc(act)} <span class="meta">(${n})</span>`;
      label.firstChild.addEventListener("change", (ev) => {
        if (ev.target.checked) state.acts.add(act); else state.acts.delete(act);
        recompute(); renderer.refresh();
      });
      box.appendChild(label);
    }
  }

  for (const radio of document.querySelectorAll('input[name="colour-by"]')) {
    radio.addEventListener("change", () => { state.colourBy = radio.value; buildLegend(); renderer.refresh(); });
  }
  $("mutual-only").addEventListener("change", (ev) => { state.mutualOnly = ev.target.checked; renderer.refresh(); });

  // ---- hover and click
  const tooltip = $("tooltip");
  function placeTooltip(event) {
    const box = $("stage").getBoundingClientRect();
    const x = Math.min(event.x + 14, box.width - tooltip.offsetWidth - 8);
    const y = Math.min(event.y + 14, box.height - tooltip.offsetHeight - 8);
    tooltip.style.left = Math.max(4, x) + "px"; tooltip.style.top = Math.max(4, y) + "px";
  }
  function claimHtml(c, withQuote) {
    const bits = [c.act && `act: ${esc(c.act)}`, c.weapon && `weapon: ${esc(c.weapon)}`, c.place && `place: ${esc(c.place)}`,
      c.period && `period: ${esc(c.period)}`, c.asserted && `asserted: ${esc(c.asserted)}`,
      c.assessment && `assessment: ${esc(c.assessment)}`].filter(Boolean).join(" · ");
    let html = `<span class="badge" style="background:${palette.kind[c.kind]}">${esc(c.kind)}</span> `
      + `<span class="status">${esc(c.statuses.join(", "))}</span> <b>${esc(nodeLabel(c.source))}</b> → `
      + `<b>${esc(nodeLabel(c.target))}</b><div>${esc(c.text)}</div>`;
    if (bits) html += `<div class="meta">${bits}</div>`;
    if (withQuote && c.evidence.length) html += `<div class="quote">“${esc(c.evidence[0].quote)}”</div>`;
    return html;
  }
  function nodeLabel(id) { const n = nodeById.get(id); return n ? n.label : id; }

  renderer.on("enterEdge", ({ edge, event }) => {
    const claims = edgeClaims.get(edge).filter(claimVisible);
    if (!claims.length) return;
    tooltip.innerHTML = claims.length === 1 ? claimHtml(claims[0], true)
      : `<b>${claims.length} claims</b> from ${esc(nodeLabel(claims[0].source))} to ${esc(nodeLabel(claims[0].target))}`
        + claims.slice(0, 4).map((c) => `<hr>${claimHtml(c, false)}`).join("")
        + (claims.length > 4 ? `<div class="meta">… and ${claims.length - 4} more: click an actor to list them</div>` : "");
    tooltip.hidden = false; placeTooltip(event);
  });
  renderer.on("leaveEdge", () => { tooltip.hidden = true; });
  renderer.on("enterNode", ({ node, event }) => {
    const n = nodeById.get(node);
    const m = n.metrics;
    tooltip.innerHTML = `<b>${esc(n.label)}</b> <span class="meta">${esc(n.kind)}</span><div class="meta">`
      + `allegations made ${m.allegations_made}, received ${m.allegations_received}; `
      + `denials made ${m.denials_made}; mutual pairs ${m.mutual_pairs}; centrality ${m.degree_centrality}</div>`
      + `<div class="meta">Click to list its claims.</div>`;
    tooltip.hidden = false; placeTooltip(event);
    state.hoveredNode = node; renderer.refresh({ skipIndexation: true });
  });
  renderer.on("leaveNode", () => { tooltip.hidden = true; state.hoveredNode = null; renderer.refresh({ skipIndexation: true }); });
  renderer.on("clickNode", ({ node }) => { showDetails(node); });
  renderer.on("clickStage", () => { closeDetails(); });
  $("details-close").addEventListener("click", closeDetails);

  function evidenceHtml(c) {
    return c.evidence.map((e) => `<div class="quote">“${esc(e.quote)}”</div><div class="meta">${esc(e.document_title || e.document)}`
      + (e.footnote ? `, footnote ${esc(e.footnote)}` : "")
      + ` — <a class="evidence" href="${esc(e.iri)}" target="_blank" rel="noopener noreferrer">evidence ${esc(e.id)}</a></div>`).join("");
  }
  function showDetails(node) {
    state.selected = node;
    const n = nodeById.get(node);
    const out = []; const inc = [];
    graph.forEachOutEdge(node, (e) => { if (edgeShown.get(e)) out.push(...edgeClaims.get(e).filter(claimVisible)); });
    graph.forEachInEdge(node, (e) => { if (edgeShown.get(e)) inc.push(...edgeClaims.get(e).filter(claimVisible)); });
    const own = n.unpaired.filter(claimVisible);
    const m = n.metrics;
    const li = (c) => `<li data-claim="${esc(c.claim)}">${claimHtml(c, false)}${evidenceHtml(c)}</li>`;
    let html = `<h2>${esc(n.label)}</h2><div class="meta">${esc(n.kind)} · <a class="evidence" href="${esc(n.iri)}" target="_blank" rel="noopener noreferrer">${esc(n.id)}</a>`
      + (n.state && n.state !== n.id ? ` · part of ${esc(nodeLabel(n.state) || n.state)}` : "") + `</div>`
      + `<table><tr><td>allegations made / received</td><td>${m.allegations_made} / ${m.allegations_received}</td></tr>`
      + `<tr><td>denials made / received</td><td>${m.denials_made} / ${m.denials_received}</td></tr>`
      + `<tr><td>acknowledgements, assessments made</td><td>${m.acknowledgements_made}, ${m.assessments_made}</td></tr>`
      + `<tr><td>mutual accusations with</td><td>${esc(m.mutual_with.split(" ").filter(Boolean).map(nodeLabel).join(", ") || "none")}</td></tr>`
      + `<tr><td>degree centrality</td><td>${m.degree_centrality}</td></tr></table>`;
    html += `<h3>Claims it made (${out.length})</h3><ul>${out.map(li).join("")}</ul>`;
    html += `<h3>Claims about or answering it (${inc.length})</h3><ul>${inc.map(li).join("")}</ul>`;
    if (own.length) {
      html += `<h3>Claims with no counterpart (${own.length})</h3><ul>` + own.map((c) => `<li data-claim="${esc(c.claim)}">`
        + `<span class="badge" style="background:${palette.kind[c.kind]}">${esc(c.kind)}</span> <span class="meta">${esc(c.reason)}</span>`
        + `<div>${esc(c.text)}</div>${evidenceHtml(c)}</li>`).join("") + `</ul>`;
    }
    $("details-body").innerHTML = html;
    $("details").hidden = false;
    renderer.refresh({ skipIndexation: true });
  }
  function closeDetails() {
    state.selected = null;
    $("details").hidden = true;
    renderer.refresh({ skipIndexation: true });
  }

  function showEmpty(message) {
    $("empty").textContent = message;
    $("empty").hidden = false;
  }

  function buildLegend() {
    const present = (key) => new Set(data.nodes.map((n) => n[key]));
    const kinds = present("kind");
    let html = "<h3>Actors</h3>" + Object.entries(palette.actor).filter(([k]) => kinds.has(k))
      .map(([k, c]) => `<div class="row"><span class="dot" style="background:${c}"></span>${esc(k)}</div>`).join("");
    const scheme = state.colourBy === "status" ? palette.status : palette.kind;
    const used = new Set(data.edges.map((e) => (state.colourBy === "status" ? e.status : e.kind)));
    for (const n of data.nodes) for (const c of n.unpaired) used.add(state.colourBy === "status" ? c.status : c.kind);
    html += `<h3>Claims, by ${state.colourBy === "status" ? "status" : "kind"}</h3>` + Object.entries(scheme)
      .filter(([k]) => used.has(k))
      .map(([k, c]) => `<div class="row"><span class="line" style="background:${c}"></span>${esc(k)}</div>`).join("");
    html += `<div class="row"><span class="line thick" style="background:#555"></span>thick: mutual accusation</div>`;
    if (data.aggregate) html += `<div class="row">one edge per pair of actors; width grows with the number of claims</div>`;
    $("legend").innerHTML = html;
  }

  setupTime();
  setupActs();
  buildLegend();
  recompute();
  renderer.once("afterRender", () => {
    api.readyAt = performance.now();
    // two frames later the first one is on screen and the page answers input
    requestAnimationFrame(() => requestAnimationFrame(() => {
      api.interactiveAt = performance.now();
      api.ready = true;
    }));
  });
  renderer.refresh();
})();
