"""The rule engine: each rule of draft_rules.yaml whose trigger matches a sentence hands the match to the
builder of its statement kind (builders.py), which finds the actor, dates, figures and other fields around it."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from minekg.curation.builders import BUILDERS, SPEECH
from minekg.curation.model import Candidate, Doc, Rule, RuleSet, context
from minekg.curation.sentences import DraftSentence
from minekg.errors import MinekgError

__all__ = ["SPEECH", "Candidate", "Doc", "RuleSet", "apply", "load_rules"]

RULES_FILE = "draft_rules.yaml"


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise MinekgError(f"{where}: not a valid regular expression: {e}") from None


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules file (package data by default); a bad rule is a one-line error naming it."""
    shown = str(path) if path else f"minekg/curation/{RULES_FILE}"
    text = path.read_text(encoding="utf-8") if path else resources.files(__package__).joinpath(
        RULES_FILE).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise MinekgError(f"{shown}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
    rules = []
    for i, r in enumerate(data.get("rules", [])):
        where = f"{shown}: rule {r.get('id', i)}"
        if not {"id", "kind", "trigger", "confidence"} <= set(r):
            raise MinekgError(f"{where}: needs id, kind, trigger and confidence")
        if r["kind"] not in BUILDERS:
            raise MinekgError(f"{where}: unknown kind {r['kind']!r}")
        rules.append(Rule(r["id"], r["kind"], _compile(r["trigger"], where),
                          _compile(r["unless"], where) if r.get("unless") else None,
                          r.get("set", {}), float(r["confidence"])))
    kinds = [(k["kind"], _compile(k["cue"], shown)) for k in data.get("content_kinds", [])]
    aliases = {k: data.get(k, {}) for k in ("states", "demonyms", "minetypes")}
    return RuleSet(rules, aliases, _compile(data["negation"], shown), _compile(data["reporting"], shown),
                   _compile(data["according_to"], shown), kinds)


def apply(rs: RuleSet, doc: Doc, sentence: DraftSentence) -> list[Candidate]:
    """Every candidate the rules make of one sentence; one per kind, actor and speaker at most."""
    ctx = context(sentence, doc.gz)
    if "\n" not in doc.text[doc.previous_end : sentence.start]:
        ctx.paragraph_date = doc.paragraph_date
    else:
        doc.paragraph_date = None
    doc.previous_end = sentence.end
    if ctx.dates:
        doc.paragraph_date = ctx.dates[-1]
    found: list[Candidate] = []
    seen: set[tuple] = set()
    for rule in rs.rules:
        m = rule.trigger.search(ctx.text)
        if m is None or (rule.unless is not None and rule.unless.search(ctx.text)):
            continue
        for c in BUILDERS[rule.kind](rs, rule, ctx, m, doc):
            key = (c.kind, str(sorted(rule.set.items())), c.value("actor"), c.value("mineType"),
                   c.value("assertedBy") if c.kind in SPEECH else None)
            if key not in seen:
                seen.add(key)
                found.append(c)
    return found
