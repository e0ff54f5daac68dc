"""How long the seed Kazakhstan profile takes to curate through the curation page from its draft, against
writing it by hand (issue 15).

    python -m bench --only curate

In a temporary copy of the frozen seed project (tests/seed.py) the statements of
graph_data/statements/kazakhstan-2019.ttl are removed (its things, footnotes and cited works kept, the
build needs them) and so is its exclusions file; the document is drafted, built and served with
`minekg serve --curate`, and headless Chromium drives the page as a curator would:

- each candidate that matches a curated statement (bench/draft.py's matcher) is accepted (its button)
  after the edit form (key `e`) has given it what the curated statement says beyond it: a changed
  value, the fields it lacks (a summary, a coverage), further quotes with their footnote numbers; a
  candidate the form cannot turn into the curated statement (a value it has and the curated one lacks,
  another quote) and every other candidate is rejected (key `r`, a reason, Enter);
- each curated statement no accepted candidate stands for is made with "New statement…" (its first
  quote selected in the sentence, key `s`, the kind, its name, footnote numbers, further quotes, each
  field: several values, a quantity's parts, a period, a speech act's content made with it);
- each sentence of the seed exclusions file is excluded (its button, the reason, Enter).

The file the page wrote is then compared with the hand-curated one: graph-isomorphic once the accepted
candidates' IRIs (the drafter's, which accepting keeps so a reload knows the candidate is done) are
renamed to the curated ones; any other triple that differs is listed.

Every key press, click and typed field is counted, and the wall time of each decision (from the first
action to the page's answer, which includes the server's build-and-validate check). The comparison is
with the Turtle lines of the hand-written file and the issue's estimate of 3-6 hours for a 104-statement
profile (about 2-3.5 minutes per statement).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from minekg.build import coverage
from minekg.build.assemble import assemble, build
from minekg.build.validation import validate
from minekg.curation import canonical, compose, review, review_writes
from minekg.curation import draft as draft_doc
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import DOC, MK, shorten
from tests.chromium import CHROMIUM, FLAGS
from tests.seed import SEED_DATA, copy_tree, link_tree
from tests.serve_server import ServeServer

from . import draft as matcher
from .curate_form import payload, statements, strip_statements

SLUG = "kazakhstan-2019"
ISSUE_MINUTES = (3 * 60 / 104, 6 * 60 / 104)  # the issue's 3-6 hours for a 104-statement profile
REJECT_REASON = "does not match a curated statement of the profile (bench)"


@dataclass
class Tally:
    actions: Counter = field(default_factory=Counter)  # (decision, "keys"|"clicks"|"fields") -> n
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: list[str] = field(default_factory=list)
    by_hand: dict[str, str] = field(default_factory=dict)  # curated statement -> why the form cannot say it
    partly: dict[str, str] = field(default_factory=dict)  # made through the form -> what is added by hand

    def act(self, decision: str, keys: int = 0, clicks: int = 0, fields: int = 0) -> None:
        self.actions[decision, "keys"] += keys
        self.actions[decision, "clicks"] += clicks
        self.actions[decision, "fields"] += fields


def prepare(root: Path) -> tuple[Project, Graph, list[matcher.Item]]:
    copy_tree(root)
    project = Project(root)
    doc = URIRef(DOC[SLUG])
    union = assemble(project, derive=False).union()
    curated = matcher.curated_items(union, doc)
    seed = strip_statements(project, SLUG)
    (project.exclusions / f"{SLUG}.yaml").unlink()
    drafted = draft_doc(project, SLUG)
    out = project.graph_data / "drafts" / f"{SLUG}.ttl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(canonical.serialize(drafted), encoding="utf-8")
    build(project)
    return project, seed, curated


# ------------------------------------------------------------------ driving the page


def _wait(page, text: str) -> None:
    page.wait_for_function("t => document.getElementById('curate-status').textContent.includes(t)", arg=text,
                           timeout=300_000)


def _status(page) -> str:
    return page.inner_text("#curate-status")


def _fill(box, values: dict, spec: dict, kinds: dict, counts: Counter) -> None:
    """Type `values` (bench/curate_form.py's form body) into a form's fields: add each field from "add a
    field…" unless shown, "+" for each further value, then its widget (a select is a click, a text a field)."""
    widgets = {f["key"]: f["widget"] for f in spec["fields"]}
    for key, given in values.items():
        row = box.locator(f':scope > .new-fields > .field[data-field="{key}"]')
        if row.count() == 0:
            box.locator(":scope > .more-fields").select_option(key)
            counts["clicks"] += 1
        for i, value in enumerate(given if isinstance(given, list) else [given]):
            if i:
                row.locator(":scope > .another").click()
                counts["clicks"] += 1
            _put(row.locator(":scope > .value").nth(i), widgets[key], value, kinds, counts)


def _put(slot, widget: str, value, kinds: dict, counts: Counter) -> None:
    if widget == "content" and isinstance(value, dict):
        slot.locator(".content-kind").select_option(value["kind"])
        slot.locator(".content-name").fill(value["name"])
        counts["clicks"] += 1
        counts["fields"] += 1
        _fill(slot.locator(".fieldset"), value["values"], kinds[value["kind"]], kinds, counts)
    elif widget in ("quantity", "interval"):
        for part, v in value.items():
            node = slot.locator(f'[data-part="{part}"]')
            if node.evaluate("n => n.tagName") == "SELECT":
                node.select_option(v)
                counts["clicks"] += 1
            else:
                node.fill(v)
                counts["fields"] += 1
    elif widget == "content":
        slot.locator(".content-existing").fill(value)
        counts["fields"] += 1
    elif widget == "entity":
        slot.locator("input.picker").fill(value)
        counts["fields"] += 1
    elif slot.locator("select").count():
        slot.locator("select").select_option(value)
        counts["clicks"] += 1
    else:
        slot.locator("input").fill(value)
        counts["fields"] += 1


def _quotes(form, quotes: list[dict], counts: Counter) -> None:
    for q in quotes:
        form.locator(".add-quote").click()
        row = form.locator(".extra-quote").last
        row.locator(".extra-quote-text").fill(q["quote"])  # pasted, or selected where it stands
        counts["clicks"] += 1
        counts["fields"] += 1 + ("footnote" in q) + ("missingFootnote" in q)
        if "footnote" in q:
            row.locator(".extra-footnote").fill(q["footnote"])
        if "missingFootnote" in q:
            row.locator(".extra-missing").fill(q["missingFootnote"])


def _ev_key(q: dict) -> tuple:
    return (q["quote"], q.get("footnote"), q.get("missingFootnote"))


def amendments(candidate: dict, curated: dict) -> tuple[dict, dict, list[dict]] | str:
    """What the edit form must do to a candidate so that accepting it gives the curated statement: changed
    values, added fields and values, added quotes; or why it cannot (the form adds and changes, never removes)."""
    edits, add, requote = {}, {}, None
    cand_q = [_ev_key(q) for q in [candidate["first"], *candidate["quotes"]]]
    cur_q = {_ev_key(q): q for q in [curated["first"], *curated["quotes"]]}
    if not set(cand_q) <= set(cur_q):
        # the edit form changes a lone quote into a passage of it: the curated quote the candidate's holds
        had = candidate["first"]
        first = next((q for q in cur_q.values() if q["quote"] in had["quote"]), None)
        if candidate["quotes"] or first is None or any(k in had and had[k] != first.get(k)
                                                       for k in ("footnote", "missingFootnote")):
            return "its quote is not one of the curated statement's, and the edit form cannot make it one"
        requote = {"quote": first["quote"], **{k: first[k] for k in ("footnote", "missingFootnote")
                                                 if k in first and k not in had}}
        cand_q = [_ev_key(first)]
    for key, value in curated["values"].items():
        have = candidate["values"].get(key)
        want = value if isinstance(value, list) else [value]
        if have is None:
            add[key] = value
        elif not isinstance(have, list) and len(want) == 1 and isinstance(have, str) and isinstance(want[0], str):
            if have != want[0]:
                edits[key] = want[0]
        elif (have if isinstance(have, list) else [have]) != want[: len(have) if isinstance(have, list) else 1]:
            return f"{key}: a value the edit form cannot change into the curated one"
        elif len(want) > (len(have) if isinstance(have, list) else 1):
            add[key] = want[len(have) if isinstance(have, list) else 1:]
    extra = sorted(set(candidate["values"]) - set(curated["values"]))
    if extra:
        return f"{', '.join(extra)}: the candidate says what the curated statement does not"
    return edits, add, [q for k, q in cur_q.items() if k not in cand_q], requote


def accept(page, tally: Tally, iri: str, amend: tuple, spec: dict, kinds: dict) -> bool:
    item = page.locator(f'.item[data-iri="{iri}"]')
    start = time.perf_counter()
    counts = Counter({"clicks": 1})
    item.locator(".head").click()  # focus it (a curator would press j until it is current)
    edits, add, quotes, requote = amend
    keys = 0
    if edits or add or quotes or requote:
        page.keyboard.press("e")
        keys += 1
        editor = item.locator(".editor")
        if requote:  # select the passage in the sentence, then "Use the selected text"; footnotes typed
            select(item.locator("xpath=ancestor::li[contains(@class, 'sentence')]"), requote["quote"])
            editor.locator(".edit-quote-row .use-selection").click()
            counts["clicks"] += 2
            for key, cls in (("footnote", ".edit-footnote"), ("missingFootnote", ".edit-missing")):
                if key in requote:
                    editor.locator(cls).fill(requote[key])
                    counts["fields"] += 1
        for key, value in edits.items():
            widget = editor.locator(f':scope > .field[data-field="{key}"] [data-key="{key}"]').first
            if widget.evaluate("n => n.tagName") == "SELECT":
                widget.select_option(value)
                counts["clicks"] += 1
            else:
                widget.fill(value)
                counts["fields"] += 1
        _fill(editor, add, spec, kinds, counts)
        _quotes(editor, quotes, counts)
        item.locator(".accept-btn").click()
        counts["clicks"] += 1
    else:
        page.keyboard.press("a")
        keys += 1
    page.wait_for_function("""i => { const n = document.querySelector(`.item[data-iri="${i}"]`);
        return n.classList.contains('accepted') || n.querySelector('.problem'); }""", arg=iri, timeout=300_000)
    tally.act("accept", keys=keys, clicks=counts["clicks"], fields=counts["fields"])
    ok = item.locator(".problem").count() == 0
    if not ok:
        tally.refused.append(f"accept {iri}: {item.locator('.problems').inner_text()}")
    tally.seconds["accept" if ok else "accept refused"].append(time.perf_counter() - start)
    return ok


def reject(page, tally: Tally, iri: str, reason: str) -> None:
    item = page.locator(f'.item[data-iri="{iri}"]')
    start = time.perf_counter()
    item.locator(".head").click()
    page.keyboard.press("r")
    item.locator(".reason-input").fill(reason)
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.item.rejected[data-iri="{iri}"]', timeout=300_000)
    tally.act("reject", keys=2, clicks=1, fields=1)
    tally.seconds["reject"].append(time.perf_counter() - start)


def select(sentence, text: str) -> None:
    """Select `text` in the sentence's text, as a curator's mouse would (one drag)."""
    sentence.locator(".sentence-text").evaluate(
        """(node, text) => { const t = node.firstChild; const i = t.data.indexOf(text);
             const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + text.length);
             const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }""", text)


def make(page, tally: Tally, body: dict, kinds: dict, text: str) -> bool:
    """A new statement on the sentence of its first quote, through the form, from its form body."""
    sentence = page.locator(f'.sentence[data-start="{body["start"]}"]')
    start = time.perf_counter()
    sentence.locator(".badge").click()
    select(sentence, body["quote"])
    page.keyboard.press("s")
    form = sentence.locator(".new-form")
    form.locator(".new-kind-select").select_option(body["kind"])
    form.locator(".new-name").fill(body["name"])
    counts = Counter({"clicks": 3, "fields": 1})  # focus the sentence, select the quote (one drag), the kind
    for key, cls in (("footnote", ".new-footnote"), ("missingFootnote", ".new-missing-footnote")):
        if key in body:
            form.locator(cls).fill(body[key])
            counts["fields"] += 1
    _quotes(form, body["quotes"], counts)
    _fill(form, body["values"], kinds[body["kind"]], kinds, counts)
    made = sentence.locator(".made").count()
    form.locator(".save-new").click()
    counts["clicks"] += 1
    page.wait_for_function("""([s, n]) => { const x = document.querySelector(`.sentence[data-start="${s}"]`);
        return x.querySelectorAll('.made').length > n || x.querySelector('.text > .problems .problem'); }""",
                           arg=[body["start"], made], timeout=300_000)
    tally.act("new statement", keys=1, clicks=counts["clicks"], fields=counts["fields"])
    ok = sentence.locator(".text > .problems .problem").count() == 0
    if not ok:
        problems = sentence.locator(".text > .problems").inner_text()
        tally.refused.append(f"new {body['kind']} s:{SLUG}-{body['name']}: {problems}")
        form.locator(".cancel-new").click()
        sentence.locator(".text > .problems").evaluate("n => n.replaceChildren()")
    tally.seconds["new statement" if ok else "new statement refused"].append(time.perf_counter() - start)
    return ok


def exclude(page, tally: Tally, sentence_text: str, reason: str) -> None:
    norm = coverage._norm(sentence_text)
    rows = page.locator(".sentence.not-covered").evaluate_all(
        "ns => ns.map(n => [n.dataset.start, n.querySelector('.sentence-text').textContent])")
    for start_at, text in rows:  # read first: an excluded sentence leaves the not-covered list
        text = coverage._norm(text)
        row = page.locator(f'.sentence[data-start="{start_at}"]')
        if (text.startswith(norm) or norm.startswith(text)) and row.locator(".exclude-btn").count():
            start = time.perf_counter()
            row.locator(".exclude-btn").click()
            row.locator(".reason-input").fill(reason)
            row.locator(".reason-input").press("Enter")
            page.wait_for_selector(f'.sentence.excluded[data-start="{start_at}"]', timeout=300_000)
            tally.act("exclude", keys=1, clicks=1, fields=1)
            tally.seconds["exclude"].append(time.perf_counter() - start)
            return  # one entry covers every sentence with that text, as in the hand-written file


def _said(body: dict) -> dict:
    first = {k: body[k] for k in ("quote", "footnote", "missingFootnote") if k in body}
    return {"first": first, "quotes": body["quotes"], "values": body["values"]}


def compare(written: Graph, seed: Graph, renamed: dict[URIRef, URIRef]) -> tuple[bool, list[str]]:
    """Is the written file the curated one once accepted candidates carry the curated IRIs? The triples
    that differ otherwise, each prefixed with the side it is on."""
    g = Graph()
    for t in written:
        g.add(tuple(renamed.get(x, x) for x in t))
    _, only_page, only_seed = graph_diff(to_isomorphic(g), to_isomorphic(seed))
    lines = [f"only through the page: {' '.join(x.n3() for x in t)}" for t in sorted(only_page)]
    lines += [f"only in the hand-curated file: {' '.join(x.n3() for x in t)}" for t in sorted(only_seed)]
    return isomorphic(g, seed), lines


def run(root: Path) -> tuple[Tally, dict]:
    from playwright.sync_api import sync_playwright

    project, seed, curated = prepare(root)
    doc = URIRef(DOC[SLUG])
    f = review.files(project, SLUG)
    text = read_text(f.source, SLUG)
    drafted = review.candidates(f)
    cands = [matcher._item(drafted, s, doc) for s in sorted(set(drafted.subjects(MK.draftRule, None)))]
    kinds = compose.kinds(project)
    made: set[URIRef] = set()
    bodies = {s: payload(seed, s, SLUG, text, made) for s in statements(seed)}  # content comes with its act
    tally = Tally()
    renamed: dict[URIRef, URIRef] = {}
    server = ServeServer(None, "--curate", "--workers", "1", root=root).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url(f"/curate/{SLUG}"), timeout=300_000)
            page.wait_for_load_state("load")
            tally.act("open the page", clicks=1)
            for c in cands:
                target = next((k for k in curated if k.iri not in renamed.values() and matcher.matches(c, k)), None)
                if target is None:
                    reject(page, tally, str(c.iri), REJECT_REASON)
                    continue
                cand = payload(review_writes.curated_form(drafted, c.iri), c.iri, SLUG, text, set())
                amend = amendments(_said(cand), _said(bodies[target.iri]))
                if isinstance(amend, str):
                    tally.partly[shorten(str(target.iri))] = f"candidate {shorten(str(c.iri))} rejected: {amend}"
                    reject(page, tally, str(c.iri), f"the curated statement differs: {amend} (bench)")
                elif accept(page, tally, str(c.iri), amend, kinds[f"mk:{target.kind}"], kinds):
                    renamed[c.iri] = target.iri
            for s, body in bodies.items():
                if s not in renamed.values() and not make(page, tally, body, kinds, text):
                    tally.by_hand[shorten(str(s))] = "the page refused it (see below)"
            seed_exclusions = SEED_DATA / "coverage_exclusions" / f"{SLUG}.yaml"
            exclusions = yaml.safe_load(seed_exclusions.read_text(encoding="utf-8"))
            for x in exclusions:
                exclude(page, tally, str(x["sentence"]), str(x["reason"]))
            browser.close()
    finally:
        server.stop()
    report = validate(project)
    cov = coverage.document_coverage(assemble(project), doc)
    seed_cov = coverage.document_coverage(assemble(Project(link_tree(root.parent / "seed"))), doc)
    same, differ = compare(Graph().parse(f.statements, format="turtle"), seed, renamed)
    return tally, {"curated": len(curated), "candidates": len(cands), "accepted": len(renamed),
                   "conforms": report.conforms, "coverage": cov, "seed coverage": seed_cov,
                   "isomorphic": same, "differ": differ,
                   "renamed": {shorten(str(a)): shorten(str(b)) for a, b in sorted(renamed.items())}}


def _lines(path: Path) -> tuple[int, int]:
    """(all non-blank, non-comment lines; those inside statement blocks) of the hand-written file."""
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.lstrip().startswith("#")]
    in_statements, count = False, 0
    for x in lines:
        if re.match(r"^s:", x):
            in_statements = True
        elif re.match(r"^[a-z]+:", x):
            in_statements = False
        count += in_statements
    return len(lines), count


def section() -> str:
    with tempfile.TemporaryDirectory(prefix="minekg-bench-curate-") as tmp:
        tally, facts = run(Path(tmp) / "tree")
    return render(tally, facts)


def render(tally: Tally, facts: dict) -> str:
    all_lines, stmt_lines = _lines(SEED_DATA / "statements" / f"{SLUG}.ttl")
    n = facts["curated"]
    decisions = ["open the page", "accept", "reject", "new statement", "exclude"]
    made = len(tally.seconds.get("new statement", []))
    lines = ["## curate", "",
             "The seed Kazakhstan profile curated through `minekg serve --curate` from its draft, by headless "
             "Chromium (bench/curate_kazakhstan.py): matching candidates accepted after the edit form gave them "
             "what the curated statement says beyond them (or rejected where it cannot), the others rejected, "
             "the rest made with *New statement…*, the seed exclusions excluded; the file written is then "
             "compared with the hand-curated one.", "",
             f"Curated statements with evidence in the profile: {n}; candidates drafted: {facts['candidates']}; "
             f"accepted as curated statements: {facts['accepted']}; made through the form: {made}; "
             f"would be hand-written: {len(tally.by_hand)}.", "",
             "| decision | done | key presses | clicks | fields typed | wall time, total s | median s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    total = Counter()
    for d in decisions + ["accept refused", "new statement refused"]:
        times = sorted(tally.seconds.get(d, []))
        acts = [tally.actions[d, t] for t in ("keys", "clicks", "fields")]
        if not times and not any(acts):
            continue
        done = len(times) if times else 1
        median = f"{times[len(times) // 2]:.1f}" if times else "–"
        lines.append(f"| {d} | {done} | {acts[0]} | {acts[1]} | {acts[2]} | {sum(times):.1f} | {median} |")
        total.update({"keys": acts[0], "clicks": acts[1], "fields": acts[2], "seconds": sum(times)})
    lines.append(f"| **all** | | {total['keys']} | {total['clicks']} | {total['fields']} | {total['seconds']:.1f} | |")
    actions = total["keys"] + total["clicks"] + total["fields"]
    cov, seed = facts["coverage"], facts["seed coverage"]
    low, high = ISSUE_MINUTES
    done = n - len(tally.by_hand)
    lines += ["",
              f"Through the page: {actions} actions in all for {done} of {n} statements "
              f"({actions / max(1, done):.1f} per statement), plus the wait for the server's check "
              f"({total['seconds'] / 60:.1f} min of wall time here, the check building and validating the whole "
              f"graph at each save). The result validates: {facts['conforms']}; coverage {cov.covered} covered "
              f"and {cov.excluded} excluded of {cov.sentences} sentences (hand-curated: {seed.covered} and "
              f"{seed.excluded}).",
              "",
              f"By hand: kazakhstan-2019.ttl has {all_lines} lines of Turtle (not counting comments and blank "
              f"lines), {stmt_lines} of them statements; at the issue's 3-6 hours for a 104-statement profile "
              f"({low:.1f}-{high:.1f} min per statement), its {n} statements take about "
              f"{n * low:.0f}-{n * high:.0f} min.", "",
              "**Against the hand-curated file**: graph-isomorphic once the accepted candidates carry the curated "
              f"IRIs: {facts['isomorphic']}. Accepting keeps the drafter's IRI (so that a reload knows the "
              "candidate is done), so these statements differ from the hand-curated file by their IRI only:", ""]
    lines += [f"- `{a}` is `{b}`" for a, b in facts["renamed"].items()] + [""]
    if facts["differ"]:
        lines += ["Triples that differ besides:", ""] + [f"- {x}" for x in facts["differ"]] + [""]
    if tally.partly:
        lines += ["Matching candidates rejected, the statement made with *New statement…* instead:", ""]
        lines += [f"- `{s}`: {what}" for s, what in sorted(tally.partly.items())]
        lines.append("")
    if tally.by_hand:
        lines += ["Would be hand-written:", ""]
        lines += [f"- `{s}`: {why}" for s, why in sorted(tally.by_hand.items())]
        lines.append("")
    if tally.refused:
        lines += ["Refused by the page:", ""] + [f"- {r}" for r in tally.refused] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(section())
