"""The one header format of every SPARQL file minekg runs: named queries (queries/), derivation rules
(rules/), export tables and page queries (minekg/sparql/<area>/). Comment lines starting with `#+` hold a
YAML mapping (after grlc and sib-swiss/sparql-examples); SPARQL engines read them as comments. Each kind of
file reads its own keys from it (a named query its params, an export table its columns, a rule its summary)."""

from __future__ import annotations

from collections.abc import Collection

import yaml

from minekg.errors import MinekgError

__all__ = ["parse_header", "require_summary"]


def parse_header(text: str, shown: str, allowed: Collection[str] | None = None) -> dict:
    """The `#+` header of a SPARQL file as a mapping ({} where there is none); bad YAML, or a key outside
    `allowed` (where given: the keys that kind of file reads), is a one-line error naming the file."""
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    try:
        header = yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in lines)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (header line {mark.line + 1})" if mark else ""
        raise MinekgError(f"{shown}: query header is not valid YAML{where}") from None
    if not isinstance(header, dict):
        raise MinekgError(f"{shown}: query header must be a mapping of summary, description, tags, params")
    unknown = set(header) - set(allowed) if allowed is not None else set()
    if unknown:
        raise MinekgError(f"{shown}: unknown header key(s) {', '.join(sorted(unknown))}")
    return header


def require_summary(text: str, shown: str, allowed: Collection[str]) -> dict:
    """The header of a file that must say what it does (a rule): a `#+ summary`, and no key outside `allowed`."""
    header = parse_header(text, shown, allowed)
    if not str(header.get("summary") or "").strip():
        raise MinekgError(f"{shown}: no `#+ summary:` header line saying what it does")
    return header
