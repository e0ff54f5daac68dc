"""How long the seed Kazakhstan profile takes to curate through the curation page from its draft, against
writing it by hand (issue 15).

    python -m bench --only curate

In a temporary copy of the frozen seed project (tests/seed.py) the statements of
graph_data/statements/kazakhstan-2019.ttl are removed (its things, footnotes and cited works kept, the
build needs them) and so is its exclusions file; the document is drafted, built and served with
`minekg serve --curate`, and headless Chromium drives the page as a curator would:

- each candidate that matches a curated statement (bench/draft.py's matcher) is accepted (key `a`), the
  others rejected (key `r`, a reason, Enter); a second candidate for the same statement is rejected too;
- each curated statement no accepted candidate stands for is made with "New statement…" (its quote
  selected in the sentence, key `s`, the kind and each field filled) when the form can say all of it;
  what the form cannot say (a speech act's content, an interval, a second evidence or quote, a field
  with two values, a quote across sentences, …) is counted as "would be hand-written", with why;
- each sentence of the seed exclusions file is excluded (its button, the reason, Enter).

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
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from minekg.build import coverage
from minekg.build.assemble import assemble, build
from minekg.build.validation import validate
from minekg.curation import canonical, compose, review
from minekg.curation import draft as draft_doc
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import DOC, MK, shorten
from tests.chromium import CHROMIUM, FLAGS
from tests.seed import SEED_DATA, copy_tree, link_tree
from tests.serve_server import ServeServer

from . import draft as matcher

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


# ------------------------------------------------------------------ the project without the statements


def _is_statement(g: Graph, s, kinds: set) -> bool:
    return any(t in kinds for t in g.objects(s, RDF.type))


def strip_statements(project: Project) -> Graph:
    """Remove the statements of the profile's file (kept: its things, footnotes, cited works); return
    the file's graph as it was."""
    path = project.statements / f"{SLUG}.ttl"
    g = Graph().parse(path, format="turtle")
    onto = Graph().parse(project.ontology / "minekg.ttl", format="turtle")
    kinds = set(onto.transitive_subjects(RDFS.subClassOf, MK.Statement))
    kept = Graph()
    todo = [s for s in set(g.subjects()) if not isinstance(s, BNode) and not _is_statement(g, s, kinds)]
    while todo:  # a kept thing with its blank nodes
        n = todo.pop()
        for t in g.triples((n, None, None)):
            kept.add(t)
            if isinstance(t[2], BNode):
                todo.append(t[2])
    path.write_text(canonical.serialize(kept, "# kazakhstan-2019 without its statements (bench)"), encoding="utf-8")
    (project.exclusions / f"{SLUG}.yaml").unlink()
    return g


def prepare(root: Path) -> tuple[Project, Graph, list[matcher.Item]]:
    copy_tree(root)
    project = Project(root)
    doc = URIRef(DOC[SLUG])
    union = assemble(project, derive=False).union()
    curated = matcher.curated_items(union, doc)
    strip_statements(project)
    drafted = draft_doc(project, SLUG)
    out = project.graph_data / "drafts" / f"{SLUG}.ttl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(canonical.serialize(drafted), encoding="utf-8")
    build(project)
    return project, union, curated


# ------------------------------------------------------------------ what the form can say


EVIDENCE_FORM = {"mk:source", "mk:quote", "mk:footnote", "mk:startOffset", "mk:endOffset", "rdf:type"}


def _placed(g: Graph, ev, text: str, sentences) -> coverage.Sentence | None:
    """The sentence holding the evidence's quote, when the form can take it (one sentence, found once)."""
    quote = str(g.value(ev, MK.quote) or "")
    if g.value(ev, MK.source) != URIRef(DOC[SLUG]) or text.count(quote) != 1:
        return None
    return next((x for x in sentences if quote in x.text), None)


def form_values(g: Graph, s: URIRef, spec: dict, text: str, sentences) -> tuple[dict, dict, list[str]] | str:
    """The new-statement form's inputs for curated statement `s` and what would still be added by hand
    (a second quote, a field the form does not offer, a second value), or why the form cannot make it."""
    by_key = {f["key"]: f for f in spec["fields"]}
    values: dict[str, str] = {}
    left: list[str] = []
    usable = sorted((ev for ev in g.objects(s, MK.evidence) if _placed(g, ev, text, sentences)),
                    key=lambda ev: str(g.value(ev, MK.quote)))
    if not usable:
        return "no quote the form can take (across sentences, found more than once, or another document's)"
    ev = usable[0]
    others = len(list(g.objects(s, MK.evidence))) - 1
    if others:
        left.append(f"{others} more evidence (quote)" + ("s" if others > 1 else ""))
    left += [f"evidence {shorten(str(p))}" for p in sorted(set(g.predicates(ev)), key=str)
             if shorten(str(p)) not in EVIDENCE_FORM]
    for p in sorted(set(g.predicates(s)), key=str):
        if p in (RDF.type, MK.evidence):
            continue
        key = shorten(str(p))
        objs = sorted(g.objects(s, p), key=str)
        if key not in by_key:
            left.append(f"{key} (not offered)")
            continue
        if len(objs) > 1:
            left.append(f"{len(objs) - 1} more {key}")
        o = objs[0]
        if by_key[key]["widget"] == "quantity" and not set(g.predicates(o)) - {RDF.type, MK.value}:
            values[key] = str(int(g.value(o, MK.value)))
        elif isinstance(o, BNode):
            left.append(f"{key} (a structured value)")
        else:
            values[key] = str(o) if isinstance(o, Literal) else shorten(str(o))
    sentence = _placed(g, ev, text, sentences)
    footnote = g.value(ev, MK.footnote)
    where = {"quote": str(g.value(ev, MK.quote)), "start": sentence.start}
    if footnote is not None:
        where["footnote"] = str(footnote).rsplit("-", 1)[1]
    return values, where, left


# ------------------------------------------------------------------ driving the page


def _wait(page, text: str) -> None:
    page.wait_for_function("t => document.getElementById('curate-status').textContent.includes(t)", arg=text,
                           timeout=300_000)


def _status(page) -> str:
    return page.inner_text("#curate-status")


def decide(page, tally: Tally, iri: str, accept: bool) -> bool:
    item = page.locator(f'.item[data-iri="{iri}"]')
    start = time.perf_counter()
    item.locator(".head").click()  # focus it (a curator would press j until it is current)
    if accept:
        page.keyboard.press("a")
        page.wait_for_function("""i => { const n = document.querySelector(`.item[data-iri="${i}"]`);
            return n.classList.contains('accepted') || n.querySelector('.problem'); }""", arg=iri, timeout=300_000)
        tally.act("accept", keys=1, clicks=1)
        ok = item.locator(".problem").count() == 0
        tally.seconds["accept" if ok else "accept refused"].append(time.perf_counter() - start)
        return ok
    page.keyboard.press("r")
    item.locator(".reason-input").fill(REJECT_REASON)
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.item.rejected[data-iri="{iri}"]', timeout=300_000)
    tally.act("reject", keys=2, clicks=1, fields=1)
    tally.seconds["reject"].append(time.perf_counter() - start)
    return True


def make(page, tally: Tally, kind: str, values: dict, where: dict) -> bool:
    sentence = page.locator(f'.sentence[data-start="{where["start"]}"]')
    start = time.perf_counter()
    sentence.locator(".badge").click()
    sentence.locator(".sentence-text").evaluate(
        """(node, text) => { const t = node.firstChild; const i = t.data.indexOf(text);
             const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + text.length);
             const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }""", where["quote"])
    page.keyboard.press("s")
    form = sentence.locator(".new-form")
    form.locator(".new-kind-select").select_option(kind)
    clicks, typed = 3, 0  # focus the sentence, select the quote (one drag), choose the kind
    for key, value in values.items():
        if form.locator(f'.new-fields [data-key="{key}"]').count() == 0:
            form.locator(".more-fields").select_option(key)
            clicks += 1
        widget = form.locator(f'.new-fields [data-key="{key}"]').first
        if widget.evaluate("n => n.tagName") == "SELECT":
            widget.select_option(value)
            clicks += 1
        else:
            widget.fill(value)
            typed += 1
    if "footnote" in where:
        form.locator(".new-footnote").fill(where["footnote"])
        typed += 1
    made = page.locator(f'.sentence[data-start="{where["start"]}"] .made').count()
    form.locator(".save-new").click()
    clicks += 1
    page.wait_for_function("""([s, n]) => { const x = document.querySelector(`.sentence[data-start="${s}"]`);
        return x.querySelectorAll('.made').length > n || x.querySelector('.text > .problems .problem'); }""",
                           arg=[where["start"], made], timeout=300_000)
    tally.act("new statement", keys=1, clicks=clicks, fields=typed)
    ok = sentence.locator(".text > .problems .problem").count() == 0
    if not ok:
        tally.refused.append(f"new {kind}: {sentence.locator('.text > .problems').inner_text()}")
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


def run(root: Path) -> tuple[Tally, dict]:
    from playwright.sync_api import sync_playwright

    project, original, curated = prepare(root)
    doc = URIRef(DOC[SLUG])
    f = review.files(project, SLUG)
    text = read_text(f.source, SLUG)
    sentences = coverage.sentences(text)
    drafted = review.candidates(f)
    cands = [matcher._item(drafted, s, doc) for s in sorted(set(drafted.subjects(MK.draftRule, None)))]
    kinds = compose.kinds(project)
    tally = Tally()
    stood_for: set[URIRef] = set()
    server = ServeServer(None, "--curate", "--workers", "1", root=root).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url(f"/curate/{SLUG}"), timeout=300_000)
            tally.act("open the page", clicks=1)
            for c in cands:
                target = next((k for k in curated if k.iri not in stood_for and matcher.matches(c, k)), None)
                if target is not None and decide(page, tally, str(c.iri), accept=True):
                    stood_for.add(target.iri)
                    continue
                if target is not None:
                    tally.refused.append(f"accept {shorten(str(c.iri))}: {_status(page)}")
                decide(page, tally, str(c.iri), accept=False)
            for k in curated:
                if k.iri in stood_for:
                    continue
                kind = f"mk:{k.kind}"
                if kind not in kinds:
                    tally.by_hand[shorten(str(k.iri))] = f"{k.kind}: a speech act needs its content statement"
                    continue
                spec = form_values(original, k.iri, kinds[kind], text, sentences)
                if isinstance(spec, str):
                    tally.by_hand[shorten(str(k.iri))] = f"{k.kind}: {spec}"
                elif not make(page, tally, kind, spec[0], spec[1]):
                    left = ", ".join(spec[2])
                    tally.by_hand[shorten(str(k.iri))] = f"{k.kind}: the page refused it without {left}"
                elif spec[2]:
                    tally.partly[shorten(str(k.iri))] = f"{k.kind}: " + ", ".join(spec[2])
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
    return tally, {"curated": len(curated), "candidates": len(cands), "accepted": len(stood_for),
                   "conforms": report.conforms, "coverage": cov, "seed coverage": seed_cov}


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
    lines = ["## curate", "",
             "The seed Kazakhstan profile curated through `minekg serve --curate` from its draft, by headless "
             "Chromium (bench/curate_kazakhstan.py): matching candidates accepted, the others rejected, the rest "
             "made with *New statement…* where the form can say them, the seed exclusions excluded.", "",
             f"Curated statements with evidence in the profile: {n}; candidates drafted: {facts['candidates']}; "
             f"accepted as curated statements: {facts['accepted']}; made through the form: "
             f"{len(tally.seconds.get('new statement', []))} ({len(tally.partly)} of them completed by hand); "
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
    lines += ["",
              f"Through the page: {actions} actions in all for {n - len(tally.by_hand)} of {n} statements "
              f"({actions / max(1, n - len(tally.by_hand)):.1f} per statement made), plus the wait for the "
              f"server's check ({total['seconds'] / 60:.1f} min of wall time here, the check building and "
              f"validating the whole graph at each save). The result validates: {facts['conforms']}; coverage "
              f"{cov.covered} covered and {cov.excluded} excluded of {cov.sentences} sentences "
              f"(hand-curated: {seed.covered} and {seed.excluded}).",
              "",
              f"By hand: kazakhstan-2019.ttl has {all_lines} lines of Turtle (not counting comments and blank "
              f"lines), {stmt_lines} of them statements; at the issue's 3-6 hours for a 104-statement profile "
              f"({low:.1f}-{high:.1f} min per statement), its {n} statements take about "
              f"{n * low:.0f}-{n * high:.0f} min.", ""]
    if tally.by_hand:
        lines += ["Would be hand-written (what the form cannot say):", ""]
        lines += [f"- `{s}`: {why}" for s, why in sorted(tally.by_hand.items())]
        lines.append("")
    if tally.partly:
        lines += ["Made through the form, then completed by hand (what the form left out):", ""]
        lines += [f"- `{s}`: {what}" for s, what in sorted(tally.partly.items())]
        lines.append("")
    if tally.refused:
        lines += ["Refused by the page:", ""] + [f"- {r}" for r in tally.refused] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(section())
