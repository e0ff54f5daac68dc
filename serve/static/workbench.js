// The minekg workbench: named queries with typed parameters, free SPARQL, label search.
// Plain browser JavaScript, no libraries and no network beyond this server.
"use strict";

const PREFIXES = JSON.parse(document.getElementById("prefixes").textContent);
const BASE = "https://w3id.org/minekg/";
const $ = (id) => document.getElementById(id);
let catalogue = [];

function shorten(iri) {
  let best = null;
  for (const [prefix, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && (!best || ns.length > PREFIXES[best].length)) {
      const rest = iri.slice(ns.length);
      if (rest && !rest.includes("/") && !rest.includes("#")) best = prefix;
    }
  }
  return best ? `${best}:${iri.slice(PREFIXES[best].length)}` : iri;
}

// minekg IRIs are served by this server at their path under the base; others link out.
function localHref(iri) {
  return iri.startsWith(BASE) ? "/" + iri.slice(BASE.length) : iri;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function setStatus(text, isError = false) {
  const s = $("result-status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

function termNode(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") {
    return el("a", { href: localHref(term.value), title: term.value, text: shorten(term.value) });
  }
  if (term.type === "bnode") return el("span", { class: "bnode", text: "_:" + term.value });
  const span = el("span", { class: "literal", text: term.value });
  if (term["xml:lang"]) span.title = "@" + term["xml:lang"];
  else if (term.datatype) span.title = shorten(term.datatype);
  return span;
}

function renderJson(doc) {
  const out = $("result-table");
  out.replaceChildren();
  if ("boolean" in doc) {
    out.append(el("p", { class: "ask", text: doc.boolean ? "true" : "false" }));
    setStatus("(yes/no answer)");
    return;
  }
  const vars = doc.head.vars;
  const rows = doc.results.bindings;
  const table = el("table", { class: "result" });
  table.append(el("thead", {}, el("tr", {}, ...vars.map((v) => el("th", { text: v })))));
  const body = el("tbody");
  for (const b of rows) body.append(el("tr", {}, ...vars.map((v) => el("td", {}, termNode(b[v])))));
  table.append(body);
  out.append(table);
  setStatus(`${rows.length} row${rows.length === 1 ? "" : "s"}`);
}

function renderText(text) {
  $("result-table").replaceChildren(el("pre", { class: "graph", text }));
  setStatus("(graph)");
}

async function show(response) {
  const type = (response.headers.get("content-type") || "").split(";")[0];
  if (!response.ok) {
    setStatus(`Error ${response.status}: ${(await response.text()).trim()}`, true);
    $("result-table").replaceChildren();
    return false;
  }
  if (type === "application/sparql-results+json") renderJson(await response.json());
  else renderText(await response.text());
  return true;
}

const JSON_FIRST = "application/sparql-results+json, text/turtle;q=0.9";

// ---- named queries

function paramInput(p) {
  const id = "param-" + p.name;
  let input;
  if (p.type === "boolean") {
    input = el("select", { id, name: p.name },
      el("option", { value: "", text: "(any)" }), el("option", { value: "true", text: "true" }),
      el("option", { value: "false", text: "false" }));
  } else {
    const type = { date: "date", integer: "number", year: "number" }[p.type] || "text";
    input = el("input", { id, name: p.name, type });
    if (p.type === "state") input.placeholder = "ISO alpha-3, e.g. BLR";
    if (p.type === "iri") input.placeholder = "IRI or prefixed name, e.g. st:RUS";
    if (p.type === "year") { input.min = "1900"; input.max = "2100"; }
  }
  if (p.default !== null && p.default !== undefined) input.value = p.default;
  const label = el("label", { for: id }, el("span", { class: "pname", text: p.name }),
    el("span", { class: "ptype", text: ` (${p.type}${p.required ? ", required" : ""})` }));
  return el("div", { class: "param" }, label, input, el("small", { text: p.description || "" }));
}

function chosen() {
  return catalogue.find((q) => q.name === $("query-select").value);
}

function showQuery() {
  const q = chosen();
  $("params").replaceChildren();
  $("query-summary").textContent = q ? q.summary : "";
  $("query-description").textContent = q ? q.description : "";
  if (q) for (const p of q.params) $("params").append(paramInput(p));
  $("download-csv").hidden = $("download-json").hidden = true;
}

function namedUrl(q, extra = {}) {
  const params = new URLSearchParams();
  for (const p of q.params) {
    const value = $("param-" + p.name).value.trim();
    if (value !== "") params.set(p.name, value);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const qs = params.toString();
  return `/api/queries/${encodeURIComponent(q.name)}${qs ? "?" + qs : ""}`;
}

async function runNamed(event) {
  event.preventDefault();
  const q = chosen();
  if (!q) return;
  setStatus("running…");
  const ok = await show(await fetch(namedUrl(q), { headers: { Accept: JSON_FIRST } }));
  const graph = q.form === "CONSTRUCT" || q.form === "DESCRIBE";
  $("download-csv").href = namedUrl(q, { format: graph ? "ntriples" : "csv", download: "1" });
  $("download-csv").textContent = graph ? "Download N-Triples" : "Download CSV";
  $("download-json").href = namedUrl(q, { format: graph ? "jsonld" : "json", download: "1" });
  $("download-csv").hidden = $("download-json").hidden = !ok;
}

async function loadCatalogue() {
  const response = await fetch("/api/queries");
  catalogue = await response.json();
  const select = $("query-select");
  select.replaceChildren(...catalogue.map((q) => el("option", { value: q.name, text: `${q.number} · ${q.summary}` })));
  showQuery();
}

// ---- free SPARQL

async function runSparql(event) {
  event.preventDefault();
  const text = $("sparql-text").value;
  setStatus("running…");
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: JSON_FIRST },
    body: new URLSearchParams({ query: text }),
  });
  const ok = await show(response);
  const type = (response.headers.get("content-type") || "").split(";")[0];
  const graph = type !== "application/sparql-results+json";
  const link = (fmt) => "/sparql?" + new URLSearchParams({ query: text, format: fmt }).toString();
  $("sparql-download-csv").href = link(graph ? "ntriples" : "csv");
  $("sparql-download-csv").textContent = graph ? "Download N-Triples" : "Download CSV";
  $("sparql-download-json").href = link(graph ? "jsonld" : "json");
  $("sparql-download-csv").hidden = $("sparql-download-json").hidden = !ok;
}

// ---- label search

async function runSearch(event) {
  event.preventDefault();
  const q = $("search-text").value.trim();
  const list = $("search-results");
  if (!q) return;
  const response = await fetch("/api/search?" + new URLSearchParams({ q, kind: $("search-kind").value }));
  if (!response.ok) {
    list.replaceChildren(el("li", { class: "error", text: (await response.text()).trim() }));
    return;
  }
  const found = await response.json();
  if (!found.length) {
    list.replaceChildren(el("li", { text: "nothing found" }));
    return;
  }
  list.replaceChildren(...found.map((f) => el("li", {},
    el("a", { href: f.href, title: f.iri, text: f.label }),
    el("span", { class: "kinds", text: " " + f.kinds.join(", ") + (f.matched !== f.label ? ` (“${f.matched}”)` : "") }))));
}

$("query-select").addEventListener("change", showQuery);
$("param-form").addEventListener("submit", runNamed);
$("sparql-form").addEventListener("submit", runSparql);
$("search-form").addEventListener("submit", runSearch);
loadCatalogue().catch((e) => setStatus("could not load the query catalogue: " + e, true));
