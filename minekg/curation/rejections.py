"""Candidates a curator rejected: graph_data/drafts/SLUG.rejections.yaml, so that the next `minekg draft`
does not propose them again. Each entry names the candidate IRI, its rule and its quote (a candidate whose
IRI changed, because its actor was renamed, is still recognised by rule and quote) and the curator's reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_yaml


@dataclass(frozen=True)
class Rejection:
    candidate: str
    rule: str
    quote: str
    reason: str


def path(project: Project, slug: str) -> Path:
    return project.graph_data / "drafts" / f"{slug}.rejections.yaml"


def load(project: Project, slug: str) -> list[Rejection]:
    p = path(project, slug)
    if not p.exists():
        return []
    shown = project.rel(p)
    data = read_yaml(p, shown) or []
    keys = ("candidate", "rule", "quote", "reason")
    if not isinstance(data, list) or not all(isinstance(d, dict) and all(k in d for k in keys) for d in data):
        raise MinekgError(f"{shown}: expected a list of {{candidate, rule, quote, reason}} entries")
    return [Rejection(*(str(d[k]) for k in keys)) for d in data]


def is_rejected(rejected: list[Rejection], candidate: str, rule: str, quote: str) -> bool:
    return any(r.candidate == candidate or (r.rule == rule and r.quote == quote) for r in rejected)


def yaml_item(fields: dict[str, str]) -> str:
    """One YAML list item; JSON strings are YAML double-quoted scalars, so any quote text is safe."""
    return "".join(f"{'- ' if i == 0 else '  '}{k}: {json.dumps(v, ensure_ascii=False)}\n"
                   for i, (k, v) in enumerate(fields.items()))


def entry(r: Rejection) -> str:
    return yaml_item({"candidate": r.candidate, "rule": r.rule, "quote": r.quote, "reason": r.reason})


HEADER = "# Candidates rejected in review (minekg serve --curate); `minekg draft` does not propose them again.\n"
