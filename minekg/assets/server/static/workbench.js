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

function setStatus(text, isError = false) {
  const s = $("result-status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

function termNode(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") {
    // a state is named by its label (the picker's list has them all); other IRIs by their prefixed name
    const state = stateByIri.get(term.value);
    return el("a", { href: localHref(term.value), title: term.value, text: state ? state.label : shorten(term.value) });
  }
  if (term.type === "bnode") return el("span", { class: "bnode", text: "_:" + term.value });
  const span = el("span", { class: "literal", text: term.value });
  if (term["xml:lang"]) span.title = "@" + term["xml:lang"];
  else if (term.datatype) span.title = shorten(term.datatype);
  return span;
}

// ---- results: a compact table, or one record per row with its evidence as a full-width line; paged

// The page sizes are the options of #page-size in the template; its selected one is the first size.
const SMALLEST_PAGE = Math.min(...[...$("page-size").options].map((o) => Number(o.value)));
// Columns whose text is evidence (or any text this long) get a full-width line under the record's fields,
// so the passage an analyst came for is never squeezed into a narrow table column.
const EVIDENCE_NAME = /(quote|text|comment|description|summary|note)$/i;
const LONG_TEXT = 120;
const MAX_TABLE_COLUMNS = 6;
const answer = { vars: [], rows: [], page: 0, size: Number($("page-size").value) };

function isEvidence(v, rows) {
  return rows.some((b) => b[v] && b[v].type !== "uri" && (EVIDENCE_NAME.test(v) || b[v].value.length > LONG_TEXT));
}

// An IRI column with its label column (`claimant` and `claimantName`, or `state` followed by `name`): the
// label becomes the link's text and is not shown again.
function labelColumns(vars, rows) {
  const paired = {};
  for (const [i, v] of vars.entries()) {
    const next = ["name", "label"].includes(vars[i + 1]) ? [vars[i + 1]] : [];
    const name = [v + "Name", v + "Label", ...next].find((w) => vars.includes(w));
    if (name && rows.every((b) => !b[v] || b[v].type === "uri") && rows.some((b) => b[v])) paired[v] = name;
  }
  return paired;
}

function labelledNode(term, labelTerm) {
  if (term && term.type === "uri" && labelTerm) {
    return el("a", { href: localHref(term.value), title: term.value, text: labelTerm.value });
  }
  return termNode(term);
}

function renderJson(doc) {
  const out = $("result-table");
  out.replaceChildren();
  clearAnswer();
  if ("boolean" in doc) {
    out.append(el("p", { class: "ask", text: doc.boolean ? "true" : "false" }));
    setStatus("(yes/no answer)");
    return;
  }
  answer.vars = doc.head.vars;
  answer.rows = doc.results.bindings;
  answer.page = 0;
  const n = answer.rows.length;
  setStatus(`${n} row${n === 1 ? "" : "s"}`);
  renderPage();
}

function renderPage(focusAfter = null) {
  const { vars, rows, size } = answer;
  const pages = Math.max(1, Math.ceil(rows.length / size));
  answer.page = Math.min(answer.page, pages - 1);
  const first = answer.page * size;
  const shown = rows.slice(first, first + size);
  const evidence = vars.filter((v) => isEvidence(v, rows));
  const body = evidence.length || vars.length > MAX_TABLE_COLUMNS
    ? recordList(vars, rows, shown, first, evidence)
    : resultTable(vars, shown);
  $("result-table").replaceChildren(body);
  showPager(pages, first, shown.length);
  if (focusAfter) keepFocus(focusAfter);
}

// Focus stays on the button pressed, so Enter pages on; at the last (first) page it moves to the other one.
function keepFocus(button) {
  const other = button.id === "page-next" ? $("page-previous") : $("page-next");
  (button.disabled ? other : button).focus();
}

function resultTable(vars, shown) {
  const table = el("table", { class: "result" });
  table.append(el("thead", {}, el("tr", {}, ...vars.map((v) => el("th", { scope: "col", text: v })))));
  const body = el("tbody");
  for (const b of shown) body.append(el("tr", {}, ...vars.map((v) => el("td", {}, termNode(b[v])))));
  table.append(body);
  return table;
}

function recordList(vars, rows, shown, first, evidence) {
  const paired = labelColumns(vars, rows);
  const hidden = new Set([...Object.values(paired), ...evidence]);
  const list = el("ol", { class: "records", start: String(first + 1) });
  for (const b of shown) {
    const fields = el("dl", { class: "fields" });
    for (const v of vars) {
      if (hidden.has(v) || !b[v]) continue;  // unbound: nothing is known, so nothing is shown
      fields.append(el("div", { class: "field", "data-var": v },
        el("dt", { text: v }), el("dd", {}, labelledNode(b[v], b[paired[v]]))));
    }
    const record = el("li", { class: "record" }, fields);
    for (const v of evidence) {
      if (!b[v]) continue;
      record.append(el("figure", { class: "evidence", "data-var": v },
        el("figcaption", { text: v }), el("blockquote", { class: "evidence-text", text: b[v].value })));
    }
    list.append(record);
  }
  return list;
}

function showPager(pages = 0, first = 0, count = 0) {
  const many = answer.rows.length > SMALLEST_PAGE;
  $("pager").hidden = !many;
  if (!many) return;
  $("page-position").textContent = `Page ${answer.page + 1} of ${pages}`;
  $("page-rows").textContent = `rows ${first + 1}–${first + count} of ${answer.rows.length}`;
  $("page-previous").disabled = answer.page === 0;
  $("page-next").disabled = answer.page >= pages - 1;
}

function movePage(step, event) {
  answer.page += step;
  renderPage(event.currentTarget);
}

function resizePage() {
  const firstRow = answer.page * answer.size;
  answer.size = Number($("page-size").value);
  answer.page = Math.floor(firstRow / answer.size);  // stay on the page that holds the first row shown
  renderPage();
}

function clearAnswer() {
  answer.vars = [];
  answer.rows = [];
  showPager();
}

function renderText(text) {
  clearAnswer();
  $("result-table").replaceChildren(el("pre", { class: "graph", text }));
  setStatus("(graph)");
}

async function show(response) {
  const type = (response.headers.get("content-type") || "").split(";")[0];
  if (!response.ok) {
    setStatus(`Error ${response.status}: ${(await response.text()).trim()}`, true);
    $("result-table").replaceChildren();
    clearAnswer();
    return false;
  }
  if (type === "application/sparql-results+json") renderJson(await response.json());
  else renderText(await response.text());
  return true;
}

const JSON_FIRST = "application/sparql-results+json, text/turtle;q=0.9";

// ---- the state picker: a state by name or ISO code, from the states the graph knows (/api/states)

let states = [];
const stateIndex = new Map();
const stateByIri = new Map();
const statesReady = fetch("/api/states")
  .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
  .then((found) => {
    states = found;
    for (const s of states) {
      stateByIri.set(s.iri, s);
      for (const name of [s.code, s.label, ...s.altLabels]) {
        if (!stateIndex.has(name.toLocaleLowerCase())) stateIndex.set(name.toLocaleLowerCase(), s);
      }
    }
    $("state-names").replaceChildren(...states.map((s) => el("option", { value: s.label, label: s.code })));
  });

function findState(text) {
  const key = text.trim().toLocaleLowerCase();
  // "Armenia · ARM" as the line under the field shows it, or "Armenia (ARM)": the code decides
  const code = key.match(/(?:\(|·)\s*([a-z]{3})\)?$/);
  return stateIndex.get(key) || (code ? stateIndex.get(code[1]) : undefined) || null;
}

function showResolved(input) {
  const out = $(input.id + "-resolved");
  if (!out) return;
  const text = input.value.trim();
  const state = findState(text);
  if (state) {
    out.replaceChildren(el("span", { "data-code": state.code },
      el("a", { href: localHref(state.iri), text: state.label }), ` · ${state.code}`));
  } else {
    out.replaceChildren(text && states.length ? el("span", { class: "unknown", text: "no state of that name or code in the graph" }) : "");
  }
}

function statePicker(input) {
  input.setAttribute("list", "state-names");
  input.placeholder = "e.g. Armenia or ARM";
  input.spellcheck = false;
  // without the list (its failure is in the status line) the field still takes a code as typed
  const resolve = () => statesReady.then(() => showResolved(input), () => {});
  input.addEventListener("input", resolve);
  resolve();  // a default value: after the field is on the page (showQuery appends it in this same task)
}

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
    if (p.type === "state") statePicker(input);
    if (p.type === "iri") input.placeholder = "IRI or prefixed name, e.g. st:RUS";
    if (p.type === "year") { input.min = "1900"; input.max = "2100"; }
  }
  if (p.default !== null && p.default !== undefined) input.value = p.default;
  const label = el("label", { for: id }, el("span", { class: "pname", text: p.name }),
    el("span", { class: "ptype", text: ` (${p.type}${p.required ? ", required" : ""})` }));
  const help = el("small", { id: id + "-help", text: p.description || "" });
  input.setAttribute("aria-describedby", help.id);
  const row = el("div", { class: "param" }, label, input, help);
  if (p.type === "state") {
    const resolved = el("output", { id: id + "-resolved", for: id, class: "resolved", "aria-live": "polite" });
    input.setAttribute("aria-describedby", `${resolved.id} ${help.id}`);
    row.insertBefore(resolved, help);
  }
  return row;
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
    const input = $("param-" + p.name);
    const state = p.type === "state" ? findState(input.value) : null;
    // a name the graph does not know goes as typed: the server says what is wrong with it
    const value = state ? state.code : input.value.trim();
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
$("page-previous").addEventListener("click", (event) => movePage(-1, event));
$("page-next").addEventListener("click", (event) => movePage(1, event));
$("page-size").addEventListener("change", resizePage);
$("param-form").addEventListener("submit", runNamed);
$("sparql-form").addEventListener("submit", runSparql);
$("search-form").addEventListener("submit", runSearch);
loadCatalogue().catch((e) => setStatus("could not load the query catalogue: " + e, true));
statesReady.catch((e) => setStatus("could not load the states for the state picker: " + e, true));
