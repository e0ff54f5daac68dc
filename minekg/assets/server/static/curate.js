// The curation page (minekg serve --curate): accept, edit or reject drafted candidates and exclude
// sentences, by mouse or by key. Plain browser JavaScript, no libraries, no request beyond this server.
"use strict";

const DATA = JSON.parse(document.getElementById("curate-data").textContent);
const TOKEN = document.querySelector('meta[name="minekg-token"]').content;
const $ = (id) => document.getElementById(id);
let current = -1;

function openCandidates() {
  return [...document.querySelectorAll(".item.candidate:not(.done)")];
}

function focusItem(i) {
  const items = openCandidates();
  if (!items.length) { current = -1; return; }
  current = Math.max(0, Math.min(i, items.length - 1));
  document.querySelectorAll(".item.current").forEach((n) => n.classList.remove("current"));
  items[current].classList.add("current");
  currentSentence = items[current].closest(".sentence");
  items[current].scrollIntoView({ block: "center" });
}

function currentItem() {
  const items = openCandidates();
  return current >= 0 && current < items.length ? items[current] : null;
}

function status(text, isError = false, reload = false) {
  const s = $("curate-status");
  s.textContent = text;
  s.className = isError ? "error" : "ok";
  if (reload) {
    const b = el("button", { type: "button", id: "reload-btn", text: "Reload the page" });
    b.addEventListener("click", () => location.reload());
    s.append(" ", b);
  }
}

async function post(action, body) {
  const response = await fetch(`/curate/${DATA.slug}/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Minekg-Token": TOKEN },
    body: JSON.stringify(body),
  });
  let answer;
  try { answer = await response.json(); } catch { answer = { error: await response.text() }; }
  return { status: response.status, answer };
}

function showFailure(item, status_, answer) {
  if (status_ === 409) { status(answer.error, true, true); return; }
  status(answer.error || `error ${status_}`, true);
  if (item) {
    const box = item.querySelector(".problems");
    box.replaceChildren(...(answer.problems || [{ focus: null, message: answer.error }]).map((p) =>
      el("div", { class: "problem", text: (p.focus ? p.focus + ": " : "") + p.message })));
  }
}

// ---- editing: a form of the statement's fields, with the vocabularies' values and a picker for things

function entityList() {
  if ($("entities")) return;
  const list = el("datalist", { id: "entities" });
  for (const e of DATA.entities) list.append(el("option", { value: e.value, label: `${e.label} (${e.kinds.join(", ")})` }));
  document.body.append(list);
}

function widget(dd) {
  const { key, value, widget: kind } = dd.dataset;
  if (kind.startsWith("concept:")) {
    const select = el("select", { "data-key": key });
    for (const c of DATA.schemes[kind.slice(8)] || []) {
      const o = el("option", { value: c.value, text: c.label });
      if (c.value === value) o.selected = true;
      select.append(o);
    }
    return select;
  }
  if (kind === "boolean") {
    const select = el("select", { "data-key": key });
    for (const v of ["true", "false"]) select.append(el("option", v === value ? { value: v, selected: "" } : { value: v }, v));
    return select;
  }
  if (kind === "entity") {
    entityList();
    const wrap = el("span", { class: "entity-field" });
    const input = el("input", { "data-key": key, list: "entities", value, class: "picker", autocomplete: "off" });
    const isNew = el("input", { type: "checkbox", class: "new-entity" });
    const label = el("input", { class: "new-label", placeholder: "label of the new entity", hidden: "" });
    const kindSel = el("select", { class: "new-kind", hidden: "" });
    for (const k of DATA.kinds) kindSel.append(el("option", { value: k, text: k.replace("mk:", "") }));
    isNew.addEventListener("change", () => { label.hidden = kindSel.hidden = !isNew.checked; input.disabled = isNew.checked; });
    // the label of the chosen thing beside its name, so the curator reads "Mongolia", not only st:MNG
    const picked = el("span", { class: "picked" });
    const show = () => { picked.textContent = DATA.entities.find((x) => x.value === input.value)?.label || "(not a known thing)"; };
    input.addEventListener("input", show);
    show();
    wrap.append(input, picked, el("label", {}, isNew, " new entity"), label, kindSel);
    return wrap;
  }
  if (kind === "date" || kind === "text" || kind === "quantity") {
    return el("input", { "data-key": key, value, type: "text", class: kind });
  }
  return null;
}

function openEditor(item) {
  if (!item || item.querySelector(".editor")) return;
  const form = el("div", { class: "editor" });
  for (const dd of item.querySelectorAll("dl.fields dd[data-key][data-single='yes']")) {
    const w = widget(dd);
    if (w) form.append(el("div", { class: "field", "data-field": dd.dataset.key }, el("span", { text: dd.dataset.key.replace("mk:", "") }), w));
  }
  // its quote: another passage of the sentence (selected, then "Use the selected text"), footnote numbers
  const shown = item.querySelector(".quote mark")?.textContent || "";
  const quote = el("input", { type: "text", class: "edit-quote", value: shown, "data-shown": shown });
  const useSel = el("button", { type: "button", class: "use-selection", text: "Use the selected text" });
  useSel.addEventListener("mousedown", (ev) => { const q = selectedIn(item.closest(".sentence")); if (q) quote.value = q; ev.preventDefault(); });
  form.append(el("div", { class: "field edit-quote-row" }, el("span", { text: "quote" }), quote, useSel,
    el("input", { type: "text", class: "edit-footnote", placeholder: "footnote number", size: "6" }),
    el("input", { type: "text", class: "edit-missing", placeholder: "missing footnote number", size: "6" })));
  // beyond its values: fields the candidate lacks (a summary, a second scope) and further quotes
  const kind = "mk:" + item.querySelector(".head b").textContent.trim();
  if (DATA.statementKinds[kind]) {
    const more = el("select", { class: "more-fields" });
    more.append(el("option", { value: "", text: "add a field…" }));
    for (const f of DATA.statementKinds[kind].fields) more.append(el("option", { value: f.key, text: f.key.replace("mk:", "") }));
    form.append(el("div", { class: "new-fields" }), more, el("div", { class: "quotes" }),
      el("button", { type: "button", class: "add-quote", text: "Add a quote" }));
    wireMore(form, () => kind);
    form.querySelector(".add-quote").addEventListener("click", () => addQuote(form).querySelector("input").focus());
  }
  item.querySelector(".actions").before(form);
  const first = form.querySelector("input, select");
  if (first) first.focus();
}

function edits(item) {
  const out = {};
  for (const dd of item.querySelectorAll("dl.fields dd[data-key][data-single='yes']")) {
    const key = dd.dataset.key;
    const w = item.querySelector(`.editor [data-key="${key}"]`);
    if (!w) continue;
    const wrap = w.closest(".entity-field");
    if (wrap && wrap.querySelector(".new-entity").checked) {
      out[key] = { label: wrap.querySelector(".new-label").value, kind: wrap.querySelector(".new-kind").value };
    } else if (w.value !== dd.dataset.value) {
      out[key] = w.value;
    }
  }
  return out;
}

// ---- a new statement on a sentence no candidate (rightly) covers: its kind, its quote, the kind's fields

let currentSentence = null;

function selectedIn(sentence) {
  const sel = window.getSelection();
  const text = sentence.querySelector(".sentence-text");
  if (!sel || sel.isCollapsed || !text.contains(sel.anchorNode) || !text.contains(sel.focusNode)) return "";
  return sel.toString();
}

function selectedAnywhere() {
  // a further quote may come from any sentence of the document (a footnote's text, the next sentence)
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed) return "";
  const inText = (n) => n && (n.nodeType === 1 ? n : n.parentElement)?.closest(".sentence-text");
  return inText(sel.anchorNode) && inText(sel.focusNode) ? sel.toString() : "";
}

function conceptSelect(key, scheme, part) {
  const select = el("select", part ? { "data-part": part } : { "data-key": key });
  select.append(el("option", { value: "", text: "—" }));
  for (const c of DATA.schemes[scheme] || []) select.append(el("option", { value: c.value, text: c.label }));
  return select;
}

function quantityWidget(f) {
  // a figure with its qualifier, or bounds, units, an order of magnitude, a duration: empty parts stay unsaid
  const wrap = el("span", { class: "quantity-field", "data-key": f.key });
  wrap.append(el("label", {}, "qualifier ", conceptSelect(f.key, "mk:QuantityQualifiers", "qualifier")));
  for (const part of ["value", "minValue", "maxValue", "orderOfMagnitude"]) {
    wrap.append(el("input", { type: "text", "data-part": part, placeholder: part, size: "9" }));
  }
  for (const part of ["measureUnit", "minUnit", "maxUnit"]) {
    wrap.append(el("label", {}, part + " ", conceptSelect(f.key, "mk:Units", part)));
  }
  wrap.append(el("input", { type: "text", "data-part": "duration", placeholder: "duration (P18M)", size: "9" }));
  return wrap;
}

function intervalWidget(f) {
  const wrap = el("span", { class: "interval-field", "data-key": f.key });
  wrap.append(el("input", { type: "text", "data-part": "start", placeholder: "start (YYYY[-MM[-DD]])", size: "14" }),
    el("input", { type: "text", "data-part": "end", placeholder: "end (open if empty)", size: "14" }));
  return wrap;
}

function contentWidget(f) {
  // a speech act's content: a statement already in the file, or a new one made with the speech act
  const wrap = el("div", { class: "content-field", "data-key": f.key });
  const existing = el("input", { type: "text", class: "content-existing", placeholder: "an existing statement (s:…)", list: "entities" });
  const kind = el("select", { class: "content-kind" });
  kind.append(el("option", { value: "", text: "or a new content statement of kind…" }));
  for (const [k, spec] of Object.entries(DATA.statementKinds)) if (!spec.speechAct) kind.append(el("option", { value: k, text: spec.label }));
  const name = el("input", { type: "text", class: "content-name", placeholder: "its name (optional): s:" + DATA.slug + "-NAME" });
  const box = el("div", { class: "fieldset" }, el("div", { class: "new-fields" }), el("select", { class: "more-fields" }));
  kind.addEventListener("change", () => renderKind(box, kind.value, true));
  wireMore(box, () => kind.value);
  wrap.append(existing, kind, name, box);
  return wrap;
}

function fieldWidget(f) {
  if (f.widget === "choice" || f.widget === "concept" || f.widget === "boolean") {
    const select = el("select", { "data-key": f.key });
    select.append(el("option", { value: "", text: "—" }));
    const values = f.widget === "choice" ? f.choices.map((c) => ({ value: c, label: c.replace("mk:", "") }))
      : f.widget === "boolean" ? [{ value: "true", label: "true" }, { value: "false", label: "false" }]
      : Object.values(DATA.schemes).flat();
    for (const v of values) select.append(el("option", { value: v.value, text: v.label }));
    return select;
  }
  if (f.widget === "entity") {
    const dd = el("dd", { "data-key": f.key, "data-value": "", "data-widget": "entity" });
    return widget(dd);
  }
  if (f.widget === "quantity") return quantityWidget(f);
  if (f.widget === "interval") return intervalWidget(f);
  if (f.widget === "content") return contentWidget(f);
  return el("input", { "data-key": f.key, type: "text", class: f.widget, placeholder: f.widget });
}

function addField(box, f) {
  const fields = box.querySelector(":scope > .new-fields");
  if (fields.querySelector(`:scope > .field[data-field="${f.key}"]`)) return;
  // "+" gives the field another value (mk:scope mk:Export, mk:Transit); each value its own widget
  const another = el("button", { type: "button", class: "another", title: "another value", text: "+" });
  const row = el("div", { class: "field" + (f.required ? " required" : ""), "data-field": f.key },
    el("span", { text: f.key.replace("mk:", "") + (f.required ? " *" : "") }), el("span", { class: "value" }, fieldWidget(f)), another);
  another.addEventListener("click", () => another.before(el("span", { class: "value" }, fieldWidget(f))));
  fields.append(row);
}

function renderKind(box, kindKey, isContent = false) {
  const spec = DATA.statementKinds[kindKey];
  box.querySelector(":scope > .new-fields").replaceChildren();
  const more = box.querySelector(":scope > .more-fields");
  more.replaceChildren(el("option", { value: "", text: "add a field…" }));
  if (!spec) return;
  // a content statement has no speaker of its own: the speech act's mk:assertedBy says who spoke
  const fields = spec.fields.filter((x) => !(isContent && x.key === "mk:assertedBy"));
  for (const f of fields.filter((x) => x.required)) addField(box, f);
  for (const f of fields.filter((x) => !x.required)) more.append(el("option", { value: f.key, text: f.key.replace("mk:", "") }));
}

function wireMore(box, kindOf) {
  const more = box.querySelector(":scope > .more-fields");
  more.addEventListener("change", () => {
    const f = (DATA.statementKinds[kindOf()]?.fields || []).find((x) => x.key === more.value);
    if (f) addField(box, f);
    more.value = "";
  });
}

function parts(node) {
  const out = {};
  for (const p of node.querySelectorAll(":scope [data-part]")) if (p.value.trim() !== "") out[p.dataset.part] = p.value.trim();
  return out;
}

function valueOf(slot) {
  const w = slot.firstElementChild;
  if (w.classList.contains("entity-field")) {
    if (w.querySelector(".new-entity").checked) return { label: w.querySelector(".new-label").value, kind: w.querySelector(".new-kind").value };
    return w.querySelector("[data-key]").value;
  }
  if (w.classList.contains("quantity-field") || w.classList.contains("interval-field")) {
    const p = parts(w);
    return Object.keys(p).length ? p : "";
  }
  if (w.classList.contains("content-field")) {
    const existing = w.querySelector(".content-existing").value.trim();
    if (existing) return existing;
    const kind = w.querySelector(".content-kind").value;
    return kind ? { kind, name: w.querySelector(".content-name").value.trim(), values: newValues(w.querySelector(".fieldset")) } : "";
  }
  return w.value;
}

function newValues(box) {
  const out = {};
  for (const row of box.querySelectorAll(":scope > .new-fields > .field")) {
    const values = [...row.querySelectorAll(":scope > .value")].map(valueOf).filter((v) => v !== "");
    if (values.length) out[row.dataset.field] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function addQuote(form) {
  // a further quote of the same statement: anywhere in the document, found there exactly once
  const quote = el("input", { type: "text", class: "extra-quote-text", placeholder: "the passage, exactly as the source has it", size: "50" });
  const useSel = el("button", { type: "button", class: "use-selection", text: "Use the selected text" });
  useSel.addEventListener("mousedown", (ev) => { const q = selectedAnywhere(); if (q) quote.value = q; ev.preventDefault(); });
  const remove = el("button", { type: "button", class: "remove-quote", text: "Remove" });
  const row = el("div", { class: "field extra-quote" }, el("span", { text: "another quote" }), quote, useSel,
    el("input", { type: "text", class: "extra-footnote", placeholder: "footnote number", size: "6" }),
    el("input", { type: "text", class: "extra-missing", placeholder: "missing footnote number", size: "6" }), remove);
  remove.addEventListener("click", () => row.remove());
  form.querySelector(".quotes").append(row);
  return row;
}

function editedQuote(editor) {
  // only what the curator changed: the quote if it differs from the one shown, footnote numbers if typed
  const q = editor.querySelector(".edit-quote");
  if (!q) return null;
  const out = {};
  if (q.value !== q.dataset.shown) out.quote = q.value;
  const fn = editor.querySelector(".edit-footnote").value.trim(), missing = editor.querySelector(".edit-missing").value.trim();
  if (fn) out.footnote = fn;
  if (missing) out.missingFootnote = missing;
  if (!Object.keys(out).length) return null;
  if (!("quote" in out)) out.quote = q.value;
  return out;
}

function extraQuotes(form) {
  return [...form.querySelectorAll(".extra-quote")].map((row) => ({
    quote: row.querySelector(".extra-quote-text").value, footnote: row.querySelector(".extra-footnote").value.trim(),
    missingFootnote: row.querySelector(".extra-missing").value.trim() }));
}

function newStatement(sentence) {
  if (!sentence) return;
  const text = sentence.querySelector(".text");
  if (text.querySelector(".new-form")) { text.querySelector(".new-form select").focus(); return; }
  const kind = el("select", { class: "new-kind-select" });
  for (const [k, spec] of Object.entries(DATA.statementKinds)) kind.append(el("option", { value: k, text: spec.label + (spec.speechAct ? " (speech act)" : "") }));
  const quote = el("input", { type: "text", class: "new-quote", value: selectedIn(sentence) || sentence.querySelector(".sentence-text").textContent });
  const useSel = el("button", { type: "button", class: "use-selection", text: "Use the selected text" });
  useSel.addEventListener("mousedown", (ev) => { const q = selectedIn(sentence); if (q) quote.value = q; ev.preventDefault(); });
  const footnote = el("input", { type: "text", class: "new-footnote", placeholder: "footnote number", size: "6" });
  const missing = el("input", { type: "text", class: "new-missing-footnote", placeholder: "missing footnote number", size: "6" });
  const name = el("input", { type: "text", class: "new-name", placeholder: "name (optional): s:" + DATA.slug + "-NAME" });
  const form = el("form", { class: "new-form editor" },
    el("div", { class: "field" }, el("span", { text: "kind" }), kind),
    el("div", { class: "field" }, el("span", { text: "name" }), name),
    el("div", { class: "quotes" },
      el("div", { class: "field" }, el("span", { text: "quote" }), quote, useSel, footnote, missing)),
    el("button", { type: "button", class: "add-quote", text: "Add a quote" }),
    el("div", { class: "new-fields" }), el("select", { class: "more-fields" }),
    el("button", { type: "submit", class: "save-new", text: "Save the statement" }),
    el("button", { type: "button", class: "cancel-new", text: "Cancel" }));
  kind.addEventListener("change", () => renderKind(form, kind.value));
  wireMore(form, () => kind.value);
  form.querySelector(".add-quote").addEventListener("click", () => addQuote(form).querySelector("input").focus());
  form.querySelector(".cancel-new").addEventListener("click", () => form.remove());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const problems = text.querySelector(":scope > .problems");
    problems.replaceChildren();
    status("checking (build, validation, coverage)…");
    const quotes = extraQuotes(form);
    const { status: code, answer } = await post("new", {
      kind: kind.value, start: Number(sentence.dataset.start), quote: quote.value, values: newValues(form),
      footnote: footnote.value.trim() || null, missingFootnote: missing.value.trim() || null, quotes,
      name: name.value.trim() || null, digest: DATA.digests.statements });
    if (code !== 200) {
      if (code === 409) { status(answer.error, true, true); return; }
      status(answer.error || `error ${code}`, true);
      problems.replaceChildren(...(answer.problems || [{ focus: null, message: answer.error }]).map((p) =>
        el("div", { class: "problem", text: (p.focus ? p.focus + ": " : "") + p.message })));
      return;
    }
    DATA.digests.statements = answer.digest;
    form.remove();
    text.append(el("div", { class: "made", text: "New statement " + answer.statement }));
    const c = answer.coverage;
    status(`made ${answer.statement}; coverage now ${c.covered} of ${c.sentences - c.excluded} sentences`);
  });
  text.append(form);
  renderKind(form, kind.value);
  kind.focus();
}

// ---- the three decisions

async function accept(item) {
  if (!item) return;
  item.querySelector(".problems").replaceChildren();
  status("checking (build, validation, coverage)…");
  const editor = item.querySelector(".editor");
  const { status: code, answer } = await post("accept", { candidate: item.dataset.iri, edits: edits(item),
    add: editor ? newValues(editor) : {}, quote: editor ? editedQuote(editor) : null,
    quotes: editor ? extraQuotes(editor) : [], digest: DATA.digests.statements });
  if (code !== 200) { showFailure(item, code, answer); return; }
  DATA.digests.statements = answer.digest;
  finish(item, "accepted");
  const c = answer.coverage;
  status(`accepted into the statements file; coverage now ${c.covered} of ${c.sentences - c.excluded} sentences`);
}

function askReason(container, placeholder, onDone) {
  if (container.querySelector(".reason-form")) { container.querySelector(".reason-form input").focus(); return; }
  const input = el("input", { type: "text", class: "reason-input", placeholder });
  const form = el("form", { class: "reason-form" }, input, el("button", { type: "submit", text: "Save" }));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); onDone(input.value, form); });
  input.addEventListener("keydown", (ev) => { if (ev.key === "Escape") form.remove(); });
  container.append(form);
  input.focus();
}

function reject(item) {
  if (!item) return;
  askReason(item, "why is this candidate wrong?", async (reason, form) => {
    const { status: code, answer } = await post("reject", { candidate: item.dataset.iri, reason, digest: DATA.digests.rejections });
    if (code !== 200) { showFailure(item, code, answer); return; }
    DATA.digests.rejections = answer.digest;
    form.remove();
    finish(item, "rejected");
    status("rejected; the next draft will not propose it again");
  });
}

function exclude(sentence) {
  if (!sentence) return;
  askReason(sentence.querySelector(".text"), "why is this sentence not turned into statements?", async (reason, form) => {
    const { status: code, answer } = await post("exclude", { start: Number(sentence.dataset.start), reason, digest: DATA.digests.exclusions });
    if (code !== 200) { showFailure(null, code, answer); return; }
    DATA.digests.exclusions = answer.digest;
    form.remove();
    sentence.className = "sentence excluded";
    sentence.querySelector(".badge").textContent = "excluded";
    sentence.querySelector(".exclude-btn")?.remove();
    sentence.querySelector(".text").append(el("div", { class: "reason", text: "Excluded: " + reason }));
    status("sentence excluded");
  });
}

function finish(item, how) {
  item.classList.add("done", how);
  item.querySelector(".actions")?.remove();
  item.querySelector(".editor")?.remove();
  item.querySelector(".problems").replaceChildren();
  item.querySelector(".rule").textContent = how;
  focusItem(current);
}

document.addEventListener("click", (ev) => {
  const item = ev.target.closest(".item");
  if (ev.target.closest(".sentence")) currentSentence = ev.target.closest(".sentence");
  if (item && item.classList.contains("candidate")) focusItem(openCandidates().indexOf(item));
  if (ev.target.classList.contains("new-btn")) newStatement(ev.target.closest(".sentence"));
  if (ev.target.classList.contains("accept-btn")) accept(item);
  if (ev.target.classList.contains("edit-btn")) openEditor(item);
  if (ev.target.classList.contains("reject-btn")) reject(item);
  if (ev.target.classList.contains("exclude-btn")) exclude(ev.target.closest(".sentence"));
});

document.addEventListener("keydown", (ev) => {
  if (ev.target.closest("input, select, textarea") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const keys = {
    j: () => focusItem(current + 1), n: () => focusItem(current + 1), k: () => focusItem(current - 1),
    a: () => accept(currentItem()), e: () => openEditor(currentItem()), r: () => reject(currentItem()),
    x: () => exclude(currentItem()?.closest(".sentence")),
    s: () => newStatement(currentSentence || currentItem()?.closest(".sentence")),
  };
  if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
});
