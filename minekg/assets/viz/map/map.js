// The world map of treaty status (minekg map; see docs/map.md). Everything it shows is in the JSON blob
// #map-data: the shapes as SVG paths, each state's status at each stop of the slider with the statements
// that decide it, and the allegations for the second mode. It makes no request.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const served = location.protocol === "http:" || location.protocol === "https:";
  const svgNS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  const longDate = (iso) => { const [y, m, d] = iso.split("-"); return `${Number(d)} ${months[Number(m) - 1]} ${y}`; };
  // Counts of allegations: 0, 1, 2, 3-4, 5 or more (the palette's five steps).
  const BUCKETS = [[0, 0, "none"], [1, 1, "1"], [2, 2, "2"], [3, 4, "3–4"], [5, Infinity, "5 or more"]];

  let mode = "status";
  let side = "against";
  let stop = data.stops.length - 1;
  let fromYear = null;
  const paths = {};

  // A state's page: on the server, its local page; opened from a file, its IRI.
  const stateHref = (iso3) => served ? `/page/state/${iso3}` : data.stateBase + iso3;
  const docHref = (iri) => served && iri.startsWith("https://w3id.org/minekg/") ? "/" + iri.slice(24) : iri;

  function draw() {
    const svg = $("map");
    svg.setAttribute("viewBox", `0 0 ${data.size[0]} ${data.size[1]}`);
    for (const s of data.shapes) {
      const p = document.createElementNS(svgNS, "path");
      p.setAttribute("d", s.d);
      if (s.iso3) { p.id = "state-" + s.iso3; p.dataset.iso3 = s.iso3; }
      p.dataset.name = s.name;
      if (s.iso3 && data.names[s.iso3]) p.classList.add("state");
      p.addEventListener("mousemove", (e) => hover(s, e));
      p.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
      p.addEventListener("click", () => { if (s.iso3 && data.names[s.iso3]) location.href = stateHref(s.iso3); });
      svg.appendChild(p);
      if (s.iso3) paths[s.iso3] = p;
    }
    const when = $("when");
    when.max = String(data.stops.length - 1);
    when.value = String(stop);
    when.addEventListener("input", () => { stop = Number(when.value); colour(); });
    const years = [...new Set(data.stops.map((s) => Number(s.date.slice(0, 4))))];
    fromYear = years[0];
    $("from-year").innerHTML = years.map((y) => `<option value="${y}">${y}</option>`).join("");
    $("from-year").addEventListener("change", (e) => { fromYear = Number(e.target.value); colour(); });
    for (const r of document.querySelectorAll("input[name=mode]")) {
      r.addEventListener("change", () => { mode = r.value; $("allegation-options").hidden = mode !== "allegations"; colour(); });
    }
    for (const r of document.querySelectorAll("input[name=side]")) r.addEventListener("change", () => { side = r.value; colour(); });
    if (served) {  // on the server, another instrument is another page: /map?instrument=…
      $("back").hidden = false;
      const pick = $("instrument");
      pick.innerHTML = data.instruments.map((i) => `<option value="${esc(i)}">${esc(i)}</option>`).join("");
      pick.value = data.instrument.name;
      pick.addEventListener("change", () => { location.search = "?instrument=" + encodeURIComponent(pick.value); });
    }
    notes();
    colour();
  }

  const statusOf = (iso3) => data.stops[stop].states[iso3] || null;  // [status, since, [basis indexes]]
  const year = () => Number(data.stops[stop].date.slice(0, 4));

  // The allegations made in the period from the chosen year to the slider's year: all that is known of
  // when one was made must fall in it. One known only to be made no later than the document reporting it
  // counts while the period starts at the first year; one of unknown date, while it runs to the last.
  const firstYear = Number(data.stops[0].date.slice(0, 4));
  const lastYear = Number(data.stops[data.stops.length - 1].date.slice(0, 4));
  function allegationsOf(iso3) {
    const to = year();
    return data.allegations.filter((a) => (side === "by" ? a.by === iso3 : a.against.includes(iso3))
      && (a.from !== null ? a.from >= fromYear : fromYear === firstYear)
      && (a.to !== null ? a.to <= to : to === lastYear));
  }

  function made(a) {
    if (a.from !== null) return a.from === a.to ? `made in ${a.from}` : `made ${a.from}–${a.to}`;
    return a.to !== null ? `made no later than ${a.to}` : "date made unknown";
  }

  function bucket(n) { return BUCKETS.findIndex(([lo, hi]) => n >= lo && n <= hi); }

  function fillOf(iso3) {
    if (mode === "status") {
      const s = statusOf(iso3);
      return s ? (data.palette.status[s[0]] || data.palette.unknown) : data.palette.unknown;
    }
    if (!data.names[iso3]) return data.palette.unknown;
    return data.palette.allegations[bucket(allegationsOf(iso3).length)];
  }

  function colour() {
    for (const s of data.shapes) {
      const p = s.iso3 ? paths[s.iso3] : null;
      if (p) p.setAttribute("fill", fillOf(s.iso3));
    }
    for (const p of $("map").querySelectorAll("path:not([data-iso3])")) p.setAttribute("fill", data.palette.unknown);
    const d = data.stops[stop].date;
    $("when-value").textContent = mode === "status" ? longDate(d) : `${fromYear}–${year()}`;
    $("when-heading").textContent = mode === "status" ? "Date" : "Period (years the allegations were made)";
    $("title").textContent = mode === "status"
      ? `${data.instrument.label}: status of each state on ${longDate(d)}`
      : `Allegations ${side === "by" ? "made by" : "made against"} each state, ${fromYear}–${year()}`;
    legend();
  }

  function legend() {
    let html = "";
    if (mode === "status") {
      const counts = {};
      for (const v of Object.values(data.stops[stop].states)) counts[v[0]] = (counts[v[0]] || 0) + 1;
      for (const k of data.statusOrder) {
        const c = data.palette.status[k];
        if (counts[k]) html += `<div class="item"><span class="swatch" style="background:${c}"></span>${esc(k)} (${counts[k]})</div>`;
      }
      html += `<div class="item"><span class="swatch" style="background:${data.palette.unknown}"></span>${esc(data.unknown)}</div>`;
      html += `<p class="hint">On 31 December of each year; the last stop is ${esc(longDate(data.stops[data.stops.length - 1].date))}.</p>`;
    } else {
      BUCKETS.forEach(([, , label], i) => {
        html += `<div class="item"><span class="swatch" style="background:${data.palette.allegations[i]}"></span>${esc(label)}</div>`;
      });
      html += `<div class="item"><span class="swatch" style="background:${data.palette.unknown}"></span>not a state of the graph</div>`;
      html += `<p class="hint">Bodies and officials count as their state. An allegation known only to be made no later than `
        + `its report counts while the period starts in ${firstYear}; one of unknown date, while it runs to ${lastYear}.</p>`;
    }
    $("legend").innerHTML = html;
  }

  function notes() {
    const missing = data.withoutShape.length ? data.withoutShape.map(esc).join(", ") : "none";
    $("notes").innerHTML = `<p>Source: minekg, query ${esc(data.query)} for ${esc(data.instrument.label)}, each state's status as its `
      + `sources' dated treaty actions decide it; hover a state for the statement that decides it, click for its page.</p>`
      + `<p>States with a status but no shape at this scale (${data.withoutShape.length}): ${missing}.</p>`
      + `<p>Shapes: ${esc(data.source)}; Equal Earth projection.</p>`;
  }

  function hover(shape, e) {
    const tip = $("tooltip");
    tip.innerHTML = mode === "status" ? statusTip(shape) : allegationTip(shape);
    const box = $("stage").getBoundingClientRect();
    const x = e.clientX - box.left + 14;
    tip.style.left = Math.min(x, box.width - 380) + "px";
    tip.style.top = (e.clientY - box.top + 14) + "px";
    tip.hidden = false;
  }

  // "https://w3id.org/minekg/id/document/belarus-2022" is shown as "document/belarus-2022"
  const short = (iri) => iri.startsWith("https://w3id.org/minekg/id/") ? iri.slice(27) : iri;

  function statusTip(shape) {
    const name = (shape.iso3 && data.names[shape.iso3]) || shape.name;
    const s = shape.iso3 ? statusOf(shape.iso3) : null;
    if (!s) return `<div><b>${esc(name)}</b></div><div class="status">${esc(data.unknown)}</div>`;
    let html = `<div><b>${esc(name)}</b></div><div class="status">${esc(s[0])}${s[1] ? " since " + esc(longDate(s[1])) : ""}</div>`;
    if (!s[2].length) return html + `<div>No step by this date is recorded; no statement says so.</div>`;
    const b = data.bases[s[2][0]];
    html += b.quote ? `<blockquote>${esc(b.quote)}</blockquote>` : `<div>register row ${esc(b.row)}</div>`;
    html += `<div class="source">source: ${esc(short(b.document))}</div><div class="source">statement: ${esc(short(b.statement))}</div>`;
    if (s[2].length > 1) html += `<div>and ${s[2].length - 1} more statement(s) agreeing</div>`;
    return html;
  }

  function allegationTip(shape) {
    const name = (shape.iso3 && data.names[shape.iso3]) || shape.name;
    if (!shape.iso3 || !data.names[shape.iso3]) return `<div><b>${esc(name)}</b></div>`;
    const found = allegationsOf(shape.iso3);
    let html = `<div><b>${esc(name)}</b></div><div class="status">${found.length} allegation(s) ${side === "by" ? "made" : "against it"}</div>`;
    for (const a of found.slice(0, 4)) {
      html += `<div>${esc(a.text)} (${esc(made(a))})</div>`;
      if (a.quote) html += `<blockquote>${esc(a.quote)}</blockquote>`;
    }
    if (found.length > 4) html += `<div>and ${found.length - 4} more</div>`;
    return html;
  }

  draw();
  window.minekgMap = {
    ready: true,
    stops: data.stops.map((s) => s.date),
    fill: (iso3) => paths[iso3] ? paths[iso3].getAttribute("fill") : null,
    colours: () => Object.fromEntries(Object.keys(paths).map((k) => [k, paths[k].getAttribute("fill")])),
    palette: data.palette,
  };
})();
