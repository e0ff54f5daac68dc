"""Reading the curated files: UTF-8 text and Turtle, with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import yaml
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import MinekgError


def read_text(path: Path, shown: str | None = None) -> str:
    """The file's text, decoded strictly as UTF-8 (sources are quoted against these exact characters)."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MinekgError(f"{shown}: file not found") from None
    except OSError as e:
        raise MinekgError(f"{shown}: cannot read: {e.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise MinekgError(
            f"{shown}:{line}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the file as UTF-8"
        ) from None


def parse_turtle(path: Path, shown: str | None = None) -> Graph:
    shown = shown or str(path)
    text = read_text(path, shown)
    g = Graph()
    try:
        g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as e:
        why = str(getattr(e, "_why", "bad syntax")).strip()
        raise MinekgError(f"{shown}:{e.lines + 1}: Turtle syntax error: {why}") from None
    except Exception as e:  # rdflib raises plain exceptions for bad IRIs, literals, prefixes
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise MinekgError(f"{shown}: Turtle error: {first}") from None
    return g


def read_yaml(path: Path, shown: str | None = None):
    """The file's YAML data; a syntax error names the file and line."""
    shown = shown or str(path)
    try:
        return yaml.safe_load(read_text(path, shown))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise MinekgError(f"{shown}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
